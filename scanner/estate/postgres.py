"""Connecting to the central history on PostgreSQL (psycopg 3), and naming its failures."""

from __future__ import annotations

from typing import Any

from scanner.errors import InputError, RuntimeFailure, ScannerError
from scanner.estate.urls import check_url
from scanner.sweep import schema
from scanner.sweep.store import POSTGRES, Store

SCHEMA = "camscan"  # every table of the central history lives in this schema
CONNECT_TIMEOUT = 10  # seconds; a centre that does not answer must not hold up a store's sweep
# Every wait at the centre is bounded: a row lock held by another push, or a statement.
SESSION = "-c search_path=camscan -c lock_timeout=60s -c statement_timeout=600s"


def connect(url: str, *, application: str = "camscan") -> Store:
    """An autocommit connection to the centre, its tables first on the search path."""
    check_url(url)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        raise RuntimeFailure("the PostgreSQL driver (psycopg 3) is not installed") from None
    try:
        conn = psycopg.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, options=SESSION,
            application_name=application, cursor_factory=psycopg.RawCursor, keepalives=1,
            keepalives_idle=30, keepalives_interval=10, keepalives_count=3,
        )  # fmt: skip
    except psycopg.Error as exc:
        raise translate(url, exc) from None
    return Store(conn, POSTGRES, url)


def connect_history(url: str) -> Store:
    """A connection to a centre whose schema is this camscan's; InputError otherwise."""
    store = connect(url)
    try:
        found = schema.version(store)
    except BaseException as exc:
        store.close()
        if isinstance(exc, ScannerError):
            raise
        raise translate(url, exc) from None
    if found != schema.CURRENT:
        store.close()
        schema.check_known(store, found)
        raise InputError(
            f"the central history at {url} has schema {found}, not {schema.CURRENT}: "
            "an administrator runs `camscan estate init` on it first"
        )
    return store


def translate(where: str, exc: BaseException) -> ScannerError:
    """The camscan error for a driver failure: privilege is usage (2), the rest runtime (3)."""
    import psycopg
    from psycopg import errors

    if isinstance(exc, ScannerError):
        return exc
    message = _first_line(exc)
    if isinstance(exc, errors.InsufficientPrivilege):
        return InputError(f"central history {where}: not allowed: {message}")
    if isinstance(exc, psycopg.OperationalError):
        return RuntimeFailure(f"central history {where} unreachable: {message}")
    if isinstance(exc, psycopg.Error):
        return RuntimeFailure(f"central history {where}: {message}")
    return RuntimeFailure(f"central history {where}: {type(exc).__name__}: {message}")


def _first_line(exc: Any) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
