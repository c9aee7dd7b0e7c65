"""Run `analyse_captures` on the given files and print its cost as JSON (used in a subprocess).

Usage: python measure.py FILE...  ->  {"rss_kb": ..., "seconds": ..., "frames": ..., ...}

A warm-up run on a small capture first pays for imports, the vendor database and regex caches,
so `rss_kb` is the growth of peak resident memory caused by the files alone.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from scanner.app import analyse_files
from scanner.db import load_db

WARM_UP = Path(__file__).resolve().parents[2] / "pcaps" / "synthetic" / "sadp.pcap"


def main(paths: list[Path]) -> None:
    """Print one JSON line: peak RSS growth (KiB), seconds, stats, warnings, devices."""
    db = load_db()
    policy = db.policy("default")
    analyse_files([WARM_UP], db, policy)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = analyse_files(paths, db, policy)
    seconds = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    summary = {
        "rss_kb": grown,
        "seconds": seconds,
        "stats": result.stats,
        "warnings": result.warnings,
        "unreadable": result.unreadable,
        "devices": sorted(d.mac or min(d.ips) for d in result.devices),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]])
