"""Sockets that send probes: a token bucket for the packet rate, and UDP discovery endpoints."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Clock = Callable[[], float]
# (payload, source ip, source port, local port) of a datagram received on a discovery socket
Datagram = Callable[[bytes, str, int, int], None]
MAX_DATAGRAM = 65535
DRAIN_BATCH = 256  # datagrams per wake-up, so a flood cannot starve the event loop
MAX_DATAGRAMS = 4096  # per socket and scan; beyond this datagrams are read and dropped
RECV_BUFFER = 1 << 20
_SO_BINDTODEVICE = getattr(socket, "SO_BINDTODEVICE", 25)


class TokenBucket:
    """At most `rate` events per second on average, with bursts of at most `burst` events."""

    def __init__(self, rate: float, burst: float | None = None, clock: Clock = time.monotonic):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate / 10)
        self.tokens = self.capacity
        self.clock = clock
        self.stamp = clock()

    def reserve(self) -> float:
        """Take one token now; the seconds the caller must wait before using it."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    async def take(self) -> None:
        """Wait until one more event is allowed."""
        delay = self.reserve()
        if delay > 0:
            await asyncio.sleep(delay)


def bind_to_device(sock: socket.socket, iface: str) -> bool:
    """Tie `sock` to `iface` (needs CAP_NET_RAW on older kernels); False when refused."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_BINDTODEVICE, iface.encode() + b"\0")
    except OSError:
        return False
    return True


@dataclass(slots=True)
class UdpEndpoint:
    """A non-blocking UDP socket on the scan interface whose datagrams go to a callback."""

    sock: socket.socket
    port: int
    on_datagram: Datagram
    bound_to_device: bool = False
    received: int = field(default=0)
    dropped: int = field(default=0)

    def send(self, payload: bytes, dst: str, dport: int) -> bool:
        """Send one datagram; False (and a debug line) when the kernel refuses it."""
        try:
            self.sock.sendto(payload, (dst, dport))
        except OSError as exc:
            log.debug("send to %s:%d failed: %s", dst, dport, exc)
            return False
        return True

    def drain(self) -> None:
        """Hand up to DRAIN_BATCH queued datagrams to the callback (MAX_DATAGRAMS in all)."""
        for _ in range(DRAIN_BATCH):
            try:
                data, (src, sport, *_) = self.sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # an ICMP error reported on the socket
                log.debug("receive on UDP %d: %s", self.port, exc)
                return
            if self.received >= MAX_DATAGRAMS:
                self.dropped += 1
                continue
            self.received += 1
            self.on_datagram(data, src, sport, self.port)

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()


def udp_endpoint(
    iface: str,
    iface_ip: str,
    on_datagram: Datagram,
    port: int = 0,
    groups: Sequence[str] = (),
) -> UdpEndpoint | None:
    """A UDP socket for discovery on `iface`: broadcast allowed, multicast out of `iface_ip`,
    TTL 1 (never routed), own multicast not looped back; `port` > 0 also joins `groups`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECV_BUFFER)
        if port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        bound = bind_to_device(sock, iface)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        sock.bind(("0.0.0.0", port))
        for group in groups:
            mreq = socket.inet_aton(group) + socket.inet_aton(iface_ip)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    except OSError as exc:
        log.info("UDP socket on port %d unavailable: %s", port, exc)
        sock.close()
        return None
    return UdpEndpoint(sock, sock.getsockname()[1], on_datagram, bound)
