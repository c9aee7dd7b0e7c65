"""Helpers of the hostile-input tests: analysing in-process, the CLI and cost in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from scanner import app
from scanner.db import load_db
from scanner.output.validate import validate_report

HERE = Path(__file__).resolve().parent
Report = dict[str, Any]
CLI = "from scanner.cli.main import main; main()"
SUBPROCESS_TIMEOUT = 120  # seconds: a hang fails the test instead of the whole run


def analyse(*paths: Path) -> Report:
    """The validated findings report `camscan pcap` would write for `paths`."""
    db = load_db()
    policy = db.policy("default")
    report = app.findings(app.analyse_files(list(paths), db, policy), db, policy)
    validate_report(report)
    return report


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """`camscan ARGS` in a fresh interpreter, output captured as bytes."""
    return subprocess.run(
        [sys.executable, "-c", CLI, *map(str, args)],
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def measure(*paths: Path, options: tuple[str, ...] = ()) -> dict[str, Any]:
    """Peak RSS growth (KiB), seconds, stats and warnings of analysing `paths` in a subprocess."""
    proc = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), *options, *map(str, paths)],
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def by_id(report: Report) -> dict[str, dict[str, Any]]:
    """Devices keyed by id."""
    return {d["id"]: d for d in report["devices"]}
