"""Schema migrations: histories written by older camscan (schemas 1 and 2) upgraded on both
backends."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgcluster import Cluster  # noqa: E402

from scanner.estate.postgres import connect  # noqa: E402
from scanner.sweep import schema  # noqa: E402
from scanner.sweep.history import History, open_history, opened  # noqa: E402
from scanner.sweep.store import Store  # noqa: E402

V1_FILE = Path(__file__).resolve().parent / "data" / "history-v1.sqlite3"  # make_history.sh 1
V1_COPY_ORDER = ("runs", "devices", "identities", "sightings")
V2_FILE = V1_FILE.with_name("history-v2.sqlite3")  # make_history.sh 2
V2_COPY_ORDER = ("sites", "site_days", "runs", "devices", "identities", "sightings", "sync_acks")
# schema 3 fills in the recorders' channels: the Hikvision NVR stated 8 over SADP, the Dahua
# DHI-NVR5216 stated none and its model number says 16
V2_RECORDERS = {"mac:24:48:45:5e:71:0a": 8, "mac:e0:50:8b:2c:41:08": 16}
# (new, returned, changed, removed) per run, as camscan 0.1 counted them (it had no "returned")
V1_COUNTS = [(23, 0, 0, 0), (1, 0, 1, 0), (0, 0, 1, 22)]
NVR = "mac:e0:50:8b:2c:41:08"


def _copied(tmp_path: Path, old: Path) -> Path:
    """A copy of an old history file to upgrade (the committed one stays as it is)."""
    db = tmp_path / "history.sqlite3"
    shutil.copy(old, db)
    return db


@contextmanager
def _empty_centre(pg_env: Cluster, unique: object, stem: str) -> Iterator[tuple[Store, str]]:
    """A new database of the test cluster with an empty camscan schema: its store and URL."""
    url = pg_env.url(database=pg_env.create_database(unique(stem)))  # type: ignore[operator]
    store = connect(url)
    try:
        store.execute("CREATE SCHEMA camscan")
        yield store, url
    finally:
        store.close()


def _v1_runs() -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"{V1_FILE.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT run_id, new, removed, changed FROM runs ORDER BY id").fetchall()
    finally:
        conn.close()


def _check_migrated(history: History) -> None:
    runs = history.runs()
    assert [r.run_id for r in runs] == [run_id for run_id, *_ in _v1_runs()]
    assert [(r.new, r.returned, r.changed, r.removed) for r in runs] == V1_COUNTS
    assert [d.id for d in history.present("store-0042")] == [NVR]
    report = history.run_report(runs[-1].run_id)
    assert [entry["id"] for entry in report["sweep"]["removed"]][:2] == [
        "ip:203.0.113.50", "mac:00:00:0c:20:30:01",
    ]  # fmt: skip
    assert len(report["sweep"]["removed"]) == 22


def test_a_schema_1_file_is_upgraded_in_place_by_a_sweep(tmp_path: Path) -> None:
    with opened(_copied(tmp_path, V1_FILE), write=True) as history:
        _check_migrated(history)
        assert schema.version(history.store) == schema.CURRENT
        tables = {name for (name,) in history.store.all("SELECT name FROM sqlite_master")}
        assert not {t for t in tables if t.startswith("v1_")}


def test_a_schema_1_file_is_not_touched_by_a_read_command(tmp_path: Path) -> None:
    db = _copied(tmp_path, V1_FILE)
    with pytest.raises(Exception, match=r"has schema 1 .*camscan history --migrate"):
        open_history(db, write=False)
    assert db.read_bytes() == V1_FILE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]


def _copy_into(store: Store, source_file: Path, tables: tuple[str, ...]) -> None:
    source = sqlite3.connect(f"{source_file.as_uri()}?mode=ro", uri=True)
    try:
        with store.transaction():
            for table in tables:
                cursor = source.execute(f"SELECT * FROM {table}")
                names = [c[0] for c in cursor.description]
                rows = cursor.fetchall()
                marks = ", ".join("?" * len(names))
                store.many(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
    finally:
        source.close()


def test_a_schema_1_centre_is_upgraded_the_same_way(pg_env: Cluster, unique: object) -> None:
    with _empty_centre(pg_env, unique, "v1centre") as (store, url):
        assert schema.migrate(store, upto=1) == (0, 1)
        _copy_into(store, V1_FILE, V1_COPY_ORDER)
        assert schema.migrate(store) == (1, schema.CURRENT)
    with opened(url, write=True) as history:
        _check_migrated(history)


def test_a_migrated_history_knows_devices_that_come_back(tmp_path: Path) -> None:
    from scanner.sweep.record import COMPLETE

    with opened(_copied(tmp_path, V1_FILE), write=True) as history:
        first = history.run_report(history.runs()[0].run_id)
        first.pop("sweep")
        recorded, _ = history.record("store-0042", "again", first, COMPLETE)
    assert (len(recorded.sweep["returned"]), recorded.sweep["new"]) == (22, [])


def test_a_history_from_a_newer_camscan_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version={schema.CURRENT + 1}")
    conn.close()
    for write in (True, False):
        with pytest.raises(Exception, match=f"has schema {schema.CURRENT + 1}; this camscan knows"):
            open_history(db, write=write)


def _check_v2_migrated(history: History) -> None:
    assert schema.version(history.store) == 3
    runs = history.runs("store-0042")
    assert [(r.devices, r.of_concern) for r in runs] == [(23, 11), (24, 12)]
    found = dict(
        history.store.all("SELECT report_id, channels FROM devices WHERE kind IN ('nvr', 'dvr')")
    )
    assert found == V2_RECORDERS
    # the migrated history goes on recording: the next night adds a run, numbering follows on
    report = history.run_report(runs[-1].run_id)
    report.pop("sweep")
    recorded, _ = history.record("store-0042", "after-upgrade", report)
    assert (recorded.sweep["new"], recorded.sweep["removed"]) == ([], [])
    assert [r.run_id for r in history.runs("store-0042")][-1] == "after-upgrade"


def _file_columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        conn.close()


def _pg_columns(store: Store) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for table, column in store.all(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name <> ?"
        " ORDER BY table_name, ordinal_position",
        (schema.META_TABLE,),
    ):
        found.setdefault(table, []).append(column)
    return found


def test_a_schema_2_file_gains_recorder_channels(tmp_path: Path) -> None:
    db = _copied(tmp_path, V2_FILE)
    with pytest.raises(Exception, match=r"has schema 2 .*camscan history --migrate"):
        open_history(db, write=False)
    with opened(db, write=True) as history:
        _check_v2_migrated(history)


def test_a_schema_2_centre_is_upgraded_the_same_way(pg_env: Cluster, unique: object) -> None:
    with _empty_centre(pg_env, unique, "v2centre") as (store, url):
        assert schema.migrate(store, upto=2) == (0, 2)
        # step 2 creates version 3's column early (the v1 replay writes it): a centre that a
        # schema-2 camscan set up lacks it, as the v2 file does
        store.execute("ALTER TABLE devices DROP COLUMN channels")
        assert _pg_columns(store) == _file_columns(V2_FILE)
        _copy_into(store, V2_FILE, V2_COPY_ORDER)
        for table in ("runs", "devices"):  # as a centre that numbered these rows itself
            store.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        assert schema.migrate(store) == (2, 3)
    with opened(url, write=True) as history:
        _check_v2_migrated(history)
