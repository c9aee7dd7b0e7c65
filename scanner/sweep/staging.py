"""Report files written in two steps: temporary files first, renamed into place once it is safe.

A character device, a FIFO or one of the process's own descriptors (/dev/stdout) cannot be
replaced by rename: it is written in place at once, before the run is committed, so a failure
there still leaves the run unrecorded.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from scanner import files
from scanner.errors import InputError, RuntimeFailure


class StagedFiles:
    """Temporary files waiting to replace their targets; publish() or discard() ends them."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path, int | None]] = []  # (temporary, target, mode)

    def add(self, target: Path, text: str) -> None:
        """Write `text` (UTF-8) to a synced temporary file beside `target` (in place to a
        device, FIFO or descriptor)."""
        data = text.encode("utf-8", "backslashreplace")
        if _in_place(target):
            files.write_file(target, data)
            return
        mode = _existing_mode(target)
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise _unwritable(target, exc) from exc
        self.pending.append((Path(tmp), target, mode))
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
        except OSError as exc:
            raise _unwritable(target, exc) from exc

    def publish(self) -> tuple[Path, ...]:
        """Rename every temporary file onto its target; the targets, in order."""
        done: list[Path] = []
        for tmp, target, _ in self.pending:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                left = ", ".join(str(t) for t, _, _ in self.pending[len(done) :])
                raise RuntimeFailure(
                    f"the run is recorded but {target} could not be put in place "
                    f"({exc.strerror or exc}); the report is kept in {left}"
                ) from exc
            done.append(target)
        self.pending = []
        return tuple(done)

    def discard(self) -> None:
        """Remove the temporary files; the targets stay as they were."""
        for tmp, _, _ in self.pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.pending = []


def _in_place(target: Path) -> bool:
    """Whether `target` is written in place: one of our descriptors, a device or a FIFO."""
    if files.own_descriptor(target) is not None:
        return True
    try:
        mode = target.stat().st_mode
    except OSError:
        return False  # a new path, or one _existing_mode explains
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _existing_mode(target: Path) -> int | None:
    """Permission bits of the regular file to be replaced; None for a new path."""
    try:
        st = target.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"cannot write report to {target}: it exists and is not a regular file")
    return stat.S_IMODE(st.st_mode)


def _unwritable(target: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write report to {target}: {exc.strerror or exc}")
