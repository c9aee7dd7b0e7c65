"""`camscan estate init`: the central schema, its migrations, and least-privilege roles.

Design (row-level security, not definer functions): the tables live in schema `camscan`, owned
by the administrator who ran init. Two group roles hold the rights:

- `camscan_store` may SELECT, INSERT and UPDATE the per-site tables, and nothing else (no DELETE,
  no DDL, no other table). Every per-site table has row-level security with one policy for this
  group: a row is visible and writable only when its `site` is the site mapped to the connected
  login role in `camscan.site_roles`. The mapping is read through `camscan.my_site()`, a
  SECURITY DEFINER function, so a store can learn its own site and no other row of the mapping.
  A store's role therefore runs the very same recording queries as a local SQLite history,
  sees only its own rows, and gets "violates row-level security policy" for any other site.
- `camscan_office` may SELECT every table (a policy that admits all rows) and write nothing.

Each store logs in with its own role (created here without a password: set one with
`ALTER ROLE ... PASSWORD` and give the store a ~/.pgpass or service file entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanner.errors import InputError
from scanner.estate.postgres import SCHEMA, connect
from scanner.sweep import schema
from scanner.sweep.config import SITE_PATTERN
from scanner.sweep.store import Store

STORE_GROUP = "camscan_store"
OFFICE_GROUP = "camscan_office"
ROLE_PATTERN = SITE_PATTERN  # role names are quoted anyway; this keeps them readable
STORE_RIGHTS = "SELECT, INSERT, UPDATE"


@dataclass(frozen=True, slots=True)
class InitResult:
    """What init did: schema versions before/after, and the roles it mapped."""

    schema_from: int
    schema_to: int
    stores: tuple[tuple[str, str], ...]
    offices: tuple[str, ...]


def _ident(name: str) -> str:
    if not ROLE_PATTERN.fullmatch(name):
        raise InputError(f"{name!r} is not a usable name: letters, digits, '.', '_', '-'")
    return '"' + name + '"'


def parse_store(spec: str) -> tuple[str, str]:
    """SITE=ROLE as given to --store."""
    site, sep, role = spec.partition("=")
    if not sep or not SITE_PATTERN.fullmatch(site) or not ROLE_PATTERN.fullmatch(role):
        raise InputError(f"--store takes SITE=ROLE (letters, digits, '.', '_', '-'), not {spec!r}")
    return site, role


def init_estate(
    url: str, stores: Sequence[tuple[str, str]] = (), offices: Sequence[str] = ()
) -> InitResult:
    """Create or upgrade the central schema, then (re)apply groups, grants and policies."""
    store = connect(url, application="camscan estate init")
    try:
        store.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        before, after = schema.migrate(store)
        with store.transaction():
            _groups(store)
            _access(store)
            for site, role in stores:
                _map_store(store, site, role)
            for role in offices:
                _role(store, role)
                store.execute(f"GRANT {OFFICE_GROUP} TO {_ident(role)}")
        return InitResult(before, after, tuple(stores), tuple(offices))
    finally:
        store.close()


def _role(store: Store, name: str) -> None:
    """Create a LOGIN role without a password unless it exists."""
    if not store.one("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)):
        store.execute(f"CREATE ROLE {_ident(name)} LOGIN")


def _groups(store: Store) -> None:
    for group in (STORE_GROUP, OFFICE_GROUP):
        if not store.one("SELECT 1 FROM pg_roles WHERE rolname = ?", (group,)):
            store.execute(f"CREATE ROLE {group} NOLOGIN")


def _access(store: Store) -> None:
    store.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA}.site_roles"
        " (role TEXT PRIMARY KEY, site TEXT NOT NULL)"
    )
    # session_user: inside this SECURITY DEFINER function current_user is the owner.
    store.execute(
        f"CREATE OR REPLACE FUNCTION {SCHEMA}.my_site() RETURNS TEXT LANGUAGE sql STABLE"
        f" SECURITY DEFINER SET search_path = {SCHEMA}, pg_temp"
        " AS 'SELECT site FROM site_roles WHERE role = session_user'"
    )
    store.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
    store.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM PUBLIC")
    store.execute(f"REVOKE ALL ON FUNCTION {SCHEMA}.my_site() FROM PUBLIC")
    store.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {STORE_GROUP}, {OFFICE_GROUP}")
    store.execute(f"GRANT EXECUTE ON FUNCTION {SCHEMA}.my_site() TO {STORE_GROUP}")
    store.execute(f"GRANT SELECT ON {SCHEMA}.{schema.META_TABLE} TO {STORE_GROUP}, {OFFICE_GROUP}")
    for table in schema.SITE_TABLES:
        name = f"{SCHEMA}.{table}"
        store.execute(f"REVOKE ALL ON {name} FROM {STORE_GROUP}, {OFFICE_GROUP}")
        store.execute(f"GRANT {STORE_RIGHTS} ON {name} TO {STORE_GROUP}")
        store.execute(f"GRANT SELECT ON {name} TO {OFFICE_GROUP}")
        store.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        store.execute(f"DROP POLICY IF EXISTS own_site ON {name}")
        store.execute(f"DROP POLICY IF EXISTS read_all ON {name}")
        # (SELECT ...) makes the site an InitPlan: looked up once per statement, not per row.
        own = f"site = (SELECT {SCHEMA}.my_site())"
        store.execute(
            f"CREATE POLICY own_site ON {name} TO {STORE_GROUP} USING ({own}) WITH CHECK ({own})"
        )
        store.execute(f"CREATE POLICY read_all ON {name} FOR SELECT TO {OFFICE_GROUP} USING (true)")
    store.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {STORE_GROUP}")


def _map_store(store: Store, site: str, role: str) -> None:
    _role(store, role)
    store.execute(f"GRANT {STORE_GROUP} TO {_ident(role)}")
    store.execute(
        f"INSERT INTO {SCHEMA}.site_roles (role, site) VALUES (?, ?)"
        " ON CONFLICT (role) DO UPDATE SET site = excluded.site",
        (role, site),
    )
