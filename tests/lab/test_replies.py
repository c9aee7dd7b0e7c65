"""The emulators' reply builders reproduce the real replies and agree with the capture generators.

No root needed: these compare bytes only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import replies as r

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT.parent / "shared" / "realcaps" / "fixtures"
sys.path.insert(0, str(ROOT / "pcaps"))


@pytest.fixture(scope="module")
def lf():  # type: ignore[no-untyped-def]
    """pcaps/lib_frames.py, the capture generators' builders (imports scapy)."""
    import lib_frames

    return lib_frames


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"real-device fixtures not present at {FIXTURES}")
    return path.read_bytes()


def test_sadp_probematch_with_the_fixture_values_is_the_real_reply() -> None:
    real = fixture("sadp_probematch_hikvision_DS-2CD2385G1-I.xml")
    assert r.sadp_probematch("e8ecfe09-90e4-44c0-842b-703f46b58c81") == real


def test_dhip_notify_with_the_fixture_values_is_the_real_body() -> None:
    real = fixture("dhip_notifyDevInfo_dahua_IPC-HDW1431T1-S4.json").strip()
    built = r.dhip_notify(
        "08:ed:ed:87:42:7a",
        "192.168.124.17",
        "192.168.124.1",
        "IPC-HDW1431T1-S4",
        "6C01E93PAG69A7D",
    )
    assert built[r.DHIP_HEADER :] == real


def test_dhip_header_carries_the_body_length_twice() -> None:
    frame = r.dhip(b"{}")
    assert frame[:8] == b"\x20\x00\x00\x00DHIP" and frame[16:20] == frame[24:28] == b"\x02\0\0\0"


def test_dhip_method_reads_a_search() -> None:
    assert r.dhip_method(r.dhip_search()) == "DHDiscover.search"


def test_dhip_method_ignores_bare_json() -> None:
    assert r.dhip_method(b'{"method":"DHDiscover.search"}') is None


def test_sadp_builders_match_the_capture_generators(lf) -> None:  # type: ignore[no-untyped-def]
    uid = "1f0e3a52-7c1d-4a55-9d0e-2b7c5e9a4f10"
    assert r.sadp_probe(uid) == lf.sadp_probe(uid)
    over = {"DeviceSN": "X1", "MAC": "44-19-b6-00-00-01", "Activated": "false"}
    assert r.sadp_probematch(uid, **over) == lf.sadp_probematch(uid, **over)


def test_wsd_builders_match_the_capture_generators(lf) -> None:  # type: ignore[no-untyped-def]
    mid, rel, mac = (
        "aa85c000-6324-11b3-819e-5850ed1fe385",
        "bfe8bb88-03a2-4e1a-904a",
        "58:50:ed:1f:e3:85",
    )
    ll = r.eui64_link_local(mac)
    assert r.wsd_probematch_hikvision(
        mid, f"urn:uuid:{rel}", mac, "10.0.0.5", "DS-2CD2385G1-I", ll
    ) == lf.wsd_probematch_hikvision(mid, rel, mac, "10.0.0.5", "DS-2CD2385G1-I", ll)
    assert r.wsd_probematch_generic_631ga(
        f"urn:uuid:{rel}", "10.0.0.6"
    ) == lf.wsd_probematch_generic_631ga(rel, "10.0.0.6")
    assert ll == lf._eui64_link_local(mac)


def test_dahua_builders_match_the_capture_generators(lf) -> None:  # type: ignore[no-untyped-def]
    args = ("08:ed:ed:00:00:01", "10.0.0.7", "10.0.0.1", "IPC-HDW1431T1-S4", "6C01E93PAG69A7D")
    assert r.dhip_notify(*args) == lf.dhip_notify(*args)
    assert r.dhip_search() == lf.dhip_search()
    assert r.dvrip_realm_request() == lf.dvrip_realm_request()
    assert r.dvrip_realm_reply("6C01E93PAG69A7D") == lf.dvrip_realm_reply("6C01E93PAG69A7D")


def test_sdk_http_and_ssdp_builders_match_the_capture_generators(lf) -> None:  # type: ignore[no-untyped-def]
    assert (r.HIK_SDK_REQUEST, r.HIK_SDK_REPLY) == (lf.HIK_SDK_REQUEST, lf.HIK_SDK_REPLY)
    hdrs = [("Server", "App-webs/"), ("Connection", "close")]
    assert r.http_response(401, "Unauthorized", hdrs, b"x") == lf.http_response(
        401, "Unauthorized", hdrs, b"x"
    )
    src = lf.Host("30:05:5c:00:00:01", "10.0.0.8")
    notify = lf.ssdp_notify(src, "S/1.0", "http://10.0.0.8/d.xml", "upnp:rootdevice", "uuid:u")
    udp = notify.getlayer(lf.UDP)
    assert r.ssdp_notify("S/1.0", "http://10.0.0.8/d.xml", "upnp:rootdevice", "uuid:u") == bytes(
        udp.payload
    )
