"""A hostile device beside two cameras: the scan stays bounded, valid, and still finds the cameras.

The hostile host answers SADP with an entity bomb, WS-Discovery with an XXE and ~60 KB of scopes,
DHIP with 40,000 nested JSON arrays behind a 2 GiB length, HTTP with headers that never end (one
every 50 ms), RTSP with an unterminated 256 KB realm, TCP 8000 with a megabyte of noise and TCP
37777 with an unterminated realm line.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
from expect import concern_problems, find
from roster import DAHUA_CAM, HIK_CAM, HOSTILE
from scanrun import CAMSCAN, Scan, require_scan, run_scan
from segment import Segment, build_segment

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def hostile_segment(lab_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Segment]:
    seg = build_segment(tmp_path_factory.mktemp("hostile-lab"), (HIK_CAM, DAHUA_CAM, HOSTILE))
    try:
        yield seg
    finally:
        seg.lab.teardown()


@pytest.fixture(scope="module")
def scan(hostile_segment: Segment, tmp_path_factory: pytest.TempPathFactory) -> Scan:
    require_scan()
    return run_scan(hostile_segment, tmp_path_factory.mktemp("hostile-scan"))


def test_scan_stays_bounded(scan: Scan) -> None:
    assert scan.seconds < 60, scan.seconds


def test_report_is_valid(scan: Scan) -> None:
    from scanner.output.validate import validate_report

    validate_report(scan.report)


def test_cameras_are_still_reported(scan: Scan) -> None:
    problems = concern_problems(scan.devices, HIK_CAM) + concern_problems(scan.devices, DAHUA_CAM)
    assert problems == []


def test_hostile_device_is_not_of_concern(scan: Scan) -> None:
    dev = find(scan.devices, HOSTILE)
    assert dev is None or dev["verdict"] != "concern"


def test_hostile_values_stay_bounded_in_the_report(scan: Scan) -> None:
    dev = find(scan.devices, HOSTILE)
    longest = max((len(e["value"]) for e in dev["evidence"]), default=0) if dev else 0
    assert longest <= 4096
    assert "root:" not in json.dumps(scan.report)  # the XXE was never resolved


def test_scanner_talked_to_the_hostile_device(hostile_segment: Segment, scan: Scan) -> None:
    kinds = {r["proto"] for r in hostile_segment.requests() if r["host"] == HOSTILE.name}
    assert {"http-slow", "sdk-flood", "dvrip-cut"} <= kinds


def test_replay_of_the_hostile_capture_succeeds(scan: Scan) -> None:
    out = scan.pcap.with_name("replay.json")
    proc = subprocess.run(
        [str(CAMSCAN), "pcap", str(scan.pcap), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
