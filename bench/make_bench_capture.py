"""Write a large, deterministic benchmark pcap in constant memory.

Usage: make_bench_capture.py [N] [OUT]   (default 1,000,000 frames to bench/out/bench-N.pcap)

Template frames are built once with pcaps/lib_frames.py (scapy); records are then written with
struct, patching timestamps, IP IDs (and header checksums), TCP ports/sequence numbers (and TCP
checksums) and RTP sequence numbers/timestamps in place. About 95% of frames are bulk (RTP video
over UDP from 24 cameras to an NVR, RTSP-interleaved video over TCP from 6 cameras to a VMS PC,
TLS application data between PCs and the internet); about 5% are discovery and banner traffic
(ARP, DHCP, DNS, SSDP, WS-Discovery, SADP, DHIP, HTTP/RTSP/SDK exchanges on fresh TCP flows,
TLS handshakes). The same N always gives the same bytes.
"""

from __future__ import annotations

import importlib
import random
import struct
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "pcaps"))
lf = importlib.import_module("lib_frames")

DEFAULT_FRAMES = 1_000_000
SEED = 20261127
SCHEDULE_LEN = 1 << 16
MEAN_GAP_US = 70  # ~1.1 GB over ~70 s: a busy store NVR uplink
RTP_PAYLOAD = 1228
TAIL_SIZES = (180, 520, 900)
TLS_RECORD = 1360
SHARES = (("rtp", 0.60), ("il", 0.17), ("tls", 0.18), ("disc", 0.05))

_PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
_REC = struct.Struct("<IIII")
_H = struct.Struct("!H")
_I = struct.Struct("!I")
_PORTS_SEQ_ACK = struct.Struct("!HHII")


# ---------------------------------------------------------------------------------------------
# Template frames
# ---------------------------------------------------------------------------------------------


def _ones(data: bytes | bytearray, start: int, end: int) -> int:
    """Ones'-complement (unfolded) sum of big-endian 16-bit words in data[start:end]."""
    chunk = bytes(data[start:end])
    if len(chunk) % 2:
        chunk += b"\x00"
    return sum(struct.unpack(f"!{len(chunk) // 2}H", chunk))


def _fold(s: int) -> int:
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


@dataclass(slots=True)
class Frame:
    """One template frame and what can be patched in it."""

    data: bytearray
    ip: int = -1  # IPv4 header offset
    ip_base: int = 0  # header sum without ID and checksum
    ip_id: int = 0
    tcp: int = -1  # TCP header offset (first fragment only)
    tcp_base: int = 0  # pseudo-header + segment sum without ports, seq, ack, checksum, rtp words
    sport: int = 0
    dport: int = 0
    seq: int = 0
    ack: int = 0
    syn_only: bool = False
    from_client: bool = True
    rtp: int = -1  # RTP header offset (UDP or interleaved)

    def word_sum(self, offsets: tuple[int, ...]) -> int:
        return sum(_H.unpack_from(self.data, o)[0] for o in offsets)


def _l3_offset(data: bytes) -> int:
    off, etype = 12, _H.unpack_from(data, 12)[0]
    while etype in (0x8100, 0x88A8):
        off += 4
        etype = _H.unpack_from(data, off)[0]
    return off + 2 if etype == 0x0800 else -1


def make_frame(raw: bytes, client_ip: bytes | None = None, rtp_in: str = "") -> Frame:
    """Parse the offsets of a built frame; rtp_in = 'udp' or 'il' marks where RTP sits."""
    fr = Frame(bytearray(raw))
    d = fr.data
    ip = _l3_offset(raw)
    if ip < 0:
        return fr
    ihl = (d[ip] & 0x0F) * 4
    fr.ip, fr.ip_id = ip, _H.unpack_from(d, ip + 4)[0]
    fr.ip_base = _ones(d, ip, ip + ihl) - fr.ip_id - _H.unpack_from(d, ip + 10)[0]
    proto, frag = d[ip + 9], _H.unpack_from(d, ip + 6)[0] & 0x1FFF
    l4 = ip + ihl
    if proto == 17 and frag == 0 and rtp_in == "udp":
        d[l4 + 6 : l4 + 8] = b"\x00\x00"  # no UDP checksum (allowed for IPv4): nothing to patch
        fr.rtp = l4 + 8
    if proto != 6 or frag:
        return fr
    fr.tcp = l4
    fr.sport, fr.dport, fr.seq, fr.ack = _PORTS_SEQ_ACK.unpack_from(d, l4)
    fr.syn_only = d[l4 + 13] & 0x12 == 0x02
    fr.from_client = client_ip is None or bytes(d[ip + 12 : ip + 16]) == client_ip
    seg_len = _H.unpack_from(d, ip + 2)[0] - ihl
    pseudo = _ones(d, ip + 12, ip + 20) + 6 + seg_len
    varying = fr.sport + fr.dport + (fr.seq >> 16) + (fr.seq & 0xFFFF) + (fr.ack >> 16)
    varying += (fr.ack & 0xFFFF) + _H.unpack_from(d, l4 + 16)[0]
    if rtp_in == "il":
        fr.rtp = l4 + (d[l4 + 12] >> 4) * 4 + 4
        varying += fr.word_sum((fr.rtp + 2, fr.rtp + 4, fr.rtp + 6))
    fr.tcp_base = pseudo + _ones(d, l4, l4 + seg_len) - varying
    return fr


def set_ip_id(fr: Frame, ip_id: int) -> None:
    _H.pack_into(fr.data, fr.ip + 4, ip_id)
    _H.pack_into(fr.data, fr.ip + 10, ~_fold(fr.ip_base + ip_id) & 0xFFFF)


def set_tcp(fr: Frame, sport: int, dport: int, seq: int, ack: int) -> None:
    """Write ports/seq/ack and the TCP checksum (RTP words inside must already be in place)."""
    d, t = fr.data, fr.tcp
    _PORTS_SEQ_ACK.pack_into(d, t, sport, dport, seq, ack)
    s = fr.tcp_base + sport + dport + (seq >> 16) + (seq & 0xFFFF) + (ack >> 16) + (ack & 0xFFFF)
    if fr.rtp >= 0:
        s += fr.word_sum((fr.rtp + 2, fr.rtp + 4, fr.rtp + 6))
    _H.pack_into(d, t + 16, ~_fold(s) & 0xFFFF)


def set_rtp(fr: Frame, seq: int, ts: int) -> None:
    _H.pack_into(fr.data, fr.rtp + 2, seq & 0xFFFF)
    _I.pack_into(fr.data, fr.rtp + 4, ts & 0xFFFFFFFF)


# ---------------------------------------------------------------------------------------------
# The bench network
# ---------------------------------------------------------------------------------------------

H = lf.Host
ROUTER = H("00:00:0c:20:40:01", "10.20.40.1")
NVR = H("24:48:45:5e:71:c8", "10.20.40.200")
VMS = H("b0:83:fe:2d:19:d2", "10.20.40.210", ttl=128)
PCS = [H(f"3c:a9:f4:52:6e:{i:02x}", f"10.20.40.{220 + i}", ttl=128) for i in range(3)]
CAM_OUIS = (
    "44:19:b6",
    "c0:56:e3",
    "bc:ad:28",
    "08:ed:ed",
    "3c:ef:8c",
    "e0:50:8b",
    "00:40:8c",
    "ac:cc:8e",
    "44:b4:23",
    "00:04:63",
)


def cameras() -> list[lf.Host]:
    return [
        H(f"{CAM_OUIS[i % len(CAM_OUIS)]}:3a:{i:02x}:{i + 1:02x}", f"10.20.40.{11 + i}")
        for i in range(30)
    ]


@dataclass(slots=True)
class RtpStream:
    """One camera's UDP RTP stream: per-frame bursts of full packets and one marked tail."""

    full: Frame
    tails: list[Frame]
    ip_id: int
    seq: int
    ts: int
    left: int = 0
    frame_no: int = 0


@dataclass(slots=True)
class TcpStream:
    """One long TCP flow carrying data one way (interleaved RTP or TLS records) with ACKs back."""

    data: Frame
    small: Frame  # the reverse-direction ACK (or a small TLS record from the client)
    ip_id: int
    peer_id: int
    seq: int
    ack: int
    rtp_seq: int = 0
    rtp_ts: int = 0
    sent: int = 0


def rtp_streams(cams: list[lf.Host]) -> list[RtpStream]:
    out = []
    for i, cam in enumerate(cams):
        sport, dport = 30000 + 2 * i, 40000 + 2 * i

        def frame(
            size: int,
            marker: bool,
            cam: lf.Host = cam,
            i: int = i,
            sport: int = sport,
            dport: int = dport,
        ) -> Frame:
            payload = lf.h264_fua(f"bench/{i}/{size}", size, False, marker)
            rtp = lf.rtp_packet(0, 0, 0x10000 + i, payload, marker=marker)
            return make_frame(bytes(lf.udp(cam, NVR, sport, dport, rtp)), rtp_in="udp")

        out.append(
            RtpStream(
                frame(RTP_PAYLOAD, False),
                [frame(n, True) for n in TAIL_SIZES],
                ip_id=i * 977,
                seq=i * 4099,
                ts=i * 90_000,
            )
        )
    return out


def _tcp_pair(
    client: lf.Host,
    server: lf.Host,
    sport: int,
    dport: int,
    payload: bytes,
    from_server: bool,
    rtp_in: str = "",
    small: bytes = b"",
) -> tuple[Frame, Frame]:
    src, dst = (server, client) if from_server else (client, server)
    sp, dp = (dport, sport) if from_server else (sport, dport)
    big = lf.ipv4(
        src, dst, lf.TCP(sport=sp, dport=dp, flags="PA", seq=1, ack=1, window=502) / lf.Raw(payload)
    )
    back = lf.TCP(sport=dp, dport=sp, flags="PA" if small else "A", seq=1, ack=1, window=1026)
    rev = lf.ipv4(dst, src, back / lf.Raw(small) if small else back)
    return make_frame(bytes(big), rtp_in=rtp_in), make_frame(bytes(rev))


def interleaved_streams(cams: list[lf.Host]) -> list[TcpStream]:
    out = []
    for i, cam in enumerate(cams):
        rtp = lf.rtp_packet(
            0, 0, 0x20000 + i, lf.h264_fua(f"il/{i}", RTP_PAYLOAD - 4, False, False)
        )
        data, ack = _tcp_pair(VMS, cam, 41000 + i, 554, lf.interleaved(0, rtp), True, "il")
        out.append(
            TcpStream(
                data,
                ack,
                ip_id=7000 + i * 31,
                peer_id=9000 + i * 17,
                seq=lf.det_int(f"ils/{i}"),
                ack=lf.det_int(f"ilc/{i}"),
                rtp_seq=i * 333,
                rtp_ts=i * 12345,
            )
        )
    return out


def tls_streams() -> list[TcpStream]:
    out = []
    for i, pc in enumerate(PCS):
        server = lf.behind(ROUTER, f"198.51.100.{60 + i}")
        rec = lf.tls_app_data(f"bench/tls/{i}", TLS_RECORD - 5)
        small = lf.tls_app_data(f"bench/tlsc/{i}", 90 + 40 * i)
        data, back = _tcp_pair(pc, server, 50000 + i, 443, rec, True, small=small)
        out.append(
            TcpStream(
                data,
                back,
                ip_id=3000 + i * 101,
                peer_id=5000 + i * 7,
                seq=lf.det_int(f"tlss/{i}"),
                ack=lf.det_int(f"tlsc/{i}"),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Discovery and banner episodes (built with lib_frames, replayed with fresh ports/sequences)
# ---------------------------------------------------------------------------------------------


Build = Callable[[lf.Cursor], object]


def _episode(build: Build, client: lf.Host | None = None) -> list[Frame]:
    tl = lf.Timeline()
    build(tl.at(0))
    cip = bytes(map(int, client.ip.split("."))) if client else None
    return [make_frame(bytes(p), cip) for p in tl.packets()]


CAMS = cameras()
HIK, DAHUA, AXIS = CAMS[0], CAMS[3], CAMS[6]
SERIAL = "6J0BC11PAG4F2D8"
PROBE_ID = lf.det_uuid("bench/probe")
HIK_401 = lf.http_response(
    401,
    "Unauthorized",
    [
        ("Date", lf.http_date(lf.T0_US // 1_000_000)),
        ("Server", "App-webs/"),
        ("Content-Type", "text/html"),
        ("Connection", "close"),
        (
            "WWW-Authenticate",
            'Digest qop="auth", realm="IP Camera(C2183)", nonce="4e54", stale="FALSE"',
        ),
    ],
    b"<html><body>401</body></html>\n",
)
DAHUA_401 = lf.http_response(
    401,
    "Unauthorized",
    [
        ("WWW-Authenticate", f'Digest realm="Login to {SERIAL}", qop="auth", nonce="1834712045"'),
        ("CONNECTION", "close"),
        ("CONTENT-LENGTH", "0"),
        ("CACHE-CONTROL", "max-age=0"),
    ],
    content_length=None,
)
RTSP_URL = f"rtsp://{HIK.ip}:554/Streaming/Channels/101"
RTSP_401 = lf.rtsp_response(
    401, "Unauthorized", 3, [("WWW-Authenticate", 'Digest realm="IP Camera(C2183)", nonce="ab12"')]
)


def ep_arp(c: lf.Cursor) -> None:
    lf.arp_exchange(c, ROUTER, HIK)


def ep_dhcp(c: lf.Cursor) -> None:
    lf.dhcp_dora(c, ROUTER, PCS[0], "BACKOFFICE-PC", "MSFT 5.0")


def ep_dns(c: lf.Cursor) -> None:
    lf.dns_lookup(c, PCS[1], ROUTER, "www.example.com", "198.51.100.10")


def ep_ssdp(c: lf.Cursor) -> None:
    location = f"http://{AXIS.ip}/rootdesc.xml"
    usn = "uuid:bench-axis::upnp:rootdevice"
    c.emit(lf.ssdp_notify(AXIS, "Linux/4.9 UPnP/1.0 AXIS/1.0", location, "upnp:rootdevice", usn))
    c.emit(lf.ssdp_msearch(PCS[2], 50999))


def ep_wsd(c: lf.Cursor) -> None:
    probe = lf.wsd_probe(PROBE_ID, "dn:NetworkVideoTransmitter")
    c.emit(lf.udp(VMS, lf.group(lf.WSD_GROUP), 50126, lf.WSD_PORT, probe))
    match = lf.wsd_probematch_hikvision(
        lf.det_uuid("bench/pm"),
        PROBE_ID,
        HIK.mac,
        HIK.ip,
        "DS-2CD2385G1-I",
        "fe80::4619:b6ff:fe3a:1",
    )
    c.emit(lf.udp(HIK, VMS, lf.WSD_PORT, 50126, match))


def ep_sadp(c: lf.Cursor) -> None:
    group = lf.group(lf.SADP_GROUP)
    c.emit(lf.udp(VMS, group, lf.SADP_PORT, lf.SADP_PORT, lf.sadp_probe(PROBE_ID)))
    match = lf.sadp_probematch(PROBE_ID, MAC=lf.sadp_mac(HIK.mac), IPv4Address=HIK.ip)
    c.emit(lf.udp(HIK, group, lf.SADP_PORT, lf.SADP_PORT, match))


def ep_dhip(c: lf.Cursor) -> None:
    group = lf.group(lf.DHIP_GROUP)
    c.emit(lf.udp(VMS, group, 58000, lf.DHIP_PORT, lf.dhip_search()))
    notify = lf.dhip_notify(DAHUA.mac, DAHUA.ip, ROUTER.ip, "IPC-HDW1431T1-S4", SERIAL)
    c.emit(lf.udp(DAHUA, group, lf.DHIP_PORT, lf.DHIP_PORT, notify))


def ep_http_hik(c: lf.Cursor) -> None:
    request = lf.http_request("GET", "/ISAPI/System/deviceInfo", HIK.ip)
    lf.tcp_conversation(c, VMS, HIK, 1, 80, [(request, HIK_401)])


def ep_http_dahua(c: lf.Cursor) -> None:
    request = lf.http_request("GET", "/cgi-bin/magicBox.cgi?action=getSystemInfo", DAHUA.ip)
    lf.tcp_conversation(c, PCS[0], DAHUA, 1, 80, [(request, DAHUA_401)])


def ep_rtsp(c: lf.Cursor) -> None:
    request = lf.rtsp_request("DESCRIBE", RTSP_URL, 3)
    lf.tcp_conversation(c, VMS, HIK, 1, 554, [(request, RTSP_401)], by_server=False)


def ep_sdk(c: lf.Cursor) -> None:
    lf.tcp_conversation(c, VMS, HIK, 1, 8000, [(lf.HIK_SDK_REQUEST, lf.HIK_SDK_REPLY)])


def ep_dvrip(c: lf.Cursor) -> None:
    exchange = (lf.dvrip_realm_request(), lf.dvrip_realm_reply(SERIAL))
    lf.tcp_conversation(c, VMS, DAHUA, 1, 37777, [exchange])


def ep_tls(c: lf.Cursor) -> None:
    cert = lf.self_signed_cert(
        lf.HIKVISION_NVR_SUBJECT, "190612000000Z", "290609000000Z", 7, "bench-nvr"
    )
    lf.tls_session(c, VMS, NVR, 1, 443, None, cert, app_records=1)


# (builder, TCP client whose port and sequence numbers change per replay)
EPISODES: list[tuple[Build, lf.Host | None]] = [
    (ep_arp, None),
    (ep_dhcp, None),
    (ep_dns, None),
    (ep_ssdp, None),
    (ep_wsd, None),
    (ep_sadp, None),
    (ep_dhip, None),
    (ep_http_hik, VMS),
    (ep_http_dahua, PCS[0]),
    (ep_rtsp, VMS),
    (ep_sdk, VMS),
    (ep_dvrip, VMS),
    (ep_tls, VMS),
]


@dataclass(slots=True)
class EpisodeCursor:
    """Walks episodes round-robin; each pass gets a new client port and sequence offsets."""

    eps: list[list[Frame]]
    ep: int = 0
    pos: int = 0
    instance: int = 0

    def next(self) -> Frame:
        frames = self.eps[self.ep]
        fr = frames[self.pos]
        n = self.instance
        if fr.ip >= 0:
            set_ip_id(fr, (fr.ip_id + 13 * n) & 0xFFFF)
        if fr.tcp >= 0:
            port = 20000 + (n * 7919) % 40000
            dc, ds = (n * 1_000_003) & 0xFFFFFFFF, (n * 2_000_029) & 0xFFFFFFFF
            if fr.from_client:
                ack = 0 if fr.syn_only else (fr.ack + ds) & 0xFFFFFFFF
                set_tcp(fr, port, fr.dport, (fr.seq + dc) & 0xFFFFFFFF, ack)
            else:
                set_tcp(fr, fr.sport, port, (fr.seq + ds) & 0xFFFFFFFF, (fr.ack + dc) & 0xFFFFFFFF)
        self.pos += 1
        if self.pos == len(frames):
            self.pos = 0
            self.ep = (self.ep + 1) % len(self.eps)
            if self.ep == 0:
                self.instance += 1
        return fr


# ---------------------------------------------------------------------------------------------
# The writer
# ---------------------------------------------------------------------------------------------


def _schedule(n_rtp: int, n_il: int, n_tls: int) -> list[tuple[int, int, int]]:
    """A fixed cycle of (kind, stream index, gap in µs) drawn from a seeded generator."""
    rng = random.Random(SEED)
    kinds = [k for k, _ in SHARES]
    weights = [w for _, w in SHARES]
    counts = {"rtp": n_rtp, "il": n_il, "tls": n_tls, "disc": 1}
    out = []
    for _ in range(SCHEDULE_LEN):
        k = rng.choices(kinds, weights)[0]
        gap = int(rng.expovariate(1 / MEAN_GAP_US)) + 1
        out.append((kinds.index(k), rng.randrange(counts[k]), gap))
    return out


def _rtp_next(s: RtpStream) -> Frame:
    if s.left == 0:
        s.frame_no += 1
        s.ts = (s.ts + 3600) & 0xFFFFFFFF
        s.left = 24 if s.frame_no % 50 == 1 else 3  # an I-frame every 2 s at 25 fps
    s.left -= 1
    fr = s.full if s.left else s.tails[s.frame_no % len(s.tails)]
    s.ip_id = (s.ip_id + 1) & 0xFFFF
    s.seq = (s.seq + 1) & 0xFFFF
    set_ip_id(fr, s.ip_id)
    set_rtp(fr, s.seq, s.ts)
    return fr


def _tcp_next(s: TcpStream, video: bool) -> Frame:
    s.sent += 1
    if s.sent % 6 == 0:  # the receiver acknowledges (or, for TLS, the client sends a record)
        fr = s.small
        s.peer_id = (s.peer_id + 1) & 0xFFFF
        set_ip_id(fr, s.peer_id)
        set_tcp(fr, fr.sport, fr.dport, s.ack, s.seq)
        s.ack = (s.ack + _payload_len(fr)) & 0xFFFFFFFF
        return fr
    fr = s.data
    s.ip_id = (s.ip_id + 1) & 0xFFFF
    set_ip_id(fr, s.ip_id)
    if video:
        s.rtp_seq = (s.rtp_seq + 1) & 0xFFFF
        if s.rtp_seq % 4 == 0:
            s.rtp_ts = (s.rtp_ts + 3600) & 0xFFFFFFFF
        set_rtp(fr, s.rtp_seq, s.rtp_ts)
    set_tcp(fr, fr.sport, fr.dport, s.seq, s.ack)
    s.seq = (s.seq + _payload_len(fr)) & 0xFFFFFFFF
    return fr


def _payload_len(fr: Frame) -> int:
    d = fr.data
    return _H.unpack_from(d, fr.ip + 2)[0] - (d[fr.ip] & 0x0F) * 4 - (d[fr.tcp + 12] >> 4) * 4


def frames(n: int) -> Iterator[tuple[int, Frame]]:
    """Yield (timestamp µs, frame) n times; the frame's bytes are valid until the next yield."""
    rtp = rtp_streams(CAMS[:24])
    il = interleaved_streams(CAMS[24:])
    tls = tls_streams()
    disc = EpisodeCursor([_episode(build, client) for build, client in EPISODES])
    sched = _schedule(len(rtp), len(il), len(tls))
    t = lf.T0_US
    for i in range(n):
        kind, idx, gap = sched[i & (SCHEDULE_LEN - 1)]
        t += gap
        if kind == 0:
            fr = _rtp_next(rtp[idx])
        elif kind == 1:
            fr = _tcp_next(il[idx], True)
        elif kind == 2:
            fr = _tcp_next(tls[idx], False)
        else:
            fr = disc.next()
        yield t, fr


def _pcap(n: int) -> Iterator[bytes]:
    """The classic pcap file of n frames (microseconds), piece by piece."""
    yield _PCAP_HEADER
    pack = _REC.pack
    for t, fr in frames(n):
        size = len(fr.data)
        yield pack(t // 1_000_000, t % 1_000_000, size, size)
        yield fr.data  # written before the next frame reuses the buffer


def write_file(out: Path, pieces: Iterable[bytes]) -> int:
    """Write `pieces` to `out` through a .part file renamed into place; return its size."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".part")
    with open(tmp, "wb", buffering=1 << 20) as fh:
        fh.writelines(pieces)
    tmp.replace(out)
    return out.stat().st_size


def write_capture(n: int, out: Path) -> tuple[int, int]:
    """Write n frames to `out` (classic pcap, microseconds); return (frames, bytes)."""
    return n, write_file(out, _pcap(n))


def run(argv: list[str], write: Callable[[int, Path], tuple[int, int]], name: str) -> int:
    """The command line of a capture generator: [N] [OUT], OUT by default bench/out/`name`
    with {n} filled in; prints what it wrote and how fast."""
    n = int(argv[1]) if len(argv) > 1 else DEFAULT_FRAMES
    out = Path(argv[2]) if len(argv) > 2 else ROOT / "bench" / "out" / name.format(n=n)
    started = time.perf_counter()
    count, size = write(n, out)
    took = time.perf_counter() - started
    print(f"{out}: {count} frames, {size:,} bytes in {took:.1f} s ({count / took:,.0f} frames/s)")
    return 0


def main(argv: list[str]) -> int:
    return run(argv, write_capture, "bench-{n}.pcap")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
