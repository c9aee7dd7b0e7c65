"""The one exception hierarchy of camscan."""

from __future__ import annotations


class ScannerError(Exception):
    """Base of every error camscan raises on purpose."""


class InputError(ScannerError):
    """An input file or argument cannot be used (exit status 2)."""


class CaptureFormatError(InputError):
    """A file is not a capture camscan can read."""


class DatabaseError(ScannerError):
    """vendor_db is malformed or a fingerprint fails its own examples."""


class RuntimeFailure(ScannerError):
    """The environment stops the run: no privileges, no such interface (exit status 3)."""
