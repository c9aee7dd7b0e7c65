"""Hikvision SADP: XML over UDP 37020, and the legacy binary form on EtherType 0x8033."""

from __future__ import annotations

import re
import struct

from scanner.decoders import markup, ssdp
from scanner.decoders._text import text, was_cut
from scanner.decoders.arp import binding, ipv4_from_bytes, mac_from_bytes, mac_from_text, usable_ip
from scanner.decoders.wsd import UUID_MASK, local_name, parse_xml
from scanner.model import Kind, Meta, Observation

UDP_PORTS = (37020,)
SERVICES = {("udp", port): "sadp" for port in UDP_PORTS}
MULTICAST_V4 = ssdp.MULTICAST_V4
ETHERTYPE = 0x8033
# ProbeMatch child -> attr, for the fields stated as text (source: docs/protocols.md §2.1)
MATCH_FIELDS = (
    ("DeviceDescription", "model"),
    ("DeviceSN", "serial"),
    ("SoftwareVersion", "firmware"),
    ("DSPVersion", "dsp_version"),
    ("DeviceType", "device_type"),
    ("DetailOEMCode", "oem_code"),
    ("Activated", "activated"),
    ("HttpPort", "http_port"),
    ("CommandPort", "command_port"),
    ("SDKOverTLSPort", "sdk_tls_port"),
    ("AnalogChannelNum", "analog_channels"),
    ("DigitalChannelNum", "digital_channels"),
)
# legacy header (docs/protocols.md §2.2, after hiktools): marker, packet type, origin, counter,
# 06 04, query type, params, checksum, then sender MAC/IPv4, target MAC/IPv4, subnet mask
LEGACY_MARKER = 0x21
LEGACY_HEADER_LEN = 38
LEGACY_DIRECTIONS = {0x01: "response", 0x02: "request"}
LEGACY_QUERY_TYPES = {
    0x02: "DeviceOnlineRequest",
    0x03: "Inquiry",
    0x04: "InquiryResponse",
    0x06: "UpdateIP",
    0x07: "UpdateIPResponse",
    0x0A: "ResetPassword",
    0x0B: "ResetPasswordResponse",
    0x0C: "CMSInfo",
    0x0D: "CMSInfoResponse",
    0x10: "ModifyNetParam",
    0x11: "ModifyNetParamResponse",
}
_UUID_ELEMENT = re.compile(
    rb"<Uuid>([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})</Uuid>"
)
_LEGACY_SENDER = struct.Struct("!6s4s")
_SENDER_AT, _QUERY_TYPE_AT = 14, 10


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """SADP_PROBE for a client's <Probe>; SADP plus MAC_IP for a device's <ProbeMatch>."""
    root = parse_xml(payload)
    if root is None:
        kind, fields = _tolerant(payload)
    else:
        fields = {}
        for child in root:
            fields.setdefault(local_name(child.tag), child.text or "")
        kind = local_name(root.tag)
    if kind == "Probe":
        return [_observation(Kind.SADP_PROBE, fields.get("Types", ""), meta, {})]
    return _probe_match(fields, meta) if kind == "ProbeMatch" else []


def _tolerant(payload: bytes) -> tuple[str, dict[str, str]]:
    """Root name and fields of a whole reply that is not well-formed XML (a stray "&", say).

    A reply cut short is not read: on the wire a ProbeMatch arrives whole or not at all, so
    half of one is a hostile sender's doing, not a device's.
    """
    body = payload[: markup.MAX_TEXT].decode("utf-8", "replace")
    root = markup.root_name(body)
    if markup.declares_dtd(body) or not markup.closes(body, root):
        return "", {}
    leaves = markup.leaves(body)
    wanted = ("Types", "MAC", "IPv4Address", *(key for key, _ in MATCH_FIELDS))
    return root, {k: leaves[k.lower()] for k in wanted if k.lower() in leaves}


def memo_form(payload: bytes) -> tuple[bytes, dict[str, str]] | None:
    """`payload` with its <Uuid> zeroed (decode() never reads it), and no ids to restate; None
    unless it is one plain element and no entity, comment or CDATA could hide another."""
    if b"&" in payload or b"<!" in payload or payload.count(b"Uuid") != 2:
        return None
    m = _UUID_ELEMENT.search(payload)
    if m is None:
        return None
    return payload[: m.start(1)] + UUID_MASK + payload[m.end(1) :], {}


def _probe_match(fields: dict[str, str], meta: Meta) -> list[Observation]:
    attrs: dict[str, str] = {}
    for key, attr in MATCH_FIELDS:
        value = text(fields.get(key, ""))
        if value:
            attrs[attr] = value
    mac = mac_from_text(fields.get("MAC", ""))
    ip = usable_ip(fields.get("IPv4Address", ""))
    if mac:
        attrs["mac"] = mac
    if ip:
        attrs["ip"] = ip
    out = [_observation(Kind.SADP, fields.get("DeviceDescription", ""), meta, attrs)]
    if mac and ip:
        out.append(binding(mac, ip, "sadp", meta))
    return out


def decode_legacy(payload: bytes, meta: Meta) -> list[Observation]:
    """SADP_LEGACY (query type name) for a legacy frame; `payload` follows the EtherType."""
    if len(payload) < LEGACY_HEADER_LEN or payload[0] != LEGACY_MARKER:
        return []
    direction = LEGACY_DIRECTIONS.get(payload[1])
    if direction is None:
        return []
    query = payload[_QUERY_TYPE_AT]
    name = LEGACY_QUERY_TYPES.get(query, f"0x{query:02x}")
    raw_mac, raw_ip = _LEGACY_SENDER.unpack_from(payload, _SENDER_AT)
    attrs = {"direction": direction}
    mac, ip = mac_from_bytes(raw_mac), ipv4_from_bytes(raw_ip)
    if mac:
        attrs["mac"] = mac
    if ip:
        attrs["ip"] = ip
    return [Observation(Kind.SADP_LEGACY, name, meta, attrs)]


def _observation(kind: Kind, value: str, meta: Meta, attrs: dict[str, str]) -> Observation:
    return Observation(kind, text(value), meta, attrs, was_cut(value))
