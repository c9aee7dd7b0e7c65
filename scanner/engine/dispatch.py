"""The per-frame hot path: parse headers by hand and route payloads to decoders.

Only frames that can carry evidence reach a decoder. Bulk traffic (video, TLS application data)
costs a header walk and one dictionary lookup: TCP directions that did not open with a banner are
remembered as uninteresting, and interesting ones are buffered only up to a few kilobytes.
"""

from __future__ import annotations

import logging
import socket
import struct
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from scanner.decoders import (
    arp,
    dhcp,
    dhip,
    dns,
    http,
    ndp,
    p2p,
    rtsp,
    sadp,
    sdk,
    ssdp,
    tls,
    wsd,
)
from scanner.engine.flows import Direction, Fragments
from scanner.engine.hosts import Sightings
from scanner.model import Meta, Observation
from scanner.wire import (
    ET_ARP,
    ET_IPV4,
    ET_IPV6,
    IPPROTO_ICMPV6,
    IPPROTO_TCP,
    IPPROTO_UDP,
    LT_ETHERNET,
    LT_IPV4,
    LT_IPV6,
    LT_LOOP,
    LT_NULL,
    LT_RAW,
    LT_SLL,
    LT_SLL2,
    TCP_ACK,
    TCP_FIN,
    TCP_RST,
    TCP_SYN,
    VLAN_TYPES,
)

log = logging.getLogger(__name__)

Decoder = Callable[[bytes, Meta], list[Observation]]
Sink = Callable[[Observation], None]

IPV6_EXT = frozenset({0, 43, 60})  # hop-by-hop, routing, destination options
IPV6_FRAG = 44

PURE_ACK_NOT = TCP_SYN | TCP_FIN | TCP_RST  # without payload, only these flags do anything
DECIDE_AT = 16  # bytes of a direction's start that _interest needs to recognise a banner
MEMO_ENTRIES = 4096  # remembered UDP decodes; the table is emptied when full
MEMO_PAYLOAD = 4096  # larger payloads are decoded every time (bounds the memo's memory)
STREAM_CAP = 8 * 1024
TLS_CAP = 16 * 1024  # a certificate chain after the ServerHello is often 3-6 KiB
MAX_REQUESTS = 4096  # request lines remembered for the reply in the other direction
REQUEST_LINE = 256  # characters of a request line kept

# payload -> (payload without per-message ids, the ids as the decoder states them), for the memo
MEMO_FORMS: dict[Decoder, Callable[[bytes], tuple[bytes, dict[str, str]] | None]] = {
    wsd.decode: wsd.memo_form,
    sadp.decode: sadp.memo_form,
}
# (payload, sport, dport) -> True when the decoder would find nothing (clients' queries)
SILENT: dict[Decoder, Callable[[bytes, int, int], bool]] = {dns.decode: dns.silent}

_HH = struct.Struct("!HH")
_HHI = struct.Struct("!HHI")


def _udp_table() -> dict[int, Decoder]:
    table: dict[int, Decoder] = {}
    for module in (dns, dhcp, ssdp, wsd, sadp):
        for port in module.UDP_PORTS:
            table[port] = module.decode
    for port in dhip.UDP_PORTS:
        table[port] = dhip.decode
    for port in dhip.UDP_PORTS_5050:
        table[port] = dhip.decode_5050
    return table


def _server_side(data: bytes, sport: int) -> bool:
    """True when a stream direction is a server answering (so its port is a service)."""
    if data.startswith((b"HTTP/", b"RTSP/")) or sport in sdk.SDK_PORTS:
        return True
    return len(data) > 5 and data[0] == 0x16 and data[5] == 2  # TLS ServerHello


def _request_line(data: bytes) -> str | None:
    """`METHOD target` of an HTTP or RTSP request at the start of `data`, or None."""
    if not (http.looks_like(data[:16]) or rtsp.looks_like(data[:16])) or data.startswith(
        (b"HTTP/", b"RTSP/")
    ):
        return None
    end = data.find(b"\n", 0, REQUEST_LINE + 2)
    line = data[: end if end >= 0 else REQUEST_LINE].rstrip(b"\r")
    parts = line.split(b" ")
    if len(parts) < 2 or not parts[0].isupper():
        return None
    return (parts[0] + b" " + parts[1]).decode("utf-8", "replace")[:REQUEST_LINE]


def mac_str(raw: bytes) -> str:
    """Lower-case colon form of a 6-byte MAC."""
    return raw.hex(":")


def ip_str(raw: bytes) -> str:
    """Text form of a 4- or 16-byte IP address."""
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)


class Dispatcher:
    """Turns frames into observations, sightings and services; owns the TCP direction table."""

    def __init__(self, sink: Sink, sightings: Sightings) -> None:
        self.sink = sink
        self.sightings = sightings
        self.udp = _udp_table()
        self.p2p_first = p2p.FIRST_BYTES
        self.ledger = ledger = sightings.ledger
        budget = ledger.budget
        self.dirs: dict[tuple[Any, ...], Direction | bool] = {}
        self.max_dirs = budget.cap("directions")
        # directions still buffering, oldest first: the first closed when stream_bytes is spent
        self.live: OrderedDict[tuple[Any, ...], Direction] = OrderedDict()
        self.stream_bytes = 0
        self.max_stream_bytes = budget.cap("stream_bytes")
        self.fragments = Fragments(budget.cap("fragment_bytes"), ledger)
        # decoded UDP payloads by (decoder, payload, addresses): devices repeat their
        # announcements verbatim, and re-parsing the same XML is the costliest thing a frame does
        self.memo: dict[tuple[Any, ...], tuple[Observation, ...]] = {}
        self.memo_bytes = 0
        self.max_memo_bytes = budget.cap("memo_bytes")
        # first request line of closed client directions, so the reply can say what it answered;
        # emptied when full (a reply then goes unpaired, nothing else is lost)
        self.requests: dict[tuple[Any, ...], str] = {}
        self.max_requests = min(MAX_REQUESTS, self.max_dirs)
        self.decode_errors = 0
        self.input = ""
        self.frame_no = 0
        # what a malformed frame may raise: counted in decode_errors, never fatal
        self.frame_errors = (IndexError, struct.error, ValueError, OSError)
        self.frame = self._fast_path()

    # -- frames ---------------------------------------------------------------------------
    def _fast_path(self) -> Callable[[int, float, bytes], None]:
        """The per-frame entry point: a closure, so the hot lookups are local cells.

        Untagged Ethernet with a 20-byte IPv4 header is nearly every frame of a store capture.
        Its bulk (video over UDP, TLS data and RTSP-interleaved video over TCP) is recognised
        here and dropped after the sighting update and one dictionary lookup; everything else
        takes the general path.
        """
        pairs, udp, p2p_first, dirs = self.sightings.pairs, self.udp, self.p2p_first, self.dirs
        see, general, ipv4 = self.sightings.see, self._frame, self._ipv4
        errors = self.frame_errors

        def frame(linktype: int, ts: float, data: bytes) -> None:
            """Process one captured frame; malformed frames are counted, never fatal."""
            self.frame_no += 1
            try:
                if (
                    linktype != LT_ETHERNET
                    or len(data) < 34  # a frame cut inside its IPv4 header: general path drops it
                    or data[12] != 8
                    or data[13]
                    or data[14] != 0x45
                ):
                    general(linktype, ts, data)
                    return
                smac, sip = data[6:12], data[26:30]
                seen = pairs.get((None, smac, sip))
                if seen is not None:
                    seen[1] = ts
                elif sip != b"\0\0\0\0":
                    see(None, smac, sip, ts, self.frame_no)
                if not (data[20] & 0x3F or data[21]):  # not a fragment: ports at offset 34
                    proto = data[23]
                    sport = (data[34] << 8) | data[35]
                    dport = (data[36] << 8) | data[37]
                    if proto == IPPROTO_UDP:
                        if (
                            dport not in udp
                            and sport not in udp
                            and (len(data) <= 42 or data[42] not in p2p_first)
                        ):
                            return
                    elif proto != IPPROTO_TCP:
                        return
                    elif (
                        len(data) >= 48
                        and not data[47] & PURE_ACK_NOT
                        and min(14 + ((data[16] << 8) | data[17]), len(data))
                        <= 34 + (data[46] >> 4) * 4
                    ):
                        return  # a pure ACK (no payload, no SYN/FIN/RST) changes nothing
                    elif dirs.get((None, sip, sport, data[30:34], dport)) is False:
                        return
                ipv4(data, 14, ts, None, smac, data[0:6], True)
            except errors:
                self.decode_errors += 1

        return frame

    def _frame(self, linktype: int, ts: float, data: bytes) -> None:
        vlan: int | None = None
        smac = dmac = b""
        if linktype == LT_ETHERNET:
            etype = (data[12] << 8) | data[13]
            off = 14
            while etype in VLAN_TYPES:
                vlan = ((data[off] & 0x0F) << 8) | data[off + 1]
                etype = (data[off + 2] << 8) | data[off + 3]
                off += 4
            dmac, smac = data[0:6], data[6:12]
        elif linktype == LT_SLL:
            etype, off = (data[14] << 8) | data[15], 16
            if data[4] == 0 and data[5] == 6:
                smac = data[6:12]
        elif linktype == LT_SLL2:
            etype, off = (data[0] << 8) | data[1], 20
            if data[11] == 6:
                smac = data[12:18]
        elif linktype in (LT_RAW, LT_IPV4, LT_IPV6):
            etype, off = (ET_IPV4 if data[0] >> 4 == 4 else ET_IPV6), 0
        elif linktype in (LT_NULL, LT_LOOP):
            family = data[0] | data[3]  # host or network byte order: the family is < 256
            etype, off = (ET_IPV4 if family == 2 else ET_IPV6), 4
        else:
            return
        if etype == ET_IPV4:
            self._ipv4(data, off, ts, vlan, smac, dmac)
        elif etype == ET_IPV6:
            self._ipv6(data, off, ts, vlan, smac, dmac)
        elif etype == ET_ARP:
            self._emit(arp.decode, data[off:], self._meta(ts, vlan, smac, dmac))
        elif etype == sadp.ETHERTYPE:
            self._emit(sadp.decode_legacy, data[off:], self._meta(ts, vlan, smac, dmac))

    def _ipv4(
        self,
        data: bytes,
        off: int,
        ts: float,
        vlan: int | None,
        smac: bytes,
        dmac: bytes,
        counted: bool = False,  # the fast path already recorded the sighting
    ) -> None:
        b0 = data[off]
        if b0 >> 4 != 4:
            return
        if len(data) < off + 20:
            self.decode_errors += 1  # cut inside the header: no address can be trusted
            return
        end = off + ((data[off + 2] << 8) | data[off + 3])  # slicing clamps to the frame
        sip, dip = data[off + 12 : off + 16], data[off + 16 : off + 20]
        if smac and not counted and sip != b"\0\0\0\0":
            self.sightings.see(vlan, smac, sip, ts, self.frame_no)
        proto = data[off + 9]
        l4 = off + (b0 & 0x0F) * 4
        frag = ((data[off + 6] << 8) | data[off + 7]) & 0x3FFF
        if frag:
            # a SADP ProbeMatch is ~1.6 KB of XML: real replies arrive as two IP fragments
            whole = self.fragments.add(
                (vlan, sip, dip, data[off + 4 : off + 6], proto),
                (frag & 0x1FFF) * 8,
                bool(frag & 0x2000),
                data[l4:end],
            )
            if whole is None:
                return
            data, l4, end = whole, 0, len(whole)
        if proto == IPPROTO_UDP:
            self._udp(data, l4, end, ts, vlan, smac, dmac, sip, dip)
        elif proto == IPPROTO_TCP:
            self._tcp(data, l4, end, ts, vlan, smac, dmac, sip, dip)

    def _ipv6(
        self, data: bytes, off: int, ts: float, vlan: int | None, smac: bytes, dmac: bytes
    ) -> None:
        if data[off] >> 4 != 6:
            return
        if len(data) < off + 40:
            self.decode_errors += 1
            return
        end = min(off + 40 + ((data[off + 4] << 8) | data[off + 5]), len(data))
        nh = data[off + 6]
        sip, dip = data[off + 8 : off + 24], data[off + 24 : off + 40]
        l4 = off + 40
        for _ in range(8):
            if nh in IPV6_EXT:
                nh, l4 = data[l4], l4 + (data[l4 + 1] + 1) * 8
            elif nh == IPV6_FRAG:
                if smac and sip != bytes(16):
                    self.sightings.see(vlan, smac, sip, ts, self.frame_no)
                field = (data[l4 + 2] << 8) | data[l4 + 3]
                key = (vlan, sip, dip, data[l4 + 4 : l4 + 8], data[l4])
                whole = self.fragments.add(key, field & 0xFFF8, bool(field & 1), data[l4 + 8 : end])
                if whole is None:
                    return
                nh, data, l4, end = data[l4], whole, 0, len(whole)
                break
            else:
                break
        else:
            return
        if smac and sip != bytes(16) and l4:
            self.sightings.see(vlan, smac, sip, ts, self.frame_no)
        if nh == IPPROTO_UDP:
            self._udp(data, l4, end, ts, vlan, smac, dmac, sip, dip)
        elif nh == IPPROTO_TCP:
            self._tcp(data, l4, end, ts, vlan, smac, dmac, sip, dip)
        elif nh == IPPROTO_ICMPV6 and data[l4] in ndp.ICMPV6_TYPES:
            meta = self._meta(ts, vlan, smac, dmac, sip, dip, "icmpv6")
            self._emit(ndp.decode, data[l4:end], meta)

    # -- transports -----------------------------------------------------------------------
    def _udp(
        self,
        data: bytes,
        l4: int,
        end: int,
        ts: float,
        vlan: int | None,
        smac: bytes,
        dmac: bytes,
        sip: bytes,
        dip: bytes,
    ) -> None:
        sport, dport = _HH.unpack_from(data, l4)
        decoder = self.udp.get(dport) or self.udp.get(sport)
        if decoder is None:
            if l4 + 8 >= min(end, len(data)) or data[l4 + 8] not in self.p2p_first:
                return
            decoder = p2p.decode
        payload = data[l4 + 8 : end]
        quiet = SILENT.get(decoder)
        if quiet is not None and quiet(payload, sport, dport):
            return
        meta = self._meta(ts, vlan, smac, dmac, sip, dip, "udp", sport, dport)
        # announcements repeat but for their message ids: remembered without them
        form = MEMO_FORMS.get(decoder)
        found = form(payload) if form is not None else None
        memo_payload: object = payload if found is None else (found[0],)
        ids = found[1] if found is not None else None
        key = (decoder, memo_payload, vlan, smac, sip, dmac, dip, sport, dport)
        cached = self.memo.get(key)
        if cached is None:
            errors = self.decode_errors
            cached = tuple(self._decode(decoder, payload, meta))
            # a payload a decoder fails on is not remembered: each copy counts as an error, so
            # the count does not depend on what was read before (--jobs reads in parts)
            if len(payload) <= MEMO_PAYLOAD and self.decode_errors == errors:
                if len(self.memo) >= MEMO_ENTRIES or self.memo_bytes > self.max_memo_bytes:
                    self.memo.clear()
                    self.memo_bytes = 0
                self.memo[key] = cached
                self.memo_bytes += len(payload) + sum(len(o.value) for o in cached)
            for obs in cached:
                self.sink(obs)
            return
        for obs in cached:  # the same facts again, at this frame's time and number (and ids)
            attrs = {k: ids.get(k, v) for k, v in obs.attrs.items()} if ids else obs.attrs
            self.sink(Observation(obs.kind, obs.value, meta, attrs, obs.truncated))

    def _tcp(
        self,
        data: bytes,
        l4: int,
        end: int,
        ts: float,
        vlan: int | None,
        smac: bytes,
        dmac: bytes,
        sip: bytes,
        dip: bytes,
    ) -> None:
        sport, dport, seq = _HHI.unpack_from(data, l4)
        key = (vlan, sip, sport, dip, dport)
        d = self.dirs.get(key)
        if d is False:
            return
        flags = data[l4 + 13]
        if d is None:
            if flags & TCP_SYN:
                if flags & TCP_ACK:
                    self.sightings.service(vlan, sip, "tcp", sport)
                self._new_direction(key, seq + 1, None)
                return
            payload = data[l4 + ((data[l4 + 12] >> 4) * 4) : end]
            if not payload:
                return
            cap = self._interest(payload, sport)
            if not cap:
                self.dirs[key] = False
                return
            d = self._new_direction(key, seq, cap)
        else:
            payload = data[l4 + ((data[l4 + 12] >> 4) * 4) : end]
        assert isinstance(d, Direction)
        if payload:
            if d.meta is None:
                d.meta = self._meta(ts, vlan, smac, dmac, sip, dip, "tcp", sport, dport)
            before = d.held()
            full = d.add(seq, payload)
            self.stream_bytes += d.held() - before
            if self.stream_bytes > self.max_stream_bytes:
                self._shed(key)
                if self.dirs.get(key) is False:
                    return
            if not d.decided and (
                len(d.buf) >= DECIDE_AT or (d.buf and flags & (TCP_FIN | TCP_RST))
            ):
                # the first in-order bytes of a SYN-seen direction decide its fate; a stack
                # that sends tiny segments must not hide a banner by splitting its first line
                d.decided = True
                d.cap = self._interest(bytes(d.buf[:DECIDE_AT]), sport)
                if not d.cap:
                    self._forget(key, d)
                    return
                full = len(d.buf) >= d.cap
            if full:
                self._close(key, d)
                return
        if flags & (TCP_FIN | TCP_RST):
            self._close(key, d)

    def _new_direction(self, key: tuple[Any, ...], next_seq: int, cap: int | None) -> Direction:
        if len(self.dirs) >= self.max_dirs:
            if self.live:
                self.ledger.drop("directions", len(self.live))
            self.flush()
        d = Direction(None, next_seq & 0xFFFFFFFF, cap or TLS_CAP)
        d.decided = cap is not None
        self.dirs[key] = self.live[key] = d
        return d

    def _shed(self, current: tuple[Any, ...]) -> None:
        """Close the oldest buffering directions until the stream buffers fit their budget."""
        while self.stream_bytes > self.max_stream_bytes and self.live:
            key = next(iter(self.live))
            if key == current and len(self.live) > 1:
                self.live.move_to_end(key)  # the direction that just grew goes last
                key = next(iter(self.live))
            self.ledger.drop("directions")
            self._close(key, self.live[key])

    @staticmethod
    def _interest(first: bytes, sport: int) -> int:
        """Buffer cap for a direction opening with `first`, or 0 when it cannot hold evidence."""
        if tls.looks_like(first):
            return TLS_CAP
        if (
            sport in sdk.SDK_PORTS
            or first.startswith(dhip.DHIP_MAGIC)
            or http.looks_like(first)
            or rtsp.looks_like(first)
        ):
            return STREAM_CAP
        return 0

    def _forget(self, key: tuple[Any, ...], d: Direction) -> None:
        """Stop following a direction: remember it as uninteresting, free what it held."""
        self.dirs[key] = False
        self.live.pop(key, None)
        self.stream_bytes -= d.release()

    def _close(self, key: tuple[Any, ...], d: Direction) -> None:
        self._forget(key, d)
        if d.lost:
            self.ledger.drop("stream_bytes", d.lost)
        if not d.buf or d.meta is None:
            return
        data = d.first_bytes()
        line = _request_line(data)
        if line is not None:
            if len(self.requests) >= self.max_requests:
                self.requests.clear()
            self.requests[key] = line
        self._decode_stream(data, d.meta, None if line else self._request_for(key))

    def _request_for(self, key: tuple[Any, ...]) -> str | None:
        """The first request line the peer sent on this connection, if it was seen."""
        vlan, sip, sport, dip, dport = key
        reverse = (vlan, dip, dport, sip, sport)
        peer = self.dirs.get(reverse)
        if isinstance(peer, Direction):
            return _request_line(bytes(peer.buf[: REQUEST_LINE + 2]))
        return self.requests.pop(reverse, None)

    def _decode_stream(self, data: bytes, meta: Meta, request: str | None = None) -> None:
        decoders: list[Decoder] = []
        if meta.sport in sdk.SDK_PORTS or data.startswith(dhip.DHIP_MAGIC):
            decoders.append(sdk.decode)
        for module in (http, rtsp, tls):
            if module.looks_like(data[:16]):
                decoders.append(module.decode)
        for decoder in decoders:
            if request is None:
                self._emit(decoder, data, meta)
                continue
            for obs in self._decode(decoder, data, meta):
                # a reply is read with the request it answers (an XML 200 to /ISAPI/...)
                attrs = {**obs.attrs, "request": request}
                self.sink(Observation(obs.kind, obs.value, obs.meta, attrs, obs.truncated))
        if meta.sport is not None and _server_side(data, meta.sport):
            self.sightings.service_ip(meta.vlan, meta.src_ip, "tcp", meta.sport)

    def flush(self) -> None:
        """Decode every buffered stream direction and forget all TCP state."""
        for key, d in list(self.live.items()):
            self._close(key, d)
        self.dirs.clear()
        self.live.clear()
        self.stream_bytes = 0

    # -- helpers --------------------------------------------------------------------------
    def _meta(
        self,
        ts: float,
        vlan: int | None,
        smac: bytes,
        dmac: bytes,
        sip: bytes | None = None,
        dip: bytes | None = None,
        proto: str = "eth",
        sport: int | None = None,
        dport: int | None = None,
    ) -> Meta:
        return Meta(
            input=self.input,
            frame=self.frame_no,
            ts=ts,
            vlan=vlan,
            src_mac=mac_str(smac) if smac else None,
            dst_mac=mac_str(dmac) if dmac else None,
            src_ip=ip_str(sip) if sip else None,
            dst_ip=ip_str(dip) if dip else None,
            proto=proto,
            sport=sport,
            dport=dport,
        )

    def _emit(self, decoder: Decoder, payload: bytes, meta: Meta) -> None:
        for obs in self._decode(decoder, payload, meta):
            self.sink(obs)

    def _decode(self, decoder: Decoder, payload: bytes, meta: Meta) -> Iterable[Observation]:
        try:
            return decoder(payload, meta)
        except Exception:  # a decoder bug must not lose the rest of the capture
            self.decode_errors += 1
            log.debug(
                "decoder %s failed on frame %d", decoder.__module__, meta.frame, exc_info=True
            )
            return ()
