"""The sweep history: an SQLite database of sites' runs, devices and what each run saw."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.errors import InputError, RuntimeFailure
from scanner.sweep.diff import Diff, changed_fields, identity_keys, removed_entry

SCHEMA_VERSION = 1
# Test-only: seconds to sleep inside the write transaction, so a test can kill a sweep there.
PAUSE_ENV = "CAMSCAN_TEST_PAUSE_IN_TXN"
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, run_id TEXT NOT NULL UNIQUE,
    started_at TEXT, finished_at TEXT NOT NULL, mode TEXT NOT NULL, policy TEXT NOT NULL,
    inputs TEXT NOT NULL, devices INTEGER NOT NULL, of_concern INTEGER NOT NULL,
    new INTEGER NOT NULL, removed INTEGER NOT NULL, changed INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS runs_site ON runs (site, id);
CREATE TABLE IF NOT EXISTS devices (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS identities (
    site TEXT NOT NULL, key TEXT NOT NULL, device INTEGER NOT NULL REFERENCES devices (id),
    PRIMARY KEY (site, key));
CREATE TABLE IF NOT EXISTS sightings (
    run INTEGER NOT NULL REFERENCES runs (id), device INTEGER NOT NULL REFERENCES devices (id),
    report_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run, device));
"""


@dataclass(frozen=True, slots=True)
class RunRow:
    """One stored run of a site, with its counts."""

    site: str
    run_id: str
    started_at: str | None
    finished_at: str
    devices: int
    of_concern: int
    new: int
    removed: int
    changed: int


@dataclass(frozen=True, slots=True)
class Recorded:
    """What storing a run learnt: the previous run, the diff, and seen-times by report id."""

    previous_run_id: str | None
    diff: Diff
    seen: Mapping[str, tuple[str, str]]


class History:
    """An open history database; every write is one transaction."""

    def __init__(self, path: Path, busy_timeout: float = 60.0) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            self._prepare()
        except sqlite3.DatabaseError as exc:
            raise _error(path, exc) from exc
        except OSError as exc:
            raise RuntimeFailure(f"cannot open history {path}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def _prepare(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise InputError(f"history {self.path} has schema {version}; this camscan knows 1")
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        if version < SCHEMA_VERSION:
            with self.transaction():
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def record(self, site: str, run_id: str, report: Mapping[str, Any]) -> Recorded:
        """Store one run's devices under `site` and diff them against the site's previous run."""
        try:
            with self.transaction() as conn:
                recorded = _Recorder(conn, site, report).store(run_id)
                _test_pause()
            return recorded
        except sqlite3.DatabaseError as exc:
            raise _error(self.path, exc) from exc

    def runs(self, site: str | None = None) -> list[RunRow]:
        """Stored runs, oldest first, of one site or all sites."""
        query = (
            "SELECT site, run_id, started_at, finished_at, devices, of_concern, new, removed,"
            " changed FROM runs"
        )
        args: tuple[str, ...] = ()
        if site is not None:
            query += " WHERE site = ?"
            args = (site,)
        try:
            rows = self.conn.execute(query + " ORDER BY site, id", args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _error(self.path, exc) from exc
        return [RunRow(*row) for row in rows]


class _Recorder:
    """The steps of storing one run inside an open transaction."""

    def __init__(self, conn: sqlite3.Connection, site: str, report: Mapping[str, Any]) -> None:
        self.conn = conn
        self.site = site
        self.report = report
        self.run = report["run"]

    def store(self, run_id: str) -> Recorded:
        previous = self.conn.execute(
            "SELECT id, run_id FROM runs WHERE site = ? ORDER BY id DESC LIMIT 1", (self.site,)
        ).fetchone()
        before = self._sightings(previous[0]) if previous else {}
        run_pk = self._insert_run(run_id)
        matched: dict[int, Mapping[str, Any]] = {}
        for device in self.report["devices"]:
            matched[self._device_pk(device, matched)] = device
        for pk, device in matched.items():
            self._see(run_pk, pk, device)
        diff = self._diff(before, matched)
        self.conn.execute(
            "UPDATE runs SET new = ?, removed = ?, changed = ? WHERE id = ?",
            (len(diff.new), len(diff.removed), len(diff.changed), run_pk),
        )
        seen = {device["id"]: self._seen(pk) for pk, device in matched.items()}
        return Recorded(previous[1] if previous else None, diff, seen)

    def _sightings(self, run_pk: int) -> dict[int, dict[str, Any]]:
        rows = self.conn.execute("SELECT device, data FROM sightings WHERE run = ?", (run_pk,))
        return {pk: json.loads(data) for pk, data in rows}

    def _insert_run(self, run_id: str) -> int:
        summary = self.report["summary"]
        cursor = self.conn.execute(
            "INSERT INTO runs (site, run_id, started_at, finished_at, mode, policy, inputs,"
            " devices, of_concern, new, removed, changed) VALUES (?,?,?,?,?,?,?,?,?,0,0,0)",
            (
                self.site, run_id, self.run["started_at"], self.run["finished_at"],
                self.run["mode"], self.run["policy"], json.dumps(self.run["inputs"]),
                summary["devices"], summary["of_concern"],
            ),
        )  # fmt: skip
        return int(cursor.lastrowid or 0)

    def _device_pk(self, device: Mapping[str, Any], taken: Mapping[int, Any]) -> int:
        """The history device this report device is, by MAC then serial; a new one if none."""
        for key in identity_keys(device):
            row = self.conn.execute(
                "SELECT device FROM identities WHERE site = ? AND key = ?", (self.site, key)
            ).fetchone()
            if row and row[0] not in taken:
                return int(row[0])
        first, last = self._span(device)
        cursor = self.conn.execute(
            "INSERT INTO devices (site, first_seen, last_seen, data) VALUES (?, ?, ?, '{}')",
            (self.site, first, last),
        )
        return int(cursor.lastrowid or 0)

    def _span(self, device: Mapping[str, Any]) -> tuple[str, str]:
        first = device.get("first_seen") or self.run["started_at"] or self.run["finished_at"]
        last = device.get("last_seen") or self.run["finished_at"]
        return str(first), str(last)

    def _see(self, run_pk: int, pk: int, device: Mapping[str, Any]) -> None:
        first, last = self._span(device)
        data = json.dumps(device, ensure_ascii=False)
        self.conn.execute(
            "UPDATE devices SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?),"
            " data = ? WHERE id = ?",
            (first, last, data, pk),
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO identities (site, key, device) VALUES (?, ?, ?)",
            [(self.site, key, pk) for key in identity_keys(device)],
        )
        self.conn.execute(
            "INSERT INTO sightings (run, device, report_id, data) VALUES (?, ?, ?, ?)",
            (run_pk, pk, device["id"], data),
        )

    def _seen(self, pk: int) -> tuple[str, str]:
        row = self.conn.execute(
            "SELECT first_seen, last_seen FROM devices WHERE id = ?", (pk,)
        ).fetchone()
        return str(row[0]), str(row[1])

    def _diff(
        self, before: Mapping[int, Mapping[str, Any]], now: Mapping[int, Mapping[str, Any]]
    ) -> Diff:
        new = sorted(dev["id"] for pk, dev in now.items() if pk not in before)
        changed = sorted(
            dev["id"] for pk, dev in now.items() if pk in before and changed_fields(before[pk], dev)
        )
        removed = [
            removed_entry(dev, self._seen(pk)[1]) for pk, dev in before.items() if pk not in now
        ]
        removed.sort(key=lambda entry: str(entry["id"]))
        return Diff(tuple(new), tuple(removed), tuple(changed))


def _test_pause() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))


def _error(path: Path, exc: sqlite3.DatabaseError) -> InputError | RuntimeFailure:
    if isinstance(exc, sqlite3.OperationalError):
        return RuntimeFailure(f"history {path}: {exc}")
    return InputError(f"history {path} is not a usable camscan database: {exc}")


def open_history(path: Path, busy_timeout: float = 60.0) -> History:
    """Open (creating when absent) the history database at `path`."""
    return History(path, busy_timeout)


def runs_of(path: Path, site: str | None) -> Sequence[RunRow]:
    """The stored runs of a history database that must already exist."""
    if not path.is_file():
        raise InputError(f"no history database at {path}")
    history = History(path)
    try:
        return history.runs(site)
    finally:
        history.close()
