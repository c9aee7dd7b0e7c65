"""One sweep of a site: collect findings from a source, record them, write the sweep report."""

from __future__ import annotations

import copy
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.errors import InputError
from scanner.sources.capture import DAMAGED
from scanner.sweep.config import SourceSpec, SweepConfig, report_path
from scanner.sweep.history import is_url, opened
from scanner.sweep.lock import site_lock
from scanner.sweep.record import COMPLETE, PARTIAL, Recorded
from scanner.sweep.staging import StagedFiles

if TYPE_CHECKING:
    from scanner.estate.sync import SyncOutcome

logger = logging.getLogger(__name__)

# (source spec, policy name) -> a findings report (camscan.findings/1) of what the source saw.
Source = Callable[[SourceSpec, str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class SweepResult:
    """The sweep report, the report files written, and what forwarding to the centre did."""

    report: dict[str, Any]
    written: tuple[Path, ...]
    sync: SyncOutcome | None = None


# Warnings a source gives when it did not see the whole network: the run is then `partial`.
CUT_SHORT = (DAMAGED, "results are partial", "the capture holds no frames")


def collect(spec: SourceSpec, policy: str) -> dict[str, Any]:
    """Findings of the configured source: replayed captures, a scan, or listening.

    InputError for unreadable captures, bad targets or an unknown policy; RuntimeFailure for a
    missing interface or missing privileges.
    """
    from scanner import app
    from scanner.db import load_db

    db = load_db()
    pol = db.policy(policy)
    if spec.kind == "pcap":
        run = app.analyse_files([Path(p) for p in spec.paths], db, pol)
        if run.unreadable:
            raise InputError("; ".join(run.unreadable))
    elif spec.kind == "listen":
        if spec.iface is None:
            raise InputError("listening needs an interface")
        seconds = spec.seconds if spec.seconds is not None else 60.0
        run = app.listen(spec.iface, seconds, db, pol)
    else:
        config = app.scan_config(spec.targets, spec.iface, spec.allow_large, spec.scan)
        run = app.scan(config, lambda: (db, pol))
    if run.interrupted:
        raise KeyboardInterrupt  # a sweep cut short by Ctrl-C is not a run: nothing is recorded
    return app.findings(run, db, pol)


def run_sweep(
    config: SweepConfig,
    source: Source = collect,
    emit: Callable[[dict[str, Any]], None] | None = None,
) -> SweepResult:
    """Collect, record and report one sweep while holding the site's lock.

    The reports are written to temporary files inside the history transaction and renamed into
    place after it commits, and `emit` (the report on standard output) runs before the commit
    too: a report that cannot be written or printed leaves the run unrecorded, so the next
    sweep alerts again on what this one found.
    """
    check_report_templates(config.reports)
    with site_lock(lock_anchor(config.db), config.site, config.lock_timeout):
        findings = source(config.source, config.policy)
        status = run_status(findings)
        run_id = new_run_id(time.time())

        holder: list[Staged] = []

        def stage(recorded: Recorded) -> Staged:
            report = sweep_report(findings, recorded)
            report["sweep"]["history"] = history.latest(config.site)  # this run included
            holder.append(Staged(report, stage_reports(report, config.reports)))
            if emit is not None:
                emit(report)
            return holder[-1]

        try:
            with opened(config.db, write=True) as history:
                history.record(config.site, run_id, findings, status, stage)
        except BaseException:
            for staged in holder:
                staged.files.discard()  # the run is not recorded: its reports must not appear
            raise
        staged = holder[-1]
        written = staged.files.publish()
    logger.info("%s", summary_line(staged.report))
    outcome = forward(config) if config.sync else None
    return SweepResult(staged.report, written, outcome)


@dataclass(frozen=True, slots=True)
class Staged:
    """A sweep report and its files, written but not yet in place."""

    report: dict[str, Any]
    files: StagedFiles


def run_status(findings: Mapping[str, Any]) -> str:
    """`partial` when the source says it was cut short, else `complete`."""
    warnings = findings["run"].get("warnings") or ()
    cut = any(mark in str(w) for w in warnings for mark in CUT_SHORT)
    return PARTIAL if cut else COMPLETE


def lock_anchor(db: Path | str) -> Path:
    """Where a site's lock file lives: beside the history file, or in the user's state dir."""
    if is_url(db):
        from scanner.sweep.config import default_db_path

        return default_db_path().with_name("central.lock")
    return Path(db)


def forward(config: SweepConfig) -> SyncOutcome:
    """Push the runs the centre has not acknowledged; an unreachable centre is no error."""
    from scanner.estate.sync import push_safely

    assert config.sync is not None
    return push_safely(config.db, config.sync)


def new_run_id(now: float) -> str:
    """A sortable, unique run id: UTC time plus random hex."""
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def sweep_report(findings: Mapping[str, Any], recorded: Recorded) -> dict[str, Any]:
    """The findings with history-wide first/last seen on each device and the `sweep` object."""
    report = copy.deepcopy(dict(findings))
    for device in report["devices"]:
        device["first_seen"], device["last_seen"] = recorded.seen[device["id"]]
    report["sweep"] = dict(recorded.sweep)
    return report


def policy_broken(report: Mapping[str, Any], fail_on: str) -> bool:
    """Whether --fail-on holds: any device of concern (or suspect), or a new one of concern."""
    if fail_on == "concern":
        return bool(report["summary"]["of_concern"])
    if fail_on == "suspect":
        return bool(report["summary"]["of_concern"] or report["summary"]["suspect"])
    if fail_on == "new":
        # a device that comes back after a run without it is `returned`: history already knew it
        new = set(report.get("sweep", {}).get("new", ()))
        return any(d["of_concern"] for d in report["devices"] if d["id"] in new)
    return False


def summary_line(report: Mapping[str, Any]) -> str:
    """One log line for the run: site, run id, counts (recorder channels apart from devices
    seen) and the diff."""
    sweep, summary = report["sweep"], report["summary"]
    partial = " partial" if sweep.get("status") == PARTIAL else ""
    return (
        f"sweep site={sweep['site']} run={sweep['run_id']}{partial} devices={summary['devices']} "
        f"recorder_channels={summary.get('recorder_channels', 0)} "
        f"of_concern={summary['of_concern']} new={len(sweep['new'])} "
        f"returned={len(sweep.get('returned', ()))} removed={len(sweep['removed'])} "
        f"changed={len(sweep['changed'])}"
    )


def check_report_templates(templates: Mapping[str, str]) -> None:
    """InputError for a report path template that cannot be filled, before any work is done."""
    for template in templates.values():
        report_path(template, "site", "20260101T000000Z-000000", "2026-01-01")


def stage_reports(report: Mapping[str, Any], templates: Mapping[str, str]) -> StagedFiles:
    """Each configured report format written to a temporary file beside its final path."""
    from scanner.output.render import render

    sweep = report["sweep"]
    date = report["generated_at"][:10]
    files = StagedFiles()
    try:
        for fmt, template in sorted(templates.items()):
            path = report_path(template, sweep["site"], sweep["run_id"], date)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"cannot create {path.parent}: {exc.strerror or exc}") from exc
            files.add(path, render(report, fmt))
    except BaseException:
        files.discard()
        raise
    return files
