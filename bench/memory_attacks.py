"""Peak RSS of `camscan pcap` on the full-scale memory attacks of issue 12, at default settings.

Usage: memory_attacks.py [--only NAME ...] [--max-memory SIZE]

The captures come from tests/hostile/make_floods.py (full scale: a 10 GB stream of out-of-order
segments in an 18 MB gzip file, 1M ARP hosts, 100k Hikvision-looking hosts, 1M corrupt pcapng
blocks, 1M DHCP names, 256 datagrams of overlapping fragments, 100k distinct Server values from
one host) and are cached in bench/out/memory/. Each runs as `camscan pcap FILE -o REPORT -q`; the
peak RSS is the child's ru_maxrss from os.wait4 (this script stays far smaller than camscan, so
the value Linux carries over fork and exec does not mask it). The target is 300 MB at defaults.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "memory"
CAMSCAN = ROOT / ".venv" / "bin" / "camscan"
FLOODS = ROOT / "tests" / "hostile" / "make_floods.py"
ATTACKS = (
    "ooo_segments", "arp_hosts", "hik_hosts", "corrupt_blocks", "dhcp_names", "fragment_bomb",
    "server_flood",
)  # fmt: skip
TARGET_MB = 300


def capture(name: str) -> Path:
    """The full-scale capture of attack `name`, generated once."""
    OUT.mkdir(parents=True, exist_ok=True)
    found = sorted(OUT.glob(f"{name}-*"))
    if found:
        return found[0]
    made = subprocess.run(
        [sys.executable, str(FLOODS), name, str(OUT)], check=True, capture_output=True, text=True
    )
    return Path(made.stdout.strip())


def run(path: Path, extra: list[str]) -> tuple[int, float, int, int]:
    """(exit status, seconds, peak RSS in KiB, report bytes) of camscan on `path`."""
    report = OUT / f"{path.name}.json"
    argv = [str(CAMSCAN), "pcap", str(path), "-o", str(report), "-q", *extra]
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, seconds, usage.ru_maxrss, report.stat().st_size


def main() -> None:
    """Print one line per attack: capture size, exit status, time, peak RSS, report size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=ATTACKS, default=list(ATTACKS))
    parser.add_argument("--max-memory", help="passed to camscan (default: camscan's own)")
    args = parser.parse_args()
    extra = ["--max-memory", args.max_memory] if args.max_memory else []
    worst = 0
    print(f"{'attack':<16}{'capture':>12}{'exit':>6}{'seconds':>9}{'peak RSS':>11}{'report':>11}")
    for name in args.only:
        path = capture(name)
        status, seconds, rss_kb, report = run(path, extra)
        worst = max(worst, rss_kb)
        print(
            f"{name:<16}{path.stat().st_size / 1e6:>10.1f}MB{status:>6}{seconds:>9.1f}"
            f"{rss_kb / 1024:>9.1f}MB{report / 1e3:>9.1f}kB   "
            f"camscan pcap {path.relative_to(ROOT)} -o report.json -q"
        )
    print(f"worst peak RSS {worst / 1024:.1f} MB (target {TARGET_MB} MB)")


if __name__ == "__main__":
    main()
