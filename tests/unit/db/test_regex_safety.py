"""Fingerprint regexes cannot backtrack without end: shapes refused at load, slow ones reported."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.db import load_db, load_db_from
from scanner.db.regex_safety import MATCH_LIMIT, risk, trial
from scanner.db.verify import verify
from scanner.errors import DatabaseError

Edit = Callable[[Path, str, str], None]
APP_WEBS = "hikvision.http_server.app-webs"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a+)+$", "a repeat inside a repeat with nothing to tell their iterations apart"),
        (r"^(\w+\s?)+$", "a repeat inside a repeat with nothing to tell their iterations apart"),
        (r"(\d+\.?)+x", "a repeat inside a repeat with nothing to tell their iterations apart"),
        (r"(?:x\w|\wy)+!", "a repeated group whose alternatives can start with the same character"),
        (r"(?i:(?:A|b|a)c)+", None),  # the parser factors the shared start out: unambiguous
        (r"(?:[a-z]+\.)+com", None),  # the dot pins every iteration's end
        (r"(?:[^\"\\]|\\.)*", None),  # alternatives start apart
        (r"^(?=.*g_szCacheTime)(?=.*iVMS)", None),
    ],
)
def test_risk_names_the_shapes_that_backtrack_exponentially(
    pattern: str, reason: str | None
) -> None:
    assert risk(pattern) == reason


def test_no_packaged_pattern_is_risky_or_slow() -> None:
    db = load_db()
    regexes = [e.regex for k in db.kinds() for e in db.entries(k) if e.regex is not None]
    assert len(regexes) > 60
    assert [(rx.pattern, risk(rx.pattern, rx.flags), trial(rx)) for rx in regexes] == [
        (rx.pattern, None, None) for rx in regexes
    ]


def test_a_fingerprint_that_can_backtrack_forever_does_not_load(tree: Path, edit: Edit) -> None:
    edit(tree / "fingerprints" / "http_server.toml", "pattern = '^App-webs/'",
         "pattern = '^(?:\\w+\\s?)+App-webs/'")  # fmt: skip
    with pytest.raises(DatabaseError) as raised:
        load_db_from(tree)
    assert str(raised.value) == (
        f"http_server.toml: rule '{APP_WEBS}': regex '^(?:\\\\w+\\\\s?)+App-webs/' can "
        "backtrack catastrophically: a repeat inside a repeat with nothing to tell their "
        "iterations apart"
    )


def test_a_fingerprint_slow_on_long_input_fails_verify(tree: Path, edit: Edit) -> None:
    # cubic, not exponential: the shape is legal, the time is not
    edit(tree / "fingerprints" / "http_server.toml", "pattern = '^App-webs/'",
         "pattern = '^App-webs/|(.*),(.*),(.*)x$'")  # fmt: skip
    problems = verify(load_db_from(tree))
    assert len(problems) == 1
    assert re.fullmatch(
        rf"http_server: rule '{APP_WEBS}': pattern '\^App-webs/\|\(\.\*\),\(\.\*\),\(\.\*\)x\$' "
        r"took over 0\.5 s on 1638[34] characters \('.+'\.\.\.\): catastrophic backtracking",
        problems[0],
    ), problems[0]


def test_matching_looks_at_most_at_match_limit_characters() -> None:
    db = load_db()
    realm = 'Digest realm="Login to 6M0A2C1PAG7E5F9"'
    assert db.match("http_www_authenticate", realm) is not None
    assert db.match("http_www_authenticate", " " * MATCH_LIMIT + realm) is None
