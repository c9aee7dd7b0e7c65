"""The camscan command line: thin typer commands over the library."""

from __future__ import annotations

import logging
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from scanner.cli.status import ExitStatus
from scanner.db.types import Policy

if TYPE_CHECKING:
    from scanner.db import VendorDB
from scanner.errors import InputError, ScannerError
from scanner.output.sanitize import terminal_safe

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find Hikvision and Dahua CCTV equipment, under any label, with the evidence.",
)
db_app = typer.Typer(no_args_is_help=True, help="Check and query the fingerprint database.")
app.add_typer(db_app, name="db")


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


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="camscan: %(levelname)s: %(message)s", stream=sys.stderr
    )


def _console(stderr: bool = False) -> Console:
    """A console for human output; wide enough for the device table when it is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _fail(message: str, status: ExitStatus) -> typer.Exit:
    _console(stderr=True).print(f"camscan: {message}", markup=False, soft_wrap=True)
    return typer.Exit(int(status))


@app.command()
def pcap(
    files: Annotated[
        list[Path], typer.Argument(help="pcap/pcapng files, optionally gzip-compressed.")
    ],
    output: OutputOpt = None,
    fmt: FormatOpt = Format.table,
    policy: PolicyOpt = "default",
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when this holds.")
    ] = FailOn.never,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Analyse captures (no root needed) and report every device, concerns first."""
    _setup_logging(verbose)
    from scanner.engine.pipeline import analyse_captures
    from scanner.engine.report import build_report

    db, pol = load_policy(policy)
    human = _console(stderr=_stdout_carries_data(output, fmt))
    started = time.time()
    with _progress(files, quiet) as progress:
        result = analyse_captures(files, db, pol, progress)
    finished = time.time()
    report = build_report(
        result.devices,
        db,
        mode="pcap",
        inputs=[str(f) for f in files],
        policy=policy,
        started=started,
        finished=finished,
        stats=result.stats,
        warnings=result.warnings + result.unreadable,
        capabilities={"root": _is_root()},
    )
    errors = _console(stderr=True)
    for line in result.unreadable:
        # one line per file; a file name is not trusted to be free of escape sequences
        errors.print(f"camscan: {terminal_safe(line, 1000)}", markup=False, soft_wrap=True)
    if len(result.unreadable) == len(files):
        raise typer.Exit(int(ExitStatus.USAGE))
    _emit(report, output, fmt, quiet, human)
    if result.unreadable:
        raise typer.Exit(int(ExitStatus.USAGE))
    if fail_on is FailOn.concern and report["summary"]["of_concern"]:
        raise typer.Exit(int(ExitStatus.POLICY))


def load_policy(name: str) -> tuple[VendorDB, Policy]:
    """The fingerprint database and the named policy; exit 2 with one line when either fails."""
    from scanner.db import load_db

    try:
        db = load_db()
        return db, db.policy(name)
    except ScannerError as exc:
        raise _fail(str(exc), ExitStatus.USAGE) from None


def _stdout_carries_data(output: str | None, fmt: Format) -> bool:
    return output == "-" or fmt is not Format.table


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _emit(
    report: dict[str, Any], output: str | None, fmt: Format, quiet: bool, human: Console
) -> None:
    from scanner.output import csvout, jsonout, ndjson, table

    if output == "-":
        sys.stdout.write(jsonout.dumps(report))
    elif output:
        try:
            jsonout.write(report, Path(output))
        except ScannerError as exc:
            raise _fail(str(exc), ExitStatus.USAGE) from None
    if fmt is Format.json and output != "-":
        sys.stdout.write(jsonout.dumps(report))
    elif fmt is Format.ndjson:
        sys.stdout.writelines(line + "\n" for line in ndjson.lines(report))
    elif fmt is Format.csv:
        sys.stdout.write(csvout.render(report))
    if not quiet and (fmt is Format.table or human.stderr):
        if fmt is Format.table:
            table.render_table(report, human)  # prints the warnings too
        else:
            human.print(table.render_summary_line(report), markup=False)
            table.render_warnings(report, human)
    if output and output != "-" and not quiet:
        human.print(f"report written to {output}", markup=False)


class _progress:
    """A rich progress bar on stderr for long captures, off when stderr is not a TTY or -q."""

    def __init__(self, files: list[Path], quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.total = sum(f.stat().st_size for f in files if f.is_file()) if self.enabled else 0
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import BarColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("reading"), BarColumn(), TextColumn("{task.fields[frames]} frames"),
            console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self.bar.start()
        task = self.bar.add_task("read", total=self.total or None, frames=0)
        done = [0]

        def update(consumed: int, frames: int) -> None:
            done[0] = frames
            self.bar.update(task, completed=min(consumed, self.total), frames=frames)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@db_app.command("verify")
def db_verify() -> None:
    """Run every fingerprint's examples and counterexamples; exit 1 on any problem."""
    from scanner.db import load_db
    from scanner.db.verify import verify

    try:
        problems = verify(load_db())
    except ScannerError as exc:
        raise _fail(str(exc), ExitStatus.POLICY) from None
    out = _console()
    for problem in problems:
        out.print(problem, markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(int(ExitStatus.POLICY))
    out.print("vendor_db OK", markup=False)


@db_app.command("match")
def db_match(
    kind: Annotated[str, typer.Argument(help="Observation kind, e.g. http_server, or 'oui'.")],
    value: Annotated[str, typer.Argument(help="The value to try.")],
) -> None:
    """Show which fingerprint a value matches and what it claims."""
    from scanner.db import load_db

    db = load_db()
    out = _console()
    if kind == "oui":
        entry = db.oui(value)
        if entry is None:
            raise _fail(f"no registry block for {value}", ExitStatus.POLICY)
        out.print(
            f"{entry.prefix}/{entry.bits} {entry.organisation} -> "
            f"manufacturer={entry.manufacturer} brand={entry.brand} rule={entry.rule} "
            f"weight={entry.weight}",
            markup=False,
        )
        return
    if kind not in db.kinds():
        raise _fail(
            f"unknown kind {kind!r}; known: {', '.join(sorted(db.kinds()))}", ExitStatus.USAGE
        )
    match = db.match(kind, value)
    if match is None:
        raise _fail(f"no {kind} fingerprint matches {value!r}", ExitStatus.POLICY)
    claims = " ".join(f"{k}={v}" for k, v in sorted(match.claims.items()))
    out.print(f"{match.rule.id} weight={match.rule.weight} {claims}", markup=False)


@db_app.command("info")
def db_info() -> None:
    """Versions and sizes of the fingerprint database."""
    from scanner.db import load_db

    db = load_db()
    out = _console()
    out.print(f"vendor_db {db.version}, OUI registry {db.oui_registry}", markup=False)
    for kind in sorted(db.kinds()):
        out.print(f"  {kind}: {len(db.rules(kind))} rules", markup=False)
    out.print(f"  policies: {', '.join(sorted(db.policies))}", markup=False)


@db_app.command("update-oui")
def db_update_oui(
    registry: Annotated[
        Path, typer.Argument(help="IEEE registry TSV (prefix, bits, organisation).")
    ],
) -> None:
    """Replace the bundled OUI registry with a newer snapshot (an explicit, offline data update)."""
    from importlib.resources import files

    from scanner.db.oui import build_registry

    dest = Path(str(files("vendor_db"))) / "oui"
    try:
        written = build_registry(registry, dest)
    except (ScannerError, OSError) as exc:
        raise _fail(str(exc), ExitStatus.USAGE) from None
    _console().print(f"OUI registry written to {written}", markup=False)


import scanner.cli.scan_cmd  # noqa: E402,F401
from scanner.cli import sweep_cmd  # noqa: E402,F401


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except InputError as exc:
        _console(stderr=True).print(f"camscan: {exc}", markup=False, soft_wrap=True)
        sys.exit(int(ExitStatus.USAGE))
