"""Dahua-style P2P/cloud datagrams on any UDP port: PTCP, DHGET/DHPOST and inverted STUN."""

from __future__ import annotations

from scanner.decoders._text import text
from scanner.model import Kind, Meta, Observation

PTCP = b"PTCP"
DH_METHODS = (b"DHGET ", b"DHPOST ")
# a STUN Binding Request (00 01 00 18, 20-byte header + 24 attribute bytes) with every bit
# flipped, as libprotoident and dh-p2p describe (docs/protocols.md §10)
INVERTED_STUN = b"\xff\xfe\xff\xe7"
INVERTED_STUN_LEN = 44
MAX_PATH = 128
# the dispatcher calls decode only for payloads starting with one of these bytes
FIRST_BYTES = frozenset({PTCP[0], DH_METHODS[0][0], INVERTED_STUN[0]})
_PATH_END = (b" ", b"\r", b"\n", b"\0")


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """One P2P observation naming the message form, or [] (video and other traffic)."""
    if payload.startswith(PTCP):
        return [Observation(Kind.P2P, "PTCP", meta)]
    if len(payload) == INVERTED_STUN_LEN and payload.startswith(INVERTED_STUN):
        return [Observation(Kind.P2P, "inverted-stun", meta)]
    for method in DH_METHODS:
        if payload.startswith(method):
            return _request(method, payload, meta)
    return []


def _request(method: bytes, payload: bytes, meta: Meta) -> list[Observation]:
    raw = payload[len(method) : len(method) + MAX_PATH * 4]
    for end in _PATH_END:
        raw = raw.split(end, 1)[0]
    path = text(raw, MAX_PATH * 4)
    value = f"{method.decode().strip()} {path[:MAX_PATH]}".rstrip()
    return [Observation(Kind.P2P, value, meta, truncated=len(path) > MAX_PATH)]
