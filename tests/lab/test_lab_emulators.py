"""The lab itself: each emulator answers as documented, checked with a plain reference client.

These do not need `camscan scan`: refclient.py probes the segment from the scanner namespace and
records the wire, and `camscan pcap` over that recording must find exactly the planted devices of
concern. When a scan test fails while these pass, the scanner is at fault, not the lab.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import replies as r
from expect import concern_problems, find, logged_credentials, unexpected_concerns
from roster import (
    CLEAR,
    CONCERN,
    DAHUA_CAM,
    HIK_CAM,
    HIK_DEFAULT,
    HIK_NVR,
    PRINTER,
    ROSTER,
    SCANNER_IP,
)
from segment import Segment

pytestmark = pytest.mark.lab
HERE = Path(__file__).resolve().parent
CAMSCAN = Path(sys.executable).parent / "camscan"


@pytest.fixture(scope="module")
def ref(segment: Segment, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the reference client once; its replies plus the path of its recording."""
    work = tmp_path_factory.mktemp("ref")
    pcap = work / "ref.pcap"
    targets = ",".join(h.ip for h in ROSTER if h.in_subnet)
    argv = [sys.executable, str(HERE / "refclient.py"), "--iface", "eth0", "--src", SCANNER_IP,
            "--pcap", str(pcap), "--targets", targets]  # fmt: skip
    proc = subprocess.run(
        segment.lab.exec_argv(segment.scanner_ns, argv), capture_output=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return {**json.loads(proc.stdout), "pcap": pcap, "work": work}


def udp_from(ref: dict[str, Any], ip: str, port: int | None = None) -> list[bytes]:
    return [
        bytes.fromhex(u["hex"])
        for u in ref["udp"]
        if u["from"] == ip and (port is None or u["port"] == str(port))
    ]


def tcp_from(ref: dict[str, Any], ip: str, port: int) -> list[bytes]:
    return [
        bytes.fromhex(t["hex"]) for t in ref["tcp"] if t["host"] == ip and t["port"] == str(port)
    ]


@pytest.mark.parametrize("host", [HIK_CAM, HIK_NVR, HIK_DEFAULT], ids=lambda h: h.name)
def test_sadp_probematch_arrives_on_the_group_with_the_serial(
    ref: dict[str, Any], host: Any
) -> None:
    got = udp_from(ref, host.ip, r.SADP_PORT)
    assert len(got) == 1
    assert f"<DeviceSN>{host.serial}</DeviceSN>".encode() in got[0]
    assert f"<MAC>{r.sadp_mac(host.mac)}</MAC>".encode() in got[0]


def test_wsd_probematches_relate_to_the_probe(ref: dict[str, Any]) -> None:
    probe_id = ref["wsd_message_id"][0]["id"]
    senders = {
        u["from"]
        for u in ref["udp"]
        if u["port"] == "0" and f"RelatesTo>{probe_id}</".encode() in bytes.fromhex(u["hex"])
    }
    assert senders == {"10.77.0.11", "10.77.0.20", "10.77.0.40", "10.77.0.41", "10.77.0.43"}


def test_hikvision_probematch_endpoint_ends_in_the_mac(ref: dict[str, Any]) -> None:
    (reply,) = [m for m in udp_from(ref, HIK_CAM.ip, 0) if b"ProbeMatch" in m]
    assert HIK_CAM.mac.replace(":", "").encode() + b"</wsadis:Address>" in reply


def test_dhip_search_is_answered_on_the_group_with_vendor_private(ref: dict[str, Any]) -> None:
    got = udp_from(ref, DAHUA_CAM.ip, r.DHIP_PORT)
    assert len(got) == 2  # one per search: multicast and broadcast
    body = json.loads(got[0][r.DHIP_HEADER :])
    info = body["params"]["deviceInfo"]
    assert (body["method"], info["SerialNo"], info["Vendor"]) == (
        "client.notifyDevInfo",
        DAHUA_CAM.serial,
        "Private",
    )


@pytest.mark.parametrize(
    ("ip", "port", "needle"),
    [
        (HIK_CAM.ip, 8000, r.HIK_SDK_REPLY),
        (HIK_CAM.ip, 80, b"Server: App-webs/"),
        (HIK_CAM.ip, 80, b'realm="IP Camera(K3721)"'),
        (
            HIK_CAM.ip,
            554,
            b"RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\n"
            b'WWW-Authenticate: Digest realm="IP Camera(K3721)"',
        ),
        (HIK_NVR.ip, 80, b"Server: DNVRS-Webs"),
        (HIK_NVR.ip, 443, b"DVRNVR"),
        ("10.77.0.13", 8000, r.HIK_SDK_REPLY),
        (DAHUA_CAM.ip, 37777, b"Realm:Login to 6M0A2C1PAG7E5F9\r\n"),
        (DAHUA_CAM.ip, 554, b'realm="Login to 6M0A2C1PAG7E5F9"'),
        ("10.77.0.22", 80, b"CONNECTION: close\r\nCONTENT-LENGTH"),
        ("10.77.0.31", 37777, b"Realm:Login to 8C0A7E3PAJ92B11\r\n"),
        ("10.77.0.40", 80, b'realm="AXIS_00408C770040"'),
    ],
)
def test_tcp_service_answers_as_documented(
    ref: dict[str, Any], ip: str, port: int, needle: bytes
) -> None:
    assert any(needle in reply for reply in tcp_from(ref, ip, port))


def test_windows_pc_keeps_camera_ports_closed(ref: dict[str, Any]) -> None:
    errors = {t["port"]: t.get("error") for t in ref["tcp"] if t["host"] == "10.77.0.100"}
    assert errors == {p: "ConnectionRefusedError" for p in ("80", "554", "8000", "37777", "443")}


def test_printer_answers_ssdp_and_mdns(ref: dict[str, Any]) -> None:
    got = udp_from(ref, PRINTER.ip)
    assert any(m.startswith(b"HTTP/1.1 200 OK") and b"SERVER: Brother-OS" in m for m in got)
    assert any(b"\x04_ipp\x04_tcp\x05local" in m for m in got)


def test_reference_recording_replays_to_exactly_the_planted_concerns(
    ref: dict[str, Any],
) -> None:
    out = ref["work"] / "ref-report.json"
    proc = subprocess.run(
        [str(CAMSCAN), "pcap", str(ref["pcap"]), "-o", str(out), "-q"], capture_output=True
    )
    assert proc.returncode in (0, 1), proc.stderr.decode()[-2000:]
    devices = json.loads(out.read_text())["devices"]
    problems = [p for h in CONCERN for p in concern_problems(devices, h)]
    assert problems == []
    assert unexpected_concerns(devices) == []
    # The reference client's own GET /ISAPI/... and /cgi-bin/magicBox.cgi requests count as
    # evidence about the web servers they went to (engine rule kind http_request), so the printer's
    # web server may come out "suspect" here; it must never be "concern".
    for host in CLEAR:
        dev = find(devices, host)
        assert dev is None or dev["verdict"] != "concern", host.name


def test_emulators_received_no_credentials(segment: Segment, ref: dict[str, Any]) -> None:
    requests = segment.requests()
    assert len(requests) > 40
    assert logged_credentials(requests) == []
