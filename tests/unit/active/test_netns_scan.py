"""`camscan scan` end to end between two private network namespaces (see conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.unit.active.conftest import FOREIGN_IP, SUBNET, NetnsPair

pytestmark = pytest.mark.lab
SERIAL = "DS-2CD2385G1-I20200414AAWRE33842150"
FAST = ("--listen-window", "1", "--timeout", "1", "-q")


def _seconds(stamp: str) -> float:
    """A report's UTC time stamp (2026-11-27T09:00:00.130300Z) as seconds since the epoch."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def summary(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (d["id"], d["verdict"], d["manufacturer"], d["model"], d["serial"], d["ips"])
        for d in report["devices"]
        if d["of_concern"]
    ]


def expected(pair: NetnsPair) -> list[tuple[Any, ...]]:
    return [
        (f"mac:{pair.device_mac}", "concern", "hikvision", "DS-2CD2385G1-I", SERIAL,
         [pair.device_ip, FOREIGN_IP])
    ]  # fmt: skip


@pytest.fixture(scope="module")
def raw_scan(netns_pair: NetnsPair, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    result = netns_pair.camscan(
        "scan", "--iface", netns_pair.scanner_if, "-o", str(out / "report.json"),
        "--pcap-out", str(out / "scan.pcapng"), *FAST,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


def test_raw_scan_finds_the_camera_with_model_and_serial(
    raw_scan: Path, netns_pair: NetnsPair
) -> None:
    report = json.loads((raw_scan / "report.json").read_text())
    assert summary(report) == expected(netns_pair)


def test_raw_scan_swept_arp_and_captured(raw_scan: Path) -> None:
    run = json.loads((raw_scan / "report.json").read_text())["run"]
    assert (run["capabilities"]["raw_capture"], run["phases"]["arp_sweep"]["answered"]) == (
        True,
        1,
    )


def test_discovery_from_outside_the_subnet_is_a_warning(raw_scan: Path) -> None:
    run = json.loads((raw_scan / "report.json").read_text())["run"]
    assert run["warnings"] == [
        f"{FOREIGN_IP} answered discovery but is outside the scanned subnets"
    ]


def test_pcap_out_replays_to_the_same_devices(raw_scan: Path, netns_pair: NetnsPair) -> None:
    from typer.testing import CliRunner

    from scanner.cli.main import app

    result = CliRunner().invoke(app, ["pcap", str(raw_scan / "scan.pcapng"), "-q", "-o", "-"])
    replay = json.loads(result.stdout)
    live = json.loads((raw_scan / "report.json").read_text())
    assert [d["id"] for d in replay["devices"]] == [d["id"] for d in live["devices"]]
    assert summary(replay) == expected(netns_pair)


def test_requests_carry_no_credentials_and_only_read(raw_scan: Path, netns_pair: NetnsPair) -> None:
    lines = b"".join(log.read_bytes() for log in netns_pair.request_logs if log.exists())
    requests = [bytes.fromhex(line.split(b" ", 1)[1].decode()) for line in lines.splitlines()]
    http = [r.split(b" ", 1)[0] for r in requests if r[:1].isalpha() and b"HTTP/1.1" in r]
    assert requests
    assert [r for r in requests if b"authorization" in r.lower()] == []
    assert set(http) <= {b"GET"}


def test_the_engine_loads_while_the_first_probes_go_out_once_the_db_is_known_good(
    netns_pair: NetnsPair, tmp_path: Path
) -> None:
    # A fresh parse cache: the first scan loads the vendor DB before it sends anything (a broken
    # DB must fail before any packet); the cache of that clean load lets the second load it in a
    # worker thread while its first probes go out. Both find exactly the same.
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    found, loaded_early = [], []
    for n in (1, 2):
        out = tmp_path / f"report{n}.json"
        result = netns_pair.camscan(
            "scan", "--iface", netns_pair.scanner_if, "-o", str(out), "-v", *FAST, env=env
        )
        assert result.returncode == 0, result.stderr
        loaded_early.append("while the first probes went out" in result.stderr)
        devices = json.loads(out.read_text())["devices"]
        found.append([(d["id"], d["verdict"], d["model"], d["serial"], sorted(d["ips"]),
                       sorted(e["rule"] for e in d["evidence"])) for d in devices])  # fmt: skip
    assert loaded_early == [False, True]
    assert found[0] == found[1]
    assert summary({"devices": json.loads((tmp_path / "report2.json").read_text())["devices"]}) == (
        expected(netns_pair)
    )


def test_scan_without_raw_sockets_finds_the_camera(netns_pair: NetnsPair, tmp_path: Path) -> None:
    result = netns_pair.camscan(
        "scan", f"{SUBNET}.0/29", "--iface", netns_pair.scanner_if, "--no-raw",
        "-o", str(tmp_path / "report.json"), *FAST,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert summary(report) == expected(netns_pair)
    assert report["run"]["capabilities"]["raw_capture"] is False
    assert report["run"]["warnings"][0].startswith("no raw-socket privileges")


def test_fail_on_concern_exits_1(netns_pair: NetnsPair) -> None:
    result = netns_pair.camscan(
        "scan", netns_pair.device_ip, "--iface", netns_pair.scanner_if, "--fail-on", "concern",
        "--format", "json", *FAST,
    )  # fmt: skip
    assert (result.returncode, json.loads(result.stdout)["summary"]["of_concern"]) == (1, 1)


def test_sweep_scan_source_returns_a_scan_report(netns_pair: NetnsPair) -> None:
    code = (
        "import json; from scanner.sweep.config import SourceSpec; "
        "from scanner.sweep.run import collect; "
        f"r = collect(SourceSpec('scan', targets=('{netns_pair.device_ip}',), "
        f"iface='{netns_pair.scanner_if}', seconds=0.5), 'default'); "
        "print(json.dumps([r['run']['mode'], r['summary']['of_concern']]))"
    )
    argv = ["ip", "netns", "exec", netns_pair.scanner_ns, sys.executable, "-c", code]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert json.loads(result.stdout) == ["scan", 1], result.stderr


def test_listen_hears_another_scan(netns_pair: NetnsPair, tmp_path: Path) -> None:
    code = "from scanner.cli.main import main; main()"
    out = tmp_path / "listen.json"
    argv = ["ip", "netns", "exec", netns_pair.scanner_ns, sys.executable, "-c", code, "listen",
            "--iface", netns_pair.scanner_if, "--seconds", "4", "-q", "-o", str(out)]  # fmt: skip
    listener = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        # one address: discovery goes out only because --probes asks for it
        netns_pair.camscan(
            "scan", netns_pair.device_ip, "--iface", netns_pair.scanner_if,
            "--probes", "arp,sadp,tcp", *FAST,
        )  # fmt: skip
        _, err = listener.communicate(timeout=60)
    finally:
        listener.kill()
    report = json.loads(out.read_text())
    assert (listener.returncode, report["run"]["mode"]) == (0, "listen"), err
    assert summary(report) == expected(netns_pair)


def _scanner_frames(pcap: Path) -> list[bytes]:
    """Ethernet frames the scanner (10.77.0.1) sent, from a scan's --pcap-out."""
    from scanner.sources.capture import ReadState, read_records

    own = bytes([10, 77, 0, 1])
    sent = []
    for _, _, data in read_records(pcap, ReadState(str(pcap))):
        arp = data[12:14] == b"\x08\x06" and data[28:32] == own  # ARP, sender address ours
        if arp or (data[12:14] == b"\x08\x00" and data[26:30] == own):  # or IPv4 from us
            sent.append(data)
    return sent


def _arp_requests(frames: list[bytes]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for data in frames:
        if data[12:14] == b"\x08\x06" and data[20:22] == b"\x00\x01":
            target = ".".join(map(str, data[38:42]))
            counts[target] = counts.get(target, 0) + 1
    return counts


def _group_frames(frames: list[bytes]) -> list[bytes]:
    """Frames to a multicast or broadcast MAC other than ARP who-has and IGMP (the kernel's
    membership reports when a listener joins a group ask nothing of the hosts)."""
    return [d for d in frames if d[0] & 1 and d[12:14] != b"\x08\x06" and d[23] != 2]


@pytest.fixture
def camera_known(netns_pair: NetnsPair) -> Iterator[None]:
    """The scanner's kernel knows the camera's MAC, so every who-has in a capture is camscan's.

    A fresh namespace's kernel asks for the camera itself when camscan connects to it, and after
    earlier tests it may or may not (a learned entry goes stale in 15-45 s and is probed again):
    those counts depended on test order and machine load.
    """
    neighbour = (netns_pair.device_ip, "dev", netns_pair.scanner_if)
    ip_neigh = ["ip", "-n", netns_pair.scanner_ns, "neigh"]
    subprocess.run([*ip_neigh, "replace", *neighbour, "lladdr", netns_pair.device_mac,
                    "nud", "permanent"], check=True, timeout=10)  # fmt: skip
    yield
    subprocess.run([*ip_neigh, "del", *neighbour], check=False, timeout=10)


@pytest.mark.usefixtures("camera_known")
def test_arp_asks_twice_only_where_nobody_answered(netns_pair: NetnsPair, tmp_path: Path) -> None:
    result = netns_pair.camscan(
        "scan", f"{SUBNET}.0/29", "--iface", netns_pair.scanner_if,
        "--pcap-out", str(tmp_path / "scan.pcapng"), "-o", str(tmp_path / "r.json"), "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    requests = _arp_requests(_scanner_frames(tmp_path / "scan.pcapng"))
    # .1 is the scanner, .2 the camera; .3-.6 are empty and asked once more
    assert requests == {f"{SUBNET}.{n}": 1 if n == 2 else 2 for n in range(2, 7)}
    run = json.loads((tmp_path / "r.json").read_text())["run"]
    assert run["phases"]["arp_sweep"] == {"sent": 9, "answered": 1, "retried": 4}


@pytest.mark.usefixtures("camera_known")
def test_a_single_address_gets_no_multicast_discovery(
    netns_pair: NetnsPair, tmp_path: Path
) -> None:
    result = netns_pair.camscan(
        "scan", netns_pair.device_ip, "--iface", netns_pair.scanner_if,
        "--pcap-out", str(tmp_path / "scan.pcapng"), "-o", str(tmp_path / "r.json"), "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sent = _scanner_frames(tmp_path / "scan.pcapng")
    report = json.loads((tmp_path / "r.json").read_text())
    assert (_group_frames(sent), _arp_requests(sent), "discovery" in report["run"]["phases"]) == (
        [], {netns_pair.device_ip: 1}, False,
    )  # fmt: skip
    # the camera is still found, by what it answered on TCP
    assert [d["manufacturer"] for d in report["devices"] if d["of_concern"]] == ["hikvision"]


def test_probes_chooses_the_discovery_sent(netns_pair: NetnsPair, tmp_path: Path) -> None:
    result = netns_pair.camscan(
        "scan", netns_pair.device_ip, "--iface", netns_pair.scanner_if, "--probes", "sadp",
        "--pcap-out", str(tmp_path / "scan.pcapng"), "-o", str(tmp_path / "r.json"), "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sent = _scanner_frames(tmp_path / "scan.pcapng")
    groups = _group_frames(sent)
    # one SADP inquiry to 239.255.255.250:37020, no ARP sweep, no TCP connection
    assert [(".".join(map(str, d[30:34])), int.from_bytes(d[36:38], "big")) for d in groups] == [
        ("239.255.255.250", 37020)
    ]
    assert [d for d in sent if d[23] == 6] == []
    assert _arp_requests(sent) == {}


def test_no_discovery_sends_only_arp_and_tcp(netns_pair: NetnsPair, tmp_path: Path) -> None:
    result = netns_pair.camscan(
        "scan", f"{SUBNET}.0/29", "--iface", netns_pair.scanner_if, "--no-discovery",
        "--pcap-out", str(tmp_path / "scan.pcapng"), "-o", str(tmp_path / "r.json"), "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _group_frames(_scanner_frames(tmp_path / "scan.pcapng")) == []


def test_max_duration_cuts_the_scan_with_a_warning(netns_pair: NetnsPair, tmp_path: Path) -> None:
    # TCP only to an on-link address nobody holds: the kernel's neighbour resolution alone
    # takes 3 s, so a 1 s bound stops the scan. The scan's own span (the report's run times),
    # not the process's wall time: interpreter start-up on a loaded CI machine is not the scan.
    result = netns_pair.camscan(
        "scan", f"{SUBNET}.9", "--iface", netns_pair.scanner_if, "--probes", "tcp",
        "--connect-timeout", "10", "--max-duration", "1", "-o", str(tmp_path / "r.json"), "-q",
    )  # fmt: skip
    report = json.loads((tmp_path / "r.json").read_text())
    took = _seconds(report["run"]["finished_at"]) - _seconds(report["run"]["started_at"])
    assert (result.returncode, report["run"]["warnings"], took < 3.0) == (
        0, ["the scan stopped at its overall bound of 1 s (--max-duration); results are partial"],
        True,
    )  # fmt: skip


def test_sweep_scans_from_the_command_line_without_a_config(
    netns_pair: NetnsPair, tmp_path: Path
) -> None:
    result = netns_pair.camscan(
        "sweep", "--site", "lab-01", "--scan", netns_pair.device_ip,
        "--iface", netns_pair.scanner_if, "--db", str(tmp_path / "h.sqlite3"),
        "-o", str(tmp_path / "r.json"), "-q",
    )  # fmt: skip
    report = json.loads((tmp_path / "r.json").read_text())
    assert (result.returncode, report["run"]["mode"], report["sweep"]["site"]) == (
        1, "scan", "lab-01",
    )  # fmt: skip
    assert summary(report)[0][:3] == (f"mac:{netns_pair.device_mac}", "concern", "hikvision")
