"""Write a large, deterministic store-LAN capture (pcapng) in constant memory.

Usage: make_store_capture.py [N] [OUT]   (default 1,000,000 frames to bench/out/store-N.pcapng)

The second benchmark capture, next to make_bench_capture.py's pcap: a store as a SPAN port sees
it, written as pcapng (what Wireshark and dumpcap write). Bulk video and TLS as in the first
capture, but the RTSP-interleaved streams are acknowledged every second segment as a receiver's
delayed ACKs do (about 115k pure ACKs per million frames), and about 8% of frames are the
chatter of a busy segment: ARP among 150 hosts, DNS lookups with fresh transaction ids, mDNS and
SSDP announcements, NetBIOS and LLMNR broadcasts, WS-Discovery probes and ProbeMatches and SADP
inquiries and ProbeMatches whose message ids change with every exchange (as they do on a real
network, so no two are byte-identical), DHIP, DHCP, and HTTP/RTSP/SDK/TLS exchanges on fresh
TCP connections. Template frames are built once with pcaps/lib_frames.py (scapy); records are
written with struct, patching ids, ports, sequence numbers and checksums in place. The same N
always gives the same bytes.
"""

from __future__ import annotations

import importlib
import random
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "pcaps"))
lf = importlib.import_module("lib_frames")
mb = importlib.import_module("make_bench_capture")

SEED = 20261201
SCHEDULE_LEN = 1 << 16
MEAN_GAP_US = 70
SHARES = (("rtp", 0.50), ("il", 0.322), ("tls", 0.10), ("chat", 0.078))
ACK_EVERY = 3  # of an interleaved stream's frames, every third is the receiver's pure ACK

_SHB = struct.pack("<IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1, 28)
_IDB = struct.pack("<IIHHII", 1, 20, 1, 0, 262144, 20)
_EPB = struct.Struct("<IIIIIII")
_H = struct.Struct("!H")

H = lf.Host
ROUTER, NVR, VMS = mb.ROUTER, mb.NVR, mb.VMS
CAMS = mb.CAMS
HIK, DAHUA, AXIS = CAMS[0], CAMS[3], CAMS[6]
# the quiet majority of a store: tills, back-office PCs, phones, printers, scales
CLIENTS = [H(f"{('3c:a9:f4', 'f8:b1:56', 'a4:83:e7', '30:05:5c')[i % 4]}:6a:{i // 256:02x}:"
             f"{i % 256:02x}", f"10.20.41.{10 + i}", ttl=128) for i in range(150)]  # fmt: skip
PRINTER = CLIENTS[3]


def _udp_payload_offset(data: bytes | bytearray) -> int:
    ip = 14
    return ip + (data[ip] & 0x0F) * 4 + 8


@dataclass(slots=True)
class Patch:
    """Where in a template frame the per-exchange values go."""

    frame: mb.Frame
    ids: list[tuple[int, int]] = field(default_factory=list)  # (offset, slot) of 36-char uuids
    txid: int = -1  # offset of a 16-bit DNS transaction id
    udp_sum: int = -1  # offset of the UDP checksum, zeroed once ids are patched


def _template(raw: bytes, placeholders: list[str], dns: bool = False) -> Patch:
    fr = mb.make_frame(raw)
    p = Patch(fr)
    d = fr.data
    for slot, text in enumerate(placeholders):
        for variant in (text.encode(), text.upper().encode()):
            start = d.find(variant)
            while start >= 0:
                p.ids.append((start, slot))
                start = d.find(variant, start + 1)
    first_fragment = fr.ip >= 0 and not (_H.unpack_from(d, fr.ip + 6)[0] & 0x1FFF)
    if (p.ids or dns) and first_fragment and d[fr.ip + 9] == 17:
        p.udp_sum = fr.ip + (d[fr.ip] & 0x0F) * 4 + 6
        d[p.udp_sum : p.udp_sum + 2] = b"\0\0"
    if dns:
        p.txid = _udp_payload_offset(d)
    return p


def _episode(build: object, slots: int = 0, dns: bool = False) -> list[Patch]:
    """Frames of one exchange; `slots` placeholder uuids are replaced per exchange."""
    holders = [lf.det_uuid(f"store/placeholder/{n}") for n in range(slots)]
    tl = lf.Timeline()
    build(tl.at(0), *holders)  # type: ignore[operator]
    return [_template(bytes(pkt), holders, dns) for pkt in tl.packets()]


def _wsd(c: lf.Cursor, probe_id: str, match_id: str) -> None:
    probe = lf.wsd_probe(probe_id, "dn:NetworkVideoTransmitter")
    c.emit(lf.udp(VMS, lf.group(lf.WSD_GROUP), 50126, lf.WSD_PORT, probe))
    for cam in (HIK, CAMS[1], CAMS[2]):
        match = lf.wsd_probematch_hikvision(match_id, probe_id, cam.mac, cam.ip,
                                            "DS-2CD2385G1-I", "fe80::4619:b6ff:fe3a:1")  # fmt: skip
        c.emit(lf.udp(cam, VMS, lf.WSD_PORT, 50126, match))


def _wsd_hello(c: lf.Cursor, message_id: str) -> None:
    scopes = ["onvif://www.onvif.org/type/video_encoder", "onvif://www.onvif.org/name/AXIS"]
    hello = lf.payloads.wsd_hello(message_id, f"urn:uuid:{lf.det_uuid('axis-ep')}", scopes,
                                  f"http://{AXIS.ip}/onvif/device_service")  # fmt: skip
    c.emit(lf.udp(AXIS, lf.group(lf.WSD_GROUP), lf.WSD_PORT, lf.WSD_PORT, hello))


def _sadp(c: lf.Cursor, probe_id: str) -> None:
    group = lf.group(lf.SADP_GROUP)
    c.emit(lf.udp(VMS, group, lf.SADP_PORT, lf.SADP_PORT, lf.sadp_probe(probe_id)))
    for cam in (HIK, CAMS[1], CAMS[2], NVR):
        match = lf.sadp_probematch(probe_id, MAC=lf.sadp_mac(cam.mac), IPv4Address=cam.ip)
        c.emit(lf.udp(cam, group, lf.SADP_PORT, lf.SADP_PORT, match))


def _dhip(c: lf.Cursor) -> None:
    group = lf.group(lf.DHIP_GROUP)
    c.emit(lf.udp(VMS, group, 58000, lf.DHIP_PORT, lf.dhip_search()))
    for cam in (DAHUA, CAMS[4], CAMS[5]):
        notify = lf.dhip_notify(cam.mac, cam.ip, ROUTER.ip, "IPC-HDW1431T1-S4", mb.SERIAL)
        c.emit(lf.udp(cam, group, lf.DHIP_PORT, lf.DHIP_PORT, notify))


def _mdns(c: lf.Cursor) -> None:
    c.emit(lf.mdns_announce(PRINTER, "Brother HL-L2350DW", "_ipp._tcp", "BRN3C2AF4", 631,
                            ["txtvers=1", "ty=Brother HL-L2350DW"]))  # fmt: skip


def _ssdp(c: lf.Cursor) -> None:
    c.emit(lf.ssdp_notify(PRINTER, "Brother-OS/1.0 UPnP/1.0 HL-L2350DW/1.0",
                          f"http://{PRINTER.ip}:80/desc.xml", "upnp:rootdevice",
                          "uuid:brother-hl::upnp:rootdevice"))  # fmt: skip
    c.emit(lf.ssdp_msearch(CLIENTS[7], 50999))


def _nb_name(name: str) -> bytes:
    """RFC 1002 first-level encoding of a 16-byte NetBIOS name."""
    raw = name.upper().ljust(15).encode()[:15] + b"\x00"
    return bytes([32]) + bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 15))) + b"\0"


def _netbios(c: lf.Cursor, n: int) -> None:
    # NetBIOS name queries (RFC 1002) and LLMNR (RFC 4795): broadcast chatter no decoder reads
    src, name = CLIENTS[n], f"TILL-{(n * 7) % 150:02d}"
    nbns = struct.pack("!6H", 0x8000 + n, 0x0110, 1, 0, 0, 0) + _nb_name(name) + b"\0\x20\0\x01"
    c.emit(lf.udp(src, lf.group("10.20.41.255"), 137, 137, nbns))
    llmnr = lf.DNS(id=n, qd=lf.DNSQR(qname=name.lower(), qtype="A"))
    c.emit(lf.udp(src, lf.group("224.0.0.252"), 50000 + n, 5355, bytes(llmnr)))


def _dns(c: lf.Cursor, n: int) -> None:
    names = ("www.example.com", "pos.example.net", "time.example.org", "cdn.example.com")
    lf.dns_lookup(c, CLIENTS[n], ROUTER, names[n % len(names)], f"198.51.100.{n % 200 + 1}")


def _arp(c: lf.Cursor, n: int) -> None:
    lf.arp_exchange(c, CLIENTS[n], CLIENTS[(n * 37 + 11) % len(CLIENTS)])


def _dhcp(c: lf.Cursor, n: int) -> None:
    lf.dhcp_dora(c, ROUTER, CLIENTS[n], f"TILL-{n:02d}", "MSFT 5.0")


def episodes() -> list[tuple[list[Patch], lf.Host | None]]:
    """Every chatter exchange, each with the TCP client whose port changes per replay."""
    out: list[tuple[list[Patch], lf.Host | None]] = []
    for _ in range(12):  # discovery is a steady drizzle: VMS and SADPTool poll every few seconds
        out += [(_episode(_wsd, 2), None), (_episode(_wsd_hello, 1), None)]
        out += [(_episode(_sadp, 1), None), (_episode(_dhip), None)]
        out += [(_episode(_mdns), None), (_episode(_ssdp), None)]
    for n in range(0, 150, 3):  # 50 of each kind, from different hosts
        out += [(_episode(lambda c, n=n: _arp(c, n)), None)]
        out += [(_episode(lambda c, n=n: _dns(c, n), dns=True), None)]
        out += [(_episode(lambda c, n=n: _netbios(c, n)), None)]
    out += [(_episode(lambda c, n=n: _dhcp(c, n)), None) for n in range(0, 150, 30)]
    for build, client in mb.EPISODES[7:]:  # HTTP, RTSP, SDK, DVRIP, TLS on fresh connections
        frames = mb._episode(build, client)  # noqa: SLF001 - the same episodes, replayed here
        out.append(([Patch(fr) for fr in frames], client))
    return out


@dataclass(slots=True)
class ChatCursor:
    """Walks the exchanges in a seeded shuffled order, patching fresh ids, ports, sequences."""

    eps: list[tuple[list[Patch], lf.Host | None]]
    order: list[int]
    ep: int = 0
    pos: int = 0
    instance: int = 0

    def next(self) -> mb.Frame:
        patches, _client = self.eps[self.order[self.ep]]
        p = patches[self.pos]
        fr, n = p.frame, self.instance
        for offset, slot in p.ids:
            fresh = lf.det_uuid(f"store/{n}/{self.ep}/{slot}")
            upper = fr.data[offset : offset + 36].decode().isupper()
            fr.data[offset : offset + 36] = (fresh.upper() if upper else fresh).encode()
        if p.txid >= 0:
            _H.pack_into(fr.data, p.txid, (n * 7919 + self.ep) & 0xFFFF)
        if fr.ip >= 0:
            mb.set_ip_id(fr, (fr.ip_id + 13 * n) & 0xFFFF)
        if fr.tcp >= 0:
            port = 20000 + (n * 7919) % 40000
            dc, ds = (n * 1_000_003) & 0xFFFFFFFF, (n * 2_000_029) & 0xFFFFFFFF
            if fr.from_client:
                ack = 0 if fr.syn_only else (fr.ack + ds) & 0xFFFFFFFF
                mb.set_tcp(fr, port, fr.dport, (fr.seq + dc) & 0xFFFFFFFF, ack)
            else:
                mb.set_tcp(fr, fr.sport, port, (fr.seq + ds) & 0xFFFFFFFF,
                           (fr.ack + dc) & 0xFFFFFFFF)  # fmt: skip
        self.pos += 1
        if self.pos == len(patches):
            self.pos = 0
            self.ep = (self.ep + 1) % len(self.order)
            if self.ep == 0:
                self.instance += 1
        return fr


def _acked(s: mb.TcpStream) -> mb.Frame:
    """The next frame of an interleaved stream whose receiver ACKs every second segment."""
    s.sent += 1
    if s.sent % ACK_EVERY == 0:
        fr = s.small
        s.peer_id = (s.peer_id + 1) & 0xFFFF
        mb.set_ip_id(fr, s.peer_id)
        mb.set_tcp(fr, fr.sport, fr.dport, s.ack, s.seq)
        return fr
    fr = s.data
    s.ip_id = (s.ip_id + 1) & 0xFFFF
    mb.set_ip_id(fr, s.ip_id)
    s.rtp_seq = (s.rtp_seq + 1) & 0xFFFF
    if s.rtp_seq % 4 == 0:
        s.rtp_ts = (s.rtp_ts + 3600) & 0xFFFFFFFF
    mb.set_rtp(fr, s.rtp_seq, s.rtp_ts)
    mb.set_tcp(fr, fr.sport, fr.dport, s.seq, s.ack)
    s.seq = (s.seq + mb._payload_len(fr)) & 0xFFFFFFFF  # noqa: SLF001
    return fr


def frames(n: int) -> Iterator[tuple[int, mb.Frame]]:
    """Yield (timestamp µs, frame) n times; the frame's bytes are valid until the next yield."""
    rtp = mb.rtp_streams(CAMS[:20])
    il = mb.interleaved_streams(CAMS[20:28])
    tls = mb.tls_streams()
    eps = episodes()
    rng = random.Random(SEED)
    order = list(range(len(eps)))
    rng.shuffle(order)
    chat = ChatCursor(eps, order)
    kinds, weights = [k for k, _ in SHARES], [w for _, w in SHARES]
    counts = (len(rtp), len(il), len(tls), 1)
    sched = []
    for _ in range(SCHEDULE_LEN):
        k = kinds.index(rng.choices(kinds, weights)[0])
        sched.append((k, rng.randrange(counts[k]), int(rng.expovariate(1 / MEAN_GAP_US)) + 1))
    t = lf.T0_US
    for i in range(n):
        kind, idx, gap = sched[i & (SCHEDULE_LEN - 1)]
        t += gap
        if kind == 0:
            fr = mb._rtp_next(rtp[idx])  # noqa: SLF001
        elif kind == 1:
            fr = _acked(il[idx])
        elif kind == 2:
            fr = mb._tcp_next(tls[idx], False)  # noqa: SLF001
        else:
            fr = chat.next()
        yield t, fr


def _pcapng(n: int) -> Iterator[bytes]:
    """The pcapng file of n frames (one Ethernet interface, microseconds), piece by piece."""
    yield _SHB + _IDB
    pack = _EPB.pack
    for t, fr in frames(n):
        size = len(fr.data)
        pad = -size % 4
        total = 32 + size + pad
        yield pack(6, total, 0, t >> 32, t & 0xFFFFFFFF, size, size)
        yield fr.data  # written before the next frame reuses the buffer
        yield b"\0" * pad + struct.pack("<I", total)


def write_capture(n: int, out: Path) -> tuple[int, int]:
    """Write n frames to `out` (pcapng, one Ethernet interface, microseconds)."""
    return n, mb.write_file(out, _pcapng(n))


def main(argv: list[str]) -> int:
    return mb.run(argv, write_capture, "store-{n}.pcapng")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
