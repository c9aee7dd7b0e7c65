"""Start-up time of `camscan --help` and of `camscan pcap` on a one-frame capture.

Usage: startup_bench.py [--runs 20]

Runs each command --runs times, interleaved, after two warm-up runs (bytecode and the vendor_db
parse cache written, as on any machine after its first run), and prints the median and fastest
wall time, the median CPU time (user + system, from wait4's rusage) and the machine's load. Then
one `python -X importtime` run of each, summed per top-level package, says where the import time
goes. A benchmark, not a test: it prints and never fails on a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CAMSCAN = Path(sys.executable).parent / "camscan"
TINY = ROOT / "pcaps" / "synthetic" / "sadp.pcap"
COMMANDS = {
    "camscan --help": [str(CAMSCAN), "--help"],
    f"camscan pcap {TINY.relative_to(ROOT)}": [str(CAMSCAN), "pcap", str(TINY)],
}
TARGET = 0.3  # seconds, issue 13


def environment() -> dict[str, str]:
    """This environment with bytecode writing on (a CI setting must not slow every import)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment()
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def import_split(argv: list[str]) -> list[tuple[str, float]]:
    """Import time (s) spent in each top-level package's own modules in one run, largest first."""
    code = "import sys; from scanner.cli.main import main; sys.argv[0] = 'camscan'; main()"
    script = [sys.executable, "-X", "importtime", "-c", code]
    proc = subprocess.run(
        [*script, *argv[1:]], capture_output=True, text=True, env=environment(), check=False
    )
    totals: dict[str, float] = defaultdict(float)
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _, name = line.removeprefix("import time:").split("|")
        if own.strip().isdigit():  # each module's own time, summed by top-level package
            totals[name.strip().split(".")[0]] += int(own) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for argv in COMMANDS.values():
        timed(argv)
        timed(argv)
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for name, argv in COMMANDS.items():
            wall, cpu = timed(argv)
            walls[name].append(wall)
            cpus[name].append(cpu)
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"{args.runs} runs each, interleaved")  # fmt: skip
    print(f"{'command':<44}{'median s':>10}{'fastest s':>11}{'cpu s':>8}  target")
    for name in COMMANDS:
        median = statistics.median(walls[name])
        verdict = "met" if median < TARGET else "NOT met"
        print(f"{name:<44}{median:>10.3f}{min(walls[name]):>11.3f}"
              f"{statistics.median(cpus[name]):>8.3f}  < {TARGET} s {verdict}")  # fmt: skip
    for name, argv in COMMANDS.items():
        split = ", ".join(f"{pkg} {secs * 1000:.0f} ms" for pkg, secs in import_split(argv)[:8])
        print(f"imports of {name}: {split}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
