"""Tests for scanner.decoders.sdk: SDK port replies and DVRIP/DHIP login realms."""

from __future__ import annotations

import json

import pytest

from scanner.decoders import sdk
from scanner.model import Kind, Meta, Observation


def meta(sport: int, dport: int) -> Meta:
    """Context of bytes sent from 10.0.0.64:sport to 10.0.0.2:dport."""
    return Meta(
        "test", 1, 0.0, src_ip="10.0.0.64", dst_ip="10.0.0.2", proto="tcp", sport=sport, dport=dport
    )


# Hikvision SDK port 8000: the 16-byte answer nmap matches as "Hikvision IPCam control port"
# (docs/protocols.md §4): u32 BE length 0x10, then 0x1e twice, then zero.
HIK_8000 = bytes.fromhex("00000010 0000001e 0000001e 00000000")

DVRIP_REALM_TEXT = b"Realm:Login to 4M05F6EPAZ3C2A1\r\nRandom:1852772904\r\n\r\n"
# Dahua DVRIP reply to the realm request on TCP 37777 (docs/protocols.md §3.3).
DAHUA_REALM_REPLY = (
    b"\xb0\x01\x00\x78"  # reply opcode b0 01
    + len(DVRIP_REALM_TEXT).to_bytes(4, "little")  # u32 LE body length at offset 4
    + bytes.fromhex("00000000 00000000 00000000 00000000 00000000 00000000")  # rest of header
    + DVRIP_REALM_TEXT  # body at offset 32
)

DHIP_LOGIN_REPLY_JSON = {
    "error": {"code": 268632079, "message": "Component error: login challenge!"},
    "id": 2,
    "params": {
        "authorization": "7f8c6b1f2e0d4c3b",
        "encryption": "Default",
        "mac": "A0BD1D000001",
        "random": "1234567890",
        "realm": "Login to 6a4f2e1c9b8d7e6f5a4b3c2d1e0f9a8b",
    },
    "result": False,
    "session": 1412351,
}


def dhip(body: bytes, session: int = 0, request: int = 0) -> bytes:
    """DHIP framing: 20 00 00 00 'DHIP', session and request ids, body length twice (LE)."""
    length = len(body).to_bytes(4, "little")
    header = b"\x20\x00\x00\x00DHIP" + session.to_bytes(4, "little") + request.to_bytes(4, "little")
    return header + length + b"\x00" * 4 + length + b"\x00" * 4 + body


def _summary(found: list[Observation]) -> list[tuple[Kind, str, dict[str, str], bool]]:
    return [(o.kind, o.value, dict(o.attrs), o.truncated) for o in found]


def test_hikvision_8000_reply() -> None:
    assert _summary(sdk.decode(HIK_8000, meta(8000, 50000))) == [
        (
            Kind.SDK_REPLY,
            "000000100000001e0000001e00000000",
            {"port": "8000", "length": "16"},
            False,
        ),
    ]


def test_dahua_dvrip_realm_reply() -> None:
    assert _summary(sdk.decode(DAHUA_REALM_REPLY, meta(37777, 50000))) == [
        (
            Kind.SDK_REPLY,
            DAHUA_REALM_REPLY[:32].hex(),
            {"port": "37777", "length": str(len(DAHUA_REALM_REPLY))},
            True,  # only the first 32 bytes are kept
        ),
        (Kind.DVRIP_REALM, "Login to 4M05F6EPAZ3C2A1", {"framing": "dvrip"}, False),
    ]


def test_random_nonce_is_not_kept() -> None:
    found = sdk.decode(DAHUA_REALM_REPLY, meta(37777, 50000))
    assert not any("1852772904" in o.value or "1852772904" in o.attrs.values() for o in found)


def test_dvrip_realm_with_nul_padding() -> None:
    body = b"Realm:Login to ND012345678\r\n\x00\x00\x00"
    data = b"\xb0\x00\x00\x68" + len(body).to_bytes(4, "little") + b"\x00" * 24 + body
    realms = [o.value for o in sdk.decode(data, meta(37777, 50000)) if o.kind is Kind.DVRIP_REALM]
    assert realms == ["Login to ND012345678"]


def test_dvrip_realm_in_a_later_message() -> None:
    first = b"\xb0\x00\x00\x68" + b"\x00" * 28  # empty-bodied reply
    data = first + DAHUA_REALM_REPLY
    realms = [o.value for o in sdk.decode(data, meta(37777, 50000)) if o.kind is Kind.DVRIP_REALM]
    assert realms == ["Login to 4M05F6EPAZ3C2A1"]


def test_realm_key_must_start_a_line() -> None:
    body = b"XRealm:Login to nobody\r\n"
    data = b"\xb0\x01\x00\x78" + len(body).to_bytes(4, "little") + b"\x00" * 24 + body
    assert [o.kind for o in sdk.decode(data, meta(37777, 50000))] == [Kind.SDK_REPLY]


def test_dhip_login_challenge_realm() -> None:
    data = dhip(json.dumps(DHIP_LOGIN_REPLY_JSON).encode() + b"\n", session=1412351, request=2)
    assert _summary(sdk.decode(data, meta(5000, 50000))) == [
        (
            Kind.DVRIP_REALM,
            "Login to 6a4f2e1c9b8d7e6f5a4b3c2d1e0f9a8b",
            {"framing": "dhip"},
            False,
        ),
    ]


def test_dhip_realm_in_second_message() -> None:
    data = dhip(b'{"id":1,"result":true}') + dhip(json.dumps(DHIP_LOGIN_REPLY_JSON).encode())
    realms = [o.value for o in sdk.decode(data, meta(37777, 50000)) if o.kind is Kind.DVRIP_REALM]
    assert realms == ["Login to 6a4f2e1c9b8d7e6f5a4b3c2d1e0f9a8b"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"params":{"realm":""}}',  # empty realm
        b'{"params":{"realm":42}}',  # not a string
        b'{"params":["realm"]}',
        b"[1, 2]",
        b'{"params":{"realm":"Login to',  # cut JSON
        b"[" * 5000 + b"]" * 5000,  # deep nesting
        b"\xff\xfe not json",
    ],
)
def test_dhip_body_without_usable_realm_gives_nothing(body: bytes) -> None:
    assert sdk.decode(dhip(body), meta(5000, 50000)) == []


def test_bytes_sent_to_an_sdk_port_give_no_reply() -> None:
    assert sdk.decode(HIK_8000, meta(50000, 8000)) == []


def test_empty_data_gives_nothing() -> None:
    assert sdk.decode(b"", meta(37777, 50000)) == []


def test_port_34567_reply() -> None:
    data = bytes(range(40))
    assert _summary(sdk.decode(data, meta(34567, 50000))) == [
        (Kind.SDK_REPLY, bytes(range(32)).hex(), {"port": "34567", "length": "40"}, True),
    ]


def test_cut_realm_line_gives_no_realm() -> None:
    line_end = len(DAHUA_REALM_REPLY) - len(DVRIP_REALM_TEXT) + DVRIP_REALM_TEXT.index(b"\n")
    for end in range(len(DAHUA_REALM_REPLY) + 1):
        found = sdk.decode(DAHUA_REALM_REPLY[:end], meta(37777, 50000))
        realms = [o.value for o in found if o.kind is Kind.DVRIP_REALM]
        assert realms == (["Login to 4M05F6EPAZ3C2A1"] if end > line_end else [])


def test_sdk_ports() -> None:
    assert frozenset({8000, 37777, 34567}) == sdk.SDK_PORTS
