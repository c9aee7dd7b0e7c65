"""Running `camscan scan` in the lab's scanner namespace and collecting what it produced."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from netns import IFACE
from roster import SUBNET
from segment import Segment

CAMSCAN = Path(sys.executable).parent / "camscan"
SCAN_TIMEOUT = 120


@dataclass
class Scan:
    """One finished `camscan scan`: exit status, report, capture path, stderr, wall time."""

    returncode: int
    report: dict[str, Any]
    pcap: Path
    stderr: str
    seconds: float

    @property
    def devices(self) -> list[dict[str, Any]]:
        return list(self.report["devices"])


def scan_argv(out: Path, pcap: Path | None) -> list[str]:
    argv = [str(CAMSCAN), "scan", SUBNET, "--iface", IFACE, "-o", str(out), "-q"]
    return argv + (["--pcap-out", str(pcap)] if pcap else [])


def run_scan(segment: Segment, work: Path, wrap: list[str] | None = None) -> Scan:
    """Run the scan in the scanner namespace (through `wrap`, a shell-command prefix, if given)."""
    out, pcap = work / "r.json", work / "scan.pcapng"
    argv = scan_argv(out, pcap)
    if wrap:
        argv = [*wrap, shlex.join(argv)]
    started = time.monotonic()
    proc = subprocess.run(
        segment.lab.exec_argv(segment.scanner_ns, argv),
        capture_output=True,
        text=True,
        timeout=SCAN_TIMEOUT,
    )
    took = time.monotonic() - started
    assert proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr[-3000:]}"
    return Scan(proc.returncode, json.loads(out.read_text()), pcap, proc.stderr, took)


def require_scan() -> None:
    """Fail, never skip, when `camscan scan --help` does not run: a broken scan command is a bug."""
    probe = subprocess.run(
        [str(CAMSCAN), "scan", "--help"], capture_output=True, text=True, timeout=60
    )
    if probe.returncode != 0:
        pytest.fail(f"`camscan scan --help` exited {probe.returncode}: {probe.stderr[-3000:]}")
