"""Replay fixtures: analyse a capture exactly as `camscan pcap` does, with fixed run times."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scanner import app
from scanner.db import load_db
from scanner.output.validate import validate_report

Report = dict[str, Any]


def analyse(paths: list[Path], policy: str = "default") -> Report:
    """The findings report for `paths`, run timestamps pinned to the epoch, validated."""
    db = load_db()
    pol = db.policy(policy)
    run = app.analyse_files(paths, db, pol)
    # golden reports must not depend on where or by whom they were made
    run.inputs, run.started, run.finished = [p.name for p in paths], 0.0, 0.0
    run.capabilities = {"root": False}
    report = app.findings(run, db, pol)
    validate_report(report)
    return report


@pytest.fixture
def report_for() -> Callable[..., Report]:
    return lambda *paths, policy="default": analyse(list(paths), policy)


def by_id(report: Report) -> dict[str, dict[str, Any]]:
    """Devices keyed by id."""
    return {d["id"]: d for d in report["devices"]}


@pytest.fixture
def devices_by_id() -> Callable[[Report], dict[str, dict[str, Any]]]:
    return by_id
