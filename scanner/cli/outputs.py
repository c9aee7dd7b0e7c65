"""Where a report goes: the -o targets and stdout, decided and checked before any work starts."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import files
from scanner.cli import process
from scanner.cli.common import Format, console
from scanner.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

STDOUT = "-"
EXTENSIONS = {
    ".json": Format.json, ".ndjson": Format.ndjson, ".jsonl": Format.ndjson,
    ".csv": Format.csv, ".html": Format.html, ".htm": Format.html, ".md": Format.md,
    ".txt": Format.table,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Target:
    """One report destination: a path (or "-" for stdout) and the format written there."""

    path: str
    fmt: Format


@dataclass(frozen=True, slots=True)
class Plan:
    """Every destination of one run's report, and where human output goes."""

    targets: tuple[Target, ...]
    stdout: Format | None  # what stdout carries as data; None when it is for humans

    @property
    def human_on_stderr(self) -> bool:
        """Whether tables, summaries and notes go to stderr because stdout carries data."""
        return self.stdout is not None


def plan(outputs: Sequence[str] | None, fmt: Format | None, refuse: Iterable[Path] = ()) -> Plan:
    """The destinations of -o and --format; InputError (exit 2) for anything that cannot work.

    Each -o takes the format its extension names; --format names it when the extension does not
    (and must agree when it does). Without -o, stdout gets --format (data) or the table. `refuse`
    lists paths no report may overwrite (the inputs, the history database).
    """
    protected = [p for p in refuse if str(p) != STDOUT]
    for path in outputs or ():
        if path == "" or "\0" in path:
            raise InputError("-o needs a file name, or '-' for stdout")
        if not _is_stdout(path):
            refuse_protected(Path(path), protected)
    targets = [Target(path, _format_of(path, fmt)) for path in outputs or ()]
    stdout = [t for t in targets if _is_stdout(t.path)]
    if len(stdout) > 1:
        raise InputError("-o - (stdout) is given more than once")
    _refuse_duplicates(targets)
    for target in targets:
        if not _is_stdout(target.path):
            files.check_target(Path(target.path))
    if stdout:
        carried: Format | None = stdout[0].fmt
    elif not targets and fmt is not None and fmt is not Format.table:
        carried = fmt
    else:
        carried = None
    return Plan(tuple(t for t in targets if not _is_stdout(t.path)), carried)


def _is_stdout(path: str) -> bool:
    return path == STDOUT or files.own_descriptor(path) == 1


def _format_of(path: str, fmt: Format | None) -> Format:
    if _is_stdout(path) or files.own_descriptor(path) is not None:
        return fmt or Format.json
    suffix = Path(path).suffix.lower()
    named = EXTENSIONS.get(suffix)
    if named is not None and fmt is not None and named is not fmt:
        raise InputError(
            f"-o {path}: the extension says {named.value} but --format says {fmt.value}; "
            "drop one of them"
        )
    if named is not None:
        return named
    if fmt is not None:
        return fmt
    if suffix and not _is_special(Path(path)):
        known = " ".join(EXTENSIONS)
        raise InputError(
            f"-o {path}: no report format is named {suffix}; use one of {known} or --format"
        )
    return Format.json  # no extension (or an existing device such as /dev/null): JSON


def _is_special(path: Path) -> bool:
    """Whether `path` is an existing character device or FIFO (its name says nothing)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _refuse_duplicates(targets: Sequence[Target]) -> None:
    seen: dict[str, str] = {}
    for target in targets:
        if _is_stdout(target.path):
            continue
        key = os.path.realpath(target.path)
        if key in seen:
            raise InputError(f"-o {target.path} names the same file as -o {seen[key]}")
        seen[key] = target.path


def refuse_protected(path: Path, protected: Sequence[Path]) -> None:
    """InputError when writing `path` would overwrite one of `protected` (inputs, history)."""
    for other in protected:
        if _same_file(path, other):
            raise InputError(f"-o {path} would overwrite {other}, an input of this run")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def deliver(report: dict[str, Any], chosen: Plan, quiet: bool) -> None:
    """Write the report to every -o file and stdout; the table or a summary for humans."""
    from scanner.output import render

    for target in chosen.targets:
        files.write_file(Path(target.path), render.encode(_text(report, target.fmt)))
    if chosen.stdout is not None:
        process.write_stdout(_text(report, chosen.stdout))
    if quiet:
        return
    from scanner.output import table  # rich: only for what a person reads

    human = console(stderr=chosen.human_on_stderr)
    if chosen.human_on_stderr:
        table.print_summary_line(report, human)
        table.render_warnings(report, human)
    else:
        table.render_table(report, human)  # prints the warnings too
    for target in chosen.targets:
        note(human, f"report written to {target.path} ({target.fmt.value})")


def _text(report: dict[str, Any], fmt: Format) -> str:
    from scanner.output import render

    return render.render(report, fmt.value)


def note(human: Console, message: str) -> None:
    """One defused line of human output."""
    from rich.text import Text

    from scanner.output.sanitize import terminal_safe

    human.print(Text(terminal_safe(message, 1000)), soft_wrap=True)
