"""Live frames: an AF_PACKET socket on an interface, and the sink every frame goes through on its
way to the engine's frame handler and the --pcap-out file."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.errors import RuntimeFailure
from scanner.sources.pcapng import PcapNgWriter
from scanner.wire import LT_ETHERNET, LT_RAW

log = logging.getLogger(__name__)

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
ARPHRD_ETHER, ARPHRD_LOOPBACK, ARPHRD_NONE = 1, 772, 0xFFFE
_LINKTYPES = {ARPHRD_ETHER: LT_ETHERNET, ARPHRD_NONE: LT_RAW}
RCVBUF = 8 << 20
MAX_FRAME = 262144
DRAIN_BATCH = 512  # frames per wake-up, so a flood cannot starve the probes


FrameHandler = Callable[[int, float, bytes], None]


@dataclass(slots=True)
class FrameSink:
    """Counts each frame, writes it to --pcap-out and hands it to `frame` (the dispatcher's).

    Without a handler yet (an active scan whose engine is still loading) frames wait in order
    in `pending` until attach(); only the scan's own probes arrive then, so they are few.
    """

    frame: FrameHandler | None
    writer: PcapNgWriter | None = None
    frames: int = 0
    octets: int = 0
    pending: list[tuple[int, float, bytes]] = field(default_factory=list)

    def __call__(self, linktype: int, ts: float, data: bytes, comment: str = "") -> None:
        """Take one frame."""
        self.frames += 1
        self.octets += len(data)
        if self.writer is not None:
            self.writer.write(linktype, ts, data, comment)
        if self.frame is None:
            self.pending.append((linktype, ts, data))
        else:
            self.frame(linktype, ts, data)

    def attach(self, frame: FrameHandler) -> None:
        """Hand every waiting frame to `frame`, then each frame as it comes."""
        self.frame = frame
        waiting, self.pending = self.pending, []
        for linktype, ts, data in waiting:
            frame(linktype, ts, data)


def open_raw(iface: str) -> socket.socket | None:
    """A non-blocking AF_PACKET socket receiving every frame of `iface`; None without privileges."""
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    except (PermissionError, AttributeError):
        return None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        # binding with the protocol starts reception on this interface only
        sock.bind((iface, ETH_P_ALL))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class RawCapture:
    """Reads frames from an AF_PACKET socket into a FrameSink; sends hand-built frames."""

    def __init__(self, sock: socket.socket, sink: FrameSink) -> None:
        self.sock = sock
        self.sink = sink

    def fileno(self) -> int:
        """The socket's descriptor, for the event loop."""
        return self.sock.fileno()

    def drain(self) -> None:
        """Feed up to DRAIN_BATCH queued frames to the sink."""
        for _ in range(DRAIN_BATCH):
            try:
                data, addr = self.sock.recvfrom(MAX_FRAME)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.debug("capture read failed: %s", exc)
                return
            self._frame(data, addr)

    def _frame(self, data: bytes, addr: tuple[object, ...]) -> None:
        pkttype, hatype = addr[2], addr[3]
        if hatype == ARPHRD_LOOPBACK:
            if pkttype == PACKET_OUTGOING:
                return  # loopback shows every packet twice: keep the received copy
            self.sink(LT_RAW, time.time(), data[14:])
            return
        linktype = _LINKTYPES.get(hatype)  # type: ignore[call-overload]
        if linktype is not None:
            self.sink(linktype, time.time(), data)

    def send(self, frame: bytes) -> bool:
        """Send one complete link-layer frame, and hand it to the sink (a packet socket does
        not hear its own frames); False when the kernel refuses."""
        try:
            self.sock.send(frame)
        except OSError as exc:
            log.debug("raw send failed: %s", exc)
            return False
        self.sink(LT_ETHERNET, time.time(), frame)
        return True

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()


def require_raw(iface: str) -> socket.socket:
    """open_raw, or RuntimeFailure saying which privilege is missing."""
    raw = open_raw(iface)
    if raw is None:
        raise RuntimeFailure(
            f"listening on {iface} needs raw-socket privileges (root or CAP_NET_RAW)"
        )
    return raw


def pump(raw: socket.socket, sink: FrameSink, seconds: float) -> bool:
    """Feed every frame `raw` receives to `sink` for `seconds`, then close it; True when Ctrl-C
    ended it early (the frames heard until then are in the sink)."""
    capture = RawCapture(raw, sink)

    async def listen() -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(raw.fileno(), capture.drain)
        try:
            await asyncio.sleep(seconds)
        finally:
            loop.remove_reader(raw.fileno())
            capture.drain()

    try:
        asyncio.run(listen())
    except KeyboardInterrupt:
        log.info("listening stopped by the user; reporting what was heard")
        return True
    finally:
        capture.close()
    return False
