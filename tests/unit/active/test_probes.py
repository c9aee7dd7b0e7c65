from __future__ import annotations

import json
import struct

import pytest

from scanner.active import probes
from scanner.decoders import dhip, dns, sadp, ssdp, wsd
from scanner.model import Kind, Meta

META = Meta(input="t", frame=1, ts=0.0, src_ip="10.0.0.1", proto="udp")


def test_sadp_inquiry_is_the_documented_probe() -> None:
    assert probes.sadp_inquiry("0f1e2d3c-aaaa-bbbb-cccc-0123456789ab") == (
        b'<?xml version="1.0" encoding="utf-8"?><Probe>'
        b"<Uuid>0F1E2D3C-AAAA-BBBB-CCCC-0123456789AB</Uuid><MAC>ff-ff-ff-ff-ff-ff</MAC>"
        b"<Types>inquiry</Types></Probe>"
    )


def test_sadp_inquiry_decodes_as_a_client_probe() -> None:
    [obs] = sadp.decode(probes.sadp_inquiry("x"), META)
    assert (obs.kind, obs.value) == (Kind.SADP_PROBE, "inquiry")


def test_dhip_search_header_bytes() -> None:
    packet = probes.dhip_search()
    body = b'{"method":"DHDiscover.search","params":{"mac":"","uni":1}}'
    # 20 00 00 00 "DHIP", 8 zero bytes, body length (LE) at 16 and 24, zero at 20 and 28
    assert packet[:32] == (
        b"\x20\x00\x00\x00DHIP" + bytes(8) + struct.pack("<IIII", len(body), 0, len(body), 0)
    )
    assert packet[32:] == body


def test_dhip_search_as_big_endian_u64_reads_the_documented_magic() -> None:
    assert struct.unpack(">Q", probes.dhip_search()[:8])[0] == 0x2000000044484950


def test_dhip_search_decodes_as_a_search() -> None:
    [obs] = dhip.decode(probes.dhip_search(), META)
    assert (obs.kind, obs.value) == (Kind.DHIP_SEARCH, "DHDiscover.search")


def test_dahua_legacy_search_bytes() -> None:
    expected = bytes.fromhex("a3010001" + "00" * 12 + "02000000" + "00" * 12)
    assert probes.dahua_legacy_search() == expected


def test_dahua_legacy_search_decodes_as_a_search() -> None:
    [obs] = dhip.decode_5050(probes.dahua_legacy_search(), META)
    assert (obs.kind, obs.value) == (Kind.DHIP_SEARCH, "legacy-search")


@pytest.mark.parametrize("types", probes.WSD_TYPES)
def test_wsd_probe_decodes_as_a_client_probe_for_its_type(types: str) -> None:
    [obs] = wsd.decode(probes.wsd_probe(types, "1234"), META)
    assert (obs.kind, obs.value, obs.attrs["message_id"]) == (
        Kind.WSD_PROBE,
        types,
        "urn:uuid:1234",
    )


def test_wsd_probe_uses_the_2005_04_addressing() -> None:
    probe = probes.wsd_probe("dn:NetworkVideoTransmitter", "1")
    assert b"<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>" in probe
    assert b'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"' in probe


def test_ssdp_msearch_decodes_as_a_search() -> None:
    [obs] = ssdp.decode(probes.ssdp_msearch(), META)
    assert (obs.kind, obs.value) == (Kind.SSDP_SEARCH, "ssdp:all")


def test_mdns_query_asks_unicast_ptr_questions() -> None:
    query = probes.mdns_query(("_http._tcp.local",))
    assert query == (
        bytes(4) + b"\x00\x01" + bytes(6) + b"\x05_http\x04_tcp\x05local\x00" + b"\x00\x0c\x80\x01"
    )


def test_mdns_query_decodes_as_questions() -> None:
    names = {o.value for o in dns.decode(probes.mdns_query(), META)}
    assert "_http._tcp.local" in names


def test_hik_sdk_probe_is_32_bytes_starting_00_00_00_20_63() -> None:
    assert probes.hik_sdk_probe() == bytes.fromhex("0000002063") + bytes(27)


def test_dvrip_realm_request_bytes() -> None:
    assert probes.dvrip_realm_request() == bytes.fromhex(
        "a0010000" + "00" * 20 + "0502010100 00a1aa".replace(" ", "")
    )


def test_http_get_carries_no_credentials() -> None:
    assert probes.http_get("10.0.0.2", 8080, "/") == (
        b"GET / HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nUser-Agent: "
        + probes.USER_AGENT.encode()
        + b"\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    )


def test_http_get_omits_the_default_port_from_host() -> None:
    assert b"Host: 10.0.0.2\r\n" in probes.http_get("10.0.0.2", 80, "/")


def test_rtsp_describe_asks_for_sdp_without_credentials() -> None:
    assert probes.rtsp_request("DESCRIBE", "10.0.0.2", 554, 2) == (
        b"DESCRIBE rtsp://10.0.0.2:554/ RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: "
        + probes.USER_AGENT.encode()
        + b"\r\nAccept: application/sdp\r\n\r\n"
    )


def test_rtsp_refuses_methods_other_than_options_and_describe() -> None:
    with pytest.raises(ValueError):
        probes.rtsp_request("SETUP", "10.0.0.2", 554, 3)


def test_arp_request_frame_bytes() -> None:
    frame = probes.arp_request(bytes.fromhex("020000000001"), "10.0.0.1", "10.0.0.7")
    assert frame == (
        b"\xff" * 6 + bytes.fromhex("020000000001") + b"\x08\x06"
        + bytes.fromhex("0001 0800 06 04 0001".replace(" ", ""))
        + bytes.fromhex("020000000001") + bytes([10, 0, 0, 1])
        + bytes(6) + bytes([10, 0, 0, 7])
        + bytes(18)
    )  # fmt: skip


@pytest.mark.parametrize(
    "request_bytes",
    [
        probes.http_get("h", 80, "/"),
        probes.rtsp_request("OPTIONS", "h", 554, 1),
        probes.rtsp_request("DESCRIBE", "h", 554, 2),
        probes.ssdp_msearch(),
        probes.sadp_inquiry("u"),
        probes.dhip_search(),
    ],
)
def test_no_probe_carries_credentials(request_bytes: bytes) -> None:
    lowered = request_bytes.lower()
    assert (b"authorization" in lowered, b"password" in lowered, b"admin" in lowered) == (
        False,
        False,
        False,
    )


def test_dhip_search_body_is_json() -> None:
    assert json.loads(probes.dhip_search()[32:]) == {
        "method": "DHDiscover.search",
        "params": {"mac": "", "uni": 1},
    }
