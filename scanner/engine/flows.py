"""Bounded, in-order reassembly of the first kilobytes of each interesting TCP stream direction."""

from __future__ import annotations

from scanner.model import Meta

MAX_PENDING = 32  # out-of-order segments held per direction


class Direction:
    """The reassembled start of one direction of a TCP stream, cut at `cap` bytes."""

    __slots__ = ("buf", "cap", "decided", "meta", "next_seq", "pending")

    def __init__(self, meta: Meta | None, next_seq: int, cap: int) -> None:
        self.meta = meta  # context of the first data segment (None until it arrives)
        self.next_seq = next_seq
        self.cap = cap
        self.buf = bytearray()
        self.pending: dict[int, bytes] = {}
        self.decided = True  # False while the first bytes have not yet said what the stream is

    def add(self, seq: int, payload: bytes) -> bool:
        """Place a segment by sequence number; True once the buffer is full."""
        rel = (seq - self.next_seq) & 0xFFFFFFFF
        if rel == 0:
            self._append(payload)
            self._drain()
        elif rel < 0x80000000:
            if len(self.pending) < MAX_PENDING and seq not in self.pending:
                self.pending[seq] = payload
        else:
            overlap = (self.next_seq - seq) & 0xFFFFFFFF
            if overlap < len(payload):  # a retransmission that also carries new bytes
                self._append(payload[overlap:])
                self._drain()
        return len(self.buf) >= self.cap

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
                    if overlap < len(data):
                        self._append(data[overlap:])
                        break
                else:
                    return
                continue
            self._append(nxt)

    def first_bytes(self) -> bytes:
        """The bytes reassembled so far."""
        return bytes(self.buf)


MAX_DATAGRAMS = 256  # IPv4 datagrams being reassembled at once; the oldest is dropped beyond
MAX_DATAGRAM = 65535


class Fragments:
    """Bounded IPv4 fragment reassembly: whole datagrams out, memory flat whatever comes in."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending: dict[tuple[object, ...], tuple[dict[int, bytes], list[int]]] = {}

    def add(self, key: tuple[object, ...], offset: int, more: bool, data: bytes) -> bytes | None:
        """Store one fragment; return the datagram's payload once every byte of it has arrived."""
        entry = self.pending.get(key)
        if entry is None:
            if len(self.pending) >= MAX_DATAGRAMS:
                del self.pending[next(iter(self.pending))]
            entry = self.pending[key] = ({}, [-1])
        parts, total = entry
        if offset + len(data) > MAX_DATAGRAM or len(parts) >= 64:
            del self.pending[key]
            return None
        parts[offset] = data
        if not more:
            total[0] = offset + len(data)
        if total[0] < 0:
            return None
        whole = bytearray()
        for start in sorted(parts):
            if start > len(whole):
                return None  # a hole remains
            whole += parts[start][len(whole) - start :]
        if len(whole) < total[0]:
            return None
        del self.pending[key]
        return bytes(whole[: total[0]])
