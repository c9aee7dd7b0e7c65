"""Turning untrusted bytes into bounded, printable text."""

from __future__ import annotations

import re

MAX_VALUE = 512
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def text(raw: bytes | str, limit: int = MAX_VALUE, strip: bool = True) -> str:
    """Decode as UTF-8 (invalid bytes replaced), drop control characters, cut to `limit` chars;
    surrounding blanks are removed unless `strip` is false (where spacing is the evidence)."""
    s = raw.decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else raw
    if len(s) > limit * 4:
        s = s[: limit * 4]
    s = _CONTROL.sub("", s)
    return (s.strip() if strip else s)[:limit]


def was_cut(raw: bytes | str, limit: int = MAX_VALUE) -> bool:
    """True when `text(raw, limit)` would have dropped content beyond the limit."""
    return len(raw) > limit
