"""Replay fixtures: analyse a capture exactly as `camscan pcap` does, with fixed run times."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scanner.db import load_db
from scanner.engine.pipeline import analyse_captures
from scanner.engine.report import build_report
from scanner.output.validate import validate_report

Report = dict[str, Any]


def analyse(paths: list[Path], policy: str = "default") -> Report:
    """The findings report for `paths`, run timestamps pinned to the epoch, validated."""
    db = load_db()
    result = analyse_captures(paths, db, db.policy(policy))
    report = build_report(
        result.devices,
        db,
        mode="pcap",
        inputs=[p.name for p in paths],
        policy=policy,
        started=0.0,
        finished=0.0,
        stats=result.stats,
        warnings=result.warnings + result.unreadable,
        capabilities={"root": False},
    )
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
