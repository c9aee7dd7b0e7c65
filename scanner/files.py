"""Writing output files without clobbering anything: a regular file or a new path is replaced by
rename, so readers see the old file or the whole new one; a character device or FIFO is written
in place; /dev/stdout, /dev/fd/N and /proc/self/fd/N write to the descriptor the process holds."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from scanner.errors import InputError, RuntimeFailure, ScannerError

# Paths that name one of this process's own descriptors: reopening them would truncate or
# replace whatever the shell connected (a `>>` log, a pipe), so the descriptor is used as is.
_OWN_FD = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/thread-self/fd)/(\d+)$")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
# errno values that say the environment failed (disk full, I/O error, a FIFO's reader gone),
# not the path given
_RUNTIME_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EPIPE})


def own_descriptor(path: str | os.PathLike[str]) -> int | None:
    """The descriptor number `path` names (/dev/stdout, /dev/fd/1, ...), or None."""
    text = os.fspath(path)
    if text in _STD_NAMES:
        return _STD_NAMES[text]
    match = _OWN_FD.match(text)
    return int(match.group(1)) if match else None


def check_target(path: Path) -> None:
    """Raise InputError unless an output can be written to `path` (checked before any work)."""
    fd = own_descriptor(path)
    if fd is not None:
        try:
            os.fstat(fd)
        except OSError as exc:
            raise error(path, exc) from exc
        return
    mode = _mode(path)
    if mode is None:
        _check_folder(path)
    elif stat.S_ISREG(mode):
        _check_folder(Path(os.path.realpath(path)))
    elif not os.access(path, os.W_OK):
        raise InputError(f"cannot write to {path}: permission denied")


def _mode(path: Path) -> int | None:
    """st_mode of what `path` leads to; None for a new path; InputError for what cannot be one."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(f"cannot write to {path}: it is a dangling link") from None
        return None
    except OSError as exc:
        raise error(path, exc) from exc
    if stat.S_ISDIR(mode):
        raise InputError(f"cannot write to {path}: it is a directory")
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise InputError(f"cannot write to {path}: not a file, FIFO or character device")
    return mode


def _check_folder(path: Path) -> None:
    """Whether a file can be created beside `path`: try it, and remove the trial file."""
    try:
        fd, trial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise error(path, exc) from exc
    os.close(fd)
    os.unlink(trial)


class OutputFile:
    """An output being written: to a temporary file that `commit` renames over a regular file
    or a new path, or straight to a device, FIFO or one of the process's own descriptors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tmp: str | None = None
        self._target = path
        self._keep_mode: int | None = None
        fd = own_descriptor(path)
        try:
            if fd is not None:
                _flush_std(fd)
                self._fh: BinaryIO = os.fdopen(os.dup(fd), "wb")
                return
            mode = _mode(path)
            if mode is not None and not stat.S_ISREG(mode):
                # no O_CREAT, no O_TRUNC: a device or FIFO is opened as it is
                flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
                self._fh = os.fdopen(os.open(path, flags), "wb")
                return
            if mode is not None:
                # through a link, the file it points at is replaced and the link is kept
                self._target = Path(os.path.realpath(path))
                self._keep_mode = stat.S_IMODE(mode)
            prefix = f".{self._target.name}."
            tmp_fd, self._tmp = tempfile.mkstemp(dir=self._target.parent, prefix=prefix,
                                                 suffix=".tmp")  # fmt: skip
            self._fh = os.fdopen(tmp_fd, "wb")
        except OSError as exc:
            raise error(path, exc) from exc

    def write(self, data: bytes) -> None:
        """Add `data` to the output."""
        try:
            self._fh.write(data)
        except OSError as exc:
            self.discard()
            raise error(self.path, exc) from exc

    def commit(self) -> None:
        """Finish the output: flushed, synced and (for a file) renamed into place."""
        try:
            self._fh.flush()
            if self._tmp is not None:
                os.fsync(self._fh.fileno())
            self._fh.close()
            if self._tmp is not None:
                if self._keep_mode is not None:
                    os.chmod(self._tmp, self._keep_mode)
                os.replace(self._tmp, self._target)
                self._tmp = None
        except OSError as exc:
            self.discard()
            raise error(self.path, exc) from exc

    def discard(self) -> None:
        """Give up: close, and remove the temporary file; the target stays as it was."""
        with contextlib.suppress(OSError):
            self._fh.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole (see OutputFile); nothing is left behind on any failure,
    interruption or SIGTERM (once the CLI turns it into an exception)."""
    out = OutputFile(path)
    try:
        out.write(data)
        out.commit()
    except BaseException:
        out.discard()
        raise


def replace_atomically(target: Path, data: bytes) -> None:
    """Readers of `target` see the old file or the complete new one, never a partial write."""
    write_file(target, data)


def _flush_std(fd: int) -> None:
    """What the process already wrote to its stdout or stderr comes before the output."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            if stream.fileno() == fd:
                stream.flush()


def error(target: Path | str, exc: OSError) -> ScannerError:
    """An unusable path is bad input (exit 2); a full disk or an I/O error is runtime (exit 3)."""
    message = f"cannot write to {target}: {exc.strerror or exc}"
    if exc.errno in _RUNTIME_ERRNOS:
        return RuntimeFailure(message)
    return InputError(message)
