"""DNS and mDNS over UDP: names a host asked for, and what an mDNS responder announced."""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from scanner.decoders._text import text
from scanner.model import Kind, Meta, Observation

DNS_PORT, MDNS_PORT = 53, 5353
UDP_PORTS = (DNS_PORT, MDNS_PORT)
SERVICES = {("udp", DNS_PORT): "dns", ("udp", MDNS_PORT): "mdns"}
MDNS_GROUP_V4 = "224.0.0.251"  # RFC 6762 §3
FLAG_QR = 0x8000
OPCODE_MASK = 0x7800
TYPE_A, TYPE_PTR, TYPE_TXT, TYPE_AAAA, TYPE_SRV = 1, 12, 16, 28, 33
MAX_RECORDS = 64  # per section; a longer section ends parsing of the message
MAX_NAME = 255  # octets on the wire (RFC 1035 2.3.4)
MAX_LABELS = 128
MAX_TXT_STRINGS = 64
_REVERSE_ZONES = (".in-addr.arpa", ".ip6.arpa")
_HEADER = struct.Struct("!6H")
_QUESTION = struct.Struct("!HH")
_RECORD = struct.Struct("!HHIH")
_POINTER = 0xC0

Emit = list[Observation]


@dataclass(frozen=True, slots=True)
class Record:
    """A resource record's owner name, type and where its rdata lies in the message."""

    name: str
    rtype: int
    at: int
    size: int


def read_name(msg: bytes, off: int) -> tuple[str, int]:
    """The name at `off` with compression resolved, and the offset after it; ValueError if bad."""
    labels: list[str] = []
    octets, jumps, after = 0, 0, -1
    while True:
        size = msg[off]
        if size & _POINTER == _POINTER:
            jumps += 1
            if jumps > MAX_LABELS:
                raise ValueError("compression pointer loop")
            if after < 0:
                after = off + 2
            off = ((size & ~_POINTER) << 8) | msg[off + 1]
            continue
        if size & _POINTER:
            raise ValueError("reserved label type")
        if size == 0:
            return ".".join(labels), (after if after >= 0 else off + 1)
        octets += size + 1
        if octets >= MAX_NAME or len(labels) >= MAX_LABELS:  # the root octet counts too
            raise ValueError("name too long")
        label = msg[off + 1 : off + 1 + size]
        if len(label) != size:
            raise ValueError("label cut")
        labels.append(label.decode("utf-8", "replace"))
        off += 1 + size


def silent(payload: bytes, sport: int, dport: int) -> bool:
    """True when decode() would find nothing: too short, not a standard query or response, or
    an mDNS query (a client's question says nothing about the client)."""
    return (
        len(payload) < _HEADER.size
        or bool(payload[2] & (OPCODE_MASK >> 8))
        or (MDNS_PORT in (sport, dport) and not payload[2] & (FLAG_QR >> 8))
    )


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """DNS_NAME for DNS questions; MDNS_* for mDNS answers. Partial results on a malformed tail."""
    out: Emit = []
    with contextlib.suppress(IndexError, ValueError, struct.error):
        _decode(payload, meta, out)  # what was read before the fault is kept
    return _unique(out)


def _decode(msg: bytes, meta: Meta, out: Emit) -> None:
    _ident, flags, qd, an, ns, ar = _HEADER.unpack_from(msg)
    if flags & OPCODE_MASK:
        return  # only standard queries carry names worth reporting
    response = bool(flags & FLAG_QR)
    mdns = MDNS_PORT in (meta.sport, meta.dport)
    if mdns and not response:
        return  # an mDNS query says little about the asker and much about others
    names, off = _questions(msg, _HEADER.size, qd)
    if not mdns:
        _asked(names, response, meta, out)
    elif qd <= MAX_RECORDS:
        for record in _records(msg, off, (an, ns, ar)):
            _announced(msg, record, meta, out)


def _questions(msg: bytes, off: int, count: int) -> tuple[list[str], int]:
    names: list[str] = []
    for _ in range(min(count, MAX_RECORDS)):
        name, off = read_name(msg, off)
        _QUESTION.unpack_from(msg, off)
        off += _QUESTION.size
        names.append(name)
    return names, off


def _records(msg: bytes, off: int, counts: Iterable[int]) -> Iterator[Record]:
    for count in counts:
        for _ in range(min(count, MAX_RECORDS)):
            name, off = read_name(msg, off)
            rtype, _rclass, _ttl, size = _RECORD.unpack_from(msg, off)
            off += _RECORD.size
            if off + size > len(msg):
                raise ValueError("rdata cut")
            yield Record(name, rtype, off, size)
            off += size
        if count > MAX_RECORDS:
            return  # the next section's start is unknown


def _asked(names: list[str], response: bool, meta: Meta, out: Emit) -> None:
    attrs: dict[str, str] = {}
    if response:
        # a response is sent to the asker: the name is evidence about the receiver
        if meta.dst_ip:
            attrs["ip"] = meta.dst_ip
        if meta.dst_mac:
            attrs["mac"] = meta.dst_mac
        if not attrs:
            return
        attrs["via"] = "dns-response"
    for name in names:
        value = text(name.lower())
        if value:
            out.append(Observation(Kind.DNS_NAME, value, meta, dict(attrs)))


def _announced(msg: bytes, record: Record, meta: Meta, out: Emit) -> None:
    owner = text(record.name)
    if record.rtype == TYPE_PTR:
        target = text(read_name(msg, record.at)[0])
        reverse = record.name.lower().endswith(_REVERSE_ZONES)
        _service(target, meta, out, hostname=reverse)
    elif record.rtype == TYPE_SRV:
        _service(owner, meta, out)
    elif record.rtype in (TYPE_A, TYPE_AAAA):
        _service(owner, meta, out, hostname=True)
    elif record.rtype == TYPE_TXT:
        for item in txt_strings(msg[record.at : record.at + record.size]):
            out.append(Observation(Kind.MDNS_TXT, item, meta))


def _service(name: str, meta: Meta, out: Emit, hostname: bool = False) -> None:
    if name:
        attrs = {"hostname": name} if hostname else {}
        out.append(Observation(Kind.MDNS_SERVICE, name, meta, attrs))


def txt_strings(rdata: bytes) -> list[str]:
    """The non-empty character strings of TXT rdata, as bounded text."""
    items: list[str] = []
    off = 0
    while off < len(rdata) and len(items) < MAX_TXT_STRINGS:
        size = rdata[off]
        item = text(rdata[off + 1 : off + 1 + size])
        if item:
            items.append(item)
        off += 1 + size
    return items


def _unique(out: Emit) -> list[Observation]:
    seen: set[tuple[Kind, str, tuple[tuple[str, str], ...]]] = set()
    unique: list[Observation] = []
    for obs in out:
        key = (obs.kind, obs.value, tuple(sorted(obs.attrs.items())))
        if key not in seen:
            seen.add(key)
            unique.append(obs)
    return unique
