"""`camscan estate`: the estate report, and `camscan estate init` for the central database."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from scanner.cli import process
from scanner.cli.common import say
from scanner.errors import InputError


class EstateFormat(StrEnum):
    """Formats of the estate report."""

    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


DEFAULT_STALE_DAYS = 8


def estate_report(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="The central history URL (or a history file)."),
    ] = None,
    fmt: Annotated[EstateFormat, typer.Option("--format", help="Output format.")] = (
        EstateFormat.table
    ),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Also chart this site's burn-down.")
    ] = None,
    stale_days: Annotated[
        int,
        typer.Option("--stale-days", help="Sites not swept for this many days are listed."),
    ] = DEFAULT_STALE_DAYS,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Report as of this UTC time (default now), e.g. 2026-11-30."),
    ] = None,
) -> None:
    """Per site: devices of concern now, suspects, last sweep, weekly change; estate totals."""
    if ctx.invoked_subcommand is not None:
        return
    from scanner.estate.render import render
    from scanner.estate.report import build_estate, parse_as_of
    from scanner.output.render import write_text
    from scanner.sweep.config import history_location
    from scanner.sweep.history import opened

    if db is None:
        raise InputError("camscan estate needs --db: the central history's postgresql:// URL")
    if not 1 <= stale_days <= 3650:
        raise InputError("--stale-days must be from 1 to 3650")
    when = parse_as_of(as_of)
    with opened(history_location(db), write=False) as history:
        estate = build_estate(history, when, stale_days, site)
    text = render(estate, fmt.value)
    if output is None:
        process.write_stdout(text)
    else:
        write_text(output, text)


def estate_init(
    db: Annotated[
        str, typer.Option("--db", help="The central database: postgresql://admin@host/db.")
    ],
    store: Annotated[
        list[str] | None,
        typer.Option("--store", help="SITE=ROLE: this login role may add runs for SITE only."),
    ] = None,
    office: Annotated[
        list[str] | None,
        typer.Option("--office", help="ROLE: this login role may read every site."),
    ] = None,
) -> None:
    """Create or upgrade the central schema, its groups and policies, and map store roles."""
    from scanner.estate.roles import init_estate, parse_store
    from scanner.sweep.config import history_location

    url = history_location(db)
    if not isinstance(url, str):
        raise InputError("estate init needs a postgresql:// URL")
    stores = [parse_store(spec) for spec in store or []]
    result = init_estate(url, stores, office or [])
    if result.schema_from == result.schema_to:
        say(f"central history at schema {result.schema_to} (up to date)")
    else:
        say(f"central history upgraded from schema {result.schema_from} to {result.schema_to}")
    for site, role in result.stores:
        say(f"role {role} may add runs for site {site}")
    for role in result.offices:
        say(f"role {role} may read every site")
