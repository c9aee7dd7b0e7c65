"""Tests for scanner.decoders.arp: sender bindings and the shared address normalisers."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.decoders import arp
from scanner.decoders.arp import ipv4_from_bytes, usable_ip
from scanner.model import Kind, Meta, Observation

META = Meta("test", 1, 0.0, src_mac="44:19:b6:12:34:56", dst_mac="ff:ff:ff:ff:ff:ff")

ARP_REPLY = bytes.fromhex(
    "0001 0800 06 04 0002"  # htype Ethernet, ptype IPv4, hlen 6, plen 4, oper 2 (reply)
    "4419b6123456 0a141e0b"  # sender 44:19:b6:12:34:56 / 10.20.30.11
    "001122334455 0a141e01"  # target 00:11:22:33:44:55 / 10.20.30.1
)
# ARP request (oper 0001): sender 44:19:b6:12:34:56 / 10.20.30.11 asks for 10.20.30.1
ARP_REQUEST = bytes.fromhex("0001 0800 06 04 0001 4419b6123456 0a141e0b 000000000000 0a141e01")
# RFC 5227 address probe (oper 0001): sender IP 0.0.0.0 checking whether 10.20.30.11 is free
ARP_PROBE = bytes.fromhex("0001 0800 06 04 0001 4419b6123456 00000000 000000000000 0a141e0b")


def test_reply_binds_sender_mac_to_sender_ip() -> None:
    assert arp.decode(ARP_REPLY, META) == [
        Observation(
            Kind.MAC_IP,
            "44:19:b6:12:34:56 10.20.30.11",
            META,
            {"mac": "44:19:b6:12:34:56", "ip": "10.20.30.11", "via": "arp"},
        )
    ]


def test_request_binds_sender_mac_to_sender_ip() -> None:
    assert [o.value for o in arp.decode(ARP_REQUEST, META)] == ["44:19:b6:12:34:56 10.20.30.11"]


def test_ethernet_padding_after_the_message_is_ignored() -> None:
    padded = ARP_REPLY + bytes(18)  # minimum frame padding
    assert [o.value for o in arp.decode(padded, META)] == ["44:19:b6:12:34:56 10.20.30.11"]


def test_address_probe_with_zero_sender_ip_binds_nothing() -> None:
    assert arp.decode(ARP_PROBE, META) == []


def test_broadcast_sender_mac_binds_nothing() -> None:
    frame = ARP_REPLY[:8] + b"\xff" * 6 + ARP_REPLY[14:]
    assert arp.decode(frame, META) == []


def test_multicast_sender_mac_binds_nothing() -> None:
    frame = ARP_REPLY[:8] + bytes.fromhex("01005e000001") + ARP_REPLY[14:]
    assert arp.decode(frame, META) == []


def test_zero_sender_mac_binds_nothing() -> None:
    frame = ARP_REPLY[:8] + bytes(6) + ARP_REPLY[14:]
    assert arp.decode(frame, META) == []


def test_non_ipv4_protocol_type_is_ignored() -> None:
    frame = ARP_REPLY[:2] + b"\x86\xdd" + ARP_REPLY[4:]  # ptype IPv6
    assert arp.decode(frame, META) == []


def test_unknown_opcode_is_ignored() -> None:
    frame = ARP_REPLY[:6] + b"\x00\x03" + ARP_REPLY[8:]  # oper 3 (RARP request)
    assert arp.decode(frame, META) == []


def test_truncated_message_returns_empty() -> None:
    assert arp.decode(ARP_REPLY[:27], META) == []


def test_mac_from_text_normalises_dash_form() -> None:
    assert arp.mac_from_text("58-50-ED-1F-E3-85") == "58:50:ed:1f:e3:85"


def test_mac_from_text_accepts_bare_hex() -> None:
    assert arp.mac_from_text("5850ed1fe385") == "58:50:ed:1f:e3:85"


def test_mac_from_text_rejects_mixed_separators() -> None:
    assert arp.mac_from_text("58-50:ed-1f:e3-85") is None


def test_mac_from_text_rejects_broadcast() -> None:
    assert arp.mac_from_text("ff-ff-ff-ff-ff-ff") is None


def test_usable_ip_canonicalises_ipv6() -> None:
    assert arp.usable_ip("FE80:0:0:0:0AED:EDFF:FE87:427A") == "fe80::aed:edff:fe87:427a"


def test_usable_ip_rejects_unspecified_and_multicast() -> None:
    assert [arp.usable_ip(v) for v in ("0.0.0.0", "::", "239.255.255.250", "x")] == [None] * 4


@pytest.mark.parametrize(
    "raw",
    [bytes([a, b, c, d]) for a in (0, 1, 10, 126, 127, 128, 223, 224, 239, 240, 254, 255)
     for b, c, d in ((0, 0, 0), (0, 0, 1), (255, 255, 255), (255, 255, 254))],
)  # fmt: skip
def test_ipv4_from_bytes_agrees_with_the_ipaddress_rules(raw: bytes) -> None:
    assert ipv4_from_bytes(raw) == usable_ip(str(ipaddress.IPv4Address(raw)))


@given(st.binary(min_size=4, max_size=4))
@settings(max_examples=500)
def test_ipv4_from_bytes_agrees_with_the_ipaddress_rules_anywhere(raw: bytes) -> None:
    assert ipv4_from_bytes(raw) == usable_ip(str(ipaddress.IPv4Address(raw)))
