"""Tolerant reading of XML-ish text: namespaces, the root element and leaf fields, by plain scans.

Device replies reach camscan cut at a buffer's end, split from the envelope that declared their
prefixes, or carrying entities no parser should expand. These scans never build a tree and never
resolve anything: they read what is written, in time linear in the text.
"""

from __future__ import annotations

import html
import re

MAX_TEXT = 64 * 1024  # characters scanned
MAX_FIELDS = 256  # leaf elements read
MAX_NAMESPACES = 64
_NAMESPACE = re.compile(r"""\bxmlns(?::[A-Za-z_][\w.-]{0,40})?\s*=\s*(["'])([^"'<>\s]{1,256})\1""")
_ROOT = re.compile(r"<([A-Za-z_][\w.-]{0,40}:)?([A-Za-z_][\w.-]{0,80})[\s/>]")
_PROLOGUE = re.compile(r"\s*(?:<\?[^>]{0,512}\?>\s*|<!--(?:[^-]|-[^-]){0,2048}-->\s*)*")
# possessive quantifiers: a failed attempt at one "<" never re-scans what it read
_LEAF = re.compile(
    r"<(?:[A-Za-z_][\w.-]{0,40}+:)?+([A-Za-z_][\w.-]{0,80}+)(?:\s[^<>]{0,1024}+)?+>"
    r"([^<>]{0,1024}+)"
    r"</(?:[A-Za-z_][\w.-]{0,40}+:)?+\1\s*+>"
)


def looks_like_xml(body: str) -> bool:
    """True when `body` starts (after a BOM and blanks) with an XML declaration or element."""
    head = body.lstrip("\ufeff \t\r\n")[:2]
    return head[:1] == "<" and head[1:2] not in ("!", "")


def declares_dtd(body: str) -> bool:
    """True when `body` carries a DOCTYPE or entity declaration: hostile in a device reply, so
    callers read nothing from it (the strict parser refuses it too)."""
    head = body[:MAX_TEXT]
    return "<!DOCTYPE" in head or "<!ENTITY" in head


def closes(body: str, name: str) -> bool:
    """True when `body` holds the end tag of element `name` (with or without a prefix)."""
    if not name:
        return False
    return re.search(rf"</(?:[A-Za-z_][\w.-]{{0,40}}:)?{re.escape(name)}\s*>", body) is not None


def namespaces(body: str) -> list[str]:
    """Distinct namespace URIs declared in `body`, in order, at most MAX_NAMESPACES."""
    found: list[str] = []
    for m in _NAMESPACE.finditer(body[:MAX_TEXT]):
        uri = m.group(2)
        if uri not in found:
            found.append(uri)
            if len(found) >= MAX_NAMESPACES:
                break
    return found


def root_name(body: str) -> str:
    """Local name of the first element after the prologue, or ""."""
    start = _PROLOGUE.match(body.lstrip("\ufeff"))
    rest = body.lstrip("\ufeff")[start.end() if start else 0 :]
    m = _ROOT.match(rest)
    return m.group(2) if m else ""


def texts(body: str, name: str, most: int) -> list[str]:
    """Text of every leaf element called `name` (local name, any case), at most `most`."""
    found: list[str] = []
    wanted = name.lower()
    for n, m in enumerate(_LEAF.finditer(body[:MAX_TEXT])):
        if n >= MAX_FIELDS or len(found) >= most:
            break
        if m.group(1).lower() == wanted:
            found.append(" ".join(html.unescape(m.group(2)).split()))
    return found


def leaves(body: str) -> dict[str, str]:
    """First text of each leaf element by lower-cased local name (entities decoded, trimmed)."""
    fields: dict[str, str] = {}
    for n, m in enumerate(_LEAF.finditer(body[:MAX_TEXT])):
        if n >= MAX_FIELDS:
            break
        name = m.group(1).lower()
        if name not in fields:
            fields[name] = " ".join(html.unescape(m.group(2)).split())
    return fields
