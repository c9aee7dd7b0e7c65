"""Time `camscan scan` at its default settings against nmap on the same emulated store segment.

Usage (root; run `bench/install-tool.sh nmap` first, or `make bench-scan`):
    scan_bench.py [--runs 3] [--hosts 250] [--cameras 30] [--firewalled 20]

Builds one lab in network namespaces (tests/lab/netns.py; nothing touches the machine's real
interfaces): a bridge and `--hosts` hosts at 10.78.1.3 upwards, every host and the scanner
(10.78.0.2) on 10.78.0.0/22. `--cameras` of them run the lab's camera emulators (Hikvision, Dahua
and relabels, answering WS-Discovery after a random delay of up to 0.5 s as ONVIF devices do);
the rest only answer ARP and reset TCP, as a quiet PC does. Three cases, each run `--runs` times,
interleaved, camscan first:

  (a) live    10.78.1.0/24: 250 live hosts
  (b) fw      10.78.1.0/24 with `--firewalled` quiet hosts dropping every TCP segment (no RST, no
              SYN-ACK: an `ip rule` sends their TCP replies to a blackhole route)
  (c) sparse  10.78.0.0/22: the same 250 hosts in 1,022 addresses, three quarters empty

Before timing, one untimed `camscan db info` writes bytecode and the vendor_db parse cache, as
any installation's first run does. Each case times, in the scanner's namespace:
  camscan scan TARGET --iface eth0 -o REPORT -q                  (camscan's defaults, nothing else)
  nmap -n -e eth0 -sn -PR TARGET
  nmap -n -e eth0 -sS -p <camscan's default ports> --open TARGET
and prints, per run and as the median over runs: wall seconds, the ratio camscan / (nmap -sn +
nmap -sS), camscan's findings (devices, of concern, planted cameras found) and peak RSS (rusage
of the finished child). A camera missing from any run is printed as a failure and the exit status
is 1. The numbers are for one machine at one load (printed): compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lab"))

from netns import Lab, cleanup_stale, emulator_argv, ip, unavailable  # noqa: E402

from scanner.active.settings import DEFAULT_PORTS  # noqa: E402

CAMSCAN = Path(sys.executable).parent / "camscan"
BASE = "csbench"
LAN = "10.78.0.0/22"
SCANNER = ("10.78.0.2/22", "02:78:00:00:00:02")
PORTS = ",".join(map(str, DEFAULT_PORTS))  # nmap checks what camscan checks
WSD_DELAY = 0.5  # WS-Discovery APP_MAX_DELAY: devices answer a Probe within 0-500 ms
FIREWALL_TABLE = "178"
CASES = (("a", "live", "10.78.1.0/24", False), ("b", "fw", "10.78.1.0/24", True),
         ("c", "sparse", LAN, False))  # fmt: skip

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


@dataclass(frozen=True)
class Segment:
    """The built lab: scanner namespace, planted camera MACs, quiet hosts' namespaces."""

    scanner: str
    cameras: frozenset[str]
    quiet: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    """One case, one run: the three timings and what camscan found."""

    camscan: Timed
    nmap_sn: Timed
    nmap_ss: Timed
    devices: int
    of_concern: int
    cameras_found: int
    nmap_up: int

    @property
    def ratio(self) -> float:
        return self.camscan.seconds / (self.nmap_sn.seconds + self.nmap_ss.seconds)


def installed_env() -> dict[str, str]:
    """This environment as an installed camscan sees it: bytecode written and read (a
    PYTHONDONTWRITEBYTECODE set for CI would recompile every module edited since the last
    write on every run, which no pip-installed copy does)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up() -> None:
    """One untimed load of camscan: bytecode and the vendor_db parse cache are written, as
    after any installation's first run."""
    subprocess.run([str(CAMSCAN), "db", "info"], env=installed_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def run_timed(argv: list[str], stdout: Path) -> Timed:
    """Run argv to completion; wall time and the child's peak RSS from wait4's rusage."""
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=installed_env()
        )
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-3000:])
    return Timed(took, usage.ru_maxrss, code)


def mac(oui: str, n: int) -> str:
    return f"{oui}:{(n >> 16) & 0xFF:02x}:{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"


def build(lab: Lab, hosts: int, cameras: int, logs: Path) -> Segment:
    """Plant the segment; every emulator is ready on return."""
    scanner = lab.add_host("scan", SCANNER[1], [SCANNER[0]], False)
    procs, planted, quiet = [], set(), []
    # Cameras are spread over the /24 rather than packed at its start.
    step = max(1, hosts // max(1, cameras))
    camera_slots = {i * step for i in range(cameras)}
    for i in range(hosts):
        addr = f"10.78.1.{i + 3}/22"
        if i in camera_slots:
            profile, oui, ident = CAMERA_MIX[len(procs) % len(CAMERA_MIX)]
            host_mac = mac(oui, 0x780000 + i)
            ns = lab.add_host(f"h{i}", host_mac, [addr])
            extra = ["--reply-delay", str(WSD_DELAY)]
            for key, template in ident.items():
                extra += ["--set", f"{key}={template.format(n=i)}"]
            argv = emulator_argv(sys.executable, profile, extra)
            procs.append(lab.spawn(ns, argv, log=logs / f"h{i}.stderr"))
            planted.add(host_mac)
        else:
            quiet.append(lab.add_host(f"h{i}", mac(QUIET_OUIS[i % len(QUIET_OUIS)], 0x780000 + i),
                                      [addr]))  # fmt: skip
    lab.wait_ready(procs, timeout=180)
    return Segment(scanner, frozenset(planted), tuple(quiet))


def firewall(namespaces: tuple[str, ...], on: bool) -> None:
    """Make each namespace drop its TCP replies (a blackhole for TCP), or undo it."""
    for ns in namespaces:
        if on:
            ip("-n", ns, "route", "add", "blackhole", "default", "table", FIREWALL_TABLE)
            ip("-n", ns, "rule", "add", "ipproto", "tcp", "table", FIREWALL_TABLE)
        else:
            ip("-n", ns, "rule", "del", "ipproto", "tcp", "table", FIREWALL_TABLE)
            ip("-n", ns, "route", "del", "blackhole", "default", "table", FIREWALL_TABLE)


def run_case(lab: Lab, seg: Segment, nmap: str, target: str, work: Path, tag: str) -> Result:
    report = work / f"camscan-{tag}.json"
    report.unlink(missing_ok=True)
    camscan_argv = [str(CAMSCAN), "scan", target, "--iface", "eth0", "-o", str(report), "-q"]
    nmap_sn = [nmap, "-n", "-e", "eth0", "-sn", "-PR", target]
    nmap_ss = [nmap, "-n", "-e", "eth0", "-sS", "-p", PORTS, "--open", target]
    cs = run_timed(lab.exec_argv(seg.scanner, camscan_argv), work / f"camscan-{tag}.out")
    sn = run_timed(lab.exec_argv(seg.scanner, nmap_sn), work / f"nmap-sn-{tag}.txt")
    ss = run_timed(lab.exec_argv(seg.scanner, nmap_ss), work / f"nmap-ss-{tag}.txt")
    doc = json.loads(report.read_text()) if report.exists() else {"devices": [], "summary": {}}
    concern_macs = {d.get("mac") for d in doc["devices"] if d.get("of_concern")}
    return Result(
        cs, sn, ss,
        devices=len(doc["devices"]),
        of_concern=int(doc["summary"].get("of_concern") or 0),
        cameras_found=len(seg.cameras & concern_macs),
        nmap_up=(work / f"nmap-sn-{tag}.txt").read_text().count("Host is up"),
    )  # fmt: skip


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--cameras", type=int, default=30)
    parser.add_argument("--firewalled", type=int, default=20)
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
    warm_up()
    work = Path(tempfile.mkdtemp(prefix="scan-bench-"))
    results: dict[str, list[Result]] = {key: [] for key, *_ in CASES}
    with Lab(base=BASE) as lab:
        started = time.perf_counter()
        seg = build(lab, args.hosts, args.cameras, work)
        step = max(1, len(seg.quiet) // max(1, args.firewalled))
        walled = seg.quiet[::step][: args.firewalled]
        print(f"lab: {args.hosts} hosts ({len(seg.cameras)} cameras, {len(walled)} of the others "
              f"firewalled in case b) built in {time.perf_counter() - started:.1f} s")  # fmt: skip
        print(f"load average before: {load()}")
        for run in range(1, args.runs + 1):
            for key, name, target, walls in CASES:
                if walls:
                    firewall(walled, True)
                try:
                    res = run_case(lab, seg, nmap, target, work, f"{key}{run}")
                finally:
                    if walls:
                        firewall(walled, False)
                results[key].append(res)
                print(f"  run {run} ({key}) {name:<6} camscan {res.camscan.seconds:5.2f} s  "
                      f"nmap {res.nmap_sn.seconds:5.2f} + {res.nmap_ss.seconds:5.2f} s  "
                      f"ratio {res.ratio:.2f}  cameras {res.cameras_found}/{len(seg.cameras)}  "
                      f"exit {res.camscan.returncode}", flush=True)  # fmt: skip
        print(f"load average after: {load()}")
    return summary(results, len(seg.cameras), args.runs, work)


def summary(results: dict[str, list[Result]], cameras: int, runs: int, work: Path) -> int:
    print()
    print(f"median of {runs} runs, camscan at its default settings:")
    print(f"{'case':<24}{'camscan s':>10}{'nmap s':>9}{'ratio':>7}{'devices':>9}{'concern':>9}"
          f"{'cameras':>10}{'nmap up':>9}{'peak RSS':>10}")  # fmt: skip
    missed = False
    for key, name, target, _ in CASES:
        rs = results[key]
        cs = statistics.median(r.camscan.seconds for r in rs)
        nm = statistics.median(r.nmap_sn.seconds + r.nmap_ss.seconds for r in rs)
        found = min(r.cameras_found for r in rs)
        missed |= found < cameras
        rss = max(r.camscan.peak_rss_kib for r in rs) / 1024
        print(f"({key}) {name:<6} {target:<14}{cs:>10.2f}{nm:>9.2f}{cs / nm:>7.2f}"
              f"{statistics.median(r.devices for r in rs):>9.0f}"
              f"{statistics.median(r.of_concern for r in rs):>9.0f}"
              f"{f'{found}/{cameras}':>10}{statistics.median(r.nmap_up for r in rs):>9.0f}"
              f"{rss:>7.0f} MiB")  # fmt: skip
    print(
        "ratio = camscan / (nmap -sn -PR + nmap -sS --open); target <= 0.5 on (a) and (b); "
        "'cameras' is the fewest planted cameras reported of concern in any run"
    )
    print(f"outputs kept in {work}")
    if missed:
        print("FAIL: a planted camera was missed in at least one run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
