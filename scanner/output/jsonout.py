"""The findings report as a JSON document: deterministic text, atomic file writes."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanner.errors import InputError

STDOUT = "-"


def dumps(report: Mapping[str, Any]) -> str:
    """The report as indented JSON text ending in a newline, keys in the order given."""
    return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def encode(text: str) -> bytes:
    """UTF-8 bytes of JSON text; lone surrogates become JSON \\u escapes instead of failing."""
    # Surrogates can only occur inside JSON strings, where "\udcxx" is a valid escape that
    # decodes back to the same code point, so the file stays valid UTF-8 and valid JSON.
    return text.encode("utf-8", "backslashreplace")


def write(report: Mapping[str, Any], path: str | os.PathLike[str]) -> str | None:
    """Write the report to `path` atomically; for "-" write nothing and return the text."""
    text = dumps(report)
    if os.fspath(path) == STDOUT:
        return text
    replace_atomically(Path(path), encode(text))
    return None


def replace_atomically(target: Path, data: bytes) -> None:
    """Readers of `target` see the old file or the complete new one, never a partial write."""
    try:
        mode = _existing_mode(target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _unwritable(target, exc) from exc
        raise


def _existing_mode(target: Path) -> int | None:
    """Permission bits of the file being replaced; None for a new file, which stays 0600."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return None


def _unwritable(target: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write report to {target}: {exc.strerror or exc}")
