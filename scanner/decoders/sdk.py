"""Vendor SDK ports (server side): the reply's first bytes, and DVRIP/DHIP login realms."""

from __future__ import annotations

import json
import logging

from scanner.decoders._text import text, was_cut
from scanner.decoders.dhip import DHIP_MAGIC, HEADER_LEN
from scanner.model import Kind, Meta, Observation

log = logging.getLogger(__name__)

# Server ports of vendor SDKs (docs/protocols.md §3.3, §4): Hikvision's command port, Dahua's
# DVRIP, and Xiongmai's DVRIP (heard so that those units, not of concern, are told apart).
HIK_SDK_PORT, DVRIP_PORT, XM_DVRIP_PORT = 8000, 37777, 34567
TCP_PORTS = (HIK_SDK_PORT, DVRIP_PORT, XM_DVRIP_PORT)
SDK_PORTS = frozenset(TCP_PORTS)
SERVICES = {
    ("tcp", HIK_SDK_PORT): "sdk",
    ("tcp", DVRIP_PORT): "dvrip",
    ("tcp", XM_DVRIP_PORT): "sdk",
}
REPLY_PREFIX = 32  # bytes of a reply kept (as hex) in SDK_REPLY
_HEADER = HEADER_LEN  # DVRIP frames its body behind a 32-byte header, as DHIP does
_MAX_MESSAGES = 8
_MAX_JSON = 65536
_REALM_KEY = b"Realm:"


def decode(data: bytes, meta: Meta) -> list[Observation]:
    """SDK_REPLY for bytes sent from an SDK port; DVRIP_REALM for a DVRIP or DHIP login realm."""
    out: list[Observation] = []
    if data and meta.sport in SDK_PORTS:
        attrs = {"port": str(meta.sport), "length": str(len(data))}
        value = data[:REPLY_PREFIX].hex()
        out.append(
            Observation(Kind.SDK_REPLY, value, meta, attrs, truncated=len(data) > REPLY_PREFIX)
        )
    realm = _realm(data)
    if realm is not None:
        raw, framing = realm
        value = text(raw)
        if value:
            attrs = {"framing": framing}
            out.append(Observation(Kind.DVRIP_REALM, value, meta, attrs, truncated=was_cut(raw)))
    return out


def _realm(data: bytes) -> tuple[bytes | str, str] | None:
    """(realm, framing) from the first framed message that carries one, or None."""
    for framing, body in _bodies(data):
        realm = _dhip_realm(body) if framing == "dhip" else _dvrip_realm(body)
        if realm:
            return realm, framing
    return None


def _bodies(data: bytes) -> list[tuple[str, bytes]]:
    """(framing, body) of up to _MAX_MESSAGES 32-byte-header messages; the last may be cut."""
    out: list[tuple[str, bytes]] = []
    pos = 0
    while len(out) < _MAX_MESSAGES and pos + _HEADER <= len(data):
        if data.startswith(DHIP_MAGIC, pos):
            framing, length_at = "dhip", 16  # DHIP: u32 LE body length at offset 16
        else:
            framing, length_at = "dvrip", 4  # DVRIP: u32 LE body length at offset 4
        length = int.from_bytes(data[pos + length_at : pos + length_at + 4], "little")
        start = pos + _HEADER
        out.append((framing, data[start : start + length]))
        pos = start + length
    return out


def _dvrip_realm(body: bytes) -> bytes | None:
    """Realm of a DVRIP realm reply body ("Realm:Login to <id>\\r\\nRandom:<n>\\r\\n")."""
    # Only the Realm line is kept: Random is a per-login nonce with no identifying value.
    at = body.find(_REALM_KEY)
    if at < 0 or (at > 0 and body[at - 1 : at] != b"\n"):
        return None
    rest = body[at + len(_REALM_KEY) :]
    ends = [i for i in (rest.find(b"\n"), rest.find(b"\0")) if i >= 0]
    if not ends:
        return None  # the line is cut: a partial realm would be a wrong one
    return rest[: min(ends)].strip() or None


def _dhip_realm(body: bytes) -> str | None:
    """params.realm of a DHIP JSON body (a global.login challenge), or None."""
    body = body.rstrip(b"\0 \r\n")
    if not body.startswith(b"{") or len(body) > _MAX_JSON:
        return None
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        log.debug("undecodable DHIP JSON body (%d bytes)", len(body))
        return None
    params = message.get("params") if isinstance(message, dict) else None
    realm = params.get("realm") if isinstance(params, dict) else None
    return realm if isinstance(realm, str) and realm else None
