"""The one exception hierarchy of camscan; each error carries the exit status it stands for."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What the process exit code means (DESIGN §3.1)."""

    OK = 0
    POLICY = 1  # --fail-on condition met (devices of concern, or new ones)
    USAGE = 2  # bad usage or unreadable input
    RUNTIME = 3  # the environment stopped the run (privileges, interface)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT); the partial report was written
    STDOUT_CLOSED = 141  # the reader of stdout went away (128 + SIGPIPE), e.g. `| head`
    TERMINATED = 143  # SIGTERM (128 + SIGTERM); temporary files were removed


class ScannerError(Exception):
    """Base of every error camscan raises on purpose."""

    exit_status = ExitStatus.RUNTIME


class InputError(ScannerError):
    """An input file or argument cannot be used (exit status 2)."""

    exit_status = ExitStatus.USAGE


class CaptureFormatError(InputError):
    """A file is not a capture camscan can read."""


class DatabaseError(ScannerError):
    """vendor_db is malformed or a fingerprint fails its own examples (exit status 2)."""

    exit_status = ExitStatus.USAGE


class RuntimeFailure(ScannerError):
    """The environment stops the run: no privileges, no such interface (exit status 3)."""
