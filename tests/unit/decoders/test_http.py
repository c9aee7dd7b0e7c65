"""Tests for scanner.decoders.http: response banners, bodies, titles, requests, hostile input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scanner.decoders import http
from scanner.model import Kind, Meta, Observation

REALCAPS = Path(__file__).resolve().parents[3] / ".." / "shared" / "realcaps"

# A camera at 10.0.0.64:80 answering a client at 10.0.0.2:50000.
SERVER = Meta(
    "test", 1, 0.0, src_ip="10.0.0.64", dst_ip="10.0.0.2", proto="tcp", sport=80, dport=50000
)
CLIENT = Meta(
    "test", 1, 0.0, src_ip="10.0.0.2", dst_ip="10.0.0.64", proto="tcp", sport=50000, dport=80
)

HIK_401_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head>"
    b"<body><h2>Access Error: 401 -- Unauthorized</h2></body></html>\n"
)
# Hikvision IPC answering /ISAPI/... without credentials.
HIK_401 = (
    b"HTTP/1.1 401 Unauthorized\r\n"  # status 401
    b"Date: Thu, 14 May 2020 10:00:00 GMT\r\n"
    b"Server: App-webs/\r\n"  # Hikvision web server token (docs/protocols.md §5.1)
    b"Content-Length: %d\r\n"
    b"Content-Type: text/html\r\n"
    b"Connection: close\r\n"
    b'WWW-Authenticate: Digest qop="auth", realm="IP Camera(C2183)", '  # realm form (5.1)
    b'nonce="4e5468694e7a49354f4441364d5449324d6a633d", stale="FALSE"\r\n'
    b"\r\n"
) % len(HIK_401_BODY) + HIK_401_BODY

DAHUA_BODY = (
    b"\xef\xbb\xbf"  # BOM before the doctype (nmap: Dahua header shape, docs/protocols.md §5.2)
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
    b"<title>WEB SERVICE</title>\n</head>\n<body></body>\n</html>"
)
# Dahua web service: no Server header, upper-case header names, ETag "<digits>:<hex>".
DAHUA_200 = (
    b"HTTP/1.1 200 OK\r\n"
    b"CONTENT-LENGTH: %d\r\n"
    b"CONNECTION: close\r\n"
    b'ETAG: "1568707742:4fd"\r\n'
    b"CACHE-CONTROL: max-age=0\r\n"
    b"CONTENT-TYPE: text/html\r\n"
    b"P3P: CP=CAO PSA OUR\r\n"
    b"\r\n"
) % len(DAHUA_BODY) + DAHUA_BODY


def _summary(found: list[Observation]) -> list[tuple[Kind, str, dict[str, str], bool]]:
    """(kind, value, attrs, truncated) of each observation, for exact comparison."""
    return [(o.kind, o.value, dict(o.attrs), o.truncated) for o in found]


def _response(head: bytes, body: bytes = b"") -> bytes:
    """A 200 response with the given extra header lines and a Content-Length body."""
    return b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_hikvision_401_gives_server_auth_headers_body_and_title() -> None:
    status = {"status": "401"}
    assert _summary(http.decode(HIK_401, SERVER)) == [
        (Kind.HTTP_SERVER, "App-webs/", status, False),
        (
            Kind.HTTP_AUTH,
            'Digest qop="auth", realm="IP Camera(C2183)", '
            'nonce="4e5468694e7a49354f4441364d5449324d6a633d", stale="FALSE"',
            status,
            False,
        ),
        (
            Kind.HTTP_HEADERS,
            "Date,Server,Content-Length,Content-Type,Connection,WWW-Authenticate",
            status,
            False,
        ),
        (Kind.HTTP_BODY, HIK_401_BODY.decode().strip(), status, False),
        (Kind.HTTP_TITLE, "Document Error: Unauthorized", status, False),
    ]


def test_observations_carry_the_sender_meta() -> None:
    assert {o.meta for o in http.decode(HIK_401, SERVER)} == {SERVER}


def test_dahua_header_names_keep_case_and_body_keeps_bom() -> None:
    status = {"status": "200"}
    assert _summary(http.decode(DAHUA_200, SERVER)) == [
        (
            Kind.HTTP_HEADERS,
            "CONTENT-LENGTH,CONNECTION,ETAG,CACHE-CONTROL,CONTENT-TYPE,P3P",
            status,
            False,
        ),
        (Kind.HTTP_BODY, DAHUA_BODY.decode("utf-8"), status, False),
        (Kind.HTTP_TITLE, "WEB SERVICE", status, False),
    ]
    assert http.decode(DAHUA_200, SERVER)[1].value.startswith("\ufeff<!DOCTYPE")


def test_one_auth_observation_per_www_authenticate_header() -> None:
    data = _response(
        b'WWW-Authenticate: Digest realm="hikvision"\r\nWWW-Authenticate: Basic realm="/"\r\n'
    )
    auth = [o.value for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_AUTH]
    assert auth == ['Digest realm="hikvision"', 'Basic realm="/"']


def test_location_header() -> None:
    data = (
        b"HTTP/1.1 302 Redirect\r\n"
        b"Server: Webs\r\n"
        b"Location: http://10.0.0.64/index.asp\r\n"  # docs/protocols.md §5.1
        b"Content-Length: 0\r\n\r\n"
    )
    found = [o for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_LOCATION]
    assert _summary(found) == [
        (Kind.HTTP_LOCATION, "http://10.0.0.64/index.asp", {"status": "302"}, False)
    ]


def test_chunked_body_is_dechunked() -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"7\r\n<html>\n\r\n"  # chunk of 7 bytes
        b"1c;ext=1\r\n<title>Chunked page</title>\n\r\n"  # 0x1c = 28 bytes, with an extension
        b"0\r\nX-Trailer: 1\r\n\r\n"  # last chunk and a trailer
    )
    found = http.decode(data, SERVER)
    assert [(o.kind, o.value, o.truncated) for o in found][-2:] == [
        (Kind.HTTP_BODY, "<html>\n<title>Chunked page</title>", False),
        (Kind.HTTP_TITLE, "Chunked page", False),
    ]


def test_title_whitespace_collapsed_and_entities_unescaped() -> None:
    data = _response(
        b"", b"<html><TITLE lang=en>\n  CPPLUS DVR &ndash;Web\tView &amp; more\n</TITLE>"
    )
    titles = [o.value for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_TITLE]
    assert titles == ["CPPLUS DVR \u2013Web View & more"]


def test_empty_title_and_empty_server_are_not_emitted() -> None:
    data = _response(b"Server: \r\n", b"<title> </title>")
    kinds = [o.kind for o in http.decode(data, SERVER)]
    assert kinds == [Kind.HTTP_HEADERS, Kind.HTTP_BODY]


def test_gzip_body_is_inflated() -> None:
    data = _response(b"Content-Encoding: gzip\r\n", gzip.compress(b"<title>Zipped</title>"))
    titles = [o.value for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_TITLE]
    assert titles == ["Zipped"]


def test_corrupt_gzip_body_gives_no_body() -> None:
    data = _response(b"Content-Encoding: gzip\r\n", b"\x1f\x8bnot really gzip")
    assert [o.kind for o in http.decode(data, SERVER)] == [Kind.HTTP_HEADERS]


def test_body_is_cut_to_2k_and_marked_truncated() -> None:
    data = _response(b"", b"a" * 3000)
    body = [o for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_BODY]
    assert [(o.value, o.truncated) for o in body] == [("a" * 2048, True)]


def test_body_cut_by_end_of_buffer_is_truncated() -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + b"b" * 100
    body = [o for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_BODY]
    assert [(o.value, o.truncated) for o in body] == [("b" * 100, True)]


def test_body_without_length_runs_to_end_of_buffer() -> None:
    data = b"HTTP/1.0 200 OK\r\nServer: webs\r\n\r\n<title>No length</title>"
    assert [o.value for o in http.decode(data, SERVER)][-1] == "No length"


def test_utf8_sequence_cut_at_2k_is_dropped_not_replaced() -> None:
    data = _response(b"", b"a" * 2047 + "\u00e9".encode() + b"tail")  # é straddles byte 2048
    body = [o.value for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_BODY]
    assert body == ["a" * 2047]


def test_bare_lf_line_endings() -> None:
    data = b"HTTP/1.0 200 OK\nServer: DNVRS-Webs\nContent-Length: 0\n\n"
    assert _summary(http.decode(data, SERVER)) == [
        (Kind.HTTP_SERVER, "DNVRS-Webs", {"status": "200"}, False),
        (Kind.HTTP_HEADERS, "Server,Content-Length", {"status": "200"}, False),
    ]


def test_folded_header_line_continues_the_value() -> None:
    data = b"HTTP/1.1 200 OK\r\nServer: Hikvision\r\n -Webs\r\nContent-Length: 0\r\n\r\n"
    assert http.decode(data, SERVER)[0].value == "Hikvision -Webs"


def test_pipelined_responses_are_each_decoded() -> None:
    data = (
        _response(b"Server: first\r\n", b"abc")
        + b"HTTP/1.1 304 Not Modified\r\nServer: second\r\n\r\n"  # 304: no body
        + b"HTTP/1.1 100 Continue\r\n\r\n"  # interim response: no body
        + _response(b"Server: third\r\n")
    )
    servers = [
        (o.value, o.attrs["status"])
        for o in http.decode(data, SERVER)
        if o.kind is Kind.HTTP_SERVER
    ]
    assert servers == [("first", "200"), ("second", "304"), ("third", "200")]


def test_pipelined_chunked_response_is_followed() -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nServer: one\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        + _response(b"Server: two\r\n")
    )
    assert [o.value for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_SERVER] == [
        "one",
        "two",
    ]


def test_at_most_eight_pipelined_messages() -> None:
    data = b"".join(_response(b"Server: s%d\r\n" % i) for i in range(10))
    servers = [o.value for o in http.decode(data, SERVER) if o.kind is Kind.HTTP_SERVER]
    assert servers == [f"s{i}" for i in range(8)]


def test_cut_headers_keep_the_complete_lines_and_give_no_body() -> None:
    data = b"HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Ty"
    assert _summary(http.decode(data, SERVER)) == [
        (Kind.HTTP_SERVER, "App-webs/", {"status": "200"}, False),
        (Kind.HTTP_HEADERS, "Server", {"status": "200"}, False),
    ]


def test_header_count_is_capped_at_100() -> None:
    head = b"".join(b"X-%03d: v\r\n" % i for i in range(150)) + b"Server: late\r\n"
    found = http.decode(b"HTTP/1.1 200 OK\r\n" + head + b"\r\n", SERVER)
    names = ",".join(f"X-{i:03d}" for i in range(100))
    assert _summary(found) == [(Kind.HTTP_HEADERS, names[:512], {"status": "200"}, True)]


def test_line_longer_than_8k_stops_the_head() -> None:
    data = b"HTTP/1.1 200 OK\r\nServer: ok\r\nX-Long: " + b"x" * 9000 + b"\r\nServer: no\r\n\r\n"
    assert [o.value for o in http.decode(data, SERVER)] == ["ok", "Server"]


def test_request_gives_method_path_host_and_user_agent() -> None:
    data = (
        b"GET /ISAPI/System/deviceInfo?format=xml HTTP/1.1\r\n"
        b"Host: 10.0.0.64\r\n"
        b"User-Agent: Hikplayer\r\n"
        b'Authorization: Digest username="admin"\r\n'  # credentials are never reported
        b"\r\n"
    )
    assert _summary(http.decode(data, CLIENT)) == [
        (
            Kind.HTTP_REQUEST,
            "GET /ISAPI/System/deviceInfo?format=xml",
            {"host": "10.0.0.64", "user_agent": "Hikplayer"},
            False,
        )
    ]


def test_pipelined_requests_skip_request_bodies() -> None:
    data = (
        b"POST /RPC2_Login HTTP/1.1\r\nContent-Length: 12\r\n\r\n"
        b'{"id":1}\r\n\r\n'  # 12-byte JSON body that must not be read as a request
        b"GET /doc/page/login.asp HTTP/1.1\r\nHost: cam\r\n\r\n"
    )
    assert _summary(http.decode(data, CLIENT)) == [
        (Kind.HTTP_REQUEST, "POST /RPC2_Login", {}, False),
        (Kind.HTTP_REQUEST, "GET /doc/page/login.asp", {"host": "cam"}, False),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02garbage\r\n\r\n",
        b"HTTP/1.1 2OO OK\r\n\r\n",  # letters in the status code
        b"GET / FTP/1.0\r\n\r\n",  # not HTTP
        b"RTSP/1.0 200 OK\r\nServer: x\r\n\r\n",
        b"HTTP/1.1 200 OK",  # status line without end
    ],
)
def test_non_http_or_cut_start_gives_nothing(data: bytes) -> None:
    assert http.decode(data, SERVER) == []


def test_every_prefix_of_a_response_yields_beginnings_of_the_whole() -> None:
    whole = {o.kind: o.value for o in http.decode(DAHUA_200, SERVER)}
    assert sorted(whole) == [Kind.HTTP_BODY, Kind.HTTP_HEADERS, Kind.HTTP_TITLE]
    for end in range(len(DAHUA_200) + 1):
        for o in http.decode(DAHUA_200[:end], SERVER):
            assert whole[o.kind].startswith(o.value), (end, o)


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (b"HTTP/1.1 200 OK\r\n", True),
        (b"HTTP/1.0 401 Unauthorized\r\n", True),
        (b"GET / HTTP/1.1\r\n", True),
        (b"POST /RPC2_Login HTTP/1.1\r\n", True),
        (b"HEAD / HTTP/1.0\r\n", True),
        (b"PUT /SDK/webLanguage HTTP/1.1\r\n", True),
        (b"OPTIONS / HTTP/1.1\r\n", True),
        (b"DELETE /x HTTP/1.1\r\n", True),
        (b"OPTIONS rtsp://10.0.0.64:554/ RTSP/1.0\r\n", False),
        (b"OPTIONS * RTSP/1.0\r\n", False),
        (b"OPTIONS * RTSP/1.0\r\n"[:16], False),  # the dispatcher passes 16 bytes
        (b"OPTIONS rtsp://10.0.0.64:554/ RTSP/1.0"[:16], False),
        (b"OPTIONS * HTTP/1.1\r\n"[:16], True),
        (b"DESCRIBE rtsp://10.0.0.64/ RTSP/1.0", False),
        (b"RTSP/1.0 200 OK\r\n", False),
        (b"HTTP/2", False),
        (b"GETX / HTTP/1.1", False),
        (b"\x16\x03\x01\x02\x00", False),
        (b"", False),
    ],
)
def test_looks_like(first: bytes, expected: bool) -> None:
    assert http.looks_like(first) is expected


def _tcp_stream(pcap: Path, sport: int, dport: int) -> bytes:
    """First 8 KiB of one direction of a TCP connection in a capture, in sequence order."""
    from scapy.layers.inet import IP, TCP
    from scapy.utils import rdpcap

    segments: dict[int, bytes] = {}
    for pkt in rdpcap(str(pcap)):
        if IP in pkt and TCP in pkt and (pkt[TCP].sport, pkt[TCP].dport) == (sport, dport):
            size = pkt[IP].len - pkt[IP].ihl * 4 - pkt[TCP].dataofs * 4  # drop link padding
            if size > 0:
                segments.setdefault(pkt[TCP].seq, bytes(pkt[TCP].payload)[:size])
    return b"".join(segments[seq] for seq in sorted(segments))[:8192]


def _realcap(name: str) -> Path:
    path = REALCAPS / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


def test_real_apache_401_response() -> None:
    data = _tcp_stream(_realcap("ndpi/http_auth.pcap"), 80, 54337)
    wanted = (Kind.HTTP_SERVER, Kind.HTTP_AUTH, Kind.HTTP_TITLE)
    found = [(o.kind, o.value) for o in http.decode(data, SERVER) if o.kind in wanted]
    assert found == [
        (Kind.HTTP_SERVER, "Apache"),
        (Kind.HTTP_AUTH, 'Basic realm="BrowserSpy.dk - HTTP Password Test"'),
        (Kind.HTTP_TITLE, "HTTP Password Information - Failure - BrowserSpy.dk"),
    ]


def test_real_browser_request() -> None:
    data = _tcp_stream(_realcap("ndpi/http_auth.pcap"), 54337, 80)
    found = http.decode(data, CLIENT)
    assert [(o.kind, o.value, o.attrs.get("host")) for o in found][0] == (
        Kind.HTTP_REQUEST,
        "GET /password-ok.php",
        "browserspy.dk",
    )
