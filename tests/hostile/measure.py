"""Run `analyse_files` on the given files and print its cost as JSON (used in a subprocess).

Usage: python measure.py [--max-memory SIZE] [--limit-as MIB] FILE...
       ->  {"rss_kb": ..., "peak_rss_kb": ..., "seconds": ..., "frames": ..., ...}

A warm-up run on a small capture first pays for imports, the vendor database and regex caches,
so `rss_kb` is the growth of peak resident memory caused by the files alone; `peak_rss_kb` is the
whole process's peak. --limit-as caps the address space (RLIMIT_AS): a table that grows without
bound then ends this process with a MemoryError instead of taking the machine's memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from scanner.app import Limits, analyse_files, findings
from scanner.db import load_db
from scanner.engine.budget import Budget, parse_size

WARM_UP = Path(__file__).resolve().parents[2] / "pcaps" / "synthetic" / "sadp.pcap"


def peak_kb() -> int:
    """This process's peak resident set (KiB).

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child of
    a large pytest process would report its parent's peak.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for row in status:
            if row.startswith("VmHWM:"):
                return int(row.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(args: list[str]) -> None:
    """Print one JSON line: peak RSS growth (KiB), seconds, stats, warnings, devices."""
    limits = Limits()
    while args and args[0].startswith("--"):
        option, value, args = args[0], args[1], args[2:]
        if option == "--max-memory":
            limits = Limits(Budget.of(parse_size(value)))
        elif option == "--limit-as":
            size = int(value) << 20
            resource.setrlimit(resource.RLIMIT_AS, (size, size))
    paths = [Path(arg) for arg in args]
    db = load_db()
    policy = db.policy("default")
    analyse_files([WARM_UP], db, policy)
    before = peak_kb()
    started = time.perf_counter()
    result = analyse_files(paths, db, policy, limits=limits)
    report = findings(result, db, policy)
    seconds = time.perf_counter() - started
    peak = peak_kb()
    summary = {
        "rss_kb": peak - before,
        "peak_rss_kb": peak,
        "seconds": seconds,
        "stats": result.stats,
        "warnings": result.warnings,
        "unreadable": result.unreadable,
        "summary": report["summary"],
        "devices": sorted(d.mac or min(d.ips) for d in result.devices),
        "concern": {
            d["id"]: [d["model"], d["confidence"]]
            for d in report["devices"]
            if d["verdict"] == "concern" and not d["id"].startswith("mac:44:19:b6")
        },
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1:])
