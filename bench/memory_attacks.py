"""Peak RSS of camscan on the full-scale memory attacks of issue 12, at default settings.

Usage: memory_attacks.py [--only NAME ...] [--max-memory SIZE]

The captures come from tests/hostile/make_floods.py (full scale: a 10 GB stream of out-of-order
segments in an 18 MB gzip file, 1M ARP hosts, 100k Hikvision-looking hosts, 1M corrupt pcapng
blocks, 1M DHCP names, 256 datagrams of overlapping fragments, 100k distinct Server values from
one host) and are cached in bench/out/memory/. Each runs as `camscan pcap FILE -o REPORT -q`;
`sweep_arp_hosts` sweeps the 1M ARP hosts into a new history instead and also gives the history's
size. The peak RSS is the child's ru_maxrss from os.wait4: Linux carries the parent's resident
size over fork and exec, so this script stays small (about 12 MB; reports are read by a child)
and the value is camscan's own. The target is 300 MB at defaults. Each line also says whether
the report is usable: devices seen, listed in full, of concern listed, and the honest camera
every capture carries listed with its model.
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
    "server_flood", "sweep_arp_hosts",
)  # fmt: skip
HONEST = "mac:c0:56:e3:10:00:40"  # make_corpus.HONEST (not imported: it loads scapy)
TARGET_MB = 300


def capture(name: str) -> Path:
    """The full-scale capture of attack `name`, generated once."""
    OUT.mkdir(parents=True, exist_ok=True)
    found = sorted(OUT.glob(f"{name}-*.pcap*"))
    if found:
        return found[0]
    made = subprocess.run(
        [sys.executable, str(FLOODS), name, str(OUT)], check=True, capture_output=True, text=True
    )
    return Path(made.stdout.strip())


def command(name: str) -> tuple[list[str], Path, Path | None]:
    """camscan's argv for attack `name`, its report and (for a sweep) its history."""
    path = capture(name.removeprefix("sweep_"))
    report = OUT / f"{name}.json"
    if not name.startswith("sweep_"):
        return ["pcap", str(path), "-o", str(report), "-q"], report, None
    db = OUT / f"{name}.sqlite3"
    for old in OUT.glob(f"{db.name}*"):
        old.unlink()
    argv = ["sweep", "--site", "bench", "--pcap", str(path), "--db", str(db), "-o", str(report)]
    return [*argv, "-q", "--fail-on", "never"], report, db


def run(argv: list[str]) -> tuple[int, float, int]:
    """(exit status, seconds, peak RSS in KiB) of `camscan ARGV`."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(CAMSCAN), *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    return os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss


# Read in a child process: a report of thousands of devices would grow this script by tens of
# MB, and every later camscan child would inherit that as the floor of its ru_maxrss.
USABLE = """
import json, sys
doc = json.load(open(sys.argv[1], "rb"))
listed = {d["id"]: d for d in doc["devices"]}
concern = sum(d["verdict"] == "concern" for d in listed.values())
camera = listed.get(sys.argv[2])
found = f"{camera['model']} {camera['confidence']}" if camera else "MISSING"
print(f"{doc['summary']['devices']}/{len(listed)}/{concern}  camera {found}")
"""


def usable(report: Path) -> str:
    """Devices seen / listed / of concern listed, and the honest camera's model and confidence."""
    out = subprocess.run(
        [sys.executable, "-c", USABLE, str(report), HONEST], check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    return out.stdout.strip()


def main() -> None:
    """Print one line per attack: capture size, exit status, time, peak RSS, report, history."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=ATTACKS, default=list(ATTACKS))
    parser.add_argument("--max-memory", help="passed to camscan pcap (default: camscan's own)")
    args = parser.parse_args()
    worst = 0
    print(
        f"{'attack':<16}{'capture':>10}{'exit':>5}{'seconds':>9}{'peak RSS':>10}{'report':>10}"
        f"{'history':>10}  seen/listed/concern listed, honest camera"
    )
    for name in args.only:
        argv, report, db = command(name)
        if args.max_memory and db is None:
            argv += ["--max-memory", args.max_memory]
        status, seconds, rss_kb = run(argv)
        worst = max(worst, rss_kb)
        size = Path(argv[1] if db is None else argv[4]).stat().st_size
        history = f"{db.stat().st_size / 1e6:.1f}MB" if db is not None else "-"
        print(
            f"{name:<16}{size / 1e6:>8.1f}MB{status:>5}{seconds:>9.1f}{rss_kb / 1024:>8.1f}MB"
            f"{report.stat().st_size / 1e6:>8.1f}MB{history:>10}  {usable(report)}"
        )
        print(f"    camscan {' '.join(argv)}".replace(f"{ROOT}/", ""))
    print(f"worst peak RSS {worst / 1024:.1f} MB (target {TARGET_MB} MB)")


if __name__ == "__main__":
    main()
