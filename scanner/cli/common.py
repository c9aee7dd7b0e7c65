"""What every camscan command shares: options, consoles, error mapping and report emission."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from scanner.errors import ExitStatus, ScannerError
from scanner.output.sanitize import terminal_safe

if TYPE_CHECKING:
    from scanner.app import Limits
    from scanner.db import VendorDB
    from scanner.db.types import Policy

F = TypeVar("F", bound=Callable[..., Any])


class Format(StrEnum):
    """Report formats written to stdout or -o."""

    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


class FailOn(StrEnum):
    """When to exit 1."""

    concern = "concern"
    never = "never"


OutputOpt = Annotated[
    str | None, typer.Option("-o", "--output", help="Write the JSON report here ('-' = stdout).")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="What to print on stdout.")]
PolicyOpt = Annotated[str, typer.Option("--policy", help="Policy from vendor_db/policies.toml.")]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="No progress, no table.")]
VerboseOpt = Annotated[int, typer.Option("-v", "--verbose", count=True, help="More logging.")]
FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 when this holds.")]
MaxMemoryOpt = Annotated[
    str,
    typer.Option(
        "--max-memory",
        help="Memory budget of the run (e.g. 256M, 1G); tables that grow with the input are "
        "capped to fit it, and the report says what was not kept.",
    ),
]
LocalNetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--local-net",
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
    """Log to stderr: warnings by default, -v info, -vv debug."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="camscan: %(levelname)s: %(message)s", stream=sys.stderr
    )


def console(stderr: bool = False) -> Console:
    """A console for human output; wide enough for the device table when it is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def say(message: str) -> None:
    """One line on stderr, prefixed with the program name; escape sequences and markup defused."""
    line = terminal_safe(message, 1000)
    console(stderr=True).print(f"camscan: {line}", markup=False, soft_wrap=True)


def fail(message: str, status: ExitStatus) -> typer.Exit:
    """Print `message` on stderr and return the Exit to raise with `status`."""
    say(message)
    return typer.Exit(int(status))


def handled(command: F) -> F:
    """`command` with every ScannerError turned into one stderr line and its exit status."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ScannerError as exc:
            raise fail(str(exc), exc.exit_status) from None

    return run  # type: ignore[return-value]


def load_policy(name: str) -> tuple[VendorDB, Policy]:
    """The fingerprint database and the named policy; DatabaseError/InputError on failure."""
    from scanner.db import load_db

    db = load_db()
    return db, db.policy(name)


def stdout_carries_data(output: str | None, fmt: Format) -> bool:
    """Whether stdout is taken by a report, so human output must go to stderr."""
    return output == "-" or fmt is not Format.table


def emit(
    report: dict[str, Any], output: str | None, fmt: Format, quiet: bool, human: Console
) -> None:
    """Write the report to -o and/or stdout in `fmt`; the table or a summary for humans."""
    from scanner.output import jsonout, table
    from scanner.output.render import render

    if output == "-":
        sys.stdout.write(jsonout.dumps(report))
    elif output:
        jsonout.write(report, Path(output))
    if fmt is Format.json and output != "-":
        sys.stdout.write(render(report, "json"))
    elif fmt in (Format.ndjson, Format.csv):
        sys.stdout.write(render(report, fmt.value))
    if not quiet and (fmt is Format.table or human.stderr):
        if fmt is Format.table:
            table.render_table(report, human)  # prints the warnings too
        else:
            human.print(table.render_summary_line(report), markup=False)
            table.render_warnings(report, human)
    if output and output != "-" and not quiet:
        human.print(f"report written to {output}", markup=False)


def exit_on_policy(report: dict[str, Any], fail_on: FailOn) -> None:
    """Exit 1 when `--fail-on concern` holds for the report."""
    if fail_on is FailOn.concern and report["summary"]["of_concern"]:
        raise typer.Exit(int(ExitStatus.POLICY))
