"""`camscan scan` end to end between two private network namespaces (see conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.unit.active.conftest import FOREIGN_IP, SUBNET, NetnsPair

pytestmark = pytest.mark.lab
SERIAL = "DS-2CD2385G1-I20200414AAWRE33842150"
FAST = ("--listen-window", "1", "--timeout", "1", "-q")


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
        netns_pair.camscan("scan", netns_pair.device_ip, "--iface", netns_pair.scanner_if, *FAST)
        _, err = listener.communicate(timeout=60)
    finally:
        listener.kill()
    report = json.loads(out.read_text())
    assert (listener.returncode, report["run"]["mode"]) == (0, "listen"), err
    assert summary(report) == expected(netns_pair)
