"""ARP (EtherType 0x0806) sender bindings, and the address normalisers the other decoders share."""

from __future__ import annotations

import ipaddress
import re
import socket
import struct
from collections.abc import Mapping

from scanner.model import Kind, Meta, Observation
from scanner.wire import ET_IPV4

ETHERNET_IPV4 = (1, ET_IPV4, 6, 4)  # htype, ptype, hlen, plen
ARP_REQUEST, ARP_REPLY = 1, 2
_OPCODES = frozenset({ARP_REQUEST, ARP_REPLY})
_ARP_LEN = 28
_HEAD = struct.Struct("!HHBBH")
_MAC_TEXT = re.compile(r"[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}")
_MAX_IP_TEXT = 64
_UNSPECIFIED4, _BROADCAST4 = b"\0\0\0\0", b"\xff\xff\xff\xff"


def mac_from_bytes(raw: bytes) -> str | None:
    """Lower-case colon form of a 6-byte unicast MAC; None for zero, broadcast or multicast."""
    if len(raw) != 6 or raw[0] & 1 or not any(raw):
        return None
    return raw.hex(":")


def mac_from_text(value: str) -> str | None:
    """Normalise "58-50-ED-1F-E3-85", "58:50:ed:1f:e3:85" or "5850ed1fe385"; None if not usable."""
    s = value.strip().lower()
    if not _MAC_TEXT.fullmatch(s):
        return None
    return mac_from_bytes(bytes.fromhex(s.replace(":", "").replace("-", "")))


def usable_ip(value: str) -> str | None:
    """Canonical text of an IP that can name a host; None for junk, unspecified or multicast."""
    if len(value) > _MAX_IP_TEXT:
        return None
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if ip.is_unspecified or ip.is_multicast or ip.is_loopback:
        return None
    if isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address("255.255.255.255"):
        return None
    return str(ip)


def ipv4_from_bytes(raw: bytes) -> str | None:
    """Dotted text of a 4-byte IPv4 address that can name a host, else None."""
    if len(raw) != 4:
        return None
    # the same answer as usable_ip(), without building an ipaddress object (ARP is hot)
    if raw[0] == 127 or 224 <= raw[0] <= 239 or raw in (_UNSPECIFIED4, _BROADCAST4):
        return None
    return socket.inet_ntoa(raw)


def binding(
    mac: str, ip: str, via: str, meta: Meta, extra: Mapping[str, str] | None = None
) -> Observation:
    """A MAC_IP observation stating that `mac` uses `ip`, learnt through `via`."""
    attrs = {"mac": mac, "ip": ip, "via": via}
    if extra:
        attrs.update(extra)
    return Observation(Kind.MAC_IP, f"{mac} {ip}", meta, attrs)


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """The sender binding of an Ethernet/IPv4 ARP message (payload after the Ethernet header)."""
    if len(payload) < _ARP_LEN:
        return []
    htype, ptype, hlen, plen, oper = _HEAD.unpack_from(payload)
    if (htype, ptype, hlen, plen) != ETHERNET_IPV4 or oper not in _OPCODES:
        return []
    mac = mac_from_bytes(payload[8:14])
    ip = ipv4_from_bytes(payload[14:18])  # 0.0.0.0 here is an address probe (RFC 5227)
    if mac is None or ip is None:
        return []
    return [binding(mac, ip, "arp", meta)]
