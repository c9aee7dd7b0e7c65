"""`camscan pcap`: analyse captures."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from scanner.cli.common import (
    DEFAULT_MAX_MEMORY,
    FailOn,
    FailOnOpt,
    Format,
    FormatOpt,
    LocalNetOpt,
    MaxMemoryOpt,
    OutputOpt,
    PolicyOpt,
    QuietOpt,
    VerboseOpt,
    console,
    emit,
    exit_on_policy,
    limits,
    load_policy,
    say,
    setup_logging,
    stdout_carries_data,
)
from scanner.errors import ExitStatus


def pcap(
    files: Annotated[
        list[Path], typer.Argument(help="pcap/pcapng files, optionally gzip-compressed.")
    ],
    output: OutputOpt = None,
    fmt: FormatOpt = Format.table,
    policy: PolicyOpt = "default",
    fail_on: FailOnOpt = FailOn.never,
    max_memory: MaxMemoryOpt = DEFAULT_MAX_MEMORY,
    local_net: LocalNetOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Analyse captures (no root needed) and report every device, concerns first."""
    setup_logging(verbose)
    from scanner import app

    bounds = limits(max_memory, local_net)
    db, pol = load_policy(policy)
    human = console(stderr=stdout_carries_data(output, fmt))
    with _Progress(files, quiet) as progress:
        run = app.analyse_files(files, db, pol, progress, bounds)
    report = app.findings(run, db, pol)
    for line in run.unreadable:
        say(line)  # one line per file; say() defuses escape sequences in file names
    if len(run.unreadable) == len(files):
        raise typer.Exit(int(ExitStatus.USAGE))
    emit(report, output, fmt, quiet, human)
    if run.unreadable:
        raise typer.Exit(int(ExitStatus.USAGE))
    exit_on_policy(report, fail_on)


class _Progress:
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

        def update(consumed: int, frames: int) -> None:
            self.bar.update(task, completed=min(consumed, self.total), frames=frames)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
