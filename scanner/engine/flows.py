"""Bounded reassembly: the first kilobytes of each interesting TCP stream direction, IP fragments.

Memory per direction is at most twice its cap: the in-order bytes, plus out-of-order segments
clipped to the room left below the cap (a byte past the cap can never be used) and together no
larger than that room. The dispatcher caps the sum over all directions (budget "stream_bytes").
"""

from __future__ import annotations

from scanner.engine.budget import Ledger
from scanner.model import Meta

MAX_PENDING = 32  # out-of-order segments held per direction


class Direction:
    """The reassembled start of one direction of a TCP stream, cut at `cap` bytes."""

    __slots__ = ("buf", "cap", "decided", "lost", "meta", "next_seq", "pending", "pending_bytes")

    def __init__(self, meta: Meta | None, next_seq: int, cap: int) -> None:
        self.meta = meta  # context of the first data segment (None until it arrives)
        self.next_seq = next_seq
        self.cap = cap
        self.buf = bytearray()
        self.pending: dict[int, bytes] = {}
        self.pending_bytes = 0
        self.lost = 0  # out-of-order bytes refused: too many segments, or more than the room
        self.decided = True  # False while the first bytes have not yet said what the stream is

    def held(self) -> int:
        """Bytes this direction holds (in order and pending)."""
        return len(self.buf) + self.pending_bytes

    def add(self, seq: int, payload: bytes) -> bool:
        """Place a segment by sequence number; True once the buffer is full."""
        rel = (seq - self.next_seq) & 0xFFFFFFFF
        if rel == 0:
            self._append(payload)
            self._drain()
        elif rel < 0x80000000:
            self._hold(seq, rel, payload)
        else:
            overlap = (self.next_seq - seq) & 0xFFFFFFFF
            if overlap < len(payload):  # a retransmission that also carries new bytes
                self._append(payload[overlap:])
                self._drain()
        return len(self.buf) >= self.cap

    def _hold(self, seq: int, rel: int, payload: bytes) -> None:
        room = self.cap - len(self.buf)
        if rel >= room:
            return  # starts past the cap: never part of what is decoded
        payload = payload[: room - rel]
        if seq in self.pending:
            return
        if len(self.pending) >= MAX_PENDING or self.pending_bytes + len(payload) > room:
            self.lost += len(payload)
            return
        self.pending[seq] = payload
        self.pending_bytes += len(payload)

    def _append(self, payload: bytes) -> None:
        room = self.cap - len(self.buf)
        self.buf += payload[:room]
        self.next_seq = (self.next_seq + len(payload)) & 0xFFFFFFFF

    def _drain(self) -> None:
        while self.pending and len(self.buf) < self.cap:
            nxt = self.pending.pop(self.next_seq, None)
            if nxt is None:
                # drop segments the stream has already passed; keep the ones still ahead
                for seq in [s for s in self.pending if (s - self.next_seq) & 0x80000000]:
                    overlap = (self.next_seq - seq) & 0xFFFFFFFF
                    data = self.pending.pop(seq)
                    self.pending_bytes -= len(data)
                    if overlap < len(data):
                        self._append(data[overlap:])
                        break
                else:
                    return
                continue
            self.pending_bytes -= len(nxt)
            self._append(nxt)

    def first_bytes(self) -> bytes:
        """The bytes reassembled so far."""
        return bytes(self.buf)

    def release(self) -> int:
        """Forget the pending segments (the direction is closed); return the bytes it held."""
        held = self.held()
        self.pending.clear()
        self.pending_bytes = 0
        return held


MAX_DATAGRAMS = 256  # IP datagrams being reassembled at once; the oldest is dropped beyond
MAX_DATAGRAM = 65535
MAX_PARTS = 64


class Fragments:
    """Bounded IP fragment reassembly: whole datagrams out, at most `cap` bytes held in all."""

    __slots__ = ("cap", "held", "ledger", "pending")

    def __init__(self, cap: int, ledger: Ledger) -> None:
        self.cap = cap
        self.ledger = ledger
        self.held = 0
        # key -> (parts by offset, [total length or -1, bytes held])
        self.pending: dict[tuple[object, ...], tuple[dict[int, bytes], list[int]]] = {}

    def add(self, key: tuple[object, ...], offset: int, more: bool, data: bytes) -> bytes | None:
        """Store one fragment; return the datagram's payload once every byte of it has arrived."""
        entry = self.pending.get(key)
        if entry is None:
            if len(self.pending) >= MAX_DATAGRAMS:
                self._drop(next(iter(self.pending)))
            entry = self.pending[key] = ({}, [-1, 0])
        parts, state = entry
        old = len(parts.get(offset, b""))
        if (
            offset + len(data) > MAX_DATAGRAM
            or (offset not in parts and len(parts) >= MAX_PARTS)
            or state[1] - old + len(data) > MAX_DATAGRAM  # overlapping copies: an attack
        ):
            self._drop(key)
            return None
        parts[offset] = data
        state[1] += len(data) - old
        self.held += len(data) - old
        if not more:
            state[0] = offset + len(data)
        whole = self._whole(parts, state[0])
        if whole is not None:
            self.held -= state[1]
            del self.pending[key]
            return whole
        while self.held > self.cap and self.pending:
            self._drop(next(iter(self.pending)))
        return None

    @staticmethod
    def _whole(parts: dict[int, bytes], total: int) -> bytes | None:
        if total < 0:
            return None
        whole = bytearray()
        for start in sorted(parts):
            if start > len(whole):
                return None  # a hole remains
            whole += parts[start][len(whole) - start :]
        if len(whole) < total:
            return None
        return bytes(whole[:total])

    def _drop(self, key: tuple[object, ...]) -> None:
        _, state = self.pending.pop(key)
        self.held -= state[1]
        self.ledger.drop("fragment_bytes", state[1])
