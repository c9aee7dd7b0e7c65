"""`camscan db`: check and query the fingerprint database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scanner.cli.common import console, fail
from scanner.errors import ExitStatus, ScannerError


def db_verify() -> None:
    """Run every fingerprint's examples and counterexamples; exit 1 on any problem."""
    from scanner.db import load_db
    from scanner.db.verify import verify

    try:
        problems = verify(load_db())
    except ScannerError as exc:
        raise fail(str(exc), ExitStatus.POLICY) from None
    out = console()
    for problem in problems:
        out.print(problem, markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(int(ExitStatus.POLICY))
    out.print("vendor_db OK", markup=False)


def db_match(
    kind: Annotated[str, typer.Argument(help="Observation kind, e.g. http_server, or 'oui'.")],
    value: Annotated[str, typer.Argument(help="The value to try.")],
) -> None:
    """Show which fingerprint a value matches and what it claims."""
    from scanner.db import load_db

    db = load_db()
    out = console()
    if kind == "oui":
        entry = db.oui(value)
        if entry is None:
            raise fail(f"no registry block for {value}", ExitStatus.POLICY)
        out.print(
            f"{entry.prefix}/{entry.bits} {entry.organisation} -> "
            f"manufacturer={entry.manufacturer} brand={entry.brand} rule={entry.rule} "
            f"weight={entry.weight}",
            markup=False,
        )
        return
    if kind not in db.kinds():
        raise fail(
            f"unknown kind {kind!r}; known: {', '.join(sorted(db.kinds()))}", ExitStatus.USAGE
        )
    match = db.match(kind, value)
    if match is None:
        raise fail(f"no {kind} fingerprint matches {value!r}", ExitStatus.POLICY)
    claims = " ".join(f"{k}={v}" for k, v in sorted(match.claims.items()))
    out.print(f"{match.rule.id} weight={match.rule.weight} {claims}", markup=False)


def db_info() -> None:
    """Versions and sizes of the fingerprint database."""
    from scanner.db import load_db

    db = load_db()
    out = console()
    out.print(
        f"vendor_db {db.version}, OUI registry {db.oui_registry} ({db.oui_source})",
        soft_wrap=True,
    )
    for kind in sorted(db.kinds()):
        out.print(f"  {kind}: {len(db.rules(kind))} rules", markup=False)
    out.print(f"  policies: {', '.join(sorted(db.policies))}", markup=False)


def db_update_oui(
    sources: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="The IEEE registry's CSV files (oui.csv for MA-L, mam.csv for MA-M, oui36.csv "
            "for MA-S; any of them), or one registry TSV as shipped in vendor_db/oui.",
            show_default=False,
        ),
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Snapshot date [default: the TSV's own, or the CSV files' modification date].",
        ),
    ] = None,
) -> None:
    """Install a newer OUI registry in your data directory, where it outranks the bundled one."""
    from scanner.db import load_db
    from scanner.db.oui import update_registry, user_registry_dir

    db = load_db()
    dest, notes = update_registry(
        sources, user_registry_dir(), db.oui_blocks(), db.oui_registry, date
    )
    out = console()
    out.print(f"OUI registry written to {dest}", soft_wrap=True)
    out.print(f"  {notes}", soft_wrap=True)
