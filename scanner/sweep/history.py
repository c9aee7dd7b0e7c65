"""The sweep history: one set of queries over a local SQLite file or a PostgreSQL centre."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from scanner.errors import InputError, RuntimeFailure
from scanner.sweep import schema
from scanner.sweep.record import COMPLETE, Recorded, now_iso, record_run, unpack
from scanner.sweep.store import SQLITE, Store

# Test-only: seconds to sleep inside the write transaction, so a test can kill a sweep there;
# with PAUSE_RUN_ENV set, only inside the transaction of that run id.
PAUSE_ENV = "CAMSCAN_TEST_PAUSE_IN_TXN"
PAUSE_RUN_ENV = "CAMSCAN_TEST_PAUSE_RUN"
DEFAULT_BUSY_TIMEOUT = 60.0  # seconds SQLite waits for another site's short write transaction
HISTORY_RUNS = 60  # runs of the site carried in a sweep report for its chart, this one included
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RunRow:
    """One stored run of a site, with its counts."""

    site: str
    run_id: str
    status: str
    started_at: str | None
    finished_at: str
    devices: int
    of_concern: int
    suspects: int
    new: int
    returned: int
    changed: int
    removed: int
    present_concern: int


RUN_COLUMNS = (
    "site, run_id, status, started_at, finished_at, devices, of_concern, suspects, new, returned,"
    " changed, removed, present_concern"
)


@dataclass(frozen=True, slots=True)
class PresentDevice:
    """A device the history believes is still at its site."""

    site: str
    id: str
    mac: str | None
    ips: tuple[str, ...]
    manufacturer: str | None
    brand: str | None
    kind: str | None
    model: str | None
    serial: str | None
    verdict: str
    first_seen: str
    last_seen: str
    returns: int


def is_url(db: str | os.PathLike[str]) -> bool:
    """Whether a --db value names a PostgreSQL server rather than a file."""
    return str(db).startswith(("postgresql://", "postgres://"))


class History:
    """An open history; every write is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.where = store.where

    def close(self) -> None:
        """Close the connection."""
        self.store.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise sqlite_error(self.where, exc) from exc
        except Exception as exc:
            if self.store.dialect.name != "postgresql":
                raise
            from scanner.estate.postgres import translate

            raise translate(self.where, exc) from exc

    def record(
        self,
        site: str,
        run_id: str,
        findings: Mapping[str, Any],
        status: str = COMPLETE,
        stage: Callable[[Recorded], T] | None = None,
    ) -> tuple[Recorded, T | None]:
        """Store one run and diff it; `stage` runs before COMMIT (its failure records nothing)."""
        with self._errors(), self.store.transaction(pipelined=True) as store:
            recorded = record_run(store, site, run_id, findings, status)
            if recorded is None:
                raise InputError(f"run {run_id} of site {site} is already in {self.where}")
            _test_pause(run_id)
            staged = stage(recorded) if stage is not None else None
        return recorded, staged

    def forward(self, site: str, run_id: str, findings: Mapping[str, Any], status: str) -> bool:
        """Store a run forwarded by a store; False when this history already holds it."""
        with self._errors(), self.store.transaction(pipelined=True) as store:
            recorded = record_run(store, site, run_id, findings, status)
            _test_pause(run_id)
        return recorded is not None

    def runs(self, site: str | None = None) -> list[RunRow]:
        """Stored runs, in recording order, of one site or of all sites."""
        query = f"SELECT {RUN_COLUMNS} FROM runs"
        args: tuple[str, ...] = ()
        if site is not None:
            query += " WHERE site = ?"
            args = (site,)
        with self._errors():
            rows = self.store.all(query + " ORDER BY site, seq", args)
        return [RunRow(*row) for row in rows]

    def has_site(self, site: str) -> bool:
        """Whether the history holds any run of `site`."""
        with self._errors():
            return self.store.one("SELECT 1 FROM sites WHERE site = ?", (site,)) is not None

    def present(
        self, site: str | None = None, verdicts: tuple[str, ...] = ("concern",)
    ) -> list[PresentDevice]:
        """Devices still present (not removed by a complete run) with one of `verdicts`."""
        marks = ", ".join("?" * len(verdicts))
        query = (
            "SELECT site, report_id, mac, ips, manufacturer, brand, kind, model, serial, verdict,"
            " first_seen, last_seen, returns FROM devices"
            f" WHERE present = 1 AND verdict IN ({marks})"
        )
        args: list[Any] = list(verdicts)
        if site is not None:
            query += " AND site = ?"
            args.append(site)
        with self._errors():
            rows = self.store.all(query + " ORDER BY site, report_id", args)
        return [
            PresentDevice(r[0], r[1], r[2], tuple(json.loads(r[3] or "[]")), *r[4:]) for r in rows
        ]

    def run_report(self, run_id: str, site: str | None = None) -> dict[str, Any]:
        """The sweep report of a stored run, as the sweep wrote it; InputError if unknown."""
        query = "SELECT id, site, envelope, sweep, seq FROM runs WHERE run_id = ?"
        args: list[str] = [run_id]
        if site is not None:
            query += " AND site = ?"
            args.append(site)
        with self._errors():
            rows = self.store.all(query, args)
            if not rows:
                raise InputError(f"no run {run_id!r} in {self.where}")
            if len(rows) > 1:
                raise InputError(f"run {run_id!r} is in several sites of {self.where}: add --site")
            pk, run_site, envelope, sweep, seq = rows[0]
            data = self.store.all(
                "SELECT s.data, d.first_seen, d.last_seen FROM sightings s"
                " JOIN devices d ON d.id = s.device WHERE s.run = ?",
                (pk,),
            )
        report: dict[str, Any] = json.loads(envelope)
        devices = [unpack(blob) for blob, _, _ in data]
        report["devices"] = sorted(devices, key=lambda d: str(d["id"]))
        report["sweep"] = json.loads(sweep)
        report["sweep"]["history"] = self.latest(str(run_site), int(seq))
        return report

    def latest(self, site: str, upto: int | None = None) -> list[dict[str, Any]]:
        """The site's last HISTORY_RUNS runs (up to run number `upto`), oldest first."""
        query = "SELECT run_id, finished_at, of_concern FROM runs WHERE site = ?"
        args: list[Any] = [site]
        if upto is not None:
            query += " AND seq <= ?"
            args.append(upto)
        with self._errors():
            rows = self.store.all(query + " ORDER BY seq DESC LIMIT ?", [*args, HISTORY_RUNS])
        return [
            {"run_id": run_id, "finished_at": finished, "of_concern": int(concern)}
            for run_id, finished, concern in reversed(rows)
        ]

    def findings(self, site: str, run_id: str) -> tuple[dict[str, Any], str]:
        """A stored run as the findings it was recorded from, and its status (for forwarding)."""
        report = self.run_report(run_id, site)
        status = str(report.pop("sweep").get("status", COMPLETE))
        return report, status

    def pending(self, target: str) -> list[tuple[str, str]]:
        """(site, run_id) of every run not yet acknowledged by `target`, in recording order."""
        with self._errors():
            return [
                (str(site), str(run_id))
                for site, run_id in self.store.all(
                    "SELECT r.site, r.run_id FROM runs r WHERE NOT EXISTS (SELECT 1 FROM"
                    " sync_acks a WHERE a.target = ? AND a.site = r.site AND a.run_id = r.run_id)"
                    " ORDER BY r.id",
                    (target,),
                )
            ]

    def ack(self, target: str, site: str, run_id: str) -> None:
        """Remember that `target` holds this run."""
        with self._errors():
            self.store.execute(
                "INSERT INTO sync_acks (target, site, run_id, acked_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (target, site, run_id) DO NOTHING",
                (target, site, run_id, now_iso()),
            )


def _test_pause(run_id: str) -> None:
    pause = os.environ.get(PAUSE_ENV)
    only = os.environ.get(PAUSE_RUN_ENV)
    if pause and only in (None, run_id):
        time.sleep(float(pause))


def sqlite_error(where: str, exc: sqlite3.DatabaseError) -> InputError | RuntimeFailure:
    """The camscan error for an SQLite failure: locked/IO is runtime, anything else bad input."""
    if isinstance(exc, sqlite3.OperationalError):
        return RuntimeFailure(f"history {where}: {exc}")
    return InputError(f"history {where} is not a usable camscan database: {exc}")


def open_history(
    db: str | os.PathLike[str], *, write: bool, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> History:
    """Open a history for a sweep (`write`, creating and migrating a file) or for reading only."""
    if is_url(db):
        from scanner.estate.postgres import connect_history

        return History(connect_history(str(db)))
    path = Path(db)
    if write:
        return History(_open_sqlite_rw(path, busy_timeout)[0])
    return History(_open_sqlite_ro(path, busy_timeout))


def _open_sqlite_rw(path: Path, busy_timeout: float) -> tuple[Store, tuple[int, int]]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    except OSError as exc:
        raise RuntimeFailure(f"cannot open history {path}: {exc.strerror or exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise sqlite_error(str(path), exc) from exc
    store = Store(conn, SQLITE, str(path))
    try:
        _check_ours(store)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        versions = schema.migrate(store)
    except sqlite3.DatabaseError as exc:
        store.close()
        raise sqlite_error(str(path), exc) from exc
    except BaseException:
        store.close()
        raise
    return store, versions


def _check_ours(store: Store) -> None:
    """InputError unless the file is empty or a camscan history this version can read."""
    found = schema.version(store)
    schema.check_known(store, found)
    if found == 0 and store.one("SELECT 1 FROM sqlite_master LIMIT 1"):
        raise InputError(
            f"{store.where} is not a camscan history (it holds other tables); "
            "camscan will not change it: give --db a new or camscan file"
        )


def _open_sqlite_ro(path: Path, busy_timeout: float) -> Store:
    try:
        if not path.is_file():
            raise InputError(f"no history database at {path}")
        conn = _connect_ro(path, busy_timeout)
        store = Store(conn, SQLITE, str(path))
        found = schema.version(store)
    except sqlite3.DatabaseError as exc:
        raise sqlite_error(str(path), exc) from exc
    except OSError as exc:
        raise InputError(f"cannot read history {path}: {exc.strerror or exc}") from exc
    schema.check_known(store, found)
    if found == 0:
        store.close()
        raise InputError(f"{path} is not a camscan history; nothing was changed")
    if found < schema.CURRENT:
        store.close()
        raise InputError(
            f"history {path} has schema {found} (camscan {schema.CURRENT} reads it after an "
            f"upgrade): run `camscan history --migrate --db {path}` or the next sweep; nothing "
            "was changed"
        )
    return store


def _connect_ro(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A read-only connection that never writes the file, not even a WAL or journal switch."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # A WAL database in a directory we may not write: its -shm cannot be created, so read
        # the file as it stands (nobody can be writing where we cannot).
        conn.close()
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None
        )
    return conn


def migrate_file(path: Path) -> tuple[int, int]:
    """Bring a history file's schema up to date explicitly; (from, to) versions."""
    if not path.is_file():
        raise InputError(f"no history database at {path}")
    store, versions = _open_sqlite_rw(path, DEFAULT_BUSY_TIMEOUT)
    store.close()
    return versions


@contextmanager
def opened(db: str | os.PathLike[str], *, write: bool) -> Iterator[History]:
    """An open history for the block."""
    history = open_history(db, write=write)
    try:
        yield history
    finally:
        history.close()
