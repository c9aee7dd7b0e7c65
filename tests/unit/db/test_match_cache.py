"""The vendor database's match cache: bounded, and never changing an answer."""

from __future__ import annotations

from scanner.db import load_db


def test_the_match_cache_stays_within_its_bound_and_answers_as_uncached() -> None:
    db = load_db()
    values = [f"App-webs/{i}" if i % 2 else f"Server {i}" for i in range(5000)]
    uncached = [db._first("http_server", v, None) for v in values]
    largest = 0
    for value, expected in zip(values, uncached, strict=True):
        assert db.match("http_server", value) == expected
        largest = max(largest, len(db._cache))
    assert largest == 4096  # filled to the bound, never past it
    assert db.match("http_server", values[-1]) is db.match("http_server", values[-1])
    assert sum(m is not None for m in uncached) == 2500
