"""The findings report as a JSON document: deterministic text, atomic file writes."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanner import files
from scanner.output.sanitize import json_safe

STDOUT = "-"


def dumps(report: Mapping[str, Any]) -> str:
    """The report as indented JSON text ending in a newline, keys in the order given; control,
    bidi and line-separator characters are \\u escapes (the values are unchanged)."""
    return json_safe(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def encode(text: str) -> bytes:
    """UTF-8 bytes of JSON text; lone surrogates become JSON \\u escapes instead of failing."""
    # Surrogates can only occur inside JSON strings, where "\udcxx" is a valid escape that
    # decodes back to the same code point, so the file stays valid UTF-8 and valid JSON.
    return text.encode("utf-8", "backslashreplace")


def write(report: Mapping[str, Any], path: str | os.PathLike[str]) -> str | None:
    """Write the report to `path` (see files.write_file); for "-" write nothing, return the text."""
    text = dumps(report)
    if os.fspath(path) == STDOUT:
        return text
    files.write_file(Path(path), encode(text))
    return None


def replace_atomically(target: Path, data: bytes) -> None:
    """Readers of `target` see the old file or the complete new one, never a partial write."""
    files.replace_atomically(target, data)
