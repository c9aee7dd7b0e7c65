"""PostgreSQL URLs as camscan accepts them: never with a password, named without secrets."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from scanner.errors import InputError

SCHEMES = ("postgresql", "postgres")
SECRET_PARAMS = ("password", "sslpassword")
HOW = "put it in ~/.pgpass (or $PGPASSFILE), a service file (?service=NAME) or $PGPASSWORD"


def check_url(url: str) -> str:
    """The URL unchanged; InputError when it is not PostgreSQL or carries a password."""
    try:
        parts = urlsplit(url)
        params = parse_qs(parts.query)
        has_password = parts.password is not None
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise InputError(f"not a usable PostgreSQL URL: {exc}") from None
    if parts.scheme not in SCHEMES:
        raise InputError("a central history URL starts with postgresql://")
    if has_password or any(key in params for key in SECRET_PARAMS):
        raise InputError(f"a password does not belong on the command line or in a config: {HOW}")
    return url


def target_key(url: str) -> str:
    """Which centre a URL names, for remembering what it acknowledged: host, port, database."""
    parts = urlsplit(url)
    params = parse_qs(parts.query)
    host = parts.hostname or ",".join(params.get("host", [])) or "localhost"
    port = parts.port or int(params.get("port", ["5432"])[0])
    database = parts.path.lstrip("/") or ",".join(params.get("dbname", []))
    service = ",".join(params.get("service", []))
    key = f"postgresql://{host}:{port}/{database}"
    return f"{key}?service={service}" if service else key
