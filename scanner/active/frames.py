"""Frames made from socket payloads, for runs without raw capture: the same bytes, framed.

IPv4 packets are written with link type RAW (no Ethernet header), so no made-up MAC address
reaches the engine; MACs come from ARP replies rebuilt from the kernel's neighbour table.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field

from scanner.decoders import tls
from scanner.decoders.arp import ARP_REPLY, ETHERNET_IPV4
from scanner.wire import ET_ARP, IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN

_IPV4 = struct.Struct("!BBHHHBBH4s4s")
_UDP = struct.Struct("!HHHH")
_TCP = struct.Struct("!HHIIBBHHH")
_TTL = 64
_WINDOW = 65535
_TLS12 = b"\x03\x03"
ETH_BROADCAST = b"\xff" * 6
ETH_MIN_FRAME = 60  # without the FCS; shorter frames are padded (IEEE 802.3)
MAX_IP_PAYLOAD = 65535 - 20 - 20


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of `data`."""
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src: str, dst: str, proto: int, l4: bytes, ident: int = 0) -> bytes:
    """An IPv4 packet (no options, DF set) around a transport segment."""
    head = _IPV4.pack(
        0x45, 0, 20 + len(l4), ident & 0xFFFF, 0x4000, _TTL, proto, 0,
        socket.inet_aton(src), socket.inet_aton(dst),
    )  # fmt: skip
    return head[:10] + struct.pack("!H", checksum(head)) + head[12:] + l4


def _pseudo(src: str, dst: str, proto: int, length: int) -> bytes:
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, length)


def udp_packet(src: str, sport: int, dst: str, dport: int, payload: bytes) -> bytes:
    """IPv4/UDP packet carrying `payload` (cut to what one IPv4 packet holds)."""
    payload = payload[: MAX_IP_PAYLOAD + 12]
    head = _UDP.pack(sport, dport, 8 + len(payload), 0)
    csum = checksum(_pseudo(src, dst, IPPROTO_UDP, 8 + len(payload)) + head + payload) or 0xFFFF
    return ipv4(src, dst, IPPROTO_UDP, head[:6] + struct.pack("!H", csum) + payload)


def tcp_packet(
    src: str, sport: int, dst: str, dport: int, seq: int, ack: int, flags: int, payload: bytes
) -> bytes:
    """IPv4/TCP segment with a 20-byte header."""
    payload = payload[:MAX_IP_PAYLOAD]
    head = _TCP.pack(sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, _WINDOW, 0, 0)
    csum = checksum(_pseudo(src, dst, IPPROTO_TCP, 20 + len(payload)) + head + payload)
    return ipv4(src, dst, IPPROTO_TCP, head[:16] + struct.pack("!H", csum) + head[18:] + payload)


def arp_frame(
    op: int, sender_mac: bytes, sender_ip: str, target_mac: bytes, target_ip: str, dst_mac: bytes
) -> bytes:
    """Ethernet frame to `dst_mac` carrying one IPv4 ARP message, padded to the minimum size."""
    arp = struct.pack(
        "!HHBBH6s4s6s4s", *ETHERNET_IPV4, op,
        sender_mac, socket.inet_aton(sender_ip), target_mac, socket.inet_aton(target_ip),
    )  # fmt: skip
    frame = dst_mac + sender_mac + struct.pack("!H", ET_ARP) + arp
    return frame.ljust(ETH_MIN_FRAME, b"\0")


def arp_reply(mac: bytes, ip: str, dst_mac: bytes, dst_ip: str) -> bytes:
    """Ethernet frame with the ARP reply `ip is-at mac` (as the neighbour table recorded it)."""
    return arp_frame(ARP_REPLY, mac, ip, dst_mac, dst_ip, dst_mac)


def tls_certificate_record(der: bytes) -> bytes:
    """A TLS 1.2 handshake record holding one Certificate message with the leaf `der`."""
    certs = len(der).to_bytes(3, "big") + der
    body = len(certs).to_bytes(3, "big") + certs
    message = bytes([tls.CERTIFICATE]) + len(body).to_bytes(3, "big") + body
    return bytes([tls.HANDSHAKE]) + _TLS12 + struct.pack("!H", len(message)) + message


@dataclass(slots=True)
class TcpConversation:
    """Segments of one client connection, numbered as the wire would number them."""

    client: str
    cport: int
    server: str
    sport: int
    cseq: int = 1000
    sseq: int = 5000
    packets: list[bytes] = field(default_factory=list)

    def open(self) -> None:
        """SYN, SYN-ACK and ACK: the server port accepted a connection."""
        self.packets.append(self._c(TCP_SYN, b""))
        self.cseq += 1
        self.packets.append(self._s(TCP_SYN | TCP_ACK, b""))
        self.sseq += 1
        self.packets.append(self._c(TCP_ACK, b""))

    def client_sends(self, data: bytes) -> None:
        """The client's request bytes."""
        if data:
            self.packets.append(self._c(TCP_PSH | TCP_ACK, data))
            self.cseq += len(data)

    def server_sends(self, data: bytes) -> None:
        """The server's reply bytes."""
        if data:
            self.packets.append(self._s(TCP_PSH | TCP_ACK, data))
            self.sseq += len(data)

    def close(self) -> None:
        """FIN from both sides."""
        self.packets.append(self._s(TCP_FIN | TCP_ACK, b""))
        self.packets.append(self._c(TCP_FIN | TCP_ACK, b""))

    def _c(self, flags: int, data: bytes) -> bytes:
        return tcp_packet(self.client, self.cport, self.server, self.sport, self.cseq, self.sseq,
                          flags, data)  # fmt: skip

    def _s(self, flags: int, data: bytes) -> bytes:
        return tcp_packet(self.server, self.sport, self.client, self.cport, self.sseq, self.cseq,
                          flags, data)  # fmt: skip
