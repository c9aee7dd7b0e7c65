"""Tests for scanner.decoders.sadp: XML Probe/ProbeMatch and legacy EtherType 0x8033 frames."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.decoders import sadp
from scanner.model import Kind, Meta, Observation

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "realcaps" / "fixtures"
META = Meta(
    "test",
    1,
    0.0,
    src_mac="58:50:ed:1f:e3:85",
    src_ip="192.168.124.40",
    dst_ip="239.255.255.250",
    proto="udp",
    sport=37020,
    dport=37020,
)
L2_META = Meta("test", 2, 0.0, src_mac="58:50:ed:1f:e3:85", dst_mac="ff:ff:ff:ff:ff:ff")

# client Probe as SADPTool-like tools send it (docs/protocols.md §2.1), with the broadcast MAC
PROBE = (
    b'<?xml version="1.0" encoding="utf-8"?><Probe>'
    b"<Uuid>8E4C2F1A-6B3D-4E5F-9A0B-1C2D3E4F5A6B</Uuid>"
    b"<MAC>ff-ff-ff-ff-ff-ff</MAC><Types>inquiry</Types></Probe>"
)
# legacy frames after the EtherType: the 38-byte header of docs/protocols.md §2.2
LEGACY_RESPONSE = bytes.fromhex(
    "21 01 01f6"  # marker 21, type 01 (response), origin 01 f6 (device)
    "00000007 0604"  # counter, marker 06 04
    "04 00 1234"  # query type 04 (InquiryResponse), params, checksum
    "5850ed1fe385 c0a80140"  # sender 58:50:ed:1f:e3:85 / 192.168.1.64
    "ffffffffffff 00000000"  # target MAC / IPv4
    "ffffff00"  # subnet mask
)
LEGACY_REQUEST = bytes.fromhex(
    "21 02 0142"  # marker 21, type 02 (request), origin 01 42 (SADP tool)
    "00000001 0604"  # counter, marker 06 04
    "03 00 0000"  # query type 03 (Inquiry), params, checksum
    "000c29aabbcc c0a8010a"  # sender 00:0c:29:aa:bb:cc / 192.168.1.10
    "ffffffffffff 00000000"  # target MAC / IPv4
    "00000000"  # subnet mask
)


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"real device replies not present at {FIXTURES}")
    return path.read_bytes()


def test_probematch_fixture_states_model_serial_firmware_and_subject() -> None:
    attrs = {
        "model": "DS-2CD2385G1-I",
        "serial": "DS-2CD2385G1-I20200414AAWRE33842150",
        "firmware": "V5.6.2build 190701",
        "dsp_version": "V7.3 build 190626",
        "device_type": "141945",
        "oem_code": "1",
        "activated": "true",
        "http_port": "80",
        "command_port": "8000",
        "sdk_tls_port": "8443",
        "analog_channels": "0",  # AnalogChannelNum
        "digital_channels": "1",  # DigitalChannelNum
        "mac": "58:50:ed:1f:e3:85",
        "ip": "192.168.124.40",
    }
    assert sadp.decode(fixture("sadp_probematch_hikvision_DS-2CD2385G1-I.xml"), META) == [
        Observation(Kind.SADP, "DS-2CD2385G1-I", META, attrs),
        Observation(
            Kind.MAC_IP,
            "58:50:ed:1f:e3:85 192.168.124.40",
            META,
            {"mac": "58:50:ed:1f:e3:85", "ip": "192.168.124.40", "via": "sadp"},
        ),
    ]


def test_probe_is_a_client_query_without_subject() -> None:
    assert sadp.decode(PROBE, META) == [Observation(Kind.SADP_PROBE, "inquiry", META)]


def test_probematch_with_unusable_mac_and_ip_states_no_subject() -> None:
    reply = (
        b"<ProbeMatch><DeviceDescription>DS-7608NI-K2</DeviceDescription>"
        b"<MAC>00-00-00-00-00-00</MAC><IPv4Address>0.0.0.0</IPv4Address></ProbeMatch>"
    )
    assert sadp.decode(reply, META) == [
        Observation(Kind.SADP, "DS-7608NI-K2", META, {"model": "DS-7608NI-K2"})
    ]


def test_trailing_nul_bytes_are_tolerated() -> None:
    assert sadp.decode(PROBE + b"\0\0", META) == [Observation(Kind.SADP_PROBE, "inquiry", META)]


def test_other_xml_root_yields_nothing() -> None:
    assert sadp.decode(b"<Envelope><Probe/></Envelope>", META) == []


def test_entity_declarations_are_refused() -> None:
    bomb = b'<!DOCTYPE p [<!ENTITY a "DS-2CD">]><ProbeMatch><DeviceDescription>&a;'
    assert sadp.decode(bomb + b"</DeviceDescription></ProbeMatch>", META) == []


def test_legacy_response_names_query_type_and_sender() -> None:
    assert sadp.decode_legacy(LEGACY_RESPONSE, L2_META) == [
        Observation(
            Kind.SADP_LEGACY,
            "InquiryResponse",
            L2_META,
            {"direction": "response", "mac": "58:50:ed:1f:e3:85", "ip": "192.168.1.64"},
        )
    ]


def test_legacy_request_is_marked_as_request() -> None:
    assert sadp.decode_legacy(LEGACY_REQUEST, L2_META) == [
        Observation(
            Kind.SADP_LEGACY,
            "Inquiry",
            L2_META,
            {"direction": "request", "mac": "00:0c:29:aa:bb:cc", "ip": "192.168.1.10"},
        )
    ]


def test_legacy_unknown_query_type_is_named_in_hex() -> None:
    frame = LEGACY_RESPONSE[:10] + b"\x7f" + LEGACY_RESPONSE[11:]
    assert [o.value for o in sadp.decode_legacy(frame, L2_META)] == ["0x7f"]


def test_legacy_zero_sender_ip_is_left_out() -> None:
    frame = LEGACY_RESPONSE[:20] + bytes(4) + LEGACY_RESPONSE[24:]
    assert [o.attrs for o in sadp.decode_legacy(frame, L2_META)] == [
        {"direction": "response", "mac": "58:50:ed:1f:e3:85"}
    ]


def test_legacy_wrong_marker_yields_nothing() -> None:
    assert sadp.decode_legacy(b"\x22" + LEGACY_RESPONSE[1:], L2_META) == []


def test_legacy_unknown_packet_type_yields_nothing() -> None:
    assert sadp.decode_legacy(LEGACY_RESPONSE[:1] + b"\x03" + LEGACY_RESPONSE[2:], L2_META) == []


def test_legacy_truncated_header_yields_nothing() -> None:
    assert sadp.decode_legacy(LEGACY_RESPONSE[:37], L2_META) == []


def test_a_whole_reply_that_is_not_well_formed_is_still_read() -> None:
    # a stray "&" makes the XML invalid; the reply is whole (its end tag is there)
    whole = (
        b"<ProbeMatch><DeviceDescription>DS-2CD2&</DeviceDescription>"
        b"<MAC>58-50-ed-1f-e3-85</MAC></ProbeMatch>"
    )
    (found,) = sadp.decode(whole, META)
    assert (found.kind, found.value) == (Kind.SADP, "DS-2CD2&")


def test_half_a_probematch_is_not_evidence() -> None:
    # on the wire a reply arrives whole or not at all (tests/lab: the "cutter" sends halves)
    assert (
        sadp.decode(b"<ProbeMatch><DeviceDescription>DS-2CD2042WD-I</DeviceDescription>", META)
        == []
    )
