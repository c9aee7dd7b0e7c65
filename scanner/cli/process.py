"""The process around a command: SIGTERM as an exception (so temporary files are removed), and
standard output that may be closed early (`| head`) or full (`> /dev/full`)."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from types import FrameType
from typing import NoReturn

from scanner.errors import ExitStatus, ScannerError


class Terminated(BaseException):  # noqa: N818 - named after the signal, like KeyboardInterrupt
    """SIGTERM arrived; raised where the process was, so `finally` blocks and clean-ups run."""


class StdoutFailed(ScannerError):
    """Standard output cannot take the report (a full disk or device, an I/O error)."""


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
