"""WS-Discovery (ONVIF) SOAP over UDP 3702, matched by local element names (2005/04 and 2009/01)."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from scanner.decoders import markup, ssdp
from scanner.decoders._text import text, was_cut
from scanner.model import Kind, Meta, Observation

log = logging.getLogger(__name__)

UDP_PORTS = (3702,)
SERVICES = {("udp", port): "ws-discovery" for port in UDP_PORTS}
MULTICAST_V4 = ssdp.MULTICAST_V4
MAX_XML = 64 * 1024
MAX_MATCHES = 16
MAX_SCOPES = 64
MAX_XADDRS = 16
# body element -> (element holding each match, action attr); a match describes an endpoint
_ANNOUNCEMENTS = {
    "Hello": (None, "Hello"),
    "ProbeMatches": ("ProbeMatch", "ProbeMatch"),
    "ResolveMatches": ("ResolveMatch", "ResolveMatch"),
}
_MESSAGES = frozenset({*_ANNOUNCEMENTS, "Bye", "Probe", "Resolve"})
_ANNOUNCEMENT = re.compile(r"<(?:[A-Za-z_][\w.-]{0,40}:)?(Hello|ProbeMatch|ResolveMatch)[\s>]")
# A MessageID or RelatesTo element holding nothing but a uuid (what every sender writes).
_ID_ELEMENT = re.compile(
    rb"<((?:[A-Za-z_][\w.-]*:)?)(MessageID|RelatesTo)>(\s*(?:urn:)?uuid:)"
    rb"([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\s*</\1\2>"
)
_ID_ATTRS = {b"MessageID": "message_id", b"RelatesTo": "relates_to"}
UUID_MASK = b"00000000-0000-0000-0000-000000000000"


def parse_xml(data: bytes) -> Element | None:
    """The root of a bounded XML document parsed without DTDs or entities, or None."""
    data = data.strip(b"\0 \t\r\n")
    if not data or len(data) > MAX_XML:
        return None
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        log.debug("unparsable XML: %s", exc)
        return None
    return root


def local_name(tag: object) -> str:
    """An element's name without its namespace ("{uri}Probe" -> "Probe")."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def find(element: Element, name: str) -> Element | None:
    """The first descendant (or the element itself) with local name `name`."""
    for item in element.iter():
        if local_name(item.tag) == name:
            return item
    return None


def find_text(element: Element, *path: str) -> str:
    """Whitespace-collapsed text of the element reached by `path` of local names, or ""."""
    current: Element | None = element
    for name in path:
        if current is None:
            return ""
        current = find(current, name)
    if current is None:
        return ""
    return " ".join(text(current.text or "", 16 * 1024).split())


def decode(payload: bytes, meta: Meta) -> list[Observation]:
    """Endpoint, types, scopes and XAddrs of announcements; one WSD_PROBE for a client's query."""
    root = parse_xml(payload)
    if root is None:
        return _tolerant(payload, meta)
    body = next((e for e in root.iter() if local_name(e.tag) in _MESSAGES), None)
    if body is None:
        return []
    name = local_name(body.tag)
    ids = _message_ids(root)
    if name in ("Probe", "Resolve"):
        # a client's query: what it looks for is no evidence about the client itself
        path = ("Types",) if name == "Probe" else ("EndpointReference", "Address")
        wanted = find_text(body, *path)
        return [_observation(Kind.WSD_PROBE, wanted, meta, {"action": name, **ids})]
    if name == "Bye":
        return _endpoint(body, meta, {"action": name, **ids})
    child, action = _ANNOUNCEMENTS[name]
    matches = [body] if child is None else [e for e in body if local_name(e.tag) == child]
    out: list[Observation] = []
    for match in matches[:MAX_MATCHES]:
        out += _describe(match, meta, {"action": action, **ids})
    return out


def _tolerant(payload: bytes, meta: Meta) -> list[Observation]:
    """One whole announcement read from XML that does not parse (a Body without the Envelope
    that bound its prefixes): its first match's address, types, scopes and XAddrs."""
    body = payload[:MAX_XML].decode("utf-8", "replace")
    m = None if markup.declares_dtd(body) else _ANNOUNCEMENT.search(body)
    if m is None or not markup.closes(body, m.group(1)):
        return []  # a cut announcement is not read (see sadp._tolerant)
    leaves = markup.leaves(body[m.start() :])
    attrs = {"action": m.group(1)}
    out: list[Observation] = []
    if leaves.get("address"):
        out.append(_observation(Kind.WSD_ENDPOINT, leaves["address"], meta, attrs))
    if leaves.get("types"):
        out.append(_observation(Kind.WSD_TYPES, leaves["types"], meta, attrs))
    for scope in leaves.get("scopes", "").split()[:MAX_SCOPES]:
        out.append(_observation(Kind.WSD_SCOPE, unquote(scope, errors="replace"), meta, attrs))
    for xaddr in leaves.get("xaddrs", "").split()[:MAX_XADDRS]:
        out.append(_observation(Kind.WSD_XADDR, xaddr, meta, attrs))
    return out


def memo_form(payload: bytes) -> tuple[bytes, dict[str, str]] | None:
    """`payload` with the uuids of its MessageID and RelatesTo zeroed, and those ids as decode()
    states them; None unless each is one plain element (no entity, comment or CDATA anywhere),
    so that decode() of any payload with this form says the same apart from the ids."""
    if b"&" in payload or b"<!" in payload:
        return None
    ids: dict[str, str] = {}
    masked = bytearray(payload)
    for name, attr in _ID_ATTRS.items():
        count = payload.count(name)
        if not count:
            continue
        # the start tag and the end tag of one element, nothing else
        m = _ID_ELEMENT.match(payload, payload.rfind(b"<", 0, payload.find(name)))
        if count != 2 or m is None or m.group(2) != name:
            return None
        ids[attr] = (m.group(3).strip() + m.group(4)).decode()
        masked[m.start(4) : m.end(4)] = UUID_MASK
    return bytes(masked), ids


def _message_ids(root: Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for key, header in (("message_id", "MessageID"), ("relates_to", "RelatesTo")):
        value = text(find_text(root, header))
        if value:
            ids[key] = value
    return ids


def _endpoint(match: Element, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    address = find_text(match, "EndpointReference", "Address")
    return [_observation(Kind.WSD_ENDPOINT, address, meta, attrs)] if address else []


def _describe(match: Element, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    out = _endpoint(match, meta, attrs)
    types = find_text(match, "Types")
    if types:
        out.append(_observation(Kind.WSD_TYPES, types, meta, attrs))
    for scope in find_text(match, "Scopes").split()[:MAX_SCOPES]:
        out.append(_observation(Kind.WSD_SCOPE, unquote(scope, errors="replace"), meta, attrs))
    for xaddr in find_text(match, "XAddrs").split()[:MAX_XADDRS]:
        out.append(_observation(Kind.WSD_XADDR, xaddr, meta, attrs))
    return out


def _observation(kind: Kind, value: str, meta: Meta, attrs: dict[str, str]) -> Observation:
    return Observation(kind, text(value), meta, dict(attrs), was_cut(value))
