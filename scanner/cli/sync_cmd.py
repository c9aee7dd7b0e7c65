"""`camscan sync`: forward a store's local runs to the central history."""

from __future__ import annotations

from typing import Annotated

import typer

from scanner.cli.common import say
from scanner.errors import RuntimeFailure


def sync_cmd(
    to: Annotated[
        str, typer.Option("--to", help="The centre: postgresql://user@host/db (no password).")
    ],
    db: Annotated[
        str | None, typer.Option("--db", help="The local history file (default: the sweep's).")
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Nothing on success.")] = False,
) -> None:
    """Push every local run the centre has not acknowledged, oldest first; exit 3 if unreachable."""
    from scanner.estate.sync import push, waiting
    from scanner.sweep.config import history_location

    local = history_location(db)
    try:
        outcome = push(local, to)
    except RuntimeFailure as exc:
        raise RuntimeFailure(f"{exc}; {waiting(local, to)} run(s) wait for the next sync") from None
    if not quiet:
        say(
            f"sync {outcome.target}: {outcome.stored} run(s) stored, "
            f"{outcome.already} already there"
        )
