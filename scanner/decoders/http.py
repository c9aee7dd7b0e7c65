"""HTTP/1.x banners from one direction of a TCP stream: response headers, body start, requests."""

from __future__ import annotations

import codecs
import html
import logging
import re
import zlib
from dataclasses import dataclass

from scanner.decoders import body as bodies
from scanner.decoders._text import text, was_cut
from scanner.decoders.arp import mac_from_text
from scanner.model import Kind, Meta, Observation

log = logging.getLogger(__name__)

HTTP_PORT, HTTP_ALT_PORT = 80, 8080
TCP_PORTS = (HTTP_PORT, HTTP_ALT_PORT)  # where cameras serve their web UI and APIs in the clear
SERVICES = {("tcp", HTTP_PORT): "http", ("tcp", HTTP_ALT_PORT): "http-alt"}
MAX_MESSAGES = 8  # pipelined messages decoded per buffer
MAX_HEADERS = 100
MAX_LINE = 8192
BODY_LIMIT = 2048  # body bytes kept in HTTP_BODY
_MAX_INFLATE = 65536  # bound on decompressed body bytes (gzip bombs)
_METHODS = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"OPTIONS ", b"DELETE ")
_NO_BODY = frozenset({204, 304})
_REALM_MAC = re.compile(rb'\brealm="([0-9A-Fa-f]{12})"')

Fields = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class Head:
    """Start line and header fields of one HTTP-style message; `end` is the body offset or None."""

    start: bytes
    fields: Fields
    end: int | None

    def get(self, name: bytes) -> bytes | None:
        """First value of header `name` (case-insensitive), or None."""
        values = self.get_all(name)
        return values[0] if values else None

    def get_all(self, name: bytes) -> list[bytes]:
        """Every value of header `name` (case-insensitive), in order."""
        key = name.lower()
        return [value for field, value in self.fields if field.lower() == key]


def looks_like(first: bytes) -> bool:
    """True when `first` (as little as 16 bytes) starts an HTTP/1.x response or HTTP request."""
    if first.startswith(b"HTTP/1."):
        return True
    for method in _METHODS:
        if first.startswith(method):
            # RTSP shares OPTIONS (and GET); its targets are rtsp:// URLs or end in RTSP/1.0.
            return not first.startswith(b"rtsp://", len(method)) and b" RTSP/" not in first[:256]
    return False


def read_line(data: bytes, pos: int) -> tuple[bytes, int] | None:
    """The line at `pos` without its CRLF/LF and the offset after it; None if cut or too long."""
    nl = data.find(b"\n", pos, pos + MAX_LINE + 1)
    if nl < 0:
        return None
    line = data[pos:nl]
    return (line[:-1] if line.endswith(b"\r") else line), nl + 1


def read_head(data: bytes, pos: int) -> Head | None:
    """Start line and headers at `pos`; None when the start line itself is incomplete."""
    first = read_line(data, pos)
    if first is None:
        return None
    start, pos = first
    fields: list[tuple[bytes, bytes]] = []
    for _ in range(MAX_HEADERS + 1):
        got = read_line(data, pos)
        if got is None:
            break
        line, pos = got
        if not line:
            return Head(start, tuple(fields), pos)
        if line[:1] in (b" ", b"\t") and fields:
            # Obsolete line folding: the line continues the previous header's value.
            name, value = fields[-1]
            fields[-1] = (name, value + b" " + line.strip())
            continue
        name, sep, value = line.partition(b":")
        if sep and name.strip():
            fields.append((name.strip(), value.strip()))
    # Cut, an over-long line, or more than MAX_HEADERS lines: keep what is whole, no body.
    return Head(start, tuple(fields[:MAX_HEADERS]), None)


def realm_mac(challenge: bytes, meta: Meta) -> list[Observation]:
    """STATED_MAC when an auth challenge's realm is a bare MAC (some firmware names itself so)."""
    m = _REALM_MAC.search(challenge)
    mac = mac_from_text(m.group(1).decode("ascii")) if m else None
    return [Observation(Kind.STATED_MAC, mac, meta, {"via": "realm"})] if mac else []


def content_length(head: Head) -> int | None:
    """The Content-Length header as a non-negative int, or None when absent or malformed."""
    raw = head.get(b"content-length")
    if raw is None or not raw.isdigit() or len(raw) > 12:
        return None
    return int(raw)


def decode(data: bytes, meta: Meta) -> list[Observation]:
    """Observations from up to MAX_MESSAGES pipelined HTTP messages at the start of `data`."""
    out: list[Observation] = []
    pos = 0
    for _ in range(MAX_MESSAGES):
        while data.startswith((b"\r\n", b"\n"), pos):
            pos += 1
        head = read_head(data, pos)
        if head is None:
            break
        status = _status(head.start)
        request = _request_line(head.start) if status is None else None
        if status is not None:
            found, nxt = _response(data, head, status, meta)
        elif request is not None:
            found, nxt = _request(data, head, request, meta)
        else:
            break
        out.extend(found)
        if nxt is None:
            break
        pos = nxt
    return out


def _status(start: bytes) -> int | None:
    """Status code of an `HTTP/1.x NNN ...` status line, or None."""
    parts = start.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        return None
    code = parts[1]
    return int(code) if len(code) == 3 and code.isdigit() else None


def _request_line(start: bytes) -> tuple[bytes, bytes] | None:
    """(method, target) of a `METHOD target HTTP/1.x` request line, or None."""
    parts = start.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1.") or not parts[1]:
        return None
    method = parts[0]
    if not (0 < len(method) <= 20 and method.isupper() and method.replace(b"-", b"A").isalpha()):
        return None
    return method, parts[1]


def _obs(kind: Kind, raw: bytes | str, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    """One bounded Observation, or none when the value is empty."""
    value = text(raw)
    if not value:
        return []
    return [Observation(kind, value, meta, attrs, truncated=was_cut(raw))]


def _response(
    data: bytes, head: Head, status: int, meta: Meta
) -> tuple[list[Observation], int | None]:
    """Observations of one response and the offset of the next message (None: unknown)."""
    attrs = {"status": str(status)}
    out: list[Observation] = []
    server = head.get(b"server")
    if server is not None:
        out += _obs(Kind.HTTP_SERVER, server, meta, attrs)
    for challenge in head.get_all(b"www-authenticate"):
        out += _obs(Kind.HTTP_AUTH, challenge, meta, attrs)
        out += realm_mac(challenge, meta)
    location = head.get(b"location")
    if location is not None:
        out += _obs(Kind.HTTP_LOCATION, location, meta, attrs)
    out += _obs(Kind.HTTP_HEADERS, b",".join(name for name, _ in head.fields), meta, attrs)
    if head.end is None:
        return out, None
    body, nxt, cut = _response_body(data, head, head.end, status)
    out += _body_observations(_content(head, body), cut, meta, attrs)
    return out, nxt


def _response_body(
    data: bytes, head: Head, end: int, status: int
) -> tuple[bytes, int | None, bool]:
    """(body bytes from `end`, offset after the message or None, whether the body was cut)."""
    if status < 200 or status in _NO_BODY:
        return b"", end, False
    if b"chunked" in (head.get(b"transfer-encoding") or b"").lower():
        body, nxt = dechunk(data, end)
        return body, nxt, nxt is None
    length = content_length(head)
    if length is None:
        # Delimited by connection close: the rest of the buffer is body.
        return data[end:], None, False
    body = data[end : end + length]
    cut = len(body) < length
    return body, (None if cut else end + length), cut


def dechunk(data: bytes, pos: int) -> tuple[bytes, int | None]:
    """Body of a chunked message at `pos` and the offset after it (None when cut or malformed)."""
    out = bytearray()
    while True:
        got = read_line(data, pos)
        if got is None:
            return bytes(out), None
        line, pos = got
        size_text = line.split(b";", 1)[0].strip()
        if not size_text or len(size_text) > 8 or size_text.strip(b"0123456789abcdefABCDEF"):
            return bytes(out), None
        size = int(size_text, 16)
        if size == 0:
            return bytes(out), _skip_trailers(data, pos)
        out += data[pos : pos + size]
        pos += size
        if data.startswith(b"\r\n", pos):
            pos += 2
        elif data.startswith(b"\n", pos):
            pos += 1
        else:
            return bytes(out), None


def _skip_trailers(data: bytes, pos: int) -> int | None:
    """Offset after the trailer section that ends a chunked body, or None when cut."""
    for _ in range(MAX_HEADERS + 1):
        got = read_line(data, pos)
        if got is None:
            return None
        line, pos = got
        if not line:
            return pos
    return None


def _content(head: Head, body: bytes) -> bytes:
    """The body with a gzip/deflate Content-Encoding undone (bounded); other encodings as is."""
    coding = (head.get(b"content-encoding") or b"").strip().lower()
    if coding not in (b"gzip", b"x-gzip", b"deflate"):
        return body
    # 32 + MAX_WBITS accepts both the gzip and zlib wrappers.
    try:
        return zlib.decompressobj(32 + zlib.MAX_WBITS).decompress(body, _MAX_INFLATE)
    except zlib.error:
        log.debug("undecodable %s body", coding.decode("ascii", "replace"))
        return b""


def _body_observations(
    body: bytes, cut: bool, meta: Meta, attrs: dict[str, str]
) -> list[Observation]:
    """HTTP_BODY (first BODY_LIMIT bytes), HTTP_TITLE (anywhere in the body) and what the body
    states about its sender (body.describe)."""
    out: list[Observation] = bodies.describe(body, meta, attrs) if body else []
    value = text(_lenient(body[:BODY_LIMIT]), BODY_LIMIT)
    if value:
        truncated = cut or len(body) > BODY_LIMIT
        out.append(Observation(Kind.HTTP_BODY, value, meta, attrs, truncated=truncated))
    raw_title = _title(body)
    if raw_title is not None:
        title = " ".join(html.unescape(_lenient(raw_title)).split())
        out += _obs(Kind.HTTP_TITLE, title, meta, attrs)
    return out


def _title(body: bytes) -> bytes | None:
    """Content of the first closed <title> element, found by plain (linear) searches."""
    low = body.lower()  # ASCII-only on bytes, so offsets stay valid
    start = low.find(b"<title")
    open_end = low.find(b">", start) if start >= 0 else -1
    close = low.find(b"</title", open_end) if open_end >= 0 else -1
    return body[open_end + 1 : close] if close >= 0 else None


def _lenient(raw: bytes) -> str:
    """UTF-8 with bad bytes replaced; a multi-byte sequence cut at the end is dropped."""
    # A leading BOM survives as U+FEFF: before the doctype it is a Dahua/Hikvision tell.
    return codecs.getincrementaldecoder("utf-8")("replace").decode(raw, final=False)


def _request(
    data: bytes, head: Head, line: tuple[bytes, bytes], meta: Meta
) -> tuple[list[Observation], int | None]:
    """HTTP_REQUEST of one request and the offset of the next message (None: unknown)."""
    method, target = line
    attrs: dict[str, str] = {}
    for key, header in (("host", b"host"), ("user_agent", b"user-agent")):
        value = text(head.get(header) or b"")
        if value:
            attrs[key] = value
    out = _obs(Kind.HTTP_REQUEST, method + b" " + target, meta, attrs)
    return out, _request_end(data, head)


def _request_end(data: bytes, head: Head) -> int | None:
    """Offset after a request's body (requests without a length have none), or None."""
    if head.end is None:
        return None
    if b"chunked" in (head.get(b"transfer-encoding") or b"").lower():
        return dechunk(data, head.end)[1]
    length = content_length(head) or 0
    return head.end + length if head.end + length <= len(data) else None
