"""The project's committed captures, and the report the speed tests compare, as they replay them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from scanner import app
from scanner.db import load_db
from scanner.sources import fast

ROOT = Path(__file__).resolve().parents[2]
PCAPS = sorted(p for p in (ROOT / "pcaps").rglob("*") if p.suffix in (".pcap", ".pcapng", ".gz"))
DEMO = ROOT / "pcaps" / "demo" / "store-lan.pcapng"


def report(paths: list[Path], pure: bool = False, jobs: int = 1) -> str:
    """The findings report with run times pinned, read compiled or pure Python, by `jobs`."""
    old = os.environ.pop(fast.DISABLE_ENV, None)
    if pure:
        os.environ[fast.DISABLE_ENV] = "1"
    try:
        db = load_db()
        pol = db.policy("default")
        run = app.analyse_files(paths, db, pol, jobs=jobs)
        run.started = run.finished = 0.0
        return json.dumps(app.findings(run, db, pol), indent=1, sort_keys=True)
    finally:
        os.environ.pop(fast.DISABLE_ENV, None)
        if old is not None:
            os.environ[fast.DISABLE_ENV] = old
