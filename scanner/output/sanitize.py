"""Making untrusted strings safe to show on a terminal."""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
# Terminal escape sequences (ECMA-48): string commands (OSC, DCS, SOS, PM, APC) run to a
# terminator (BEL or ST) or to the end of the text; CSI takes parameters and one final byte;
# other ESC sequences are intermediates plus one final byte. Both 7-bit (ESC x) and 8-bit C1
# introducers are covered, since some terminals still honour the 8-bit forms.
_ESCAPE = re.compile(
    r"""
      (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?
    | (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]
    | \x1b [ -/]* [0-~]
    """,
    re.VERBOSE,
)
_SPACES = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " "})
# Cc: C0/C1 controls; Cf: format characters, including the bidi overrides that can make a
# value display as something else; Zl/Zp: line/paragraph separators; Cs: lone surrogates.
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def terminal_safe(s: str, limit: int = 200) -> str:
    """`s` without escape sequences or control/format characters, at most `limit` characters."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    s = s[: limit * 4]  # bound the work on huge values before the regex runs
    s = _ESCAPE.sub("", s).translate(_SPACES)
    s = "".join(ch for ch in s if unicodedata.category(ch) not in _DROP_CATEGORIES)
    return s if len(s) <= limit else s[: limit - 1] + ELLIPSIS
