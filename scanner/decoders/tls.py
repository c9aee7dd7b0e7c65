"""TLS handshakes from one direction of a TCP stream: leaf certificate names and ClientHello SNI."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from scanner.decoders._text import text, was_cut
from scanner.model import Kind, Meta, Observation

log = logging.getLogger(__name__)

# 8443 is also where newer Hikvision firmware serves its SDK over TLS (docs/protocols.md §4)
HTTPS_PORT, HTTPS_ALT_PORT = 443, 8443
TCP_PORTS = (HTTPS_PORT, HTTPS_ALT_PORT)
SERVICES = {("tcp", HTTPS_PORT): "https", ("tcp", HTTPS_ALT_PORT): "https-alt"}
HANDSHAKE = 22  # TLS record content type
_CLIENT_HELLO = 1
CERTIFICATE = 11
_SERVER_NAME = 0  # extension type (RFC 6066 §3)
_HOST_NAME = 0  # server_name entry type
_MAX_HANDSHAKES = 16
_MAX_CHILDREN = 64  # elements walked per ASN.1 constructed value
_MAX_SERIAL = 64  # octets of serial reported (RFC 5280 allows 20)

# ASN.1 universal tags (X.690)
_INTEGER, _OID, _SEQUENCE, _SET = 0x02, 0x06, 0x30, 0x31
_UTC_TIME, _GENERALIZED_TIME = 0x17, 0x18
_EXPLICIT_0 = 0xA0  # [0] EXPLICIT version in TBSCertificate

# Attribute types written by name (RFC 4514 §3 plus the two X.509 names the brief asks for).
_ATTR_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "1.2.840.113549.1.9.1": "emailAddress",
}
# String types and their codecs; any other value type is written as "#" + hex (RFC 4514 §2.4).
_STRING_CODECS = {
    0x0C: "utf-8",  # UTF8String
    0x12: "latin-1",  # NumericString
    0x13: "latin-1",  # PrintableString
    0x14: "latin-1",  # TeletexString (T.61; latin-1 is the usual reading)
    0x16: "latin-1",  # IA5String
    0x1A: "latin-1",  # VisibleString
    0x1C: "utf-32-be",  # UniversalString
    0x1E: "utf-16-be",  # BMPString
}
_ESCAPED = {ch: "\\" + ch for ch in '"+,;<>\\'} | {"\0": "\\00"}


@dataclass(frozen=True, slots=True)
class Certificate:
    """The fields of an X.509 certificate that camscan reports."""

    subject: str
    issuer: str
    not_before: str
    not_after: str
    serial: str


def looks_like(first: bytes) -> bool:
    """True when `first` starts with a TLS handshake record header."""
    return len(first) >= 2 and first[0] == HANDSHAKE and first[1] == 0x03


def decode(data: bytes, meta: Meta) -> list[Observation]:
    """TLS_SUBJECT/TLS_ISSUER of a leaf certificate and DNS_NAME of a ClientHello's SNI."""
    out: list[Observation] = []
    for msg_type, body in _handshakes(_handshake_stream(data)):
        if msg_type == CERTIFICATE:
            out += _certificate_observations(body, meta)
        elif msg_type == _CLIENT_HELLO:
            out += _sni_observations(body, meta)
    return out


def parse_certificate(der: bytes) -> Certificate | None:
    """The reported fields of a DER certificate, or None when it does not parse."""
    try:
        return _certificate(der)
    except (ValueError, IndexError):
        log.debug("unparsable certificate (%d bytes)", len(der))
        return None


def _handshake_stream(data: bytes) -> bytes:
    """Concatenated payloads of the leading handshake records (the last one may be cut)."""
    out = bytearray()
    pos = 0
    while pos + 5 <= len(data) and data[pos] == HANDSHAKE and data[pos + 1] == 0x03:
        length = int.from_bytes(data[pos + 3 : pos + 5], "big")
        out += data[pos + 5 : pos + 5 + length]
        pos += 5 + length
    return bytes(out)


def _handshakes(stream: bytes) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each handshake message; the last body may be cut short."""
    pos = 0
    for _ in range(_MAX_HANDSHAKES):
        if pos + 4 > len(stream):
            return
        length = int.from_bytes(stream[pos + 1 : pos + 4], "big")
        yield stream[pos], stream[pos + 4 : pos + 4 + length]
        pos += 4 + length


def _certificate_observations(body: bytes, meta: Meta) -> list[Observation]:
    """TLS_SUBJECT and TLS_ISSUER of the first (leaf) certificate of a TLS 1.2 Certificate."""
    # body: u24 list length, then u24 length + DER per certificate; the leaf comes first.
    if len(body) < 6:
        return []
    size = int.from_bytes(body[3:6], "big")
    der = body[6 : 6 + size]
    if len(der) < size:
        return []
    cert = parse_certificate(der)
    if cert is None:
        return []
    attrs = {"not_before": cert.not_before, "not_after": cert.not_after, "serial": cert.serial}
    out: list[Observation] = []
    for kind, name in ((Kind.TLS_SUBJECT, cert.subject), (Kind.TLS_ISSUER, cert.issuer)):
        value = text(name)
        if value:
            out.append(Observation(kind, value, meta, attrs, truncated=was_cut(name)))
    return out


def _sni_observations(body: bytes, meta: Meta) -> list[Observation]:
    """DNS_NAME from the server_name extension of a ClientHello body (the client asked for it)."""
    try:
        raw = _server_name(body)
    except (ValueError, IndexError):
        return []
    if not raw:
        return []
    name = text(raw).lower().rstrip(".")
    if not name:
        return []
    return [Observation(Kind.DNS_NAME, name, meta, {"via": "tls-sni"}, truncated=was_cut(raw))]


def _server_name(body: bytes) -> bytes | None:
    """The host_name of the server_name extension; IndexError/ValueError on a cut body."""
    pos = 2 + 32  # client_version, random
    pos += 1 + body[pos]  # session_id
    pos += 2 + _u16(body, pos)  # cipher_suites
    pos += 1 + body[pos]  # compression_methods
    end = min(pos + 2 + _u16(body, pos), len(body))
    pos += 2
    while pos + 4 <= end:
        ext_type, ext_len = _u16(body, pos), _u16(body, pos + 2)
        pos += 4
        if ext_type == _SERVER_NAME:
            return _host_name(body[pos : pos + ext_len])
        pos += ext_len
    return None


def _host_name(ext: bytes) -> bytes | None:
    """First host_name entry of a ServerNameList."""
    end = min(2 + _u16(ext, 0), len(ext))
    pos = 2
    while pos + 3 <= end:
        name_type, size = ext[pos], _u16(ext, pos + 1)
        if name_type == _HOST_NAME:
            name = ext[pos + 3 : pos + 3 + size]
            return name if len(name) == size else None  # a cut name is not the name
        pos += 3 + size
    return None


def _u16(buf: bytes, pos: int) -> int:
    """Big-endian u16 at `pos`; IndexError when it is not all there."""
    if pos + 2 > len(buf):
        raise IndexError(pos)
    return (buf[pos] << 8) | buf[pos + 1]


# --- a minimal DER walker: every read is checked against the enclosing element's end ---


def _tlv(buf: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at `pos`, which must end by `end`."""
    if pos + 2 > end:
        raise ValueError("element header cut")
    tag, first = buf[pos], buf[pos + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("high tag numbers do not occur in certificates")
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if not 0 < count <= 4 or pos + count > end:
            raise ValueError("bad length")  # 0x80 = indefinite length, not DER
        length = int.from_bytes(buf[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        raise ValueError("element overruns its parent")
    return tag, pos, pos + length


def _expect(buf: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    """(content start, content end) of the element at `pos`, which must have `tag`."""
    got, start, stop = _tlv(buf, pos, end)
    if got != tag:
        raise ValueError(f"tag {got:#x}, expected {tag:#x}")
    return start, stop


def _children(buf: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """The elements inside a constructed value's content [start, end)."""
    pos = start
    for _ in range(_MAX_CHILDREN):
        if pos >= end:
            return
        tag, child_start, child_end = _tlv(buf, pos, end)
        yield tag, child_start, child_end
        pos = child_end
    raise ValueError("too many elements")


def _certificate(der: bytes) -> Certificate:
    """Fields of Certificate -> TBSCertificate (RFC 5280 §4.1); ValueError when malformed."""
    start, end = _expect(der, 0, len(der), _SEQUENCE)
    tbs_start, tbs_end = _expect(der, start, end, _SEQUENCE)
    # [version], serialNumber, signature, issuer, validity, subject, ...
    fields = list(islice(_children(der, tbs_start, tbs_end), 6))
    if fields and fields[0][0] == _EXPLICIT_0:
        fields = fields[1:]
    if [tag for tag, _, _ in fields[:5]] != [_INTEGER] + [_SEQUENCE] * 4:
        raise ValueError("not a TBSCertificate")
    serial, _, issuer, validity, subject = fields[:5]
    not_before, not_after = (_time(der, *tlv) for tlv in _children(der, *validity[1:]))
    return Certificate(
        subject=_name(der, *subject[1:]),
        issuer=_name(der, *issuer[1:]),
        not_before=not_before,
        not_after=not_after,
        serial=_serial_hex(der[serial[1] : serial[2]]),
    )


def _serial_hex(raw: bytes) -> str:
    """The serial's content octets in hex, without the 00 that keeps a positive INTEGER positive."""
    octets = raw[1:] if len(raw) > 1 and raw[0] == 0 and raw[1] & 0x80 else raw
    return octets[:_MAX_SERIAL].hex()


def _name(der: bytes, start: int, end: int) -> str:
    """A Name (SEQUENCE OF RDN) in RFC 4514 string form: RDNs in reverse order."""
    rdns = []
    for tag, rdn_start, rdn_end in _children(der, start, end):
        if tag != _SET:
            raise ValueError("RDN is not a SET")
        parts = []
        for atv_tag, atv_start, atv_end in _children(der, rdn_start, rdn_end):
            if atv_tag != _SEQUENCE:
                raise ValueError("attribute is not a SEQUENCE")
            oid_start, oid_end = _expect(der, atv_start, atv_end, _OID)
            value_tlv = _tlv(der, oid_end, atv_end)
            oid = _oid(der[oid_start:oid_end])
            parts.append(f"{_ATTR_NAMES.get(oid, oid)}={_attr_value(der, oid_end, value_tlv)}")
        rdns.append("+".join(parts))
    return ",".join(reversed(rdns))


def _oid(raw: bytes) -> str:
    """Dotted form of an OBJECT IDENTIFIER's content octets."""
    if not raw or len(raw) > 64 or raw[-1] & 0x80:
        raise ValueError("bad OID")
    arcs: list[int] = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    top = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in [top, arcs[0] - 40 * top, *arcs[1:]])


def _attr_value(der: bytes, pos: int, tlv: tuple[int, int, int]) -> str:
    """An attribute value, RFC 4514-escaped; non-string types as "#" + hex of their DER."""
    tag, start, end = tlv
    codec = _STRING_CODECS.get(tag)
    if codec is None:
        return "#" + der[pos:end].hex()
    # NFKC: a no-break or ideographic space in a maker's name is a space ("Dahua\xa0Device")
    return _escape(unicodedata.normalize("NFKC", der[start:end].decode(codec, "replace")))


def _escape(value: str) -> str:
    """RFC 4514 §2.4 escaping of one attribute value."""
    chars = [_ESCAPED.get(ch, ch) for ch in value]
    if chars and chars[0] in (" ", "#"):
        chars[0] = "\\" + chars[0]
    if len(chars) > 1 and chars[-1] == " ":
        chars[-1] = "\\ "
    return "".join(chars)


def _time(der: bytes, tag: int, start: int, end: int) -> str:
    """A UTCTime/GeneralizedTime as ISO 8601 ("2016-01-01T00:00:00Z") or, if odd, as written."""
    raw = der[start:end].decode("ascii", "replace")
    if tag == _UTC_TIME and len(raw) == 13 and raw[:12].isdigit() and raw.endswith("Z"):
        # RFC 5280 §4.1.2.5.1: two-digit years 50-99 are 19YY, 00-49 are 20YY.
        raw = ("19" if raw[:2] >= "50" else "20") + raw
    iso = tag in (_UTC_TIME, _GENERALIZED_TIME) and len(raw) == 15 and raw[:14].isdigit()
    if iso and raw.endswith("Z"):
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}T{raw[8:10]}:{raw[10:12]}:{raw[12:14]}Z"
    return text(raw, 64)
