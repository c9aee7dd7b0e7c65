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


# Every Cc, Cf, Zl and Zp code point (Unicode 15.1; a test checks it against the running
# Python's unicodedata): controls, bidi overrides and isolates, zero-width characters and the
# line/paragraph separators that some JSON readers split lines on.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_KEEP_BREAKS = frozenset("\t\n\r")
# The same characters but JSON's own whitespace: json.dumps escapes every C0 control inside a
# string, so a tab or line break in JSON text is layout, and an indented report has thousands.
_UNSAFE_IN_JSON = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b\x0c\x0e-\x1f", 1))


_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_REPLACE_AT_MOST = 16  # distinct unsafe characters replaced one by one; more: one regex pass


def _json_code(ch: str) -> str:
    """The JSON escape of one character (a surrogate pair beyond the BMP)."""
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_safe(text: str) -> str:
    """JSON text with every control, format and separator character written as a \\u escape.

    Only valid inside JSON text, where such characters can occur only within strings (json.dumps
    already escapes C0 controls): the document decodes to exactly the same values.
    """
    # The regex over a whole report costs ~20 ns a character (8 ms for 250 devices) while almost
    # all of it is printable ASCII: the characters left once that is dropped (in C) are few, and
    # each unsafe one among them is replaced throughout; many distinct ones take the regex.
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_ASCII)
    if not rest:
        return text
    found = set(_UNSAFE_IN_JSON.findall(rest.decode("utf-8", "surrogatepass")))
    if len(found) > _REPLACE_AT_MOST:
        return _UNSAFE_IN_JSON.sub(lambda found: _json_code(found.group()), text)
    for ch in found:
        text = text.replace(ch, _json_code(ch))
    return text


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    return ch if ch in _KEEP_BREAKS else f"\\u{ord(ch):04x}"


def printable(text: str) -> str:
    """`text` with every control, format and separator character (tab and line breaks aside)
    shown as a visible \\uXXXX escape, so nothing can reorder or hide what a page shows."""
    return _UNSAFE.sub(_visible, text)
