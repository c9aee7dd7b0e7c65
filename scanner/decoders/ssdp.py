"""SSDP (UPnP discovery) over UDP 1900: NOTIFY and search replies, and M-SEARCH requests."""

from __future__ import annotations

from scanner.decoders._text import text, was_cut
from scanner.model import Kind, Meta, Observation

UDP_PORTS = (1900,)
SERVICES = {("udp", port): "ssdp" for port in UDP_PORTS}
MULTICAST_V4 = "239.255.255.250"  # SADP and WS-Discovery use the same group on other ports
MAX_BYTES = 8192
MAX_HEADERS = 64
_NOTIFY = b"NOTIFY "
_SEARCH = b"M-SEARCH "
_REPLY = b"HTTP/1."


def headers(payload: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """Start line and header fields (lower-case names, first occurrence wins) of a datagram."""
    lines = payload[:MAX_BYTES].split(b"\n", MAX_HEADERS + 1)
    fields: dict[bytes, bytes] = {}
    for line in lines[1 : MAX_HEADERS + 1]:
        line = line.rstrip(b"\r")
        if not line:
            break
        name, sep, value = line.partition(b":")
        if sep:
            fields.setdefault(name.strip().lower(), value.strip())
    return lines[0].rstrip(b"\r"), fields


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """SSDP_SERVER/SSDP_USN for announcements and 200 replies; SSDP_SEARCH for M-SEARCH."""
    start, fields = headers(payload)
    method = start.upper()
    if method.startswith(_SEARCH):
        return _observation(Kind.SSDP_SEARCH, fields.get(b"st"), meta, {})
    if method.startswith(_NOTIFY):
        target = b"nt"
    elif method.startswith(_REPLY) and start.split()[1:2] == [b"200"]:
        target = b"st"
    else:
        return []
    attrs = {
        name.decode(): text(fields[name]) for name in (b"location", target) if fields.get(name)
    }
    out: list[Observation] = []
    for kind, name in ((Kind.SSDP_SERVER, b"server"), (Kind.SSDP_USN, b"usn")):
        out += _observation(kind, fields.get(name), meta, dict(attrs))
    return out


def _observation(
    kind: Kind, raw: bytes | None, meta: Meta, attrs: dict[str, str]
) -> list[Observation]:
    value = text(raw) if raw else ""
    return [Observation(kind, value, meta, attrs, was_cut(raw or b""))] if value else []
