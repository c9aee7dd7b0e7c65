"""`camscan sweep`, `history`, `diff` and `report`: scheduled sweeps and hand-on reports."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scanner import files as outfiles
from scanner.cli import outputs, process
from scanner.cli.common import (
    Format,
    FormatOpt,
    OutputOpt,
    QuietOpt,
    ReportFormatOpt,
    VerboseOpt,
    console,
    say,
    setup_logging,
)
from scanner.errors import ExitStatus, InputError
from scanner.output.sanitize import terminal_safe

if TYPE_CHECKING:
    from rich.console import Console

MAX_REPORT_BYTES = 256 << 20  # a saved report larger than this is not one camscan wrote


class SweepFailOn(StrEnum):
    """When a sweep exits 1."""

    concern = "concern"
    suspect = "suspect"
    new = "new"
    never = "never"


class ListFormat(StrEnum):
    """Formats of `history` and `diff`."""

    table = "table"
    json = "json"


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="History: a file (default $XDG_DATA_HOME/camscan/history.sqlite3) or a "
        "postgresql:// URL (password from ~/.pgpass, PGPASSFILE or a service file).",
    ),
]
SyncOpt = Annotated[
    str | None,
    typer.Option("--sync", help="After the run, forward unsent runs to this postgresql:// centre."),
]


def sweep_cmd(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Sweep config (TOML).")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Site name, e.g. store-0042.")] = None,
    pcap: Annotated[
        list[Path] | None, typer.Option("--pcap", help="Replay this capture (repeatable).")
    ] = None,
    scan: Annotated[
        list[str] | None,
        typer.Option("--scan", help="Scan this CIDR, range or host (repeatable)."),
    ] = None,
    iface: Annotated[
        str | None,
        typer.Option("--iface", help="Interface to scan from; alone, scan its own subnets."),
    ] = None,
    db: DbOpt = None,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    policy: Annotated[
        str | None, typer.Option("--policy", help="Policy from vendor_db/policies.toml.")
    ] = None,
    fail_on: Annotated[
        SweepFailOn | None,
        typer.Option("--fail-on", help="Exit 1 when this holds [default: concern]."),
    ] = None,
    lock_timeout: Annotated[
        float | None,
        typer.Option("--lock-timeout", help="Seconds to wait for a running sweep [default: 60]."),
    ] = None,
    sync: SyncOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Sweep a site: find devices, record them in the history, report what changed."""
    setup_logging(verbose)
    from scanner.sweep import config as sweep_config
    from scanner.sweep.run import policy_broken, run_sweep, summary_line

    data = sweep_config.load_file(config) if config else {}
    cfg = sweep_config.build(
        data, site=site, pcaps=[str(p) for p in pcap or []] or None, scan_targets=scan,
        iface=iface, db=db, policy=policy,
        fail_on=fail_on.value if fail_on else None, lock_timeout=lock_timeout, sync=sync,
    )  # fmt: skip
    protected = [Path(str(cfg.db)), *(Path(p) for p in cfg.source.paths)]
    files = [p for p in output or [] if p != "-"]
    chosen = outputs.plan(files, fmt, refuse=protected)
    if any(target.fmt is Format.table for target in chosen.targets):
        raise InputError("a sweep writes json, ndjson, csv, html or md reports, not .txt")
    reports = {**cfg.reports, **{t.fmt.value: t.path for t in chosen.targets}}
    for template in reports.values():
        outputs.refuse_protected(Path(template), protected)
    cfg = dataclasses.replace(cfg, reports=reports)
    # "-", /dev/stdout, /dev/fd/1: the plan leaves them out of its targets; the JSON goes there
    to_stdout = any(p == "-" or outfiles.own_descriptor(p) == 1 for p in output or [])
    result = run_sweep(
        cfg, emit=lambda done: _print_sweep(done, to_stdout, fmt or Format.table, quiet)
    )
    report = result.report
    if not quiet:
        errors = console(stderr=True)
        errors.print(f"camscan: {summary_line(report)}", markup=False, soft_wrap=True)
        for path in result.written:
            note = terminal_safe(f"camscan: report written to {path}", 1000)
            errors.print(note, markup=False, soft_wrap=True)
    if result.sync is not None:
        _print_sync(result.sync, quiet)
    if policy_broken(report, cfg.fail_on):
        raise typer.Exit(int(ExitStatus.POLICY))


def _print_sweep(report: dict[str, Any], json_to_stdout: bool, fmt: Format, quiet: bool) -> None:
    """The sweep's report on stdout, flushed: run before the commit, so a full or closed stdout
    leaves the run unrecorded (StdoutFailed, StdoutClosed, BrokenPipeError)."""
    from scanner.output import table
    from scanner.output.render import render

    if json_to_stdout or fmt is Format.json:
        process.write_stdout(render(report, "json"))
    elif fmt in (Format.ndjson, Format.csv):
        process.write_stdout(render(report, fmt.value))
    elif not quiet:
        out = console()
        try:
            table.render_table(report, out)
            _print_diff(report["sweep"], report["devices"], out)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise process.StdoutFailed(
                f"cannot write to standard output: {exc.strerror or exc}"
            ) from None
    process.flush_stdout()


def history_cmd(
    site: Annotated[str | None, typer.Option("--site", help="Only this site.")] = None,
    db: DbOpt = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = (
        ListFormat.table
    ),
    migrate: Annotated[
        bool, typer.Option("--migrate", help="Upgrade an older history file's schema first.")
    ] = False,
) -> None:
    """The runs of each site and the devices of concern still present: the removal progress."""
    from scanner.sweep.config import history_location
    from scanner.sweep.history import migrate_file, opened

    location = history_location(db)
    if migrate and isinstance(location, Path):
        old, new = migrate_file(location)
        if old != new:
            say(f"history {location} upgraded from schema {old} to {new}")
    with opened(location, write=False) as history:
        if site is not None and not history.has_site(site):
            raise InputError(f"no runs of site {site!r} in {location}")
        rows = history.runs(site)
        present = history.present(site)
    if fmt is ListFormat.json:
        doc = {
            "schema": "camscan.history/1",
            "runs": [asdict(r) for r in rows],
            "present_of_concern": [_present_dict(p) for p in present],
        }
        from scanner.output import jsonout

        process.write_stdout(jsonout.dumps(doc))
        return
    from scanner.output.table import render_rows

    out = console()
    columns = ("site", "run_id", "status", "finished_at", "devices", "of_concern", "new",
               "returned", "removed", "changed", "present_concern")  # fmt: skip
    headers = (*columns[:-1], "still_present")
    render_rows(headers, [[str(getattr(r, c)) for c in columns] for r in rows], out)
    out.print(f"devices of concern still present: {len(present)}", markup=False)
    if present:
        render_rows(
            ("site", "id", "ips", "manufacturer", "model", "serial", "last_seen"),
            [
                [p.site, p.id, " ".join(p.ips), p.manufacturer or "", p.model or "",
                 p.serial or "", p.last_seen]
                for p in present
            ],
            out,
        )  # fmt: skip


def _present_dict(device: Any) -> dict[str, Any]:
    out = asdict(device)
    out["ips"] = list(device.ips)
    return out


def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The older findings JSON.")],
    new: Annotated[Path, typer.Argument(help="The newer findings JSON.")],
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = (
        ListFormat.table
    ),
) -> None:
    """What appeared, changed and disappeared between two reports (matched by MAC or serial)."""
    from scanner.sweep.diff import diff_devices

    before, after = load_report(old), load_report(new)
    try:
        result = diff_devices(before["devices"], after["devices"]).as_dict()
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InputError(f"a report is not well-formed camscan.findings/1: {exc!r}") from exc
    if fmt is ListFormat.json:
        from scanner.output import jsonout

        process.write_stdout(jsonout.dumps(result))
        return
    _print_diff(result, after["devices"], console())


def _print_diff(diff: dict[str, Any], devices: list[dict[str, Any]], console: Console) -> None:
    by_id = {d["id"]: d for d in devices}
    changes = diff.get("changes") or {}
    for tag, key in (("+ new", "new"), ("* returned", "returned"), ("~ changed", "changed")):
        for device_id in diff.get(key, ()):
            line = f"{tag}: {_describe(by_id.get(device_id, {'id': device_id}))}"
            if device_id in changes:
                line += ": " + _describe_changes(changes[device_id])
            console.print(line, markup=False, soft_wrap=True, emoji=False)
    for entry in diff["removed"]:
        console.print(f"- removed: {_describe(entry)}, last seen {entry.get('last_seen')}",
                      markup=False, soft_wrap=True, emoji=False)  # fmt: skip
    keys = ("new", "returned", "removed", "changed") if "returned" in diff else (
        "new", "removed", "changed")  # fmt: skip
    counts = ", ".join(f"{len(diff[k])} {k}" for k in keys)
    if diff.get("status") == "partial":
        counts += " (partial run: nothing counted as removed)"
    console.print(counts, markup=False)


def _describe_changes(changes: list[dict[str, Any]]) -> str:
    """`field old → new` for each changed field."""
    return terminal_safe("; ".join(
        f"{c['field']} {_value(c['old'])} \u2192 {_value(c['new'])}" for c in changes
    ))  # fmt: skip


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "-"
    return "-" if value is None else str(value)


def _describe(device: dict[str, Any]) -> str:
    parts = [device.get("id"), device.get("manufacturer"), device.get("model"),
             " ".join(device.get("ips") or [])]  # fmt: skip
    return terminal_safe(" ".join(str(p) for p in parts if p))


def report_cmd(
    file: Annotated[
        Path | None, typer.Argument(help="A findings JSON written by camscan (or use --run).")
    ] = None,
    fmt: ReportFormatOpt = None,
    output: OutputOpt = None,
    run: Annotated[
        str | None, typer.Option("--run", help="Re-render this stored run from the history.")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="The run's site (with --run).")] = None,
    db: DbOpt = None,
) -> None:
    """Render a saved report, or any stored run (--run), as HTML, Markdown, CSV, ... [html]."""
    from scanner import files
    from scanner.output.render import encode, render

    if (file is None) == (run is None):
        raise InputError("give either a report file or --run RUN_ID")
    chosen = outputs.plan(output, fmt, refuse=[file] if file is not None else [])
    report = load_report(file) if file is not None else _stored_run(db, run or "", site)
    for target in chosen.targets:
        files.write_file(Path(target.path), encode(_render(report, target.fmt.value, render)))
    if not chosen.targets or chosen.stdout is not None:
        process.write_stdout(_render(report, (chosen.stdout or fmt or Format.html).value, render))


def _stored_run(db: str | None, run_id: str, site: str | None) -> dict[str, Any]:
    from scanner.sweep.config import history_location
    from scanner.sweep.history import opened

    with opened(history_location(db), write=False) as history:
        return history.run_report(run_id, site)


def _print_sync(outcome: Any, quiet: bool) -> None:
    """One line on stderr: what reached the centre, or why the runs still wait."""
    errors = console(stderr=True)
    if outcome.error is not None:
        line = (
            f"camscan: warning: runs not forwarded ({outcome.error}); {outcome.waiting} run(s) "
            "wait in the local history for the next sync"
        )
        errors.print(terminal_safe(line, 1000), markup=False, soft_wrap=True)
    elif not quiet:
        line = (
            f"camscan: sync {outcome.target}: {outcome.stored} run(s) stored, "
            f"{outcome.already} already there"
        )
        errors.print(terminal_safe(line, 1000), markup=False, soft_wrap=True)


def _render(report: dict[str, Any], fmt: str, render: Any) -> str:
    try:
        text: str = render(report, fmt)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InputError(f"the report is not well-formed camscan.findings/1: {exc!r}") from exc
    return text


def load_report(path: Path) -> dict[str, Any]:
    """A findings report read from `path`; InputError when it is unreadable or not one."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_REPORT_BYTES:
        raise InputError(f"{path} is larger than any camscan report")
    try:
        report = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(report, dict) or report.get("schema") != "camscan.findings/1":
        raise InputError(f"{path} is not a camscan.findings/1 report")
    devices = report.get("devices")
    if not isinstance(devices, list) or not all(
        isinstance(d, dict) and isinstance(d.get("id"), str) for d in devices
    ):
        raise InputError(f"{path} is not well-formed camscan.findings/1: devices need ids")
    return report
