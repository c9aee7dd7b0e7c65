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
from typing import Any

from scanner.errors import InputError
from scanner.sweep.config import SourceSpec, SweepConfig, report_path
from scanner.sweep.history import History, Recorded
from scanner.sweep.lock import site_lock

logger = logging.getLogger(__name__)
HISTORY_RUNS = 60  # runs of the site carried in the report for its chart, this one included

# (source spec, policy name) -> a findings report (camscan.findings/1) of what the source saw.
Source = Callable[[SourceSpec, str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class SweepResult:
    """The sweep report and the report files written."""

    report: dict[str, Any]
    written: tuple[Path, ...]


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
        run = app.scan(config, db, pol)
    if run.interrupted:
        raise KeyboardInterrupt  # a sweep cut short by Ctrl-C is not a run: nothing is recorded
    return app.findings(run, db, pol)


def run_sweep(config: SweepConfig, source: Source = collect) -> SweepResult:
    """Collect, record and report one sweep while holding the site's lock."""
    with site_lock(config.db, config.site, config.lock_timeout):
        findings = source(config.source, config.policy)
        run_id = new_run_id(time.time())
        history = History(config.db, busy_timeout=max(config.lock_timeout, 1.0))
        try:
            recorded = history.record(config.site, run_id, findings)
            past = history.runs(config.site)[-HISTORY_RUNS:]
        finally:
            history.close()
        report = sweep_report(findings, config.site, run_id, recorded)
        report["sweep"]["history"] = [
            {"run_id": r.run_id, "finished_at": r.finished_at, "of_concern": r.of_concern}
            for r in past
        ]
        written = write_reports(report, config.reports)
    logger.info("%s", summary_line(report))
    return SweepResult(report, written)


def new_run_id(now: float) -> str:
    """A sortable, unique run id: UTC time plus random hex."""
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def sweep_report(
    findings: Mapping[str, Any], site: str, run_id: str, recorded: Recorded
) -> dict[str, Any]:
    """The findings with history-wide first/last seen on each device and the `sweep` object."""
    report = copy.deepcopy(dict(findings))
    for device in report["devices"]:
        device["first_seen"], device["last_seen"] = recorded.seen[device["id"]]
    report["sweep"] = {
        "site": site,
        "run_id": run_id,
        "previous_run_id": recorded.previous_run_id,
        **recorded.diff.as_dict(),
    }
    return report


def policy_broken(report: Mapping[str, Any], fail_on: str) -> bool:
    """Whether --fail-on holds: any device of concern (or suspect), or a new one of concern."""
    if fail_on == "concern":
        return bool(report["summary"]["of_concern"])
    if fail_on == "suspect":
        return bool(report["summary"]["of_concern"] or report["summary"]["suspect"])
    if fail_on == "new":
        new = set(report.get("sweep", {}).get("new", ()))
        return any(d["of_concern"] for d in report["devices"] if d["id"] in new)
    return False


def summary_line(report: Mapping[str, Any]) -> str:
    """One log line for the run: site, run id, counts and the diff."""
    sweep, summary = report["sweep"], report["summary"]
    return (
        f"sweep site={sweep['site']} run={sweep['run_id']} devices={summary['devices']} "
        f"of_concern={summary['of_concern']} new={len(sweep['new'])} "
        f"removed={len(sweep['removed'])} changed={len(sweep['changed'])}"
    )


def write_reports(report: Mapping[str, Any], templates: Mapping[str, str]) -> tuple[Path, ...]:
    """Write each configured report format atomically; return the paths written."""
    from scanner.output.render import render, write_text

    sweep = report["sweep"]
    date = report["generated_at"][:10]
    written = []
    for fmt, template in sorted(templates.items()):
        path = report_path(template, sweep["site"], sweep["run_id"], date)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {path.parent}: {exc.strerror or exc}") from exc
        write_text(path, render(report, fmt))
        written.append(path)
    return tuple(written)
