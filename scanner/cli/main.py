"""The camscan command line: the typer application, its commands registered in one place."""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer

from scanner.cli import db_cmd, pcap_cmd, scan_cmd, sweep_cmd
from scanner.cli.common import handled, say
from scanner.errors import ScannerError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find Hikvision and Dahua CCTV equipment, under any label, with the evidence.",
)
db_app = typer.Typer(no_args_is_help=True, help="Check and query the fingerprint database.")
app.add_typer(db_app, name="db")

COMMANDS: tuple[tuple[typer.Typer, str, Callable[..., None]], ...] = (
    (app, "pcap", pcap_cmd.pcap),
    (app, "scan", scan_cmd.scan),
    (app, "listen", scan_cmd.listen),
    (app, "sweep", sweep_cmd.sweep_cmd),
    (app, "history", sweep_cmd.history_cmd),
    (app, "diff", sweep_cmd.diff_cmd),
    (app, "report", sweep_cmd.report_cmd),
    (db_app, "verify", db_cmd.db_verify),
    (db_app, "match", db_cmd.db_match),
    (db_app, "info", db_cmd.db_info),
    (db_app, "update-oui", db_cmd.db_update_oui),
)
for group, name, command in COMMANDS:
    group.command(name)(handled(command))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except ScannerError as exc:  # raised outside a command (typer's own callbacks)
        say(str(exc))
        sys.exit(int(exc.exit_status))
