"""Deterministic frame builders for camscan's synthetic captures and benchmark templates.

Everything here only builds bytes/scapy packets in memory; nothing is ever sent. Payload shapes
follow docs/protocols.md (section numbers are cited beside each builder) and the real
device replies in /work/shared/realcaps/fixtures/ (each restated body names its fixture).
Values such as MACs, IPs and serials are substituted; field names, order and framing are kept.
"""

from __future__ import annotations

import calendar
import gzip
import hashlib
import logging
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

# Payload builders shared with the lab emulators (tests/lab); re-exported for the generators.
import payloads
from payloads import (  # noqa: F401
    DHIP_GROUP,
    DHIP_PORT,
    HIK_SDK_REPLY,
    HIK_SDK_REQUEST,
    SADP_FIELDS,
    SADP_GROUP,
    SADP_PORT,
    WSD_GROUP,
    WSD_PORT,
    dhip,
    dhip_notify,
    dhip_search,
    dvrip_realm_reply,
    dvrip_realm_request,
    eui64_link_local,
    http_response,
    rtsp_response,
    sadp_mac,
    sadp_probe,
    sadp_probematch,
    wsd_hello,
    wsd_probe,
)
from scapy.all import (  # type: ignore[import-untyped]
    ARP,
    BOOTP,
    DHCP,
    DNS,
    DNSQR,
    DNSRR,
    DNSRRSRV,
    IP,
    TCP,
    UDP,
    CookedLinux,
    CookedLinuxV2,
    Dot1AD,
    Dot1Q,
    Ether,
    ICMPv6ND_NA,
    ICMPv6ND_NS,
    ICMPv6ND_RA,
    ICMPv6NDOptDstLLAddr,
    ICMPv6NDOptPrefixInfo,
    ICMPv6NDOptSrcLLAddr,
    IPv6,
    Packet,
    Raw,
)
from scapy.utils import EDecimal, wrpcap, wrpcapng  # type: ignore[import-untyped]

# Mixed link types in one pcapng are intended here; scapy warns about them on every write.
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

T0_US = calendar.timegm((2026, 11, 27, 9, 0, 0)) * 1_000_000  # 2026-11-27T09:00:00Z
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"


# ---------------------------------------------------------------------------------------------
# Hosts, time and output
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Host:
    """One endpoint as seen on the wire: the MAC frames carry, its IP, VLAN tags and TTL."""

    mac: str
    ip: str
    vlan: int | None = None
    svlan: int | None = None  # outer 802.1ad tag (QinQ)
    ttl: int = 64
    ip6: str | None = None


def behind(router: Host, ip: str, ttl: int = 52) -> Host:
    """An internet host as seen on the LAN: its IP, but the router's MAC (routed frames)."""
    return replace(router, ip=ip, ttl=ttl, ip6=None)


def multicast_mac(group: str) -> str:
    """RFC 1112 mapping of an IPv4 multicast group to its Ethernet address."""
    a = [int(x) for x in group.split(".")]
    return f"01:00:5e:{a[1] & 0x7F:02x}:{a[2]:02x}:{a[3]:02x}"


def group(ip: str, vlan: int | None = None, svlan: int | None = None) -> Host:
    """A multicast or broadcast destination."""
    mac = BROADCAST_MAC if ip == "255.255.255.255" else multicast_mac(ip)
    return Host(mac, ip, vlan, svlan)


_IPID: dict[str, int] = {}


def reset_state() -> None:
    """Forget per-source IP-ID counters so every generator run starts from the same state."""
    _IPID.clear()


def _ipid(src: str) -> int:
    cur = _IPID.get(src)
    if cur is None:
        cur = zlib.crc32(src.encode()) & 0x7FFF
    cur = (cur + 1) & 0xFFFF
    _IPID[src] = cur
    return cur


class Timeline:
    """Frames placed at absolute times; written sorted by time (ties keep insertion order).

    IP datagrams larger than `mtu` are emitted as IP fragments, as they appear on a real wire
    (a real SADP ProbeMatch or ONVIF ProbeMatch is larger than one Ethernet frame).
    """

    def __init__(self, start_us: int = T0_US, mtu: int | None = 1500) -> None:
        reset_state()
        self.start_us = start_us
        self.mtu = mtu
        self._items: list[tuple[int, int, Packet]] = []

    def at(self, offset_s: float) -> Cursor:
        """A cursor starting `offset_s` seconds after the capture start."""
        return Cursor(self, self.start_us + round(offset_s * 1_000_000))

    def put(self, t_us: int, pkt: Packet) -> None:
        self._items.append((t_us, len(self._items), pkt))

    def packets(self) -> list[Packet]:
        out = []
        for t_us, _, pkt in sorted(self._items, key=lambda it: (it[0], it[1])):
            pkt.time = EDecimal(t_us) / 1_000_000
            out.append(pkt)
        return out

    def __len__(self) -> int:
        return len(self._items)

    def write(self, path: Path, linktype: int | None = None) -> int:
        """Write .pcap (classic, microseconds) or .pcapng by suffix; return the frame count."""
        pkts = self.packets()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".pcapng":
            wrpcapng(str(path), pkts)
        elif linktype is None:
            wrpcap(str(path), pkts)
        else:
            wrpcap(str(path), pkts, linktype=linktype)
        return len(pkts)


class Cursor:
    """A moving clock inside a Timeline: emit() advances by a gap, then places the frame."""

    def __init__(self, tl: Timeline, t_us: int) -> None:
        self.tl = tl
        self.t = t_us

    def emit(self, pkt: Packet, gap_us: int = 250) -> Cursor:
        self.t += gap_us
        for i, part in enumerate(fragments(pkt, self.tl.mtu)):
            if i:
                self.t += 12  # one full-size frame at 1 Gbit/s
            self.tl.put(self.t, part)
        return self

    def wait(self, us: int) -> Cursor:
        self.t += us
        return self


def fragments(pkt: Packet, mtu: int | None) -> list[Packet]:
    """Split an IPv4/IPv6 datagram longer than `mtu` into fragments behind the same L2 header."""
    if mtu is None or not (pkt.haslayer(IP) or pkt.haslayer(IPv6)) or pkt.haslayer(ARP):
        return [pkt]
    v6 = not pkt.haslayer(IP)
    layer = pkt[IPv6] if v6 else pkt[IP]
    raw_ip = bytes(layer)
    if len(raw_ip) <= mtu:
        return [pkt]
    wire = bytes(pkt)
    head = wire[: len(wire) - len(raw_ip)]
    cls = type(pkt)
    return [cls(head + f) for f in (_frag6(raw_ip, mtu) if v6 else _frag4(raw_ip, mtu))]


def _ip_checksum(hdr: bytes) -> int:
    total = sum(struct.unpack(f"!{len(hdr) // 2}H", hdr))
    while total >> 16:
        total = (total >> 16) + (total & 0xFFFF)
    return ~total & 0xFFFF


def _frag4(raw: bytes, mtu: int) -> list[bytes]:
    ihl = (raw[0] & 0x0F) * 4
    payload = raw[ihl:]
    step = (mtu - ihl) // 8 * 8
    out = []
    for off in range(0, len(payload), step):
        part = payload[off : off + step]
        hdr = bytearray(raw[:ihl])
        struct.pack_into("!H", hdr, 2, ihl + len(part))
        more = 0x2000 if off + step < len(payload) else 0
        struct.pack_into("!H", hdr, 6, more | (off // 8))
        struct.pack_into("!H", hdr, 10, 0)
        struct.pack_into("!H", hdr, 10, _ip_checksum(bytes(hdr)))
        out.append(bytes(hdr) + part)
    return out


def _frag6(raw: bytes, mtu: int) -> list[bytes]:
    """RFC 8200 §4.5 fragments (no extension headers before the payload in our frames)."""
    base = bytearray(raw[:40])
    next_header = base[6]
    payload = raw[40:]
    step = (mtu - 48) // 8 * 8
    ident = det_int("frag6/" + raw[:48].hex())
    out = []
    for off in range(0, len(payload), step):
        part = payload[off : off + step]
        more = 1 if off + step < len(payload) else 0
        frag = struct.pack("!BBHI", next_header, 0, off | more, ident)
        hdr = bytearray(base)
        struct.pack_into("!H", hdr, 4, 8 + len(part))
        hdr[6] = 44
        out.append(bytes(hdr) + frag + part)
    return out


def gzip_copy(src: Path, dst: Path) -> None:
    """Byte-identical gzip on every run: no file name and a zero mtime in the gzip header."""
    with open(dst, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(src.read_bytes())


def det_bytes(seed: str, n: int) -> bytes:
    """n pseudo-random but reproducible bytes (SHA-256 in counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}/{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def det_int(seed: str, bits: int = 32) -> int:
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") & ((1 << bits) - 1)


def det_uuid(seed: str) -> str:
    """A reproducible version-4-shaped UUID string."""
    h = bytearray(det_bytes("uuid/" + seed, 16))
    h[6] = (h[6] & 0x0F) | 0x40
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


# ---------------------------------------------------------------------------------------------
# Link and network layers
# ---------------------------------------------------------------------------------------------


def l2(src_mac: str, dst_mac: str, vlan: int | None = None, svlan: int | None = None) -> Packet:
    """Ethernet header, with an 802.1Q tag and optionally an 802.1ad outer tag in front of it."""
    eth = Ether(src=src_mac, dst=dst_mac)
    if svlan is not None:
        eth = eth / Dot1AD(vlan=svlan)
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan)
    return eth


def ipv4(src: Host, dst: Host, l4: Packet, df: bool = True) -> Packet:
    """Ethernet(+tags)/IPv4 frame from src to dst; tags come from whichever side has them."""
    vlan = src.vlan if src.vlan is not None else dst.vlan
    svlan = src.svlan if src.svlan is not None else dst.svlan
    if dst.ip == "224.0.0.251":
        ttl = 255  # mDNS (RFC 6762 §11)
    elif dst.ip.startswith("224.0.0."):
        ttl = 1
    else:
        ttl = 4 if dst.ip.startswith("239.") else src.ttl
    ip = IP(src=src.ip, dst=dst.ip, ttl=ttl, id=_ipid(src.ip), flags="DF" if df else 0)
    return l2(src.mac, dst.mac, vlan, svlan) / ip / l4


def ipv6(src: Host, dst: Host, l4: Packet) -> Packet:
    """Ethernet(+tags)/IPv6 frame between the hosts' ip6 addresses."""
    vlan = src.vlan if src.vlan is not None else dst.vlan
    hlim = 255 if l4.haslayer(ICMPv6ND_NS) else 64
    return l2(src.mac, dst.mac, vlan, src.svlan) / IPv6(src=src.ip6, dst=dst.ip6, hlim=hlim) / l4


def udp(src: Host, dst: Host, sport: int, dport: int, payload: bytes) -> Packet:
    """One UDP datagram."""
    return ipv4(src, dst, UDP(sport=sport, dport=dport) / Raw(payload), df=False)


def udp6(src: Host, dst_mac: str, dst_ip6: str, sport: int, dport: int, payload: bytes) -> Packet:
    """One UDP datagram over IPv6 from src.ip6."""
    hlim = 1 if dst_ip6.lower().startswith("ff02") else 64
    pkt = IPv6(src=src.ip6, dst=dst_ip6, hlim=hlim) / UDP(sport=sport, dport=dport) / Raw(payload)
    return l2(src.mac, dst_mac, src.vlan) / pkt


def ipv6_multicast_mac(ip6: str) -> str:
    """RFC 2464 mapping: 33:33 + the low 32 bits of the group."""
    import ipaddress

    low = ipaddress.IPv6Address(ip6).packed[-4:]
    return "33:33:" + ":".join(f"{b:02x}" for b in low)


# ---------------------------------------------------------------------------------------------
# TCP
# ---------------------------------------------------------------------------------------------


class TcpFlow:
    """One TCP connection with correct sequence/ack numbers in both directions."""

    def __init__(
        self,
        cur: Cursor,
        client: Host,
        server: Host,
        sport: int,
        dport: int,
        mss: int = 1448,
        v6: bool = False,
    ) -> None:
        self.cur, self.c, self.s, self.sport, self.dport, self.mss = (
            cur,
            client,
            server,
            sport,
            dport,
            mss,
        )
        self.v6 = v6
        key = f"{client.ip6 if v6 else client.ip}:{sport}>{server.ip6 if v6 else server.ip}:{dport}"
        self.cseq = det_int("isn-c/" + key)
        self.sseq = det_int("isn-s/" + key)
        self.rtt = 400

    def _seg(
        self,
        from_client: bool,
        flags: str,
        seq: int,
        ack: int,
        data: bytes = b"",
        opts: list | None = None,
    ) -> Packet:
        src, dst = (self.c, self.s) if from_client else (self.s, self.c)
        sp, dp = (self.sport, self.dport) if from_client else (self.dport, self.sport)
        # SYNs carry the raw window; later segments are scaled by 2**8 (WScale 8 in the SYNs)
        win = (64240 if from_client else 29200) if "S" in flags else (1026 if from_client else 502)
        tcp = TCP(
            sport=sp,
            dport=dp,
            flags=flags,
            seq=seq & 0xFFFFFFFF,
            ack=ack & 0xFFFFFFFF,
            window=win,
            options=opts or [],
        )
        seg = tcp / Raw(data) if data else tcp
        return ipv6(src, dst, seg) if self.v6 else ipv4(src, dst, seg)

    def open(self) -> TcpFlow:
        """SYN, SYN-ACK, ACK."""
        syn_opts = [
            ("MSS", self.mss + 12),
            ("NOP", None),
            ("WScale", 8),
            ("NOP", None),
            ("NOP", None),
            ("SAckOK", b""),
        ]
        self.cur.emit(self._seg(True, "S", self.cseq, 0, opts=syn_opts), 100)
        self.cur.emit(self._seg(False, "SA", self.sseq, self.cseq + 1, opts=syn_opts), self.rtt)
        self.cseq += 1
        self.sseq += 1
        self.cur.emit(self._seg(True, "A", self.cseq, self.sseq), 60)
        return self

    def _send(
        self,
        from_client: bool,
        data: bytes,
        pieces: int | None,
        reorder: bool,
        retransmit: bool,
        ack: bool,
        gap_us: int,
    ) -> None:
        if not data:
            return
        base = self.cseq if from_client else self.sseq
        peer = self.sseq if from_client else self.cseq
        size = -(-len(data) // pieces) if pieces else self.mss
        segs = [(off, data[off : off + size]) for off in range(0, len(data), size)]
        order = list(range(len(segs)))
        if reorder and len(order) >= 2:
            i = 1 if len(order) >= 3 else 0
            order[i], order[i + 1] = order[i + 1], order[i]
        if retransmit:
            order.append(order[0])  # the first segment again, as if its ACK was lost
        for n, idx in enumerate(order):
            off, chunk = segs[idx]
            last = off + len(chunk) == len(data)
            flags = "PA" if last else "A"
            self.cur.emit(
                self._seg(from_client, flags, base + off, peer, chunk),
                gap_us if n else self.rtt // 2,
            )
        if from_client:
            self.cseq += len(data)
        else:
            self.sseq += len(data)
        if ack:
            mine, theirs = (self.sseq, self.cseq) if from_client else (self.cseq, self.sseq)
            self.cur.emit(self._seg(not from_client, "A", mine, theirs), self.rtt // 2)

    def client(
        self,
        data: bytes,
        *,
        pieces: int | None = None,
        reorder: bool = False,
        retransmit: bool = False,
        ack: bool = True,
        gap_us: int = 30,
    ) -> TcpFlow:
        """Client sends `data` (segmented at MSS or into `pieces`), server ACKs."""
        self._send(True, data, pieces, reorder, retransmit, ack, gap_us)
        return self

    def server(
        self,
        data: bytes,
        *,
        pieces: int | None = None,
        reorder: bool = False,
        retransmit: bool = False,
        ack: bool = True,
        gap_us: int = 30,
    ) -> TcpFlow:
        """Server sends `data`, client ACKs."""
        self._send(False, data, pieces, reorder, retransmit, ack, gap_us)
        return self

    def close(self, by_server: bool = False) -> TcpFlow:
        """FIN/ACK from one side, FIN/ACK back, final ACK."""
        a_c = not by_server
        seq_a, seq_b = (self.cseq, self.sseq) if a_c else (self.sseq, self.cseq)
        self.cur.emit(self._seg(a_c, "FA", seq_a, seq_b), 200)
        self.cur.emit(self._seg(not a_c, "FA", seq_b, seq_a + 1), self.rtt)
        self.cur.emit(self._seg(a_c, "A", seq_a + 1, seq_b + 1), 60)
        return self

    def refuse(self) -> None:
        """SYN answered by RST (closed port)."""
        self.cur.emit(self._seg(True, "S", self.cseq, 0), 100)
        self.cur.emit(self._seg(False, "RA", 0, self.cseq + 1), self.rtt)


def tcp_conversation(
    cur: Cursor,
    client: Host,
    server: Host,
    sport: int,
    dport: int,
    exchanges: Sequence[tuple[bytes, bytes]],
    *,
    pieces: int | None = None,
    reorder: bool = False,
    retransmit: bool = False,
    by_server: bool = True,
) -> TcpFlow:
    """Handshake, request/response pairs (responses optionally split/reordered), FIN."""
    flow = TcpFlow(cur, client, server, sport, dport).open()
    for req, resp in exchanges:
        flow.client(req)
        flow.server(resp, pieces=pieces, reorder=reorder, retransmit=retransmit)
    flow.close(by_server=by_server)
    return flow


# ---------------------------------------------------------------------------------------------
# ARP, NDP, DHCP, DNS, mDNS, SSDP
# ---------------------------------------------------------------------------------------------


def arp_request(src: Host, target_ip: str) -> Packet:
    return l2(src.mac, BROADCAST_MAC, src.vlan, src.svlan) / ARP(
        op=1, hwsrc=src.mac, psrc=src.ip, hwdst="00:00:00:00:00:00", pdst=target_ip
    )


def arp_reply(src: Host, dst: Host) -> Packet:
    return l2(src.mac, dst.mac, src.vlan, src.svlan) / ARP(
        op=2, hwsrc=src.mac, psrc=src.ip, hwdst=dst.mac, pdst=dst.ip
    )


def gratuitous_arp(src: Host) -> Packet:
    return l2(src.mac, BROADCAST_MAC, src.vlan, src.svlan) / ARP(
        op=1, hwsrc=src.mac, psrc=src.ip, hwdst="00:00:00:00:00:00", pdst=src.ip
    )


def arp_exchange(cur: Cursor, asker: Host, target: Host) -> None:
    """Who-has from `asker`, is-at from `target`: binds target's MAC to its IP."""
    cur.emit(arp_request(asker, target.ip), 2000)
    cur.emit(arp_reply(target, asker), 300)


def ndp_ns(src: Host, target6: str) -> Packet:
    """Neighbour Solicitation to the solicited-node group of target6."""
    import ipaddress

    t = ipaddress.IPv6Address(target6).packed
    sn = str(ipaddress.IPv6Address(bytes.fromhex("ff02" + "00" * 9 + "01ff") + t[-3:]))
    pkt = (
        IPv6(src=src.ip6, dst=sn, hlim=255)
        / ICMPv6ND_NS(tgt=target6)
        / ICMPv6NDOptSrcLLAddr(lladdr=src.mac)
    )
    return l2(src.mac, ipv6_multicast_mac(sn), src.vlan) / pkt


def ndp_na(src: Host, dst: Host) -> Packet:
    """Solicited Neighbour Advertisement carrying src's link-layer address."""
    pkt = (
        IPv6(src=src.ip6, dst=dst.ip6, hlim=255)
        / ICMPv6ND_NA(tgt=src.ip6, R=0, S=1, O=1)
        / ICMPv6NDOptDstLLAddr(lladdr=src.mac)
    )
    return l2(src.mac, dst.mac, src.vlan) / pkt


def ndp_ra(router: Host, prefix: str) -> Packet:
    """Router Advertisement to all-nodes with one on-link/autonomous /64 prefix."""
    pkt = (
        IPv6(src=router.ip6, dst="ff02::1", hlim=255)
        / ICMPv6ND_RA(routerlifetime=1800)
        / ICMPv6NDOptSrcLLAddr(lladdr=router.mac)
        / ICMPv6NDOptPrefixInfo(prefix=prefix, prefixlen=64, L=1, A=1)
    )
    return l2(router.mac, "33:33:00:00:00:01", router.vlan) / pkt


def _chaddr(mac: str) -> bytes:
    return bytes.fromhex(mac.replace(":", "")) + b"\x00" * 10


def _dhcp_client(client: Host, xid: int, opts: list) -> Packet:
    src = replace(client, ip="0.0.0.0")
    bootp = BOOTP(op=1, chaddr=_chaddr(client.mac), xid=xid, flags=0)
    return ipv4(
        src,
        group("255.255.255.255", client.vlan, client.svlan),
        UDP(sport=68, dport=67) / bootp / DHCP(options=opts),
        df=False,
    )


def _client_opts(mtype: str, client: Host, hostname: str | None, vendor: str | None) -> list:
    opts: list = [
        ("message-type", mtype),
        ("client_id", b"\x01" + bytes.fromhex(client.mac.replace(":", ""))),
    ]
    if hostname:
        opts.append(("hostname", hostname.encode()))
    if vendor:
        opts.append(("vendor_class_id", vendor.encode()))
    opts.append(("param_req_list", [1, 3, 6, 12, 15, 28, 42]))
    return opts


def dhcp_discover(
    client: Host, xid: int, hostname: str | None = None, vendor: str | None = None
) -> Packet:
    return _dhcp_client(client, xid, _client_opts("discover", client, hostname, vendor) + ["end"])


def dhcp_request(
    client: Host,
    xid: int,
    server_ip: str | None,
    hostname: str | None = None,
    vendor: str | None = None,
) -> Packet:
    opts = _client_opts("request", client, hostname, vendor)
    opts.insert(1, ("requested_addr", client.ip))
    if server_ip:
        opts.insert(2, ("server_id", server_ip))
    return _dhcp_client(client, xid, opts + ["end"])


def _dhcp_server(
    server: Host, client: Host, xid: int, mtype: str, mask: str, router: str, dns: str, lease: int
) -> Packet:
    bootp = BOOTP(op=2, chaddr=_chaddr(client.mac), xid=xid, yiaddr=client.ip, siaddr=server.ip)
    opts = [
        ("message-type", mtype),
        ("server_id", server.ip),
        ("lease_time", lease),
        ("subnet_mask", mask),
        ("router", router),
        ("name_server", dns),
        "end",
    ]
    dst = replace(client, ip=client.ip)
    return ipv4(server, dst, UDP(sport=67, dport=68) / bootp / DHCP(options=opts), df=False)


def dhcp_offer(
    server: Host, client: Host, xid: int, mask: str = "255.255.255.0", lease: int = 86400
) -> Packet:
    return _dhcp_server(server, client, xid, "offer", mask, server.ip, server.ip, lease)


def dhcp_ack(
    server: Host, client: Host, xid: int, mask: str = "255.255.255.0", lease: int = 86400
) -> Packet:
    return _dhcp_server(server, client, xid, "ack", mask, server.ip, server.ip, lease)


def dhcp_dora(
    cur: Cursor, server: Host, client: Host, hostname: str | None = None, vendor: str | None = None
) -> None:
    """DISCOVER, OFFER, REQUEST, ACK for client.ip, with option 12/60 when given."""
    xid = det_int("xid/" + client.mac + client.ip)
    cur.emit(dhcp_discover(client, xid, hostname, vendor), 1000)
    cur.emit(dhcp_offer(server, client, xid), 1200)
    cur.emit(dhcp_request(client, xid, server.ip, hostname, vendor), 800)
    cur.emit(dhcp_ack(server, client, xid), 900)


def dns_query(
    client: Host, server: Host, sport: int, name: str, txid: int, qtype: str = "A"
) -> Packet:
    return udp(
        client, server, sport, 53, bytes(DNS(id=txid, rd=1, qd=DNSQR(qname=name, qtype=qtype)))
    )


def dns_answer(
    server: Host,
    client: Host,
    sport: int,
    name: str,
    txid: int,
    answers: Sequence[tuple[str, str, str]],
    qtype: str = "A",
) -> Packet:
    """Response with (rrname, type, rdata) answers, e.g. CNAME chains then A records."""
    ans = [DNSRR(rrname=n, type=t, ttl=300, rdata=d) for n, t, d in answers]
    msg = DNS(id=txid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name, qtype=qtype), an=ans)
    return udp(server, client, 53, sport, bytes(msg))


def dns_lookup(
    cur: Cursor,
    client: Host,
    server: Host,
    name: str,
    addr: str,
    sport: int | None = None,
    cname: str | None = None,
) -> None:
    """A query and its answer (optionally through a CNAME)."""
    sport = sport or 49152 + det_int("dns/" + client.ip + name, 14)
    txid = det_int("txid/" + client.ip + name, 16)
    cur.emit(dns_query(client, server, sport, name, txid), 3000)
    answers = [(name, "CNAME", cname), (cname, "A", addr)] if cname else [(name, "A", addr)]
    cur.emit(dns_answer(server, client, sport, name, txid, answers), 9000)


def mdns_announce(
    src: Host, instance: str, service: str, target: str, port: int, txt: Sequence[str]
) -> Packet:
    """Unsolicited mDNS response (RFC 6762 §8.3): PTR, SRV, TXT and A records."""
    full = f"{instance}.{service}.local"
    host = f"{target}.local"
    an = [
        DNSRR(rrname=f"{service}.local", type="PTR", ttl=4500, rdata=full),
        DNSRRSRV(rrname=full, ttl=120, priority=0, weight=0, port=port, target=host),
        DNSRR(rrname=full, type="TXT", ttl=4500, rdata=[t.encode() for t in txt]),
        DNSRR(rrname=host, type="A", ttl=120, rdata=src.ip),
    ]
    msg = DNS(id=0, qr=1, aa=1, an=an)
    return udp(src, group("224.0.0.251", src.vlan), 5353, 5353, bytes(msg))


def ssdp_notify(src: Host, server: str, location: str, nt: str, usn: str) -> Packet:
    """NOTIFY ssdp:alive from `src` to the SSDP group."""
    text = payloads.ssdp_notify(server, location, nt, usn)
    return udp(src, group("239.255.255.250", src.vlan), 1900, 1900, text)


def ssdp_msearch(src: Host, sport: int, st: str = "ssdp:all", agent: str | None = None) -> Packet:
    text = (
        'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\n'
        f"MX: 1\r\nST: {st}\r\n"
    )
    if agent:
        text += f"USER-AGENT: {agent}\r\n"
    return udp(src, group("239.255.255.250", src.vlan), sport, 1900, (text + "\r\n").encode())


# ---------------------------------------------------------------------------------------------
# ONVIF WS-Discovery (docs/protocols.md §8), UDP 3702
# ---------------------------------------------------------------------------------------------

_NS = (
    'xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"'
)


def wsd_resolve(message_id: str, endpoint: str) -> bytes:
    """WS-Discovery Resolve for one endpoint address (what Windows sends after a Hello)."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope {_NS}><soap:Header>'
        "<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Resolve</wsa:Action>"
        f"<wsa:MessageID>urn:uuid:{message_id}</wsa:MessageID></soap:Header><soap:Body>"
        f"<wsd:Resolve><wsa:EndpointReference><wsa:Address>{endpoint}</wsa:Address>"
        "</wsa:EndpointReference></wsd:Resolve></soap:Body></soap:Envelope>"
    ).encode()


def wsd_probematch_hikvision(
    message_id: str, relates_to: str, mac: str, ip: str, model: str, ip6_ll: str
) -> bytes:
    """payloads.wsd_probematch_hikvision answering the probe urn:uuid:`relates_to`."""
    return payloads.wsd_probematch_hikvision(
        message_id, f"urn:uuid:{relates_to}", mac, ip, model, ip6_ll
    )


def wsd_probematch_generic_631ga(relates_to: str, ip: str) -> bytes:
    """payloads.wsd_probematch_generic_631ga answering the probe urn:uuid:`relates_to`."""
    return payloads.wsd_probematch_generic_631ga(f"urn:uuid:{relates_to}", ip)


# ---------------------------------------------------------------------------------------------
# Hikvision SADP (docs/protocols.md §2)
# ---------------------------------------------------------------------------------------------

SADP_ETHERTYPE = 0x8033


def _sadp_checksum(data: bytes, count: int) -> int:
    """Ones'-complement sum of little-endian 16-bit words over the first `count` bytes, inverted.

    Restated from hiktools' description: the tool/device prefix byte doubles as the number of
    bytes summed. Decoders are not expected to verify it.
    """
    data = data[:count] + b"\x00" * (count % 2)
    total = sum(struct.unpack(f"<{len(data) // 2}H", data))
    while total >> 16:
        total = (total >> 16) + (total & 0xFFFF)
    return ~total & 0xFFFF


def sadp_legacy(
    src_mac: str,
    src_ip: str,
    dst_mac: str,
    dst_ip: str,
    mask: str,
    *,
    response: bool,
    counter: int,
    query: int,
    payload: bytes = b"",
    vlan: int | None = None,
) -> Packet:
    """Legacy SADP over EtherType 0x8033 (docs/protocols.md §2.2, hiktools layout).

    Header: marker 0x21, type (2 request / 1 response), origin (01 42 tool / 01 f6 device),
    u32 counter, 06 04, query type, params, u16 checksum, then sender MAC, sender IPv4,
    destination MAC, destination IPv4, subnet mask (38 bytes in all), then the payload.
    """
    origin = 0xF6 if response else 0x42
    head = struct.pack(
        "!BBBBIHBBH", 0x21, 1 if response else 2, 0x01, origin, counter, 0x0604, query, 0x00, 0
    )
    addrs = (
        bytes.fromhex(src_mac.replace(":", ""))
        + bytes(map(int, src_ip.split(".")))
        + bytes.fromhex(dst_mac.replace(":", ""))
        + bytes(map(int, dst_ip.split(".")))
        + bytes(map(int, mask.split(".")))
    )
    body = bytearray(head + addrs + payload)
    struct.pack_into("!H", body, 12, _sadp_checksum(bytes(body), min(origin, len(body))))
    eth = l2(src_mac, BROADCAST_MAC if not response else dst_mac, vlan)
    eth.lastlayer().type = SADP_ETHERTYPE
    return eth / Raw(bytes(body))


# ---------------------------------------------------------------------------------------------
# Dahua DHIP / 5050 / DVRIP (docs/protocols.md §3)
# ---------------------------------------------------------------------------------------------


def dahua5050_request() -> bytes:
    """Legacy discovery: a3 01 00 01, zeros, 02 at offset 16 (docs/protocols.md §3.2)."""
    return bytes.fromhex("a3010001") + bytes(12) + bytes.fromhex("02000000") + bytes(12)


def dahua5050_reply(
    mac: str,
    ip: str,
    mask: str,
    gateway: str,
    hostname: str,
    model: str,
    serial: str,
    version: tuple[int, int, int, int] = (2, 800, 0, 13),
) -> bytes:
    """Reply: b3 00 header, 88-byte binary block, then the MAC string and Key:Value text (docs/protocols.md §3.2).

    Binary block offsets (after the 32-byte header) per DahuaConsole's decoder: version 4xu16,
    hostname[16], IPv4, mask, gateway, DNS, alarm server, e-mail server, web port @62,
    HTTPS port @64, DVRIP TCP port @66, max connections @68, SSL port @70, UDP port @72,
    multicast address @76 and port @80.
    """

    def ip4(a: str) -> bytes:
        return bytes(map(int, a.split(".")))

    blk = bytearray(88)
    struct.pack_into("<4H", blk, 0, *version)
    blk[8:24] = hostname.encode()[:16].ljust(16, b"\x00")
    blk[24:28], blk[28:32], blk[32:36], blk[36:40] = ip4(ip), ip4(mask), ip4(gateway), ip4(gateway)
    struct.pack_into("<H", blk, 44, 0)
    struct.pack_into("<H", blk, 62, 80)
    struct.pack_into("<H", blk, 64, 443)
    struct.pack_into("<H", blk, 66, 37777)
    struct.pack_into("<H", blk, 68, 10)
    struct.pack_into("<H", blk, 70, 0)
    struct.pack_into("<H", blk, 72, 37778)
    blk[76:80] = ip4("239.255.42.42")
    struct.pack_into("<H", blk, 80, 36666)
    mac_s = mac.lower().encode()
    text = (
        f"Name:{hostname}\r\nDevice:{model}\r\nIPv6Addr:{eui64_link_local(mac)}/64;"
        f"\r\nSerialNo:{serial}\r\n"
    ).encode()
    head = bytearray(32)
    head[0:2] = b"\xb3\x00"
    head[2] = len(mac_s)  # section 2 length; byte 3 left 0 so a u8 or u16 reading both work
    struct.pack_into("<I", head, 4, len(blk))
    struct.pack_into("<I", head, 16, 2)
    struct.pack_into("<H", head, 20, len(text))
    return bytes(head) + bytes(blk) + mac_s + text


# ---------------------------------------------------------------------------------------------
# Xiongmai (not of concern): TCP 34567 login reply
# ---------------------------------------------------------------------------------------------


def xm_login_request() -> bytes:
    body = (
        b'{ "EncryptType" : "MD5", "LoginType" : "DVRIP-Web", "PassWord" : "tlJwpbo6", '
        b'"UserName" : "admin" }\n\x00'
    )
    return struct.pack("<BBHIIBBHI", 0xFF, 0x01, 0, 0, 0, 0, 0, 1000, len(body)) + body


def xm_login_reply() -> bytes:
    """Xiongmai NetSurveillance 20-byte header (0xff, msg 1001) + JSON; shape assumed [I]."""
    body = (
        b'{ "AliveInterval" : 21, "ChannelNum" : 8, "DeviceType " : "DVR", '
        b'"ExtraChannel" : 0, "Ret" : 100, "SessionID" : "0x0000000B" }\n\x00'
    )
    return struct.pack("<BBHIIBBHI", 0xFF, 0x01, 0, 11, 0, 0, 0, 1001, len(body)) + body


# ---------------------------------------------------------------------------------------------
# HTTP and RTSP
# ---------------------------------------------------------------------------------------------


def http_request(
    method: str,
    path: str,
    host: str,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
    agent: str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {agent}",
        "Accept: */*",
        "Connection: keep-alive",
    ]
    lines += [f"{k}: {v}" for k, v in headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def http_date(t_s: int) -> str:
    import email.utils

    return email.utils.formatdate(t_s, usegmt=True)


def rtsp_request(
    method: str,
    url: str,
    cseq: int,
    headers: Sequence[tuple[str, str]] = (),
    agent: str = "LibVLC/3.0.20 (LIVE555 Streaming Media v2016.11.28)",
) -> bytes:
    lines = [f"{method} {url} RTSP/1.0", f"CSeq: {cseq}", f"User-Agent: {agent}"]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# ---------------------------------------------------------------------------------------------
# TLS 1.2 handshake records and a hand-built self-signed certificate
# ---------------------------------------------------------------------------------------------


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def der(tag: int, content: bytes) -> bytes:
    """One DER TLV."""
    return bytes([tag]) + _der_len(len(content)) + content


def der_oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(chunk))
    return der(0x06, bytes(out))


def der_int(n: int) -> bytes:
    raw = n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big")
    return der(0x02, raw)


_NAME_OIDS = {
    "C": "2.5.4.6",
    "ST": "2.5.4.8",
    "L": "2.5.4.7",
    "O": "2.5.4.10",
    "OU": "2.5.4.11",
    "CN": "2.5.4.3",
}


def der_name(rdns: Sequence[tuple[str, str]]) -> bytes:
    """X.501 Name from (attr, value) pairs in DER order (most significant first: C ... CN)."""
    sets = b""
    for attr, value in rdns:
        tag = 0x13 if attr == "C" else 0x0C  # PrintableString for C, UTF8String otherwise
        sets += der(0x31, der(0x30, der_oid(_NAME_OIDS[attr]) + der(tag, value.encode())))
    return der(0x30, sets)


def self_signed_cert(
    rdns: Sequence[tuple[str, str]], not_before: str, not_after: str, serial: int, seed: str
) -> bytes:
    """DER X.509 v3 certificate, issuer = subject; key and signature are deterministic filler.

    Dates are UTCTime strings YYMMDDHHMMSSZ. The structure is real; the RSA modulus and
    signature are not (nothing ever verifies them).
    """
    sha256_rsa = der(0x30, der_oid("1.2.840.113549.1.1.11") + der(0x05, b""))
    rsa = der(0x30, der_oid("1.2.840.113549.1.1.1") + der(0x05, b""))
    modulus = int.from_bytes(b"\xc0" + det_bytes("mod/" + seed, 255), "big") | 1
    pub = der(0x30, der_int(modulus) + der_int(65537))
    spki = der(0x30, rsa + der(0x03, b"\x00" + pub))
    name = der_name(rdns)
    validity = der(0x30, der(0x17, not_before.encode()) + der(0x17, not_after.encode()))
    bc = der(0x30, der_oid("2.5.29.19") + der(0x04, der(0x30, der(0x01, b"\xff"))))
    exts = der(0xA3, der(0x30, bc))
    tbs = der(
        0x30,
        der(0xA0, der_int(2)) + der_int(serial) + sha256_rsa + name + validity + name + spki + exts,
    )
    sig = der(0x03, b"\x00" + det_bytes("sig/" + seed, 256))
    return der(0x30, tbs + sha256_rsa + sig)


HIKVISION_NVR_SUBJECT = (
    ("C", "CN"),
    ("ST", "ZheJiang"),
    ("L", "HangZhou"),
    ("O", "HIKVISION"),
    ("OU", "DVRNVR"),
    ("CN", "www.hikvision.com"),
)  # docs/protocols.md §7


def _u24(n: int) -> bytes:
    return n.to_bytes(3, "big")


def tls_record(ctype: int, body: bytes, version: int = 0x0303) -> bytes:
    return struct.pack("!BHH", ctype, version, len(body)) + body


def _ext(etype: int, data: bytes) -> bytes:
    return struct.pack("!HH", etype, len(data)) + data


def tls_client_hello(sni: str | None, seed: str) -> bytes:
    """TLS 1.2 ClientHello record (record version 3.1, as browsers send), optional SNI."""
    suites = bytes.fromhex("c02bc02fc02cc030cca9cca8c013c014009c009d002f0035")
    exts = b""
    if sni:
        name = sni.encode()
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        exts += _ext(0, struct.pack("!H", len(entry)) + entry)
    exts += _ext(23, b"") + _ext(0xFF01, b"\x00")
    exts += _ext(10, bytes.fromhex("0008001d001700180019"))
    exts += _ext(11, bytes.fromhex("0100"))
    exts += _ext(35, b"")
    exts += _ext(13, bytes.fromhex("0012040308040401050308050501080606010201"))
    exts += _ext(16, bytes.fromhex("000c02683208687474702f312e31"))
    sid = det_bytes("sid/" + seed, 32)
    body = (
        b"\x03\x03"
        + det_bytes("cr/" + seed, 32)
        + bytes([len(sid)])
        + sid
        + struct.pack("!H", len(suites))
        + suites
        + b"\x01\x00"
        + struct.pack("!H", len(exts))
        + exts
    )
    return tls_record(22, b"\x01" + _u24(len(body)) + body, version=0x0301)


def tls_server_flight(cert_der: bytes | None, seed: str, tls13: bool = False) -> bytes:
    """ServerHello (+ Certificate + ServerHelloDone for TLS 1.2) in one handshake record.

    With tls13=True: a TLS 1.3 ServerHello (supported_versions 0x0304, x25519 key share),
    ChangeCipherSpec and an encrypted record, so no certificate is visible.
    """
    sid = det_bytes("sid/" + seed, 32)
    if tls13:
        exts = _ext(43, b"\x03\x04") + _ext(51, b"\x00\x1d\x00\x20" + det_bytes("ks/" + seed, 32))
        body = (
            b"\x03\x03"
            + det_bytes("sr/" + seed, 32)
            + bytes([len(sid)])
            + sid
            + b"\x13\x01\x00"
            + struct.pack("!H", len(exts))
            + exts
        )
        return (
            tls_record(22, b"\x02" + _u24(len(body)) + body)
            + tls_record(20, b"\x01")
            + tls_record(23, det_bytes("ee/" + seed, 2100))
        )
    exts = _ext(0xFF01, b"\x00") + _ext(23, b"")
    body = (
        b"\x03\x03"
        + det_bytes("sr/" + seed, 32)
        + bytes([len(sid)])
        + sid
        + b"\xc0\x2f\x00"
        + struct.pack("!H", len(exts))
        + exts
    )
    hs = b"\x02" + _u24(len(body)) + body
    if cert_der is not None:
        chain = _u24(len(cert_der)) + cert_der
        hs += b"\x0b" + _u24(len(chain) + 3) + _u24(len(chain)) + chain
    ske = (
        b"\x03\x00\x1d\x20"
        + det_bytes("ske/" + seed, 32)
        + b"\x04\x01\x01\x00"
        + det_bytes("skesig/" + seed, 256)
    )
    hs += b"\x0c" + _u24(len(ske)) + ske
    hs += b"\x0e\x00\x00\x00"
    return tls_record(22, hs)


def tls_client_finish(seed: str) -> bytes:
    """ClientKeyExchange, ChangeCipherSpec and an encrypted Finished."""
    cke = b"\x10" + _u24(33) + b"\x20" + det_bytes("cke/" + seed, 32)
    return (
        tls_record(22, cke)
        + tls_record(20, b"\x01")
        + tls_record(22, det_bytes("cfin/" + seed, 40))
    )


def tls_server_finish(seed: str) -> bytes:
    return tls_record(20, b"\x01") + tls_record(22, det_bytes("sfin/" + seed, 40))


def tls_app_data(seed: str, n: int) -> bytes:
    """One TLS application-data record with n bytes of ciphertext-looking filler."""
    return tls_record(23, det_bytes("app/" + seed, n))


def tls_session(
    cur: Cursor,
    client: Host,
    server: Host,
    sport: int,
    dport: int,
    sni: str | None,
    cert_der: bytes | None,
    *,
    tls13: bool = False,
    app_records: int = 4,
    app_size: int = 1200,
) -> TcpFlow:
    """A full TLS connection: handshake (cert visible for 1.2) then application data, FIN."""
    seed = f"{client.ip}:{sport}>{server.ip}:{dport}"
    flow = TcpFlow(cur, client, server, sport, dport).open()
    flow.client(tls_client_hello(sni, seed))
    flow.server(tls_server_flight(cert_der, seed, tls13=tls13))
    if not tls13:
        flow.client(tls_client_finish(seed))
        flow.server(tls_server_finish(seed))
    else:
        flow.client(tls_record(20, b"\x01") + tls_record(23, det_bytes("cf/" + seed, 53)))
    for i in range(app_records):
        flow.client(tls_app_data(f"{seed}/c{i}", 180 + (i * 37) % 300))
        flow.server(tls_app_data(f"{seed}/s{i}", app_size + (i * 131) % 2000))
    flow.close()
    return flow


# ---------------------------------------------------------------------------------------------
# Dahua P2P / Imou (docs/protocols.md §10)
# ---------------------------------------------------------------------------------------------

P2P_PORT = 8800


def dh_p2p_request(
    method: str, path: str, cseq: int, user: str, seed: str, body: str = ""
) -> bytes:
    """DHGET/DHPOST text request with WSSE headers (digest/nonce are deterministic filler)."""
    import base64

    digest = base64.b64encode(det_bytes("wsse/" + seed, 20)).decode()
    nonce = det_int("nonce/" + seed, 31)
    text = (
        f"{method} {path} HTTP/1.1\r\nCSeq: {cseq}\r\n"
        'Authorization: WSSE profile="UsernameToken"\r\n'
        f'X-WSSE: UsernameToken Username="{user}", PasswordDigest="{digest}", '
        f'Nonce="{nonce}", Created="2026-11-27T09:00:00Z"\r\n'
    )
    if body:
        text += f"Content-Type: \r\nContent-Length: {len(body)}\r\n"
    return (text + "\r\n" + body).encode()


def dh_p2p_response(cseq: int, body: str = "") -> bytes:
    text = f"HTTP/1.1 200 OK\r\nCSeq: {cseq}\r\n"
    if body:
        text += f"Content-Length: {len(body)}\r\n"
    return (text + "\r\n" + body).encode()


def ptcp(sent: int, recv: int, pid: int, lmid: int, rmid: int, body: bytes = b"") -> bytes:
    """PTCP datagram: 'PTCP' + five u32 (bytes sent/received, packet id, local/remote msg id)."""
    return struct.pack("!4sLLLLL", b"PTCP", sent, recv, pid, lmid, rmid) + body


def inverted_stun(seed: str) -> bytes:
    """44-byte STUN Binding Request (20-byte header + 24 bytes of attributes), every bit flipped.

    Starts ff fe ff e7 once inverted, which is the libprotoident Dahua P2P signature.
    """
    attrs = struct.pack("!HH", 0x8022, 12) + b"DHP2P".ljust(12, b"\x00")  # SOFTWARE, padded
    attrs += struct.pack("!HHI", 0x8028, 4, det_int("fp/" + seed))  # FINGERPRINT-like filler
    stun = struct.pack("!HHI", 0x0001, len(attrs), 0x2112A442) + det_bytes("tid/" + seed, 12)
    raw = stun + attrs
    assert len(raw) == 44, len(raw)
    return bytes(b ^ 0xFF for b in raw)


# ---------------------------------------------------------------------------------------------
# RTP video
# ---------------------------------------------------------------------------------------------


def rtp_packet(
    seq: int, ts: int, ssrc: int, payload: bytes, marker: bool = False, pt: int = 96
) -> bytes:
    """RTP v2 header + payload (H.264 FU-A style payload supplied by the caller)."""
    return (
        struct.pack(
            "!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc
        )
        + payload
    )


def h264_fua(seed: str, n: int, start: bool, end: bool) -> bytes:
    """An FU-A fragment of an IDR/non-IDR slice (NAL type 28) with filler bytes."""
    fu_header = (0x80 if start else 0) | (0x40 if end else 0) | 0x01
    return bytes([0x7C, fu_header]) + det_bytes(seed, n - 2)


def interleaved(channel: int, rtp: bytes) -> bytes:
    """RTSP interleaved frame: '$', channel, u16 length, RTP packet (RFC 2326 §10.12)."""
    return struct.pack("!cBH", b"$", channel, len(rtp)) + rtp


def rtp_stream(
    cur: Cursor,
    src: Host,
    dst: Host,
    sport: int,
    dport: int,
    ssrc: int,
    frames: int,
    seed: str,
    frame_gap_us: int = 40_000,
    packets_per_frame: Iterable[int] = (4, 2, 2, 2),
) -> None:
    """UDP RTP video: each video frame is a burst of FU-A packets, the last one marked."""
    seq, ts = det_int("seq/" + seed, 16), det_int("ts/" + seed)
    pattern = list(packets_per_frame)
    for f in range(frames):
        count = pattern[f % len(pattern)]
        for i in range(count):
            size = 1400 if i < count - 1 else 300 + (f * 97) % 900
            payload = h264_fua(f"{seed}/{f}/{i}", size, i == 0, i == count - 1)
            cur.emit(
                udp(
                    src,
                    dst,
                    sport,
                    dport,
                    rtp_packet(seq, ts, ssrc, payload, marker=i == count - 1),
                ),
                frame_gap_us if i == 0 else 120,
            )
            seq += 1
        ts += 3600


def wire_bytes(pkt: Packet) -> bytes:
    return bytes(pkt)


def cooked(pkt: Packet, v2: bool = False, if_index: int = 2) -> Packet:
    """Re-frame an Ethernet packet's payload as Linux cooked capture v1 (113) or v2 (276)."""
    eth = pkt[Ether]
    inner = eth.payload
    while isinstance(inner, Dot1Q | Dot1AD):
        inner = inner.payload
    proto = 0x86DD if isinstance(inner, IPv6) else 0x0800
    src = bytes.fromhex(eth.src.replace(":", "")) + b"\x00\x00"
    if v2:
        outer = CookedLinuxV2(
            proto=proto, ifindex=if_index, lladdrtype=1, pkttype=0, lladdrlen=6, src=src
        )
    else:
        outer = CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=src, proto=proto)
    return outer / inner.copy()
