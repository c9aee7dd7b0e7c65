"""Tests for scanner.decoders.dhcp: client names, vendor class and stated bindings."""

from __future__ import annotations

import socket
import struct

from scanner.decoders import dhcp
from scanner.model import Kind, Meta, Observation

META = Meta(
    "test",
    1,
    0.0,
    src_mac="00:50:56:00:00:01",
    src_ip="10.20.30.1",
    dst_ip="255.255.255.255",
    proto="udp",
    sport=67,
    dport=68,
)
CLIENT = "44:19:b6:12:34:56"
DISCOVER, OFFER, REQUEST, ACK = 1, 2, 3, 5

# option 12 (host name), length 9, "IPC-lobby"
OPT_HOSTNAME = bytes([12, 9]) + b"IPC-lobby"
# option 60 (vendor class identifier), length 12, "udhcp 1.22.1"
OPT_VENDOR = bytes([60, 12]) + b"udhcp 1.22.1"
# option 50 (requested IP address), length 4, 10.20.30.11
OPT_REQUESTED = bytes([50, 4, 10, 20, 30, 11])
# option 81 (client FQDN), length 17: flags 0 (ASCII name), rcode1, rcode2, "cam1.store.lan"
OPT_FQDN_ASCII = bytes([81, 17, 0, 0, 0]) + b"cam1.store.lan"
# option 81, flags 0x04 (E: DNS wire format), rcode1, rcode2, 04 "cam1" 05 "store" 03 "lan" 00
OPT_FQDN_WIRE = bytes([81, 19, 0x04, 0, 0]) + b"\x04cam1\x05store\x03lan\x00"


def bootp(
    op: int,
    msg_type: int,
    options: bytes = b"",
    ciaddr: str = "0.0.0.0",
    yiaddr: str = "0.0.0.0",
    chaddr: bytes = bytes.fromhex("4419b6123456"),
    htype: int = 1,
) -> bytes:
    """A DHCP packet: 236-byte BOOTP header, magic cookie, option 53 = msg_type, options, END."""
    header = struct.pack(
        "!BBBBIHH4s4s4s4s16s64s128s",
        op,  # 1 BOOTREQUEST (client), 2 BOOTREPLY (server)
        htype,  # 1 Ethernet
        6,  # hlen
        0,  # hops
        0x3903F326,  # xid
        0,  # secs
        0,  # flags
        socket.inet_aton(ciaddr),  # client's current address
        socket.inet_aton(yiaddr),  # address the server assigns
        bytes(4),  # siaddr
        bytes(4),  # giaddr
        chaddr,  # client hardware address (padded to 16)
        b"",  # sname
        b"",  # file
    )
    return header + dhcp.MAGIC_COOKIE + bytes([53, 1, msg_type]) + options + b"\xff"


def test_client_hostname_is_about_chaddr() -> None:
    packet = bootp(1, DISCOVER, OPT_HOSTNAME)
    assert dhcp.decode(packet, META) == [
        Observation(Kind.DHCP_HOSTNAME, "IPC-lobby", META, {"mac": CLIENT})
    ]


def test_client_vendor_class_is_about_chaddr() -> None:
    packet = bootp(1, DISCOVER, OPT_VENDOR)
    assert dhcp.decode(packet, META) == [
        Observation(Kind.DHCP_VENDOR_CLASS, "udhcp 1.22.1", META, {"mac": CLIENT})
    ]


def test_requested_address_is_an_attribute_not_a_binding() -> None:
    packet = bootp(1, REQUEST, OPT_REQUESTED + OPT_HOSTNAME + OPT_VENDOR)
    attrs = {"mac": CLIENT, "requested": "10.20.30.11"}
    assert dhcp.decode(packet, META) == [
        Observation(Kind.DHCP_HOSTNAME, "IPC-lobby", META, attrs),
        Observation(Kind.DHCP_VENDOR_CLASS, "udhcp 1.22.1", META, attrs),
    ]


def test_server_vendor_class_is_not_attributed_to_the_client() -> None:
    # real servers answer with their own option 60 (zeek dhcp.pcap: "ArubaAP" in OFFER/ACK)
    packet = bootp(2, OFFER, bytes([60, 7]) + b"ArubaAP", yiaddr="10.20.30.11")
    assert dhcp.decode(packet, META) == []


def test_ack_binds_assigned_address() -> None:
    packet = bootp(2, ACK, yiaddr="10.20.30.11")
    assert dhcp.decode(packet, META) == [
        Observation(
            Kind.MAC_IP,
            f"{CLIENT} 10.20.30.11",
            META,
            {"mac": CLIENT, "ip": "10.20.30.11", "via": "dhcp-ack"},
        )
    ]


def test_ack_with_a_subnet_mask_states_its_prefix_length() -> None:
    packet = bootp(2, ACK, bytes([1, 4, 255, 255, 252, 0]), yiaddr="10.20.30.11")
    assert [o.attrs for o in dhcp.decode(packet, META)] == [
        {"mac": CLIENT, "ip": "10.20.30.11", "via": "dhcp-ack", "prefixlen": "22"}
    ]


def test_a_mask_with_a_hole_states_no_prefix_length() -> None:
    packet = bootp(2, ACK, bytes([1, 4, 255, 0, 255, 0]), yiaddr="10.20.30.11")
    assert [o.attrs for o in dhcp.decode(packet, META)] == [
        {"mac": CLIENT, "ip": "10.20.30.11", "via": "dhcp-ack"}
    ]


def test_offer_binds_nothing() -> None:
    assert dhcp.decode(bootp(2, OFFER, yiaddr="10.20.30.11"), META) == []


def test_renewing_client_binds_its_ciaddr() -> None:
    packet = bootp(1, REQUEST, ciaddr="10.20.30.11")
    assert dhcp.decode(packet, META) == [
        Observation(
            Kind.MAC_IP,
            f"{CLIENT} 10.20.30.11",
            META,
            {"mac": CLIENT, "ip": "10.20.30.11", "via": "dhcp"},
        )
    ]


def test_ack_of_a_renewal_binds_once() -> None:
    packet = bootp(2, ACK, ciaddr="10.20.30.11", yiaddr="10.20.30.11")
    assert [o.attrs["via"] for o in dhcp.decode(packet, META)] == ["dhcp-ack"]


def test_fqdn_name_is_used_when_hostname_is_absent() -> None:
    packet = bootp(1, REQUEST, OPT_FQDN_ASCII)
    assert [o.value for o in dhcp.decode(packet, META)] == ["cam1.store.lan"]


def test_fqdn_in_wire_format_is_decoded() -> None:
    packet = bootp(1, REQUEST, OPT_FQDN_WIRE)
    assert [o.value for o in dhcp.decode(packet, META)] == ["cam1.store.lan"]


def test_hostname_option_wins_over_fqdn() -> None:
    packet = bootp(1, REQUEST, OPT_FQDN_ASCII + OPT_HOSTNAME)
    assert [o.value for o in dhcp.decode(packet, META)] == ["IPC-lobby"]


def test_split_option_is_concatenated() -> None:
    # RFC 3396: two option-12 instances "IPC-" + "lobby" form one value
    packet = bootp(1, DISCOVER, bytes([12, 4]) + b"IPC-" + bytes([12, 5]) + b"lobby")
    assert [o.value for o in dhcp.decode(packet, META)] == ["IPC-lobby"]


def test_pad_options_are_skipped() -> None:
    packet = bootp(1, DISCOVER, b"\x00\x00\x00" + OPT_HOSTNAME)
    assert [o.value for o in dhcp.decode(packet, META)] == ["IPC-lobby"]


def test_option_running_past_the_end_keeps_earlier_options() -> None:
    packet = bootp(1, DISCOVER, OPT_HOSTNAME)[:-1] + bytes([60, 200]) + b"udhcp"
    assert [o.kind for o in dhcp.decode(packet, META)] == [Kind.DHCP_HOSTNAME]


def test_wrong_magic_cookie_returns_empty() -> None:
    packet = bootp(1, DISCOVER, OPT_HOSTNAME)
    assert dhcp.decode(packet[:236] + b"\x00\x00\x00\x00" + packet[240:], META) == []


def test_non_ethernet_hardware_type_returns_empty() -> None:
    assert dhcp.decode(bootp(1, DISCOVER, OPT_HOSTNAME, htype=32), META) == []


def test_broadcast_chaddr_returns_empty() -> None:
    assert dhcp.decode(bootp(1, DISCOVER, OPT_HOSTNAME, chaddr=b"\xff" * 6), META) == []


def test_truncated_header_returns_empty() -> None:
    assert dhcp.decode(bootp(1, DISCOVER, OPT_HOSTNAME)[:239], META) == []
