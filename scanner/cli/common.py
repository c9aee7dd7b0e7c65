"""What every camscan command shares: options, consoles, error mapping and report emission."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from scanner.cli import process
from scanner.errors import ExitStatus, ScannerError
from scanner.output.sanitize import terminal_safe

if TYPE_CHECKING:
    from rich.console import Console

    from scanner.app import Limits
    from scanner.db import VendorDB
    from scanner.db.types import Policy

F = TypeVar("F", bound=Callable[..., Any])


class Format(StrEnum):
    """Report formats, on stdout or in an -o file."""

    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    html = "html"
    md = "md"


class FailOn(StrEnum):
    """When to exit 1."""

    concern = "concern"
    suspect = "suspect"
    never = "never"


OutputOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-o", "--output", metavar="FILE",
        help="Write the report here, in the format its extension names (.json .ndjson .csv "
        ".html .md .txt); repeat for several; '-' = stdout.",
    ),
]  # fmt: skip


def _format_option(on_stdout: str) -> Any:
    """--format, whose default is `on_stdout` on stdout and json in files."""
    return typer.Option(
        "--format", metavar="FORMAT",
        help="table, json, ndjson, csv, html or md: for stdout, or for -o files whose "
        f"extension names none [default: {on_stdout} on stdout, json in files].",
        show_default=False,
    )  # fmt: skip


FormatOpt = Annotated[Format | None, _format_option("table")]
ReportFormatOpt = Annotated[Format | None, _format_option("html")]  # `camscan report`
PolicyOpt = Annotated[
    str, typer.Option("--policy", metavar="NAME", help="Policy from vendor_db/policies.toml.")
]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="No progress, no table.")]
VerboseOpt = Annotated[
    int, typer.Option("-v", "--verbose", count=True, help="More logging (-vv: debug).")
]
FailOnOpt = Annotated[
    FailOn,
    typer.Option(
        "--fail-on", metavar="WHEN",
        help="Exit 1 on: concern (a device of concern), suspect (one of concern or a suspect), "
        "never.",
    ),
]  # fmt: skip


class _SafeFormatter(logging.Formatter):
    """Log lines without escape sequences or control characters, whatever a message holds."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().format(record), 2000)


MaxMemoryOpt = Annotated[
    str,
    typer.Option(
        "--max-memory",
        metavar="SIZE",
        help="Memory budget of the run (e.g. 256M, 1G); tables that grow with the input are "
        "capped to fit it, and the report says what was not kept.",
    ),
]
LocalNetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--local-net",
        metavar="CIDR",
        help="A subnet of the LAN (CIDR; repeatable). Evidence from outside the local subnets "
        "is a remote device, never the MAC that carried it. Captures infer them from "
        "ARP/DHCP/NDP; scan and listen add the interface's own.",
    ),
]
DEFAULT_MAX_MEMORY = "256M"


def limits(max_memory: str, local_nets: list[str] | None) -> Limits:
    """The run's memory budget and stated subnets from the options; InputError when bad."""
    from scanner.app import Limits
    from scanner.engine.budget import Budget, parse_size
    from scanner.engine.subnets import parse_nets

    return Limits(Budget.of(parse_size(max_memory)), parse_nets(local_nets or ()))


def setup_logging(verbose: int) -> None:
    """Log to stderr: warnings by default, -v info, -vv debug; every line defused."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_SafeFormatter("camscan: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, _SafeFormatter)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def console(stderr: bool = False) -> Console:
    """A console for human output: the terminal's width (80 when it is not a terminal, or
    $COLUMNS), no markup, no emoji codes, no highlighting of anything it prints; rich is
    imported here, so a run that prints nothing (-q with -o) never loads it."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=False)


def say(message: str) -> None:
    """One line on stderr, prefixed with the program name; escape sequences and markup defused."""
    from rich.text import Text

    line = terminal_safe(message, 1000)
    console(stderr=True).print(Text(f"camscan: {line}"), soft_wrap=True)


def fail(message: str, status: ExitStatus) -> typer.Exit:
    """Print `message` on stderr and return the Exit to raise with `status`."""
    say(message)
    return typer.Exit(int(status))


def handled(command: F) -> F:
    """`command` with every ScannerError turned into one stderr line and its exit status, a
    closed stdout into a quiet exit, and Ctrl-C or SIGTERM outside the work into its status."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
            process.flush_stdout()
            return result
        except ScannerError as exc:
            raise fail(str(exc), exc.exit_status) from None
        except (BrokenPipeError, process.StdoutClosed):
            raise typer.Exit(process.stdout_closed()) from None
        except process.StdoutFailed as exc:
            raise fail(str(exc), ExitStatus.RUNTIME) from None
        except KeyboardInterrupt:
            raise fail("interrupted", ExitStatus.INTERRUPTED) from None
        except process.Terminated:
            raise fail("terminated", ExitStatus.TERMINATED) from None

    return run  # type: ignore[return-value]


def load_policy(name: str) -> tuple[VendorDB, Policy]:
    """The fingerprint database and the named policy; DatabaseError/InputError on failure."""
    from scanner.db import load_db

    db = load_db()
    return db, db.policy(name)


def policy_broken(report: dict[str, Any], fail_on: FailOn) -> bool:
    """Whether --fail-on holds for the report."""
    summary = report["summary"]
    if fail_on is FailOn.concern:
        return bool(summary["of_concern"])
    if fail_on is FailOn.suspect:
        return bool(summary["of_concern"] or summary["suspect"])
    return False


def exit_on_policy(report: dict[str, Any], fail_on: FailOn) -> None:
    """Exit 1 when --fail-on holds for the report."""
    if policy_broken(report, fail_on):
        raise typer.Exit(int(ExitStatus.POLICY))
