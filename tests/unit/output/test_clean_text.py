"""Control, bidi and separator characters in device values: escaped in JSON and NDJSON (values
unchanged), shown as visible escapes in CSV, never raw in any format."""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import sys
import unicodedata
from pathlib import Path
from typing import Any

from scanner.output import csvout, jsonout, ndjson
from scanner.output.sanitize import json_safe, printable

HERE = Path(__file__).parent
DEMO: dict[str, Any] = json.loads((HERE / "data" / "demo-findings.json").read_text("utf-8"))
HOSTILE = "cam\u2028era\u2029\u202e\u200b\x85\x1b[2J\x07\u00ad"
RAW = ("\u2028", "\u2029", "\u202e", "\u200b", "\x85", "\x1b", "\x07", "\u00ad")


def hostile_report() -> dict[str, Any]:
    report = copy.deepcopy(DEMO)
    report["devices"][0]["model"] = HOSTILE
    return report


def test_every_control_format_and_separator_character_is_covered() -> None:
    missed = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF
        and unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp")
        and chr(cp) not in ("\t", "\n", "\r")
        and json_safe(chr(cp)) == chr(cp)
    ]
    assert missed == []


def test_json_escapes_them_and_keeps_the_values() -> None:
    text = jsonout.dumps(hostile_report())
    assert not any(ch in text for ch in RAW)
    assert '"model": "cam\\u2028era\\u2029\\u202e\\u200b\\u0085\\u001b[2J\\u0007\\u00ad"' in text
    assert json.loads(text) == hostile_report()


def test_ndjson_lines_escape_line_and_paragraph_separators() -> None:
    lines = list(ndjson.lines(hostile_report()))
    assert len(lines) == len(DEMO["devices"])
    assert not any(ch in "".join(lines) for ch in RAW)
    assert json.loads(lines[0])["device"]["model"] == HOSTILE
    assert all(len(line.splitlines()) == 1 for line in lines)


def test_astral_format_characters_become_surrogate_pair_escapes() -> None:
    assert json_safe('"\U000e0041"') == '"\\udb40\\udc41"'
    assert json.loads(json_safe('"\U000e0041"')) == "\U000e0041"


def test_csv_shows_them_as_visible_escapes() -> None:
    rows = list(csv.DictReader(io.StringIO(csvout.render(hostile_report()))))
    assert rows[0]["model"] == "cam\\u2028era\\u2029\\u202e\\u200b\\u0085\\u001b[2J\\u0007\\u00ad"


def test_printable_keeps_tabs_and_line_breaks() -> None:
    assert printable("a\tb\nc\r\u202ed") == "a\tb\nc\r\\u202ed"


def _escaped_one_by_one(text: str) -> str:
    """The oracle: every Cc, Cf, Zl, Zp character but JSON's whitespace as a \\u escape (a
    surrogate pair beyond the BMP), judged by unicodedata, not by the module's regex."""
    out = []
    for ch in text:
        if ch in "\t\n\r" or unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"}:
            out.append(ch)
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            code = ord(ch) - 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    return "".join(out)


def test_json_safe_escapes_each_unsafe_character_for_few_and_many_distinct_ones() -> None:
    # the fast path (printable ASCII dropped in C, each unsafe character left replaced) and the
    # regex pass it takes for more than 16 distinct ones, against a character-by-character oracle
    unsafe = [*map(chr, [*range(0x00, 0x20), 0x7F, 0x85, 0x9F, 0xAD, 0x200E, 0x2028, 0x202E,
                         0x2066, 0xFEFF, 0xE0041, 0x110BD])]  # fmt: skip
    safe = ["a", " ", "\t", "\n", "\r", "é", "海", "😀", "\udcff", '\\"', "—"]
    rng = random.Random(13)
    for distinct in (0, 1, 3, 16, 17, len(unsafe)):
        chosen = rng.sample(unsafe, distinct)
        for _ in range(20):
            text = "".join(rng.choice(safe + chosen) for _ in range(rng.randrange(1, 200)))
            assert json_safe(text) == _escaped_one_by_one(text), repr(text)
