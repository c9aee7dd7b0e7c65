"""Time `camscan scan` against nmap's ARP sweep plus SYN port scan on the same emulated segment.

Usage (root; run `bench/install-tool.sh nmap` first):
    scan_bench.py [--hosts 250] [--cameras 30] [--keep-going]

Builds a lab in network namespaces (tests/lab/netns.py; nothing touches the machine's real
interfaces): one bridge, `--hosts` hosts in 10.78.1.0/24 of which `--cameras` run the lab's camera
emulators (Hikvision, Dahua and relabels; the rest only answer ARP and reset TCP, as a quiet PC
does), plus two empty /24s (10.78.2.0/24, 10.78.3.0/24) on the same segment. The scanner
namespace holds 10.78.{1,2,3}.2/24, so all three /24s are on-link and an ARP sweep of each is real.

Then, once each and in this order:
  camscan scan 10.78.1.0/24 10.78.2.0/24 10.78.3.0/24 --iface eth0 -o REPORT -q   (defaults)
  nmap -n -e eth0 -sn -PR <same targets>
  nmap -n -e eth0 -sS -p 80,443,554,8000,8080,8443,37777,34567 --open <same targets>
and prints both wall times, their ratio (camscan / nmap total) and camscan's peak RSS (rusage of
the finished child). The numbers are for one machine on one day: compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lab"))

from netns import Lab, cleanup_stale, emulator_argv, unavailable  # noqa: E402

CAMSCAN = Path(sys.executable).parent / "camscan"
BASE = "csbench"
SUBNETS = ("10.78.1.0/24", "10.78.2.0/24", "10.78.3.0/24")
SCANNER_MAC = "02:78:00:00:00:02"
PORTS = "80,443,554,8000,8080,8443,37777,34567"

# Camera mix: (profile, OUI, identity template). {n} is the camera's index.
CAMERA_MIX = (
    ("hik-camera", "44:19:b6", {"serial": "DS-2CD2385G1-I2022011{n:04d}AAWRJ"}),
    ("dahua-camera", "08:ed:ed", {"serial": "6M0A{n:04d}PAG7E5F"}),
    ("hik-camera", "bc:ad:28", {"serial": "DS-2CD2385G1-I2021030{n:04d}AAWRF"}),
    ("dahua-camera", "3c:ef:8c", {"serial": "7K02{n:04d}PAZ5C1A"}),
    ("hik-nvr", "24:48:45", {"serial": "DS-7608NI-K2082020{n:04d}CCRRE"}),
    ("imou-camera", "1c:4d:89", {"serial": "8C0A{n:04d}PAJ92B1"}),
    ("dahua-oem-http", "9c:8e:cd", {"serial": "AMC07A3E{n:04d}C2D870"}),
    ("hik-relabel", "14:2f:fd", {}),
)
# Quiet hosts get OUIs of ordinary PC/printer/phone makers (Intel, Dell, HP, Brother, Apple).
QUIET_OUIS = ("3c:a9:f4", "f8:b1:56", "3c:d9:2b", "30:05:5c", "a4:83:e7")


@dataclass(frozen=True)
class Timed:
    """Wall seconds, peak RSS in KiB and exit status of one command."""

    seconds: float
    peak_rss_kib: int
    returncode: int


def run_timed(argv: list[str], stdout: Path) -> Timed:
    """Run argv to completion; wall time and the child's peak RSS from wait4's rusage."""
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-3000:])
    return Timed(took, usage.ru_maxrss, proc.returncode)


def mac(oui: str, n: int) -> str:
    return f"{oui}:{(n >> 16) & 0xFF:02x}:{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"


def build(lab: Lab, hosts: int, cameras: int, logs: Path) -> tuple[str, int]:
    """Plant the segment; (scanner namespace, number of emulated cameras)."""
    scanner = lab.add_host(
        "scan", SCANNER_MAC, [f"{s.rsplit('.', 1)[0]}.2/24" for s in SUBNETS], False
    )
    procs = []
    # Cameras are spread over the /24 rather than packed at its start.
    step = max(1, hosts // max(1, cameras))
    camera_slots = {i * step for i in range(cameras)}
    for i in range(hosts):
        ip = f"10.78.1.{i + 3}"
        if i in camera_slots:
            profile, oui, ident = CAMERA_MIX[len(procs) % len(CAMERA_MIX)]
            ns = lab.add_host(f"h{i}", mac(oui, 0x780000 + i), [f"{ip}/24"])
            extra = []
            for key, template in ident.items():
                extra += ["--set", f"{key}={template.format(n=i)}"]
            argv = emulator_argv(sys.executable, profile, extra)
            procs.append(lab.spawn(ns, argv, log=logs / f"h{i}.stderr"))
        else:
            oui = QUIET_OUIS[i % len(QUIET_OUIS)]
            lab.add_host(f"h{i}", mac(oui, 0x780000 + i), [f"{ip}/24"])
    lab.wait_ready(procs, timeout=120)
    return scanner, len(procs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--cameras", type=int, default=30)
    args = parser.parse_args()
    reason = unavailable()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    nmap = shutil.which("nmap")
    if nmap is None:
        print("nmap is missing: run bench/install-tool.sh nmap first", file=sys.stderr)
        return 2
    cleanup_stale(BASE)
    work = Path(tempfile.mkdtemp(prefix="scan-bench-"))
    with Lab(base=BASE) as lab:
        started = time.perf_counter()
        scanner, cams = build(lab, args.hosts, args.cameras, work)
        print(f"lab: {args.hosts} hosts ({cams} cameras) + 2 empty /24s, built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        report = work / "camscan.json"
        camscan_argv = [str(CAMSCAN), "scan", *SUBNETS, "--iface", "eth0", "-o", str(report), "-q"]
        nmap_sn = [nmap, "-n", "-e", "eth0", "-sn", "-PR", *SUBNETS]
        nmap_ss = [nmap, "-n", "-e", "eth0", "-sS", "-p", PORTS, "--open", *SUBNETS]
        ns_exec = lab.exec_argv
        cs = run_timed(ns_exec(scanner, camscan_argv), work / "camscan.out")
        sn = run_timed(ns_exec(scanner, nmap_sn), work / "nmap-sn.txt")
        ss = run_timed(ns_exec(scanner, nmap_ss), work / "nmap-ss.txt")
    found = json.loads(report.read_text()) if report.exists() else {"summary": {}}
    nmap_up = (work / "nmap-sn.txt").read_text().count("Host is up")
    nmap_total = sn.seconds + ss.seconds
    print(f"camscan scan            {cs.seconds:8.1f} s  exit {cs.returncode}  "
          f"peak RSS {cs.peak_rss_kib / 1024:.0f} MiB  "
          f"devices {found['summary'].get('devices')}  "
          f"of concern {found['summary'].get('of_concern')} (planted {cams})")  # fmt: skip
    print(f"nmap -sn -PR            {sn.seconds:8.1f} s  hosts up {nmap_up}")
    print(f"nmap -sS -p ... --open  {ss.seconds:8.1f} s")
    print(f"ratio camscan / nmap    {cs.seconds / nmap_total:8.2f}  (target <= 1.0)")
    print(f"command: {' '.join(camscan_argv)}")
    print(f"outputs kept in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
