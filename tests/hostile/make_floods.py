"""Generator of the memory attacks of issue 12: captures that grow every table camscan keeps.

Usage: python tests/hostile/make_floods.py ATTACK OUT [SCALE]
       (ATTACK one of the names in ATTACKS; SCALE overrides its default size)

Each attack is written streaming, frame by frame, so a million-host capture costs the generator
no memory; frames are packed by hand (scapy would take minutes). Every capture also carries the
honest Hikvision camera of make_corpus, announcing itself after the flood: it must come out of
every attack as a device of concern with its model. Deterministic: same arguments, same bytes.
The full-scale sizes (ATTACKS' defaults) are what `make bench-memory` measures; the tests use
smaller scales under a memory limit.
"""

from __future__ import annotations

import gzip
import struct
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_corpus as mc  # noqa: E402

T0 = mc.T0
ETHERNET, RADIOTAP = 1, 127
FLOOD_MAC = "0a:66:66:00:00:66"  # locally administered: no OUI evidence of its own
FLOOD_IP = "192.168.1.66"
CLIENT = mc.CLIENT


class Writer:
    """A little-endian microsecond pcap (gzip-compressed when the name ends in .gz)."""

    def __init__(self, path: Path, linktype: int = ETHERNET, level: int = 6) -> None:
        raw: BinaryIO = path.open("wb")
        self.fh: BinaryIO = (
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=level, mtime=0)  # type: ignore[assignment]
            if path.suffix == ".gz"
            else raw
        )
        self.raw = raw
        self.n = 0
        self.fh.write(mc.pcap_header(linktype))

    def frame(self, data: bytes) -> None:
        """Append one frame, 1 ms after the previous one."""
        ts = T0 * 1_000_000 + self.n * 1000
        self.fh.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(data), len(data)))
        self.fh.write(data)
        self.n += 1

    def close(self) -> None:
        """Flush and close."""
        self.fh.close()
        self.raw.close()


def mac_of(prefix: str, n: int) -> str:
    """`prefix` (three octets) followed by n as three octets."""
    return f"{prefix}:{(n >> 16) & 0xFF:02x}:{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"


def ip_of(n: int, base: int = 10) -> str:
    """The n-th address of 10.0.0.0/8 past 10.0.0.0 (n < 2**24)."""
    return f"{base}.{(n >> 16) & 0xFF}.{(n >> 8) & 0xFF}.{n & 0xFF}"


def arp_reply(mac: str, ip: str) -> bytes:
    """An ARP reply stating `mac` is at `ip`, to the client."""
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2)
    body += mc._mac(mac) + mc._ip4(ip) + mc._mac(CLIENT.mac) + mc._ip4(CLIENT.ip)
    return mc._mac(CLIENT.mac) + mc._mac(mac) + b"\x08\x06" + body


def udp_frame(src: mc.Host, dst: mc.Host, sport: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet/IPv4/UDP frame packed by hand (checksums zero)."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     mc._ip4(src.ip), mc._ip4(dst.ip))  # fmt: skip
    return mc._mac(dst.mac) + mc._mac(src.mac) + b"\x08\x00" + ip + udp


def http_response(server: str) -> bytes:
    """A small HTTP response with the given Server header."""
    return f"HTTP/1.1 200 OK\r\nServer: {server}\r\nContent-Length: 0\r\n\r\n".encode()


def honest(w: Writer) -> None:
    """The honest camera: its ARP reply, its SADP ProbeMatch, its web server's answer."""
    w.frame(arp_reply(mc.HONEST.mac, mc.HONEST.ip))
    for frame in mc.honest_frames():
        w.frame(frame)
    w.frame(mc.tcp_frame(mc.HONEST, CLIENT, 80, 50000, "FA", 7000, http_response("App-webs/")))


# -- the attacks ---------------------------------------------------------------------------------


def ooo_segments(w: Writer, directions: int) -> None:
    """TCP directions opened by a SYN, then 32 segments of 65,000 zero bytes past a hole."""
    zeros = bytes(65_000)
    for d in range(directions):
        src = mc.Host(FLOOD_MAC, ip_of(d + 1, 10))
        w.frame(mc.tcp_frame(src, CLIENT, 80, 40000, "S", 1000, b""))
        for k in range(32):
            w.frame(mc.tcp_frame(src, CLIENT, 80, 40000, "A", 1001 + 100 + k * 65_000, zeros))
    honest(w)


def fragment_bomb(w: Writer, datagrams: int) -> None:
    """IPv4 datagrams whose 63 fragments each overlap the whole 65 KB, none ever complete."""
    zeros = bytes(64_000)
    for d in range(datagrams):
        for k in range(63):
            head = (0x45, 0, 20 + len(zeros), d & 0xFFFF, 0x2000 | k, 64, 17, 0)  # MF, offset 8k
            ip = struct.pack("!BBHHHBBH4s4s", *head, mc._ip4(FLOOD_IP), mc._ip4(CLIENT.ip))
            w.frame(mc._mac(CLIENT.mac) + mc._mac(FLOOD_MAC) + b"\x08\x00" + ip + zeros)
    honest(w)


def arp_hosts(w: Writer, hosts: int) -> None:
    """`hosts` stations (Intel OUI) each stating its address by ARP."""
    for n in range(hosts):
        w.frame(arp_reply(mac_of("3c:a9:f4", n), ip_of(n + 256)))
    honest(w)


def hik_hosts(w: Writer, hosts: int) -> None:
    """`hosts` stations in a Hikvision OUI block, each answering HTTP with `Server: App-webs/`."""
    response = http_response("App-webs/")
    for n in range(hosts):
        host = mc.Host(mac_of("44:19:b6", n), ip_of(n + 256))
        w.frame(arp_reply(host.mac, host.ip))
        w.frame(mc.tcp_frame(host, CLIENT, 80, 50000, "FA", 7000, response))
    honest(w)


def dhcp_names(w: Writer, hosts: int) -> None:
    """`hosts` DHCP requests from distinct clients, each naming itself (option 12)."""
    server = mc.Host("ff:ff:ff:ff:ff:ff", "255.255.255.255")
    for n in range(hosts):
        mac = mac_of("3c:a9:f4", n)
        bootp = bytearray(240)
        bootp[0:4] = b"\x01\x01\x06\x00"
        bootp[28:34] = mc._mac(mac)
        bootp[236:240] = b"\x63\x82\x53\x63"
        name = f"desktop-{n:07d}".encode()
        options = b"\x35\x01\x03" + bytes([12, len(name)]) + name + b"\xff"
        w.frame(udp_frame(mc.Host(mac, "0.0.0.0"), server, 68, 67, bytes(bootp) + options))
    honest(w)


def server_flood(w: Writer, values: int) -> None:
    """One host answering HTTP `values` times, each with another Server value a rule matches."""
    flood = mc.Host(FLOOD_MAC, FLOOD_IP)
    for n in range(values):
        response = http_response(f"App-webs/{n}")
        w.frame(mc.tcp_frame(flood, CLIENT, 80, 1024 + n % 60000, "FA", 7000 + n, response))
    honest(w)


def radiotap(w: Writer, frames: int) -> None:
    """802.11 radiotap frames (link type 127): nothing camscan decodes."""
    for n in range(frames):
        w.frame(struct.pack("<BBHI", 0, 0, 8, 0) + bytes(24) + n.to_bytes(4, "big"))


ATTACKS: dict[str, tuple[Callable[[Writer, int], None], int, str, int]] = {
    # name: (generator, full-scale size, file suffix, link type)
    "ooo_segments": (ooo_segments, 5_000, ".pcap.gz", ETHERNET),
    "fragment_bomb": (fragment_bomb, 256, ".pcap.gz", ETHERNET),
    "arp_hosts": (arp_hosts, 1_000_000, ".pcap.gz", ETHERNET),
    "hik_hosts": (hik_hosts, 100_000, ".pcap.gz", ETHERNET),
    "dhcp_names": (dhcp_names, 1_000_000, ".pcap.gz", ETHERNET),
    "server_flood": (server_flood, 100_000, ".pcap.gz", ETHERNET),
    "radiotap": (radiotap, 1_000, ".pcap", RADIOTAP),
}


def write(name: str, out_dir: Path, scale: int | None = None) -> Path:
    """Write attack `name` at `scale` (its full size by default) into `out_dir`; its path."""
    generate, full, suffix, linktype = ATTACKS[name]
    path = out_dir / f"{name}-{scale or full}{suffix}"
    w = Writer(path, linktype, level=9 if name in ("ooo_segments", "fragment_bomb") else 1)
    try:
        generate(w, scale or full)
    finally:
        w.close()
    return path


def corrupt_blocks(path: Path, blocks: int) -> Path:
    """pcapng: the honest camera, `blocks` packet blocks naming an undescribed interface, again."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as fh,
    ):
        fh.write(mc.ng_shb() + mc.ng_idb())
        frame = mc.honest_frames()[0]
        fh.write(mc.ng_epb(frame, 0))
        orphan = mc.ng_epb(bytes(60), 1, ifid=7)
        for _ in range(blocks):
            fh.write(orphan)
        fh.write(mc.ng_epb(frame, 2))
    return path


def frames_of(path: Path) -> Iterator[bytes]:
    """The frames of a pcap written here (for tests that look inside)."""
    with gzip.open(path) if path.suffix == ".gz" else path.open("rb") as fh:
        fh.read(24)
        while head := fh.read(16):
            (incl,) = struct.unpack_from("<I", head, 8)
            yield fh.read(incl)


def main(argv: list[str]) -> None:
    """Command line: see the module docstring."""
    name, out = argv[0], Path(argv[1])
    scale = int(argv[2]) if len(argv) > 2 else None
    if name == "corrupt_blocks":
        path = corrupt_blocks(
            out / f"corrupt_blocks-{scale or 1_000_000}.pcapng.gz", scale or 1_000_000
        )
    else:
        path = write(name, out, scale)
    print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
