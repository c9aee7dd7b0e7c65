"""The process around a command: SIGTERM as an exception (so temporary files are removed), and
standard output that may be closed early (`| head`) or full (`> /dev/full`)."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any, NoReturn, TextIO, cast

from scanner.errors import ExitStatus, ScannerError


class Terminated(BaseException):  # noqa: N818 - named after the signal, like KeyboardInterrupt
    """SIGTERM arrived; raised where the process was, so `finally` blocks and clean-ups run."""


class StdoutFailed(ScannerError):
    """Standard output cannot take the report (a full disk or device, an I/O error)."""


class StdoutClosed(Exception):  # noqa: N818 - a state, like BrokenPipeError's
    """Standard output's reader went away (`| head`), seen through the guarded sys.stdout."""


class _GuardedStdout:
    """sys.stdout whose failures rich and typer cannot turn into their own exit status 1: a
    closed pipe raises StdoutClosed, any other write error StdoutFailed, and every later
    write raises it again (typer's stream probe swallows the first)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._failure: Exception | None = None

    def write(self, text: str) -> int:
        """Write `text` to the real stream."""
        self._check()
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        """Flush the real stream."""
        self._check()
        try:
            self._stream.flush()
        except OSError as exc:
            raise self._failed(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def _check(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _failed(self, exc: OSError) -> Exception:
        """The failure `exc` stands for, kept; fd 1 then leads nowhere so nothing fails twice."""
        if isinstance(exc, BrokenPipeError):
            self._failure = StdoutClosed()
        else:
            self._failure = StdoutFailed(f"cannot write to standard output: {exc.strerror or exc}")
        _detach_stdout()
        return self._failure


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """sys.stdout guarded (see _GuardedStdout) while the block runs: rich and typer print
    through it (rich exits 1 on a broken pipe, typer's help does too)."""
    real = sys.stdout
    sys.stdout = cast(TextIO, _GuardedStdout(real))
    try:
        yield
    finally:
        sys.stdout = real


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process outright
    raise Terminated


def install() -> None:
    """Turn SIGTERM into the Terminated exception (main thread only)."""
    with contextlib.suppress(ValueError):  # not the main thread: leave the default
        signal.signal(signal.SIGTERM, _on_sigterm)


def write_stdout(text: str) -> None:
    """Write report text to stdout as UTF-8, a lone surrogate (from a file name that is not
    UTF-8) as a visible escape whatever the locale; StdoutFailed when stdout cannot take it
    (BrokenPipeError passes)."""
    try:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            sys.stdout.flush()
            buffer.write(text.encode("utf-8", "backslashreplace"))
    except BrokenPipeError:
        raise
    except OSError as exc:
        _detach_stdout()
        raise StdoutFailed(f"cannot write to standard output: {exc.strerror or exc}") from None


def flush_stdout() -> None:
    """Flush stdout now, so a failure is reported here instead of at interpreter exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _detach_stdout()
        raise StdoutFailed(f"cannot write to standard output: {exc.strerror or exc}") from None


def stdout_closed() -> int:
    """The status for a reader that went away: nothing more is written, nothing is said."""
    _detach_stdout()
    return int(ExitStatus.STDOUT_CLOSED)


def _detach_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def leave(status: int) -> NoReturn:
    """End the process with `status`: atexit handlers run and stdout and stderr are flushed,
    but the interpreter's teardown (freeing every object and module of the run, tens of ms
    that nobody waits for) is skipped, unless another thread is still running or a profiler,
    debugger or coverage tracer is attached (they write their results at interpreter exit)."""
    if threading.active_count() > 1 or sys.gettrace() or sys.getprofile():
        sys.exit(status)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
