"""IPv6 Neighbor Discovery (RFC 4861): MAC-to-IPv6 bindings from link-layer address options."""

from __future__ import annotations

import ipaddress

from scanner.decoders.arp import binding, mac_from_bytes, usable_ip
from scanner.model import Meta, Observation

ROUTER_SOLICITATION, ROUTER_ADVERTISEMENT = 133, 134
NEIGHBOR_SOLICITATION, NEIGHBOR_ADVERTISEMENT = 135, 136
ICMPV6_TYPES = frozenset(
    {ROUTER_SOLICITATION, ROUTER_ADVERTISEMENT, NEIGHBOR_SOLICITATION, NEIGHBOR_ADVERTISEMENT}
)
OPT_SOURCE_LL, OPT_TARGET_LL = 1, 2
# where the options start: after the fixed part of each message (type, code, checksum, body)
_OPTIONS_AT = {
    ROUTER_SOLICITATION: 8,
    ROUTER_ADVERTISEMENT: 16,
    NEIGHBOR_SOLICITATION: 24,
    NEIGHBOR_ADVERTISEMENT: 24,
}
_MAX_OPTIONS = 32


def ll_option(message: bytes, start: int, wanted: int) -> str | None:
    """The MAC in the first link-layer address option of type `wanted`, or None."""
    off = start
    for _ in range(_MAX_OPTIONS):
        if off + 8 > len(message):
            return None
        kind, units = message[off], message[off + 1]
        if units == 0:
            return None  # a zero length is invalid and would loop forever (RFC 4861 4.6)
        if kind == wanted:
            return mac_from_bytes(message[off + 2 : off + 8])
        off += units * 8
    return None


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """Bindings stated by an RS/RA/NS (source LL option) or NA (target LL option) message."""
    if len(payload) < 4 or payload[1] != 0:
        return []
    kind = payload[0]
    start = _OPTIONS_AT.get(kind)
    if start is None or len(payload) < start:
        return []
    if kind == NEIGHBOR_ADVERTISEMENT:
        mac = ll_option(payload, start, OPT_TARGET_LL)
        ip = usable_ip(str(ipaddress.IPv6Address(payload[8:24])))
    else:
        # the source of a duplicate address detection probe is :: and binds nothing
        mac = ll_option(payload, start, OPT_SOURCE_LL)
        ip = usable_ip(meta.src_ip) if meta.src_ip else None
    if mac is None or ip is None:
        return []
    extra = {"router": "1"} if kind == ROUTER_ADVERTISEMENT else None
    return [binding(mac, ip, "ndp", meta, extra)]
