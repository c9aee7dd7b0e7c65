"""`camscan scan` end to end: the planted segment scanned from the scanner namespace.

One scan with full privileges (its report, its --pcap-out replayed with `camscan pcap`, and what
it sent on the wire), and one with CAP_NET_RAW/CAP_NET_ADMIN dropped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from expect import (
    clear_problems,
    concern_problems,
    credential_problems,
    logged_credentials,
    unexpected_concerns,
)
from roster import CLEAR, CONCERN, HIK_DEFAULT, REACHABLE_WITHOUT_ROOT
from scanrun import CAMSCAN, Scan, require_scan, run_scan
from segment import Segment

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def scan_available() -> None:
    require_scan()


@pytest.fixture(scope="module")
def scan(scan_available: None, segment: Segment, tmp_path_factory: pytest.TempPathFactory) -> Scan:
    return run_scan(segment, tmp_path_factory.mktemp("scan"))


@pytest.fixture(scope="module")
def unprivileged(
    scan_available: None, segment: Segment, tmp_path_factory: pytest.TempPathFactory
) -> Scan:
    """The same scan with raw-socket and admin capabilities removed from the bounding set."""
    if shutil.which("capsh"):
        wrap = ["capsh", "--drop=cap_net_raw,cap_net_admin", "--", "-c"]
    elif shutil.which("setpriv"):
        wrap = ["setpriv", "--bounding-set=-net_raw,-net_admin", "--inh-caps=-all", "sh", "-c"]
    else:
        pytest.skip("neither capsh nor setpriv is installed: cannot drop capabilities")
    return run_scan(segment, tmp_path_factory.mktemp("noraw"), wrap)


def test_scan_report_is_valid(scan: Scan) -> None:
    from scanner.output.validate import validate_report

    validate_report(scan.report)
    assert scan.report["run"]["mode"] == "scan"


@pytest.mark.parametrize("host", CONCERN, ids=lambda h: h.name)
def test_planted_device_of_concern_is_reported(scan: Scan, host: Any) -> None:
    assert concern_problems(scan.devices, host) == []


@pytest.mark.parametrize("host", CLEAR, ids=lambda h: h.name)
def test_host_not_of_concern_is_not_flagged(scan: Scan, host: Any) -> None:
    assert clear_problems(scan.devices, host) == []


def test_nothing_else_is_of_concern(scan: Scan) -> None:
    assert unexpected_concerns(scan.devices) == []


def test_factory_default_camera_is_warned_as_outside_the_scanned_subnet(scan: Scan) -> None:
    warnings = [w for w in scan.report["run"]["warnings"] if HIK_DEFAULT.ip in w]
    assert warnings, scan.report["run"]["warnings"]
    assert any("subnet" in w.lower() for w in warnings), warnings


def test_pcap_out_replays_to_the_same_devices(scan: Scan) -> None:
    out = scan.pcap.with_name("replay.json")
    proc = subprocess.run(
        [str(CAMSCAN), "pcap", str(scan.pcap), "-o", str(out), "-q"], capture_output=True, text=True
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    replay = json.loads(out.read_text())["devices"]

    def verdicts(devices: list[dict[str, Any]]) -> dict[str, tuple[str, str | None]]:
        return {d["id"]: (d["verdict"], d["manufacturer"]) for d in devices if d["mac"]}

    assert verdicts(replay) == verdicts(scan.devices)


def test_scanner_sent_no_credentials(scan: Scan) -> None:
    sent, problems = credential_problems(scan.pcap)
    assert sent > 50  # the capture does hold the scanner's own frames
    assert problems == []


def test_devices_received_no_credentials(scan: Scan, segment: Segment) -> None:
    assert logged_credentials(segment.requests()) == []


def test_scan_finishes_within_a_minute(scan: Scan) -> None:
    assert scan.seconds < 60, scan.seconds


def test_unprivileged_scan_says_what_it_lost(unprivileged: Scan) -> None:
    run = unprivileged.report["run"]
    assert run["warnings"], "no warning about the missing privileges"
    assert False in run["capabilities"].values(), run["capabilities"]


@pytest.mark.parametrize("host", REACHABLE_WITHOUT_ROOT, ids=lambda h: h.name)
def test_unprivileged_scan_finds_devices_reachable_by_tcp_and_udp(
    unprivileged: Scan, host: Any
) -> None:
    assert concern_problems(unprivileged.devices, host, by_ip=True) == []


def test_unprivileged_scan_flags_nothing_else(unprivileged: Scan) -> None:
    flagged = [d for d in unprivileged.devices if d["verdict"] == "concern"]
    planted_ips = {h.ip for h in CONCERN}
    assert [d["ips"] for d in flagged if not planted_ips & set(d["ips"])] == []
    assert [p for h in CLEAR for p in clear_problems(unprivileged.devices, h)] == []
