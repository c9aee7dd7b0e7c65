"""Misbehaving devices beside two cameras: the scan ends in time, in bounded memory, and neither
silence, dripping, endless or cut-off replies, nor discovery floods and spoofed claims, change
what it reports about the cameras or invent devices that never sent a frame.

Planted (roster.py, misbehave.py): mute (accepts, says nothing), drip (a byte a second on HTTP
and RTSP), endless (HTTP body, TCP 8000 stream and DVRIP realm that never end), cutter (hangs up
mid-reply on every port, half a DHIP header, half a SADP ProbeMatch), flood (300 SADP, DHIP and
WS-Discovery replies per probe, each stating another MAC and address) and spoofer (replies
stating cameras that do not exist, and the hik-cam's MAC and address with another serial).

Decision: a discovery payload describes its sender. A MAC or address it states for somebody else
is not believed: its evidence stays with the MAC and address the frame came from (so the spoofer
and the flooder are themselves reported, of concern: they did answer as Hikvision/Dahua units),
no device is created for what it names, and it names no address in the run warnings.

The scan runs twice on one segment: as root (raw capture, every frame has its Ethernet source) and
with the raw-socket capabilities dropped (frames rebuilt from socket payloads, no link layer).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import misbehave as mb
import pytest
from expect import concern_problems, find
from roster import (
    CUTTER,
    DAHUA_CAM,
    DRIP,
    ENDLESS,
    FLOOD,
    HIK_CAM,
    MISBEHAVING,
    MUTE,
    SCANNER_MAC,
    SPOOFER,
)
from scanrun import Scan, require_scan, run_scan
from segment import Segment, build_segment

pytestmark = pytest.mark.lab

TIME_BOUND = 60.0  # seconds for the whole scan, against its own overall bound of ~80 s
RSS_BOUND_KB = 250_000  # peak resident set of the camscan process
MAX_VALUE = 512  # scanner.decoders._text.MAX_VALUE: the longest evidence value
PLANTED = (HIK_CAM, DAHUA_CAM, *MISBEHAVING)
PHANTOM_MACS = {mb.SPOOF_SADP_INSIDE[0], mb.SPOOF_SADP_OUTSIDE[0], mb.SPOOF_DHIP[0]} | {
    mb.flood_mac(p, i) for p in ("44:19:b6", "08:ed:ed") for i in range(mb.FLOOD)
}
PHANTOM_IPS = {mb.SPOOF_SADP_INSIDE[1], mb.SPOOF_SADP_OUTSIDE[1], mb.SPOOF_DHIP[1]} | {
    mb.flood_ip(i) for i in range(mb.FLOOD)
}


@pytest.fixture(scope="module")
def misbehaving_segment(
    lab_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Segment]:
    seg = build_segment(tmp_path_factory.mktemp("misbehaving-lab"), PLANTED)
    try:
        yield seg
    finally:
        seg.lab.teardown()


@pytest.fixture(scope="module")
def measured(
    misbehaving_segment: Segment, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Scan, int]:
    """The scan, run as root under /usr/bin/time -v, and its peak RSS in KiB."""
    require_scan()
    work = tmp_path_factory.mktemp("misbehaving-scan")
    timing = work / "time.txt"
    scan = run_scan(
        misbehaving_segment, work, ["/usr/bin/time", "-v", "-o", str(timing), "sh", "-c"]
    )
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing.read_text())
    assert found, timing.read_text()
    return scan, int(found.group(1))


@pytest.fixture(scope="module")
def scan(measured: tuple[Scan, int]) -> Scan:
    return measured[0]


@pytest.fixture(scope="module")
def unprivileged(misbehaving_segment: Segment, tmp_path_factory: pytest.TempPathFactory) -> Scan:
    """The same scan with the raw-socket capabilities dropped: no link layer in its frames."""
    require_scan()
    if shutil.which("capsh"):
        wrap = ["capsh", "--drop=cap_net_raw,cap_net_admin", "--", "-c"]
    elif shutil.which("setpriv"):
        wrap = ["setpriv", "--bounding-set=-net_raw,-net_admin", "--inh-caps=-all", "sh", "-c"]
    else:
        pytest.skip("neither capsh nor setpriv is installed: cannot drop capabilities")
    return run_scan(misbehaving_segment, tmp_path_factory.mktemp("misbehaving-noraw"), wrap)


def _ipv4(dev: dict[str, Any]) -> list[str]:
    return [ip for ip in dev["ips"] if ":" not in ip]


def _evidence(scan: Scan, *hosts: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for host in hosts:
        dev = find(scan.devices, host)
        out += dev["evidence"] if dev else []
    return out


def test_scan_ends_within_its_time_bound(scan: Scan) -> None:
    assert scan.seconds < TIME_BOUND, scan.seconds


def test_scan_memory_stays_bounded(measured: tuple[Scan, int]) -> None:
    assert measured[1] < RSS_BOUND_KB, measured[1]


def test_report_is_valid(scan: Scan) -> None:
    from scanner.output.validate import validate_report

    validate_report(scan.report)


def test_cameras_are_reported_with_their_identity(scan: Scan) -> None:
    problems = concern_problems(scan.devices, HIK_CAM) + concern_problems(scan.devices, DAHUA_CAM)
    assert problems == []


def test_silent_dripping_and_cut_hosts_are_not_of_concern(scan: Scan) -> None:
    verdicts = {h.name: (find(scan.devices, h) or {}).get("verdict") for h in (MUTE, DRIP, CUTTER)}
    assert all(v in (None, "clear") for v in verdicts.values()), verdicts


def test_evidence_values_stay_bounded_and_flag_cuts(scan: Scan) -> None:
    evidence = _evidence(scan, *MISBEHAVING)
    assert max((len(e["value"]) for e in evidence), default=0) <= MAX_VALUE
    unflagged = [e["rule"] for e in evidence if len(e["value"]) == MAX_VALUE and not e["truncated"]]
    assert unflagged == []


def test_endless_realm_is_reported_cut_and_flagged(scan: Scan) -> None:
    cut = [e for e in _evidence(scan, ENDLESS) if e["truncated"]]
    assert cut and all(len(e["value"]) <= MAX_VALUE for e in cut), _evidence(scan, ENDLESS)


def test_only_planted_macs_become_devices(scan: Scan) -> None:
    planted = {h.mac for h in PLANTED} | {SCANNER_MAC}
    assert sorted(d["id"] for d in scan.devices if d.get("mac") not in planted) == []


def test_no_device_holds_a_stated_phantom_mac_or_address(scan: Scan) -> None:
    held = {d["id"]: sorted(set(d["ips"]) & PHANTOM_IPS) for d in scan.devices}
    assert {k: v for k, v in held.items() if v} == {}
    assert [d["id"] for d in scan.devices if d.get("mac") in PHANTOM_MACS] == []


def test_spoofed_hijack_does_not_change_the_victim(scan: Scan) -> None:
    values = [e["value"] for e in _evidence(scan, HIK_CAM)] + [
        str(v) for e in _evidence(scan, HIK_CAM) for v in e["claims"].values()
    ]
    assert [v for v in values if "SPOOF" in v] == []


def test_spoofed_claims_stay_with_the_spoofer(scan: Scan) -> None:
    dev = find(scan.devices, SPOOFER)
    assert dev is not None and _ipv4(dev) == [SPOOFER.ip]
    serials = {e["claims"].get("serial") for e in dev["evidence"]}
    assert mb.SPOOF_SADP_INSIDE[3] in serials, serials


def test_flood_stays_one_device(scan: Scan) -> None:
    dev = find(scan.devices, FLOOD)
    assert dev is not None and _ipv4(dev) == [FLOOD.ip]


def test_warnings_name_no_phantom_address(scan: Scan) -> None:
    named = [w for w in scan.report["run"]["warnings"] if any(ip in w for ip in PHANTOM_IPS)]
    assert named == []


def test_scanner_heard_every_misbehaving_service(misbehaving_segment: Segment, scan: Scan) -> None:
    kinds = {r["proto"] for r in misbehaving_segment.requests()}
    want = {"mute", "http-drip", "rtsp-drip", "http-endless", "sdk-endless", "dvrip-endless"}
    want |= set(mb.CUT) | set(mb.UDP)
    assert want - kinds == set()


# --- without raw capture ------------------------------------------------------------------------
def test_unprivileged_scan_is_bounded_and_valid(unprivileged: Scan) -> None:
    from scanner.output.validate import validate_report

    validate_report(unprivileged.report)
    assert unprivileged.seconds < TIME_BOUND, unprivileged.seconds


def test_unprivileged_scan_still_reports_the_cameras(unprivileged: Scan) -> None:
    devices = unprivileged.devices
    assert concern_problems(devices, HIK_CAM) + concern_problems(devices, DAHUA_CAM) == []


def test_unprivileged_warnings_name_no_phantom_address(unprivileged: Scan) -> None:
    named = [w for w in unprivileged.report["run"]["warnings"] if any(i in w for i in PHANTOM_IPS)]
    assert named == []


def test_unprivileged_scan_creates_no_phantom_device(unprivileged: Scan) -> None:
    phantoms = [
        d["id"] for d in unprivileged.devices
        if d.get("mac") in PHANTOM_MACS or set(d["ips"]) & PHANTOM_IPS
    ]  # fmt: skip
    assert phantoms == []


def test_unprivileged_spoofed_hijack_does_not_reach_the_victim(unprivileged: Scan) -> None:
    dev = find(unprivileged.devices, HIK_CAM)
    evidence = dev["evidence"] if dev else []
    assert [e["rule"] for e in evidence if "SPOOF" in str(e["claims"])] == []
