"""The camscan command line: the typer application, its commands registered in one place, and
the entry point that turns every failure into one line on stderr and its exit status."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Sequence
from typing import Annotated

import typer

from scanner import __version__
from scanner.cli import db_cmd, estate_cmd, pcap_cmd, process, scan_cmd, sweep_cmd, sync_cmd
from scanner.cli.common import console, handled, say
from scanner.errors import ExitStatus, ScannerError

CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    context_settings=CONTEXT,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Find Hikvision and Dahua CCTV equipment, under any label, with the evidence.",
)
db_app = typer.Typer(
    no_args_is_help=True,
    context_settings=CONTEXT,
    rich_markup_mode=None,
    help="Check and query the fingerprint database.",
)
app.add_typer(db_app, name="db")
estate_app = typer.Typer(
    invoke_without_command=True,
    context_settings=CONTEXT,
    rich_markup_mode=None,
    help="Devices of concern across every site: the estate report, and setting up the centre.",
)
app.add_typer(estate_app, name="estate")
estate_app.callback()(handled(estate_cmd.estate_report))

COMMANDS: tuple[tuple[typer.Typer, str, Callable[..., None]], ...] = (
    (app, "pcap", pcap_cmd.pcap),
    (app, "scan", scan_cmd.scan),
    (app, "listen", scan_cmd.listen),
    (app, "sweep", sweep_cmd.sweep_cmd),
    (app, "history", sweep_cmd.history_cmd),
    (app, "diff", sweep_cmd.diff_cmd),
    (app, "report", sweep_cmd.report_cmd),
    (app, "sync", sync_cmd.sync_cmd),
    (estate_app, "init", estate_cmd.estate_init),
    (db_app, "verify", db_cmd.db_verify),
    (db_app, "match", db_cmd.db_match),
    (db_app, "info", db_cmd.db_info),
    (db_app, "update-oui", db_cmd.db_update_oui),
)
for group, name, command in COMMANDS:
    group.command(name)(handled(command))


def _version(value: bool) -> None:
    if value:
        console().print(f"camscan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "-V", "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Find Hikvision and Dahua CCTV equipment, under any label, with the evidence."""


def for_command(argv: Sequence[str]) -> typer.Typer:
    """`app` cut down to the command `argv` runs: typer builds every command's options from its
    signature at each start (~30 ms for all of them), the one command run needs a few ms."""
    name = argv[0] if argv else ""
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app  # no command, an option, a mistyped command: the whole application answers
    pruned = copy.copy(app)
    pruned.registered_commands, pruned.registered_groups = commands, groups
    return pruned


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command line; the exit status. Nothing escapes as a traceback."""
    from typer._click import exceptions as click

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        status = for_command(argv)(args=argv, prog_name="camscan", standalone_mode=False)
    except click.NoArgsIsHelpError as exc:
        console(stderr=True).print(exc.format_message(), soft_wrap=True)
        return int(ExitStatus.USAGE)
    except click.ClickException as exc:  # bad usage: unknown option, missing argument, ...
        where = exc.ctx.command_path if getattr(exc, "ctx", None) else "camscan"  # type: ignore[attr-defined]
        say(f"{exc.format_message()} (see '{where} --help')")
        return int(ExitStatus.USAGE)
    except click.Abort:
        say("interrupted")
        return int(ExitStatus.INTERRUPTED)
    except ScannerError as exc:  # raised outside a command (typer's own callbacks)
        say(str(exc))
        return int(exc.exit_status)
    except (BrokenPipeError, process.StdoutClosed):
        return process.stdout_closed()
    except process.Terminated:
        say("terminated")
        return int(ExitStatus.TERMINATED)
    except KeyboardInterrupt:
        say("interrupted")
        return int(ExitStatus.INTERRUPTED)
    except Exception as exc:  # a bug: one line that says so, never a traceback or status 1
        say(f"internal error ({type(exc).__name__}: {exc}); please report it")
        return int(ExitStatus.RUNTIME)
    return status if isinstance(status, int) else 0


def main() -> None:
    """Console-script entry point."""
    process.install()
    with process.guarded_stdout():
        status = run(sys.argv[1:])
    try:
        process.flush_stdout()
    except BrokenPipeError:
        status = process.stdout_closed()
    except ScannerError as exc:
        say(str(exc))
        status = int(ExitStatus.RUNTIME)
    process.leave(status)
