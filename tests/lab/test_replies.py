"""The emulators' reply builders reproduce the real replies and the committed captures' payloads.

No root needed: these compare bytes only. The builders are pcaps/payloads.py (shared with the
capture generators), so the captures are checked for the exact payloads the lab's devices send.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import replies as r

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT.parent / "shared" / "realcaps" / "fixtures"
SYNTHETIC = ROOT / "pcaps" / "synthetic"
DEMO = ROOT / "pcaps" / "demo" / "store-lan.pcapng"

# The fixtures' own values (sadp_probematch_*, dhip_notifyDevInfo_*, wsd_probematch_generic_631GA).
SADP_UUID = "e8ecfe09-90e4-44c0-842b-703f46b58c81"
DAHUA_FIXTURE = (
    "08:ed:ed:87:42:7a",
    "192.168.124.17",
    "192.168.124.1",
    "IPC-HDW1431T1-S4",
    "6C01E93PAG69A7D",
)


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"real-device fixtures not present at {FIXTURES}")
    return path.read_bytes()


def test_sadp_probematch_with_the_fixture_values_is_the_real_reply() -> None:
    real = fixture("sadp_probematch_hikvision_DS-2CD2385G1-I.xml")
    assert r.sadp_probematch(SADP_UUID) == real


def test_dhip_notify_with_the_fixture_values_is_the_real_body() -> None:
    real = fixture("dhip_notifyDevInfo_dahua_IPC-HDW1431T1-S4.json").strip()
    assert r.dhip_notify(*DAHUA_FIXTURE)[r.DHIP_HEADER :] == real


def test_wsd_probematch_generic_631ga_with_the_fixture_values_is_the_real_reply() -> None:
    real = fixture("wsd_probematch_generic_631GA.xml")
    relates_to = "urn:uuid:2de9f5ad-abd2-4c0e-9ba8-178098d67f01"
    assert r.wsd_probematch_generic_631ga(relates_to, "192.168.1.104") == real


def test_dhip_header_carries_the_body_length_twice() -> None:
    frame = r.dhip(b"{}")
    assert frame[:8] == b"\x20\x00\x00\x00DHIP" and frame[16:20] == frame[24:28] == b"\x02\0\0\0"


def test_dhip_method_reads_a_search() -> None:
    assert r.dhip_method(r.dhip_search()) == "DHDiscover.search"


def test_dhip_method_ignores_bare_json() -> None:
    assert r.dhip_method(b'{"method":"DHDiscover.search"}') is None


def test_eui64_link_local_flips_the_universal_bit_and_inserts_fffe() -> None:
    assert r.eui64_link_local("44:19:b6:2a:3c:11") == "fe80::4619:b6ff:fe2a:3c11"


def test_reference_probe_declares_the_onvif_device_namespace() -> None:
    probe = r.wsd_probe("1")
    assert b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"' in probe
    assert b"<wsd:Types>dn:NetworkVideoTransmitter</wsd:Types>" in probe


@pytest.mark.parametrize(
    ("capture", "payload"),
    [
        ("sadp.pcap", r.sadp_probe(SADP_UUID)),
        ("dhip.pcap", r.dhip_search()),
        ("dhip.pcap", r.dhip_notify(*DAHUA_FIXTURE)),
        ("dvrip37777.pcap", r.dvrip_realm_request()),
        ("dvrip37777.pcap", r.dvrip_realm_reply("5E04B2FPAG1A3C7")),
        ("sdk8000.pcap", r.HIK_SDK_REQUEST),
        ("sdk8000.pcap", r.HIK_SDK_REPLY),
    ],
)
def test_synthetic_capture_carries_the_payload(capture: str, payload: bytes) -> None:
    assert payload in (SYNTHETIC / capture).read_bytes()


@pytest.mark.parametrize(
    "payload",
    [
        r.HIK_INDEX,
        r.HIK_401,
        r.dahua_index("WEB SERVICE"),
        r.ssdp_notify(
            "Brother-OS/1.0 UPnP/1.0 HL-L2350DW/1.0",
            "http://10.20.30.60:80/desc.xml",
            "upnp:rootdevice",
            "uuid:e3248000-80ce-11db-8000-30055c8e1460::upnp:rootdevice",
        ),
    ],
)
def test_demo_capture_carries_the_payload(payload: bytes) -> None:
    assert payload in DEMO.read_bytes()
