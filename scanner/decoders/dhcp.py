"""DHCP/BOOTP (RFC 2131/2132): client host name, vendor class and stated MAC-to-IPv4 bindings."""

from __future__ import annotations

from scanner.decoders._text import text, was_cut
from scanner.decoders.arp import binding, ipv4_from_bytes, mac_from_bytes
from scanner.model import Kind, Meta, Observation

UDP_PORTS = (67, 68)  # server, client
SERVICES = {("udp", port): "dhcp" for port in UDP_PORTS}
MAGIC_COOKIE = b"\x63\x82\x53\x63"
BOOTREQUEST, BOOTREPLY = 1, 2
HTYPE_ETHERNET = 1
DHCPACK = 5
OPT_PAD, OPT_END = 0, 255
OPT_SUBNET_MASK = 1
OPT_HOSTNAME, OPT_REQUESTED_IP, OPT_MESSAGE_TYPE, OPT_VENDOR_CLASS, OPT_FQDN = 12, 50, 53, 60, 81
FQDN_WIRE_FORMAT = 0x04  # the E flag of option 81: the name is in DNS label encoding (RFC 4702)
_OPTIONS_AT = 240  # 236-byte BOOTP header, then the 4-byte cookie
_MAX_OPTIONS = 255
_MAX_LABELS = 128
_MAX_OPTION_DATA = 4096  # per code, after concatenating split options (RFC 3396)


def options(packet: bytes) -> dict[int, bytes]:
    """Options after the cookie; repeated codes are concatenated; parsing stops at END or a cut."""
    found: dict[int, bytes] = {}
    off = _OPTIONS_AT
    for _ in range(_MAX_OPTIONS):
        if off >= len(packet) or packet[off] == OPT_END:
            break
        code = packet[off]
        if code == OPT_PAD:
            off += 1
            continue
        if off + 2 > len(packet):
            break
        end = off + 2 + packet[off + 1]
        if end > len(packet):
            break
        found[code] = (found.get(code, b"") + packet[off + 2 : end])[:_MAX_OPTION_DATA]
        off = end
    return found


def fqdn_name(data: bytes) -> bytes:
    """The domain name of an option 81 value (flags, rcode1, rcode2, name), without trailing dot."""
    if len(data) < 4:
        return b""
    name = data[3:]
    if not data[0] & FQDN_WIRE_FORMAT:
        return name.rstrip(b".\0")
    labels: list[bytes] = []
    off = 0
    while off < len(name) and name[off] and len(labels) < _MAX_LABELS:
        size = name[off]
        labels.append(name[off + 1 : off + 1 + size])
        off += 1 + size
    return b".".join(labels)


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """Observations about the client named by chaddr (an Ethernet MAC); [] for anything else."""
    if len(payload) < _OPTIONS_AT or payload[236:240] != MAGIC_COOKIE:
        return []
    op, htype, hlen = payload[0], payload[1], payload[2]
    if op not in (BOOTREQUEST, BOOTREPLY) or htype != HTYPE_ETHERNET or hlen != 6:
        return []
    # a relay agent or server may send this packet: only chaddr names the client reliably
    mac = mac_from_bytes(payload[28:34])
    if mac is None:
        return []
    opts = options(payload)
    attrs = {"mac": mac}
    requested = ipv4_from_bytes(opts.get(OPT_REQUESTED_IP, b""))
    if requested:
        attrs["requested"] = requested  # only asked for: not proof the client holds it
    out = _names(opts, op, attrs, meta)
    yiaddr, ciaddr = ipv4_from_bytes(payload[16:20]), ipv4_from_bytes(payload[12:16])
    acked = opts.get(OPT_MESSAGE_TYPE, b"")[:1] == bytes([DHCPACK])
    if acked and yiaddr:
        mask = prefix_length(opts.get(OPT_SUBNET_MASK, b""))
        extra = {"prefixlen": str(mask)} if mask is not None else None
        out.append(binding(mac, yiaddr, "dhcp-ack", meta, extra))
    if ciaddr and not (acked and ciaddr == yiaddr):
        out.append(binding(mac, ciaddr, "dhcp", meta))
    return out


def prefix_length(mask: bytes) -> int | None:
    """Prefix length of a 4-byte contiguous subnet mask (option 1); None for anything else."""
    if len(mask) != 4:
        return None
    value = int.from_bytes(mask, "big")
    ones = bin(value).count("1")
    return ones if value == (0xFFFFFFFF << (32 - ones)) & 0xFFFFFFFF else None


def _names(opts: dict[int, bytes], op: int, attrs: dict[str, str], meta: Meta) -> list[Observation]:
    out: list[Observation] = []
    raw_name = opts.get(OPT_HOSTNAME) or fqdn_name(opts.get(OPT_FQDN, b""))
    name = text(raw_name)
    if name:
        out.append(Observation(Kind.DHCP_HOSTNAME, name, meta, dict(attrs), was_cut(raw_name)))
    # servers may answer with their own option 60 (PXE "PXEClient"): only the client's counts
    raw_class = opts.get(OPT_VENDOR_CLASS, b"") if op == BOOTREQUEST else b""
    vendor_class = text(raw_class)
    if vendor_class:
        out.append(
            Observation(Kind.DHCP_VENDOR_CLASS, vendor_class, meta, dict(attrs), was_cut(raw_class))
        )
    return out
