"""`camscan pcap`: analyse captures."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from scanner.cli import outputs
from scanner.cli.common import (
    DEFAULT_MAX_MEMORY,
    FailOn,
    FailOnOpt,
    FormatOpt,
    LocalNetOpt,
    MaxMemoryOpt,
    OutputOpt,
    PolicyOpt,
    QuietOpt,
    VerboseOpt,
    exit_on_policy,
    limits,
    load_policy,
    say,
    setup_logging,
)
from scanner.errors import ExitStatus, InputError

STDIN = "-"


def pcap(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="CAPTURE...",
            help="pcap/pcapng files, optionally gzip-compressed; '-' or a pipe/FIFO is read "
            "as a stream.",
            show_default=False,
        ),
    ],
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    policy: PolicyOpt = "default",
    fail_on: FailOnOpt = FailOn.never,
    max_memory: MaxMemoryOpt = DEFAULT_MAX_MEMORY,
    local_net: LocalNetOpt = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Processes reading the captures (a large one in parts); the report is the "
            "same for any N. Default: the CPUs this process may use.",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Analyse captures (no root needed) and report every device, concerns first."""
    setup_logging(verbose)
    from scanner import app

    bounds = limits(max_memory, local_net)
    if jobs is not None and not 1 <= jobs <= 256:
        raise InputError(f"--jobs must be between 1 and 256, not {jobs}")
    if sum(1 for f in files if str(f) == STDIN) > 1:
        raise InputError("'-' (standard input) can be read only once")
    chosen = outputs.plan(output, fmt, refuse=files)
    db, pol = load_policy(policy)
    with _Progress(files, quiet) as progress:
        run = app.analyse_files(files, db, pol, progress, bounds, jobs or _cpus())
    report = app.findings(run, db, pol)
    for line in run.unreadable:
        say(line)  # one line per file; say() defuses escape sequences in file names
    if len(run.unreadable) == len(files):
        raise typer.Exit(int(ExitStatus.USAGE))
    outputs.deliver(report, chosen, quiet)
    if run.interrupted:
        raise typer.Exit(int(ExitStatus.INTERRUPTED))
    if run.unreadable:
        raise typer.Exit(int(ExitStatus.USAGE))
    exit_on_policy(report, fail_on)


def input_sizes(files: list[Path]) -> list[int] | None:
    """Bytes of each input as stored, or None when one is a stream (stdin, pipe, FIFO)."""
    sizes = []
    for path in files:
        try:
            info = os.fstat(sys.stdin.fileno()) if str(path) == STDIN else path.stat()
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        sizes.append(info.st_size)
    return sizes


class _Progress:
    """A progress bar on stderr with percentage and time left when the input size is known, a
    frame count otherwise; off when stderr is not a terminal or with -q."""

    def __init__(self, files: list[Path], quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.files = files
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        sizes = input_sizes(self.files)
        total = sum(sizes) if sizes else 0
        columns: list[Any] = [TextColumn("reading"), BarColumn()]
        if total:
            columns += [TaskProgressColumn(), TimeRemainingColumn()]
        columns.append(TextColumn("{task.fields[frames]} frames"))
        self.bar = Progress(*columns, console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("read", total=total or None, frames=0)

        def update(index: int, position: int | None, frames: int) -> None:
            if position is not None and sizes:
                before = sum(sizes[:index])
                self.bar.update(task, completed=min(before + position, total))
            self.bar.update(task, frames=frames)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's in a container or taskset)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1
