"""The parsed vendor_db kept between runs: used only for the same bytes, never in the way."""

from __future__ import annotations

import marshal
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.db import cache, load_db_from, match
from scanner.db.cache import TomlTables, cache_dir, cache_file, loads_cleanly
from scanner.errors import DatabaseError

Edit = Callable[[Path, str, str], None]


def _rules(tree: Path, where: Path) -> list[tuple[str, str, str | None]]:
    db = load_db_from(tree, cache=where)
    return [
        (kind, e.rule.id, e.regex.pattern if e.regex else None)
        for kind in db.kinds()
        for e in db.entries(kind)
    ]


def test_a_second_load_reads_the_cache_and_gives_the_same_database(tree: Path) -> None:
    where = tree.parent / "cache" / "db.marshal"
    cold = _rules(tree, where)
    assert where.is_file()
    assert TomlTables(tree, where).hit
    assert _rules(tree, where) == cold
    assert len(cold) > 100


def test_only_a_cache_of_a_clean_load_of_these_files_vouches_for_the_next(
    tree: Path, edit: Edit
) -> None:
    # an active scan sends its first probes while the database loads only on this word
    where = tree.parent / "db.marshal"
    assert not loads_cleanly("default", tree, where)  # never loaded: its errors come first
    load_db_from(tree, cache=where)
    assert loads_cleanly("default", tree, where)
    assert loads_cleanly("prc-nil-video", tree, where)
    assert not loads_cleanly("nosuch", tree, where)  # an unknown policy is an error
    edit(tree / "policies.toml", '"hytera"]\nmin_confidence = 0.5', '"hytera"]\nmin_confidence = 5')
    assert not loads_cleanly("default", tree, where)  # the edited file has not loaded yet
    with pytest.raises(DatabaseError, match="min_confidence"):
        load_db_from(tree, cache=where)
    assert not loads_cleanly("default", tree, where)  # nor does a failed load vouch for it


def test_an_edited_rule_of_the_same_length_is_read_from_its_file(tree: Path, edit: Edit) -> None:
    where = tree.parent / "db.marshal"
    before = _rules(tree, where)
    assert ("rtsp_server", "dahua.rtsp_server.dahua", r"^Dahua Rtsp Server\b") in before
    servers = tree / "fingerprints" / "rtsp_server.toml"
    edit(servers, r"pattern = '^Dahua Rtsp Server\b'", r"pattern = '^Dahua Rtsp Servex\b'")
    assert not TomlTables(tree, where).hit
    after = _rules(tree, where)
    assert ("rtsp_server", "dahua.rtsp_server.dahua", r"^Dahua Rtsp Servex\b") in after
    assert len(after) == len(before)


def test_a_cache_never_vouches_for_a_regex_of_other_files(tree: Path, edit: Edit) -> None:
    where = tree.parent / "db.marshal"
    _rules(tree, where)
    edit(tree / "fingerprints" / "http_server.toml", "pattern = '^App-webs/'",
         "pattern = '^(?:\\w+\\s?)+App-webs/'")  # fmt: skip
    with pytest.raises(DatabaseError, match="backtrack catastrophically"):
        load_db_from(tree, cache=where)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00garbage",
        cache.pack(b"\x00garbage"),
        cache.pack(marshal.dumps((cache.FORMAT, "3.0", "", {}, {}, []))),
        cache.pack(marshal.dumps([1])),
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(tree: Path, content: bytes) -> None:
    where = tree.parent / "db.marshal"
    expected = _rules(tree, tree.parent / "fresh.marshal")
    where.write_bytes(content)
    assert _rules(tree, where) == expected
    assert TomlTables(tree, where).hit


def test_a_cache_changed_after_it_was_written_is_never_decoded(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # marshal trusts the lengths it reads: one flipped byte could ask for a 16 GiB tuple
    where = tree.parent / "db.marshal"
    expected = _rules(tree, where)
    damaged = bytearray(where.read_bytes())
    damaged[len(damaged) // 2] ^= 0x40
    where.write_bytes(damaged)
    decoded: list[bytes] = []
    monkeypatch.setattr(cache.marshal, "loads", lambda data: decoded.append(data))
    assert not TomlTables(tree, where).hit
    assert decoded == []
    monkeypatch.undo()
    assert _rules(tree, where) == expected


def test_a_fifo_where_the_cache_would_be_is_not_waited_for(tree: Path) -> None:
    where = tree.parent / "db.marshal"
    expected = _rules(tree, tree.parent / "fresh.marshal")
    os.mkfifo(where)
    loaded: list[list[tuple[str, str, str | None]]] = []
    loader = threading.Thread(target=lambda: loaded.append(_rules(tree, where)), daemon=True)
    loader.start()
    loader.join(10)
    if loader.is_alive():  # blocked opening the FIFO for a writer that never comes: release it
        with open(where, "wb"):
            pass
        loader.join(10)
        pytest.fail("the load waited for a writer of the FIFO at the cache's path")
    assert loaded == [expected]
    assert where.is_file()  # the FIFO was replaced by the cache


def test_an_interrupted_cache_write_leaves_no_temporary_file(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C or SIGTERM (an exception in the CLI) while the cache is written: each one left a
    # .tmp-*.marshal of the whole cache behind, never removed
    where = tree.parent / "cache" / "db.marshal"

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_db_from(tree, cache=where)
    assert list(where.parent.iterdir()) == []


def test_an_unwritable_cache_directory_costs_only_the_parse(tree: Path) -> None:
    blocker = tree.parent / "not-a-dir"
    blocker.write_text("a file where the cache directory would be")
    assert _rules(tree, blocker / "camscan" / "db.marshal") == _rules(tree, tree.parent / "x")
    assert blocker.read_text() == "a file where the cache directory would be"


def test_regexes_the_cache_vouches_for_skip_the_shape_check(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tree.parent / "db.marshal"
    _rules(tree, where)
    checks: list[str] = []
    monkeypatch.setattr(match, "risk", lambda pattern, flags=0: checks.append(pattern))
    monkeypatch.setattr(match, "_CHECKED", set())  # a new process: nothing checked yet
    load_db_from(tree, cache=where)
    assert checks == []  # every regex came vouched for by the cache
    monkeypatch.setattr(match, "_CHECKED", set())
    load_db_from(tree)  # no cache: each regex is checked
    assert "^App-webs/" in checks and len(checks) > 100


def test_the_cache_lives_in_the_users_cache_directory() -> None:
    assert cache_dir({"XDG_CACHE_HOME": "/x/cache"}) == Path("/x/cache/camscan")
    assert cache_dir({"HOME": "/home/u"}).name == "camscan"
    # a relative XDG_CACHE_HOME is invalid (XDG base directory spec): before, the cache went
    # into a folder of that name under whatever directory camscan was started from
    assert cache_dir({"XDG_CACHE_HOME": "rel/cache"}) == Path.home() / ".cache" / "camscan"
    first = cache_file(Path("/a/vendor_db"), {"XDG_CACHE_HOME": "/c"})
    assert first.parent == Path("/c/camscan")
    assert first != cache_file(Path("/b/vendor_db"), {"XDG_CACHE_HOME": "/c"})
