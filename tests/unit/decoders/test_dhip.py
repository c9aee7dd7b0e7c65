"""Tests for scanner.decoders.dhip: DHIP discovery on 37810 and the legacy 5050 search."""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path

import pytest

from scanner.decoders import dhip
from scanner.model import Kind, Meta, Observation

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "realcaps" / "fixtures"
META = Meta(
    "test",
    1,
    0.0,
    src_mac="08:ed:ed:87:42:7a",
    src_ip="192.168.124.17",
    dst_ip="239.255.255.251",
    proto="udp",
    sport=37810,
    dport=37810,
)
SEARCH_BODY = b'{"method":"DHDiscover.search","params":{"mac":"","uni":1}}\n'


def dhip_frame(body: bytes, length: int | None = None) -> bytes:
    """32-byte DHIP header (docs/protocols.md §3.1) in front of `body`."""
    size = len(body) if length is None else length
    return (
        b"\x20\x00\x00\x00"  # header length 32, LE
        + b"DHIP"  # magic
        + bytes(8)  # session id, request id
        + struct.pack("<I", size)  # body length at 16
        + bytes(4)
        + struct.pack("<I", size)  # body length again at 24
        + bytes(4)
        + body
    )


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"real device replies not present at {FIXTURES}")
    return path.read_bytes()


def test_notify_fixture_states_model_serial_firmware_and_subject() -> None:
    body = fixture("dhip_notifyDevInfo_dahua_IPC-HDW1431T1-S4.json")
    attrs = {
        "model": "IPC-HDW1431T1-S4",
        "serial": "6C01E93PAG69A7D",
        "firmware": "2.800.0000000.13.R",
        "vendor": "Private",
        "manufacturer": "Private",
        "device_class": "IPC",
        "machine_name": "6C01E93PAG69A7D",
        "http_port": "80",
        "sdk_port": "37777",
        "analog_channels": "1",  # VideoInputChannels
        "digital_channels": "0",  # RemoteVideoInputChannels
        "mac": "08:ed:ed:87:42:7a",
        "ip": "192.168.124.17",
    }
    assert dhip.decode(dhip_frame(body), META) == [
        Observation(Kind.DHIP, "IPC-HDW1431T1-S4", META, attrs),
        Observation(
            Kind.MAC_IP,
            "08:ed:ed:87:42:7a 192.168.124.17",
            META,
            {"mac": "08:ed:ed:87:42:7a", "ip": "192.168.124.17", "via": "dhip"},
        ),
    ]


def test_search_request_is_a_client_query() -> None:
    assert dhip.decode(dhip_frame(SEARCH_BODY), META) == [
        Observation(Kind.DHIP_SEARCH, "DHDiscover.search", META)
    ]


def test_trailing_nul_after_json_is_tolerated() -> None:
    found = dhip.decode(dhip_frame(SEARCH_BODY + b"\0\0"), META)
    assert [o.kind for o in found] == [Kind.DHIP_SEARCH]


def test_mac_inside_device_info_is_a_fallback() -> None:
    info = {"DeviceType": "DH-XVR5104HS", "mac": "4C-11-BF-12-34-56"}
    body = json.dumps({"method": "client.notifyDevInfo", "params": {"deviceInfo": info}})
    assert dhip.decode(dhip_frame(body.encode()), META) == [
        Observation(
            Kind.DHIP, "DH-XVR5104HS", META, {"model": "DH-XVR5104HS", "mac": "4c:11:bf:12:34:56"}
        )
    ]


def test_non_scalar_fields_are_left_out() -> None:
    info = {"DeviceType": ["x"], "SerialNo": None, "HttpPort": True, "Port": 37777}
    body = json.dumps({"method": "client.notifyDevInfo", "params": {"deviceInfo": info}})
    assert dhip.decode(dhip_frame(body.encode()), META) == [
        Observation(Kind.DHIP, "", META, {"sdk_port": "37777"})
    ]


def test_bare_json_without_header_yields_nothing() -> None:
    assert dhip.decode(SEARCH_BODY, META) == []


def test_body_length_over_the_cap_yields_nothing() -> None:
    assert dhip.decode(dhip_frame(SEARCH_BODY, length=dhip.MAX_BODY + 1), META) == []


def test_deeply_nested_json_yields_nothing() -> None:
    assert dhip.decode(dhip_frame(b"[" * 100_000 + b"]" * 100_000), META) == []


def test_other_method_yields_nothing() -> None:
    body = b'{"method":"global.login","params":{"userName":"admin"}}'
    assert dhip.decode(dhip_frame(body), META) == []


def test_notify_without_device_info_yields_nothing() -> None:
    body = b'{"method":"client.notifyDevInfo","params":[]}'
    assert dhip.decode(dhip_frame(body), META) == []


# Legacy UDP 5050 (docs/protocols.md §3.2): 32-byte request a3 01 00 01, 02 at offset 16, rest zero
LEGACY_REQUEST = bytes.fromhex("a3010001" + "00" * 12 + "02000000" + "00" * 12)
SECTION2 = b"4c:11:bf:12:34:56" + b"DH-NVR4104HS"  # 17-char MAC text, then a model
SECTION3 = (
    b"Name:NVR-backroom\r\n"
    b"Device:DH-NVR4104HS-P-4KS2\r\n"
    b"IPv6Addr:fe80::4e11:bfff:fe12:3456/64\r\n"
    b"SerialNo:5J0A1B2PAZ12345\r\n"
)


def legacy_reply(section2: bytes = SECTION2, section3: bytes = SECTION3) -> bytes:
    """b3 00 reply: 32-byte header, 88-byte block, then sections 2 and 3."""
    header = (
        b"\xb3\x00"
        + struct.pack("<H", len(section2))  # section 2 length at 2
        + struct.pack("<I", 0x58)
        + bytes(8)
        + struct.pack("<I", 2)  # protocol version at 16
        + struct.pack("<H", len(section3))  # section 3 length at 20
        + bytes(10)
    )
    block = struct.pack(
        "<4H16s4s4s4s4s22s6H2s4sH6s",
        2, 800, 0, 13,  # version 2.800.0.13
        b"NVR-backroom",  # host name at +8
        socket.inet_aton("192.168.1.108"),  # IPv4 at +24
        socket.inet_aton("255.255.255.0"),
        socket.inet_aton("192.168.1.1"),
        socket.inet_aton("192.168.1.1"),
        bytes(22),  # alarm server, e-mail, unknown
        80, 443, 37777, 10, 0, 37778,  # web +62, https +64, dvrip +66, max conn, ssl, udp +72
        bytes(2),
        socket.inet_aton("239.255.42.42"),  # multicast address +76
        36666,  # multicast port +80
        bytes(6),
    )  # fmt: skip
    return header + block + section2 + section3


def test_legacy_request_is_a_client_query() -> None:
    assert dhip.decode_5050(LEGACY_REQUEST, META) == [
        Observation(Kind.DHIP_SEARCH, "legacy-search", META)
    ]


def test_legacy_reply_states_model_serial_ports_and_subject() -> None:
    attrs = {
        "firmware": "2.800.0.13",
        "hostname": "NVR-backroom",
        "http_port": "80",
        "https_port": "443",
        "sdk_port": "37777",
        "udp_port": "37778",
        "model": "DH-NVR4104HS-P-4KS2",
        "machine_name": "NVR-backroom",
        "serial": "5J0A1B2PAZ12345",
        "mac": "4c:11:bf:12:34:56",
        "ip": "192.168.1.108",
    }
    assert dhip.decode_5050(legacy_reply(), META) == [
        Observation(Kind.DAHUA_5050, "DH-NVR4104HS-P-4KS2", META, attrs),
        Observation(
            Kind.MAC_IP,
            "4c:11:bf:12:34:56 192.168.1.108",
            META,
            {"mac": "4c:11:bf:12:34:56", "ip": "192.168.1.108", "via": "dahua-5050"},
        ),
    ]


def test_legacy_reply_model_falls_back_to_section_two() -> None:
    found = dhip.decode_5050(legacy_reply(section3=b""), META)
    assert found[0].value == "DH-NVR4104HS"


def test_legacy_reply_mac_line_in_text_section_is_read() -> None:
    found = dhip.decode_5050(legacy_reply(b"", b"4c:11:bf:12:34:56\r\n" + SECTION3), META)
    assert found[0].attrs["mac"] == "4c:11:bf:12:34:56"


def test_legacy_reply_without_mac_binds_nothing() -> None:
    found = dhip.decode_5050(legacy_reply(b"", b"Device:DH-NVR4104HS\r\n"), META)
    assert [o.kind for o in found] == [Kind.DAHUA_5050]


def test_legacy_reply_shorter_than_the_block_yields_nothing() -> None:
    assert dhip.decode_5050(legacy_reply()[:119], META) == []


def test_legacy_other_bytes_yield_nothing() -> None:
    assert dhip.decode_5050(b"\xb3\x01" + legacy_reply()[2:], META) == []
