"""The history schema and its versioned migrations, one chain for SQLite and PostgreSQL.

Version 1 is the schema camscan 0.1 wrote (SQLite only). Version 2 tracks each device's presence
(so a device that comes back is `returned`, and a partial run removes nothing), each sighting's
status, each run's whole report (so any run can be re-rendered or forwarded to the centre) and a
per-site summary row that the estate report reads instead of scanning every run. Version 3 keeps
each device's channel count (the findings' `channels.total`) for the estate's recorder totals.

A version-1 history is replayed through the current recorder, so the step to version 2 creates
the tables as the current code writes them (with version 3's column); the step to version 3 adds
the column only where it is missing, then fills it for the recorders present now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scanner.errors import InputError
from scanner.sweep.store import Store

CURRENT = 3
META_TABLE = "camscan_meta"  # PostgreSQL only: SQLite keeps the version in PRAGMA user_version

V1 = """
CREATE TABLE runs (
    id {serial_pk}, site TEXT NOT NULL, run_id TEXT NOT NULL UNIQUE,
    started_at TEXT, finished_at TEXT NOT NULL, mode TEXT NOT NULL, policy TEXT NOT NULL,
    inputs TEXT NOT NULL, devices INTEGER NOT NULL, of_concern INTEGER NOT NULL,
    new INTEGER NOT NULL, removed INTEGER NOT NULL, changed INTEGER NOT NULL);
CREATE INDEX runs_site ON runs (site, id);
CREATE TABLE devices (
    id {serial_pk}, site TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE identities (
    site TEXT NOT NULL, key TEXT NOT NULL, device BIGINT NOT NULL REFERENCES devices (id),
    PRIMARY KEY (site, key));
CREATE TABLE sightings (
    run BIGINT NOT NULL REFERENCES runs (id), device BIGINT NOT NULL REFERENCES devices (id),
    report_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run, device))
"""

# Tables holding one site's rows (a `site` column): the centre's row-level security covers these.
SITE_TABLES = ("sites", "runs", "devices", "identities", "sightings", "site_days")
V2 = """
CREATE TABLE sites (
    site TEXT PRIMARY KEY, runs INTEGER NOT NULL DEFAULT 0, last_run_id TEXT,
    last_finished_at TEXT, last_status TEXT, last_day TEXT,
    of_concern INTEGER NOT NULL DEFAULT 0, suspects INTEGER NOT NULL DEFAULT 0,
    returned INTEGER NOT NULL DEFAULT 0);
CREATE TABLE site_days (
    site TEXT NOT NULL, day TEXT NOT NULL, of_concern INTEGER NOT NULL, delta INTEGER NOT NULL,
    PRIMARY KEY (site, day));
CREATE INDEX site_days_day ON site_days (day, delta);
CREATE TABLE runs (
    id {serial_pk}, site TEXT NOT NULL, seq INTEGER NOT NULL, run_id TEXT NOT NULL,
    status TEXT NOT NULL, started_at TEXT, finished_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
    mode TEXT NOT NULL, policy TEXT NOT NULL, devices INTEGER NOT NULL,
    of_concern INTEGER NOT NULL, suspects INTEGER NOT NULL, new INTEGER NOT NULL,
    returned INTEGER NOT NULL, changed INTEGER NOT NULL, removed INTEGER NOT NULL,
    present_concern INTEGER NOT NULL, present_suspects INTEGER NOT NULL,
    previous_run_id TEXT, envelope TEXT NOT NULL, sweep TEXT NOT NULL,
    UNIQUE (site, run_id), UNIQUE (site, seq));
CREATE TABLE devices (
    id {serial_pk}, site TEXT NOT NULL, report_id TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, present INTEGER NOT NULL, removed_at TEXT,
    returns INTEGER NOT NULL DEFAULT 0, mac TEXT, ips TEXT NOT NULL, serial TEXT,
    manufacturer TEXT, brand TEXT, kind TEXT, model TEXT, firmware TEXT, verdict TEXT NOT NULL,
    of_concern INTEGER NOT NULL);
CREATE INDEX devices_site ON devices (site, present);
CREATE TABLE identities (
    site TEXT NOT NULL, key TEXT NOT NULL, device BIGINT NOT NULL REFERENCES devices (id),
    PRIMARY KEY (site, key));
CREATE TABLE sightings (
    run BIGINT NOT NULL REFERENCES runs (id), device BIGINT NOT NULL REFERENCES devices (id),
    site TEXT NOT NULL, status TEXT NOT NULL, data {blob} NOT NULL, PRIMARY KEY (run, device));
CREATE TABLE sync_acks (
    target TEXT NOT NULL, site TEXT NOT NULL, run_id TEXT NOT NULL, acked_at TEXT NOT NULL,
    PRIMARY KEY (target, site, run_id))
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One step from version `to - 1` to `to`: DDL, then an optional data step."""

    to: int
    ddl: str
    data: Callable[[Store], None] | None = None
    postgres_first: str = ""  # PostgreSQL-only DDL run before `ddl`


def statements(ddl: str) -> list[str]:
    """The statements of a DDL script (no semicolons inside statements)."""
    return [s.strip() for s in ddl.split(";") if s.strip()]


def version(store: Store) -> int:
    """The schema version stamped in the database (0 for a new one)."""
    if store.dialect.name == "sqlite":
        return int(store.one("PRAGMA user_version")[0])  # type: ignore[index]
    row = store.one(
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_name = ?",
        (META_TABLE,),
    )
    if not row or not row[0]:
        return 0
    found = store.one(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'")
    return int(found[0]) if found else 0


def stamp(store: Store, number: int) -> None:
    """Record `number` as the schema version, inside the caller's transaction."""
    if store.dialect.name == "sqlite":
        store.execute(f"PRAGMA user_version={int(number)}")
        return
    store.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
    store.execute(
        f"INSERT INTO {META_TABLE} (key, value) VALUES ('schema_version', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(number),),
    )


def check_known(store: Store, found: int) -> None:
    """InputError when the database was written by a newer camscan."""
    if found > CURRENT:
        raise InputError(
            f"history {store.where} has schema {found}; this camscan knows up to {CURRENT}"
        )


def migrate(store: Store, upto: int = CURRENT) -> tuple[int, int]:
    """Bring the schema to `upto`, one committed step per version; (from, to) versions."""
    start = version(store)
    check_known(store, start)
    for step in MIGRATIONS:
        if start < step.to <= upto:
            with store.transaction():
                if version(store) >= step.to:
                    continue  # another process migrated while we waited for the lock
                first = step.postgres_first if store.dialect.name == "postgresql" else ""
                for statement in statements(first) + statements(step.ddl):
                    store.execute(statement)
                if step.data is not None:
                    step.data(store)
                stamp(store, step.to)
    return start, max(start, min(upto, CURRENT))


V3_COLUMN = "ALTER TABLE devices ADD COLUMN channels INTEGER"


def _v2_to_v3(store: Store) -> None:
    """Add devices.channels where missing and fill it for present recorders from their last
    sighting's report (a recorder that stated none gets its model number's count)."""
    if not _has_column(store, "devices", "channels"):
        store.execute(V3_COLUMN)
    from scanner.output.report import model_channels
    from scanner.sweep.record import channels_total, unpack

    rows = store.all(
        "SELECT d.id, d.manufacturer, d.kind, d.model, s.data FROM devices d"
        " JOIN sites t ON t.site = d.site JOIN runs r ON r.site = d.site AND r.run_id ="
        " t.last_run_id JOIN sightings s ON s.run = r.id AND s.device = d.id"
        " WHERE d.present = 1 AND d.channels IS NULL AND d.kind IN ('nvr', 'dvr')"
    )
    filled = []
    for pk, manufacturer, kind, model, data in rows:
        found = channels_total(unpack(data)) or channels_total(
            {"channels": model_channels(manufacturer, kind, model)}
        )
        if found is not None:
            filled.append((found, pk))
    store.many("UPDATE devices SET channels = ? WHERE id = ?", filled)


def _has_column(store: Store, table: str, column: str) -> bool:
    if store.dialect.name == "sqlite":
        return any(row[1] == column for row in store.all(f"PRAGMA table_info({table})"))
    return bool(
        store.one(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? AND column_name = ?",
            (table, column),
        )
    )


def _v1_to_v2(store: Store) -> None:
    from scanner.sweep.replay import replay_v1

    replay_v1(store)


V1_TO_V2 = (
    "DROP INDEX runs_site;"
    + "".join(f"ALTER TABLE {t} RENAME TO v1_{t};" for t in ("sightings", "identities"))
    + "".join(f"ALTER TABLE {t} RENAME TO v1_{t};" for t in ("devices", "runs"))
    + V2
    + ";"
    + V3_COLUMN  # the replay records through the current code, which writes this column
)

# PostgreSQL names indexes and identity sequences in the schema's namespace: the renamed v1
# tables' relations must move out of the way before v2 creates tables of the same names.
V1_RELATIONS_PG = "".join(
    f"ALTER {kind} {name} RENAME TO v1_{name};"
    for kind, name in (
        ("INDEX", "runs_pkey"), ("INDEX", "runs_run_id_key"), ("INDEX", "devices_pkey"),
        ("INDEX", "identities_pkey"), ("INDEX", "sightings_pkey"),
        ("SEQUENCE", "runs_id_seq"), ("SEQUENCE", "devices_id_seq"),
    )
)  # fmt: skip

MIGRATIONS = (
    Migration(1, V1),
    Migration(2, V1_TO_V2, _v1_to_v2, postgres_first=V1_RELATIONS_PG),
    Migration(3, "", _v2_to_v3),
)
