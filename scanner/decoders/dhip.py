"""Dahua discovery: DHIP JSON on UDP 37810, and the legacy binary search on UDP 5050."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Mapping
from typing import Any

from scanner.decoders._text import text, was_cut
from scanner.decoders.arp import binding, ipv4_from_bytes, mac_from_text, usable_ip
from scanner.model import Kind, Meta, Observation

UDP_PORTS = (37810,)
UDP_PORTS_5050 = (5050,)
RPC_TCP_PORT = 5000  # the JSON-RPC console in the same framing (docs/protocols.md §3.1)
SERVICES = {
    **{("udp", port): "dhip" for port in UDP_PORTS},
    **{("udp", port): "dahua-discovery" for port in UDP_PORTS_5050},
    ("tcp", RPC_TCP_PORT): "dhip",
}
MULTICAST_V4 = "239.255.255.251"
# 32-byte header: u32 LE header length 0x20, "DHIP", ids, body length (LE u32 at 16 and 24)
DHIP_MAGIC = b"\x20\x00\x00\x00DHIP"
HEADER_LEN = 32
MAX_BODY = 64 * 1024
SEARCH_METHOD = "DHDiscover.search"
NOTIFY_METHOD = "client.notifyDevInfo"
# deviceInfo key -> attr (source: docs/protocols.md §3.1); Manufacturer/Vendor are kept as sent
INFO_FIELDS = (
    ("DeviceType", "model"),
    ("SerialNo", "serial"),
    ("Version", "firmware"),
    ("Vendor", "vendor"),
    ("Manufacturer", "manufacturer"),
    ("DeviceClass", "device_class"),
    ("MachineName", "machine_name"),
    ("HttpPort", "http_port"),
    ("Port", "sdk_port"),
    ("VideoInputChannels", "analog_channels"),
    ("RemoteVideoInputChannels", "digital_channels"),
)
# legacy 5050 search (docs/protocols.md §3.2): request a3 01 ..., reply b3 00 + 32-byte header,
# an 88-byte binary block, then section 2 (MAC text [+ model]) and section 3 (Key:Value lines)
LEGACY_REQUEST = b"\xa3\x01"
LEGACY_REPLY = b"\xb3\x00"
LEGACY_BLOCK_END = 120
LEGACY_PORTS = (("http_port", 94), ("https_port", 96), ("sdk_port", 98), ("udp_port", 104))
LEGACY_KEYS = {"Device": "model", "SerialNo": "serial", "Name": "machine_name"}
MAC_TEXT_LEN = 17
_MAX_LINES = 64
_MAC_LINE = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")
_U16 = struct.Struct("<H")


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """DHIP_SEARCH for a discovery request; DHIP plus MAC_IP for a device's notifyDevInfo."""
    doc = _body(payload)
    if doc is None:
        return []
    method = doc.get("method")
    if method == SEARCH_METHOD:
        return [Observation(Kind.DHIP_SEARCH, method, meta)]
    if method != NOTIFY_METHOD:
        return []
    params = doc.get("params")
    info = params.get("deviceInfo") if isinstance(params, dict) else None
    if not isinstance(info, dict):
        return []
    attrs = {attr: value for key, attr in INFO_FIELDS if (value := scalar(info.get(key)))}
    # the reply states its MAC at the top level; deviceInfo is only a fallback
    mac = mac_from_text(scalar(doc.get("mac")) or scalar(info.get("mac") or info.get("MAC")))
    address = info.get("IPv4Address")
    ip = usable_ip(scalar(address.get("IPAddress"))) if isinstance(address, dict) else None
    model = info.get("DeviceType")
    cut = isinstance(model, str) and was_cut(model)
    return _device(Kind.DHIP, attrs, mac, ip, "dhip", meta, attrs.get("model", ""), cut)


def _body(payload: bytes) -> dict[str, Any] | None:
    if len(payload) < HEADER_LEN or not payload.startswith(DHIP_MAGIC):
        return None
    (length,) = struct.unpack_from("<I", payload, 16)
    if length > MAX_BODY:
        return None
    body = payload[HEADER_LEN : HEADER_LEN + length].rstrip(b"\0\r\n\t ")
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def scalar(value: object) -> str:
    """Bounded text of a JSON string or integer; "" for anything else (objects, null, bools)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return text(str(value))


def decode_5050(payload: bytes, meta: Meta) -> list[Observation]:
    """DHIP_SEARCH for a legacy search; DAHUA_5050 plus MAC_IP for a legacy reply."""
    if payload.startswith(LEGACY_REQUEST):
        return [Observation(Kind.DHIP_SEARCH, "legacy-search", meta)]
    if not payload.startswith(LEGACY_REPLY) or len(payload) < LEGACY_BLOCK_END:
        return []
    attrs = {"firmware": ".".join(str(_U16.unpack_from(payload, 32 + 2 * i)[0]) for i in range(4))}
    hostname = text(payload[40:56].split(b"\0", 1)[0])
    if hostname:
        attrs["hostname"] = hostname
    for attr, at in LEGACY_PORTS:
        port = _U16.unpack_from(payload, at)[0]
        if port:
            attrs[attr] = str(port)
    mac = _legacy_sections(payload, attrs)
    ip = ipv4_from_bytes(payload[56:60])
    model = attrs.get("model") or hostname
    return _device(Kind.DAHUA_5050, attrs, mac, ip, "dahua-5050", meta, model, False)


def _legacy_sections(payload: bytes, attrs: dict[str, str]) -> str | None:
    """Fill attrs from sections 2 and 3; return the MAC they state, if any."""
    size2, size3 = _U16.unpack_from(payload, 2)[0], _U16.unpack_from(payload, 20)[0]
    section2 = payload[LEGACY_BLOCK_END : LEGACY_BLOCK_END + size2]
    section3 = payload[LEGACY_BLOCK_END + size2 : LEGACY_BLOCK_END + size2 + size3]
    mac = mac_from_text(text(section2[:MAC_TEXT_LEN]))
    model = text(section2[MAC_TEXT_LEN:].split(b"\0", 1)[0])
    if model:
        attrs["model"] = model
    for line in section3.decode("utf-8", "replace").splitlines()[:_MAX_LINES]:
        key, sep, value = line.partition(":")
        value = text(value)
        if _MAC_LINE.fullmatch(line.strip()):
            mac = mac or mac_from_text(line)
        elif sep and value and key.strip() in LEGACY_KEYS:
            attrs[LEGACY_KEYS[key.strip()]] = value
        elif sep and _MAC_LINE.fullmatch(value):
            mac = mac or mac_from_text(value)
    return mac


def _device(
    kind: Kind,
    attrs: Mapping[str, str],
    mac: str | None,
    ip: str | None,
    via: str,
    meta: Meta,
    value: str,
    truncated: bool,
) -> list[Observation]:
    stated = dict(attrs)
    if mac:
        stated["mac"] = mac
    if ip:
        stated["ip"] = ip
    out = [Observation(kind, value, meta, stated, truncated)]
    if mac and ip:
        out.append(binding(mac, ip, via, meta))
    return out
