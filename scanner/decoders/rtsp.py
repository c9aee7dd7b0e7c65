"""RTSP/1.0 banners from one direction of a TCP stream: response headers, the SDP of DESCRIBE
replies and request paths."""

from __future__ import annotations

import re

from scanner.decoders import body
from scanner.decoders._text import text, was_cut
from scanner.decoders.http import Head, content_length, read_head, realm_mac
from scanner.model import Kind, Meta, Observation

RTSP_PORT = 554
TCP_PORTS = (RTSP_PORT,)
SERVICES = {("tcp", RTSP_PORT): "rtsp", ("udp", RTSP_PORT): "rtsp"}
MAX_MESSAGES = 8
SDP_LIMIT = 2048  # characters of an SDP body kept in RTSP_SDP
# header whose raw value keeps its spacing in RTSP_HEADERS attrs: servers differ in how they
# write them (a Date of "Mon, Jan 01 2018" with two leading spaces is not RFC 1123's form)
SHAPED_HEADERS = (b"date", b"session", b"transport")
_SDP_LINE = re.compile(rb"[a-z]=[^\r\n]*\r?$")
_INTERLEAVED = 0x24  # "$": RFC 2326 §10.12 frame = "$", channel u8, length u16 BE, data
_SCHEME = b"rtsp://"
# A response, or a request method that exists in RTSP (RFC 2326 §10) but not in HTTP.
_STARTS = (
    b"RTSP/1.0",
    *(b"DESCRIBE ", b"ANNOUNCE ", b"SETUP ", b"PLAY ", b"PAUSE ", b"TEARDOWN ", b"RECORD "),
    *(b"GET_PARAMETER ", b"SET_PARAMETER ", b"REDIRECT "),
)


def looks_like(first: bytes) -> bool:
    """True when `first` (as little as 16 bytes) starts an RTSP response or request."""
    if first.startswith(_STARTS):
        return True
    if not first[:1].isupper():
        return False
    # OPTIONS (shared with HTTP) or an unlisted method: the request line must name RTSP.
    line = first[:256].split(b"\n", 1)[0]
    return b" rtsp://" in line or b" RTSP/1" in line


def decode(data: bytes, meta: Meta) -> list[Observation]:
    """Observations from up to MAX_MESSAGES RTSP messages, skipping interleaved binary frames."""
    out: list[Observation] = []
    pos = 0
    for _ in range(MAX_MESSAGES):
        start = _skip_filler(data, pos)
        head = read_head(data, start) if start is not None else None
        if head is None:
            break
        response = head.start.startswith(b"RTSP/1.")
        found = _response(data, head, meta) if response else _request(head, meta)
        if found is None:
            break
        out.extend(found)
        end = _message_end(data, head)
        if end is None:
            break
        pos = end
    return out


def _skip_filler(data: bytes, pos: int) -> int | None:
    """Offset of the next message after blank lines and interleaved frames; None when cut."""
    while pos < len(data):
        if data[pos] == _INTERLEAVED:
            if pos + 4 > len(data):
                return None
            pos += 4 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        elif data[pos] in b"\r\n":
            pos += 1
        else:
            return pos
    return pos


def _message_end(data: bytes, head: Head) -> int | None:
    """Offset after the message body (Content-Length, absent means none), or None when cut."""
    if head.end is None:
        return None
    end = head.end + (content_length(head) or 0)
    return end if end <= len(data) else None


def _obs(kind: Kind, raw: bytes, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    """One bounded Observation, or none when the value is empty."""
    value = text(raw)
    return [Observation(kind, value, meta, attrs, truncated=was_cut(raw))] if value else []


def _response(data: bytes, head: Head, meta: Meta) -> list[Observation] | None:
    """RTSP_SERVER, RTSP_AUTH, RTSP_PUBLIC, RTSP_HEADERS, RTSP_SDP and the Content-Base's
    MEDIA_URI of one response; None if the status line is bad."""
    parts = head.start.split(None, 2)
    if len(parts) < 2 or len(parts[1]) != 3 or not parts[1].isdigit():
        return None
    attrs = {"status": parts[1].decode("ascii")}
    cseq = text(head.get(b"cseq") or b"")
    if cseq:
        attrs["cseq"] = cseq
    out: list[Observation] = []
    out += _obs(Kind.RTSP_SERVER, head.get(b"server") or b"", meta, attrs)
    for challenge in head.get_all(b"www-authenticate"):
        out += _obs(Kind.RTSP_AUTH, challenge, meta, attrs)
        out += realm_mac(challenge, meta)
    out += _obs(Kind.RTSP_PUBLIC, head.get(b"public") or b"", meta, attrs)
    shape = dict(attrs)
    for name in SHAPED_HEADERS:
        raw = _raw_value(data, head, name)
        if raw is not None:
            shape[name.decode()] = raw
    out += _obs(Kind.RTSP_HEADERS, b",".join(name for name, _ in head.fields), meta, shape)
    base = text(head.get(b"content-base") or b"")
    if base:
        out += body.media_uri(base, meta, attrs)
    if head.end is not None and b"sdp" in (head.get(b"content-type") or b"").lower():
        out += _sdp(data, head.end, content_length(head), meta, attrs)
    return out


def _raw_value(data: bytes, head: Head, name: bytes) -> str | None:
    """The value of header `name` as written (leading spaces kept), from the header section."""
    if head.get(name) is None:
        return None
    section = data[: head.end] if head.end is not None else data
    for line in section.split(b"\n")[1:]:
        field, sep, value = line.partition(b":")
        if sep and field.strip().lower() == name:
            return text(value.rstrip(b"\r\t "), 128, strip=False)
    return None


def _sdp(
    data: bytes, start: int, length: int | None, meta: Meta, attrs: dict[str, str]
) -> list[Observation]:
    """RTSP_SDP: the description's `x=value` lines joined by "\\n", at most SDP_LIMIT chars."""
    raw = data[start : start + length] if length is not None else data[start:]
    lines: list[str] = []
    size = 0
    for line in raw[: SDP_LIMIT * 2].split(b"\n"):
        if not _SDP_LINE.match(line):
            break  # the description ends where its grammar does (RFC 8866 §5)
        kept = text(line, SDP_LIMIT)
        lines.append(kept)
        size += len(kept) + 1
        if size > SDP_LIMIT:
            break
    value = "\n".join(lines)
    if not value.startswith("v="):
        return []
    cut = size > SDP_LIMIT or (length is not None and len(raw) < length)
    return [Observation(Kind.RTSP_SDP, value[:SDP_LIMIT], meta, attrs, truncated=cut)]


def _request(head: Head, meta: Meta) -> list[Observation] | None:
    """RTSP_REQUEST (URL path with query) of one request; None if not an RTSP request line."""
    parts = head.start.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"RTSP/1.") or not _is_method(parts[0]):
        return None
    url = parts[1]
    if url[: len(_SCHEME)].lower() != _SCHEME:
        return []  # "OPTIONS * RTSP/1.0" names no path
    attrs = {"method": text(parts[0])}
    agent = text(head.get(b"user-agent") or b"")
    if agent:
        attrs["user_agent"] = agent
    return _obs(Kind.RTSP_REQUEST, _path(url[len(_SCHEME) :]), meta, attrs)


def _is_method(token: bytes) -> bool:
    """True for an upper-case method token such as GET_PARAMETER."""
    return 0 < len(token) <= 20 and token.isupper() and token.replace(b"_", b"A").isalpha()


def _path(rest: bytes) -> bytes:
    """Path and query of a scheme-less rtsp:// URL; host and any userinfo are dropped."""
    cut = min((i for i in (rest.find(b"/"), rest.find(b"?")) if i >= 0), default=len(rest))
    path = rest[cut:]
    return path if path.startswith(b"/") else b"/" + path
