"""Tests for scanner.decoders.ndp: bindings from Neighbor Discovery link-layer options."""

from __future__ import annotations

from dataclasses import replace

from scanner.decoders import ndp
from scanner.model import Kind, Meta, Observation

META = Meta(
    "test",
    1,
    0.0,
    src_mac="44:19:b6:12:34:56",
    src_ip="fe80::4619:b6ff:fe12:3456",
    dst_ip="ff02::1:ff00:1",
    proto="icmpv6",
)
MAC = "44:19:b6:12:34:56"
ATTRS = {"mac": MAC, "ip": "fe80::4619:b6ff:fe12:3456", "via": "ndp"}

NS = bytes.fromhex(
    "87 00 0000 00000000"  # Neighbor Solicitation (135), code 0, checksum, reserved
    "fe800000000000000000000000000001"  # target fe80::1
    "01 01 4419b6123456"  # option 1 (source link-layer address), 1 x 8 bytes, the MAC
)
NA = bytes.fromhex(
    "88 00 0000 60000000"  # Neighbor Advertisement (136), code 0, checksum, flags S|O
    "20010db8000000000000000000000040"  # target 2001:db8::40
    "02 01 4419b6123456"  # option 2 (target link-layer address), 1 x 8 bytes, the MAC
)
RA = bytes.fromhex(
    "86 00 0000 40 00 0708"  # Router Advertisement (134), code 0, hop limit 64, lifetime 1800
    "00000000 00000000"  # reachable time, retrans timer
    "05 01 0000 000005dc"  # option 5 (MTU 1500), skipped
    "01 01 4419b6123456"  # option 1 (source link-layer address), the MAC
)
# Router Solicitation: type 133, code 0, checksum, reserved, option 1 (source LL)
RS = bytes.fromhex("85 00 0000 00000000 01 01 4419b6123456")


def test_neighbor_solicitation_binds_source_address() -> None:
    assert ndp.decode(NS, META) == [
        Observation(Kind.MAC_IP, f"{MAC} fe80::4619:b6ff:fe12:3456", META, ATTRS)
    ]


def test_duplicate_address_probe_from_unspecified_binds_nothing() -> None:
    assert ndp.decode(NS, replace(META, src_ip="::")) == []


def test_neighbor_advertisement_binds_target_address() -> None:
    assert ndp.decode(NA, META) == [
        Observation(
            Kind.MAC_IP,
            f"{MAC} 2001:db8::40",
            META,
            {"mac": MAC, "ip": "2001:db8::40", "via": "ndp"},
        )
    ]


def test_router_advertisement_marks_the_router() -> None:
    assert ndp.decode(RA, META) == [
        Observation(Kind.MAC_IP, f"{MAC} fe80::4619:b6ff:fe12:3456", META, {**ATTRS, "router": "1"})
    ]


def test_router_solicitation_binds_source_address() -> None:
    assert [o.attrs for o in ndp.decode(RS, META)] == [ATTRS]


def test_solicitation_without_link_layer_option_binds_nothing() -> None:
    assert ndp.decode(NS[:24], META) == []


def test_zero_length_option_stops_parsing() -> None:
    message = NS[:24] + bytes.fromhex("0e 00 000000000000") + NS[24:]  # option 14, length 0
    assert ndp.decode(message, META) == []


def test_nonzero_code_is_ignored() -> None:
    assert ndp.decode(NS[:1] + b"\x01" + NS[2:], META) == []


def test_truncated_option_returns_empty() -> None:
    assert ndp.decode(NS[:-1], META) == []
