"""Captures for the sweep tests: the demo store LAN, and a later week of the same store."""

from __future__ import annotations

import ipaddress
import os
import struct
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from scanner.sources.capture import ReadState, read_records

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
DAHUA_NVR = REPO / "pcaps" / "synthetic" / "dahua5050.pcap"  # DHI-NVR5216 at e0:50:8b:2c:41:08
LTS_MAC = bytes.fromhex("142ffd630813")  # the LTS-relabelled Hikvision DVR of the demo
LTS_IP = ipaddress.IPv4Address("10.20.30.13").packed
ETH_IPV4, ETH_ARP = b"\x08\x00", b"\x08\x06"
CAMSCAN = [sys.executable, "-c", "from scanner.cli.main import main; main()"]


def _mentions_lts(frame: bytes) -> bool:
    """Whether an untagged Ethernet frame is to or from the LTS DVR (by MAC, IPv4 or ARP)."""
    if LTS_MAC in (frame[0:6], frame[6:12]):
        return True
    ethertype = frame[12:14]
    if ethertype == ETH_IPV4:
        return LTS_IP in (frame[26:30], frame[30:34])  # IPv4 source and destination
    if ethertype == ETH_ARP:
        return LTS_IP in (frame[28:32], frame[38:42])  # ARP sender and target protocol address
    return False


def write_pcap(path: Path, frames: Sequence[tuple[float, bytes]]) -> None:
    """A classic little-endian microsecond pcap of Ethernet frames."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for ts, data in frames:
        sec, usec = divmod(round(ts * 1_000_000), 1_000_000)
        out.append(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)
    path.write_bytes(b"".join(out))


@pytest.fixture(scope="session")
def week2(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The demo LAN without the LTS DVR, plus the Dahua NVR capture: a week later."""
    records = read_records(DEMO, ReadState(path=str(DEMO)))
    kept = [(ts, data) for _, ts, data in records if not _mentions_lts(data)]
    path = tmp_path_factory.mktemp("captures") / "store-lan-week2.pcap"
    write_pcap(path, kept)
    return [path, DAHUA_NVR]


Camscan = Callable[..., subprocess.CompletedProcess[str]]


def command(*args: str) -> list[str]:
    """The argv that runs camscan from this checkout."""
    return [*CAMSCAN, *args]


def environment(**extra: str) -> dict[str, str]:
    """The environment for camscan subprocesses: this checkout first on the path."""
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), capture_output=True, text=True, cwd=REPO, timeout=300,
        env=environment(**(env or {})),
    )  # fmt: skip


@pytest.fixture(scope="session")
def camscan() -> Camscan:
    """Run the camscan command in a subprocess and capture its output."""
    return _run


@pytest.fixture(scope="session")
def spawn() -> Callable[..., subprocess.Popen[str]]:
    """Start camscan in the background (for the kill and concurrency tests)."""

    def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=REPO, env=environment(**(env or {})),
        )  # fmt: skip

    return start


SweptHtml = Callable[[Path, Sequence[Sequence[Path]]], Path]


@pytest.fixture(scope="session")
def swept_html(camscan: Camscan) -> SweptHtml:
    """swept_html(folder, runs): sweep site store-0042 once per list of captures into one history
    (reports run1.json, run2.json, ... in `folder`), then render the last run as HTML there."""

    def sweep(folder: Path, runs: Sequence[Sequence[Path]]) -> Path:
        db = folder / "h.sqlite3"
        for n, captures in enumerate(runs, 1):
            pcaps = [a for p in captures for a in ("--pcap", str(p))]
            out = folder / f"run{n}.json"
            camscan("sweep", "--site", "store-0042", "--db", str(db), "-o", str(out), "-q", *pcaps)
        html = folder / "report.html"
        last = folder / f"run{len(runs)}.json"
        result = camscan("report", str(last), "--format", "html", "-o", str(html))
        assert result.returncode == 0, result.stderr
        return html

    return sweep
