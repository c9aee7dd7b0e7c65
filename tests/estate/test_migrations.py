"""Schema migrations: a history written by camscan 0.1 (schema 1) upgraded on both backends."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgcluster import Cluster  # noqa: E402

from scanner.estate.postgres import connect  # noqa: E402
from scanner.sweep import schema  # noqa: E402
from scanner.sweep.history import History, open_history  # noqa: E402
from scanner.sweep.store import Store  # noqa: E402

V1_FILE = Path(__file__).resolve().parent / "data" / "history-v1.sqlite3"  # make_history_v1.sh
V1_COPY_ORDER = ("runs", "devices", "identities", "sightings")
# (new, returned, changed, removed) per run, as camscan 0.1 counted them (it had no "returned")
V1_COUNTS = [(23, 0, 0, 0), (1, 0, 1, 0), (0, 0, 1, 22)]
NVR = "mac:e0:50:8b:2c:41:08"


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
    db = tmp_path / "history.sqlite3"
    shutil.copy(V1_FILE, db)
    history = open_history(db, write=True)
    try:
        _check_migrated(history)
        assert schema.version(history.store) == schema.CURRENT
        tables = {name for (name,) in history.store.all("SELECT name FROM sqlite_master")}
        assert not {t for t in tables if t.startswith("v1_")}
    finally:
        history.close()


def test_a_schema_1_file_is_not_touched_by_a_read_command(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    shutil.copy(V1_FILE, db)
    with pytest.raises(Exception, match=r"has schema 1 .*camscan history --migrate"):
        open_history(db, write=False)
    assert db.read_bytes() == V1_FILE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]


def _copy_v1_into(store: Store) -> None:
    source = sqlite3.connect(f"{V1_FILE.as_uri()}?mode=ro", uri=True)
    try:
        with store.transaction():
            for table in V1_COPY_ORDER:
                cursor = source.execute(f"SELECT * FROM {table}")
                names = [c[0] for c in cursor.description]
                rows = cursor.fetchall()
                marks = ", ".join("?" * len(names))
                store.many(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
    finally:
        source.close()


def test_a_schema_1_centre_is_upgraded_the_same_way(pg_env: Cluster, unique: object) -> None:
    name = pg_env.create_database(unique("v1centre"))  # type: ignore[operator]
    url = pg_env.url(database=name)
    store = connect(url)
    try:
        store.execute("CREATE SCHEMA camscan")
        assert schema.migrate(store, upto=1) == (0, 1)
        _copy_v1_into(store)
        assert schema.migrate(store) == (1, schema.CURRENT)
    finally:
        store.close()
    history = open_history(url, write=True)
    try:
        _check_migrated(history)
    finally:
        history.close()


def test_a_migrated_history_knows_devices_that_come_back(tmp_path: Path) -> None:
    from scanner.sweep.record import COMPLETE

    db = tmp_path / "history.sqlite3"
    shutil.copy(V1_FILE, db)
    history = open_history(db, write=True)
    try:
        first = history.run_report(history.runs()[0].run_id)
        first.pop("sweep")
        recorded, _ = history.record("store-0042", "again", first, COMPLETE)
    finally:
        history.close()
    assert (len(recorded.sweep["returned"]), recorded.sweep["new"]) == (22, [])


def test_a_history_from_a_newer_camscan_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version={schema.CURRENT + 1}")
    conn.close()
    for write in (True, False):
        with pytest.raises(Exception, match=f"has schema {schema.CURRENT + 1}; this camscan knows"):
            open_history(db, write=write)
