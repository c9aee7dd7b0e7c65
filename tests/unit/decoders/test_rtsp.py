"""Tests for scanner.decoders.rtsp: responses, request paths, interleaved frames, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.decoders import rtsp
from scanner.model import Kind, Meta, Observation

REALCAPS = Path(__file__).resolve().parents[3] / ".." / "shared" / "realcaps"

# A camera at 10.0.0.64:554 and a client at 10.0.0.2:50000.
SERVER = Meta(
    "test", 1, 0.0, src_ip="10.0.0.64", dst_ip="10.0.0.2", proto="tcp", sport=554, dport=50000
)
CLIENT = Meta(
    "test", 1, 0.0, src_ip="10.0.0.2", dst_ip="10.0.0.64", proto="tcp", sport=50000, dport=554
)

# Hikvision IPC refusing an unauthenticated DESCRIBE (docs/protocols.md §6).
HIK_401 = (
    b"RTSP/1.0 401 Unauthorized\r\n"  # status 401
    b"CSeq: 3\r\n"  # echoed sequence number
    b'WWW-Authenticate: Digest realm="IP Camera(C2183)", nonce="a0e8a3c1d5f2", stale="FALSE"\r\n'
    b'WWW-Authenticate: Basic realm="IP Camera(C2183)"\r\n'
    b"Date:  Thu, May 14 2020 10:00:00 GMT\r\n"  # two spaces after "Date:" (docs/protocols.md §6)
    b"\r\n"
)
# Dahua-platform OPTIONS reply.
DAHUA_OPTIONS = (
    b"RTSP/1.0 200 OK\r\n"
    b"CSeq: 2\r\n"
    b"Server: Rtsp Server/3.0\r\n"
    b"Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, "
    b"SET_PARAMETER, GET_PARAMETER\r\n"
    b"\r\n"
)
PUBLIC = (
    "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, "
    "SET_PARAMETER, GET_PARAMETER"
)


BANNERS = frozenset({Kind.RTSP_SERVER, Kind.RTSP_AUTH, Kind.RTSP_PUBLIC, Kind.RTSP_REQUEST})


def _summary(
    found: list[Observation], kinds: frozenset[Kind] = BANNERS
) -> list[tuple[Kind, str, dict[str, str]]]:
    """(kind, value, attrs) of each observation of `kinds`, for exact comparison."""
    return [(o.kind, o.value, dict(o.attrs)) for o in found if o.kind in kinds]


def test_hikvision_401_gives_each_auth_challenge() -> None:
    attrs = {"status": "401", "cseq": "3"}
    assert _summary(rtsp.decode(HIK_401, SERVER)) == [
        (
            Kind.RTSP_AUTH,
            'Digest realm="IP Camera(C2183)", nonce="a0e8a3c1d5f2", stale="FALSE"',
            attrs,
        ),
        (Kind.RTSP_AUTH, 'Basic realm="IP Camera(C2183)"', attrs),
    ]


def test_options_reply_gives_server_and_public() -> None:
    attrs = {"status": "200", "cseq": "2"}
    assert _summary(rtsp.decode(DAHUA_OPTIONS, SERVER)) == [
        (Kind.RTSP_SERVER, "Rtsp Server/3.0", attrs),
        (Kind.RTSP_PUBLIC, PUBLIC, attrs),
    ]


def test_response_without_cseq_has_only_status() -> None:
    data = b"RTSP/1.0 405 Method Not Allowed\r\nServer: Dahua Rtsp Server\r\n\r\n"
    assert _summary(rtsp.decode(data, SERVER)) == [
        (Kind.RTSP_SERVER, "Dahua Rtsp Server", {"status": "405"}),
    ]


def test_request_gives_path_with_query_method_and_user_agent() -> None:
    data = (
        b"DESCRIBE rtsp://admin@10.0.0.108:554/cam/realmonitor?channel=1&subtype=0 RTSP/1.0\r\n"
        b"CSeq: 3\r\n"
        b"User-Agent: LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)\r\n"
        b"\r\n"
    )
    assert _summary(rtsp.decode(data, CLIENT)) == [
        (
            Kind.RTSP_REQUEST,
            "/cam/realmonitor?channel=1&subtype=0",  # host and user info are dropped
            {
                "method": "DESCRIBE",
                "user_agent": "LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)",
            },
        )
    ]


def test_request_for_bare_host_url_has_root_path() -> None:
    data = b"OPTIONS rtsp://10.0.0.64:554 RTSP/1.0\r\nCSeq: 1\r\n\r\n"
    assert _summary(rtsp.decode(data, CLIENT)) == [(Kind.RTSP_REQUEST, "/", {"method": "OPTIONS"})]


def test_request_for_star_names_no_path() -> None:
    assert rtsp.decode(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", CLIENT) == []


def test_pipelined_requests_skip_bodies() -> None:
    data = (
        b"SET_PARAMETER rtsp://cam/Streaming/Channels/101 RTSP/1.0\r\nContent-Length: 8\r\n\r\n"
        b"a: b\r\n\r\n"  # 8-byte body that must not be read as a request
        b"TEARDOWN rtsp://cam/Streaming/Channels/101/ RTSP/1.0\r\n\r\n"
    )
    assert [(o.value, o.attrs["method"]) for o in rtsp.decode(data, CLIENT)] == [
        ("/Streaming/Channels/101", "SET_PARAMETER"),
        ("/Streaming/Channels/101/", "TEARDOWN"),
    ]


def test_interleaved_frames_between_messages_are_skipped() -> None:
    data = (
        DAHUA_OPTIONS
        + b"$\x00\x00\x04RTP!"  # "$", channel 0, length 4, data
        + b"$\x01\x00\x0cRTCP-report!"  # channel 1, length 12
        + HIK_401
    )
    kinds = [o.kind for o in rtsp.decode(data, SERVER)]
    assert kinds == [
        *(Kind.RTSP_SERVER, Kind.RTSP_PUBLIC, Kind.RTSP_HEADERS),
        *(Kind.RTSP_AUTH, Kind.RTSP_AUTH, Kind.RTSP_HEADERS),
    ]


def test_response_body_is_skipped_by_content_length() -> None:
    sdp = b"v=0\r\ns=Media Presentation\r\n\r\nRTSP/1.0 999 not a message\r\n"
    data = (
        b"RTSP/1.0 200 OK\r\nCSeq: 4\r\nContent-Length: %d\r\n\r\n" % len(sdp)
        + sdp
        + b"RTSP/1.0 200 OK\r\nCSeq: 5\r\nServer: next\r\n\r\n"
    )
    assert _summary(rtsp.decode(data, SERVER)) == [
        (Kind.RTSP_SERVER, "next", {"status": "200", "cseq": "5"})
    ]


def test_interleaved_header_cut_at_end_stops_cleanly() -> None:
    assert len(_summary(rtsp.decode(DAHUA_OPTIONS + b"$\x00", SERVER))) == 2


def test_at_most_eight_messages() -> None:
    data = b"".join(b"RTSP/1.0 200 OK\r\nServer: s%d\r\n\r\n" % i for i in range(10))
    found = rtsp.decode(data, SERVER)
    assert [o.value for o in found if o.kind is Kind.RTSP_SERVER] == [f"s{i}" for i in range(8)]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x80\x60\x00\x01binary rtp\r\n\r\n",
        b"RTSP/1.0 OK\r\n\r\n",  # no status code
        b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n",
        b"GET rtsp://x/ HTTP/1.1\r\n\r\n",
        b"RTSP/1.0 200 OK",  # status line without end
    ],
)
def test_non_rtsp_or_cut_start_gives_nothing(data: bytes) -> None:
    assert rtsp.decode(data, SERVER) == []


def test_every_prefix_of_a_response_decodes_without_error() -> None:
    for end in range(len(HIK_401) + 1):
        found = rtsp.decode(HIK_401[:end], SERVER)
        assert all(o.kind in (Kind.RTSP_AUTH, Kind.RTSP_HEADERS) for o in found)


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (b"RTSP/1.0 200 OK\r\n", True),
        (b"OPTIONS rtsp://10.0.0.64:554/ RTSP/1.0\r\n", True),
        (b"DESCRIBE rtsp://10.0.0.64/Streaming/Channels/101 RTSP/1.0\r\n", True),
        (b"GET_PARAMETER rtsp://10.0.0.64/ RTSP/1.0\r\n", True),
        (b"OPTIONS * RTSP/1.0\r\n", True),
        (b"GET_PARAMETER rtsp://10.0.0.64/ RTSP/1.0"[:16], True),  # the dispatcher passes 16 bytes
        (b"SET_PARAMETER rtsp://10.0.0.64/ RTSP/1.0"[:16], True),
        (b"OPTIONS * RTSP/1.0\r\n"[:16], True),
        (b"PLAY rtsp://10.0.0.64/ RTSP/1.0"[:16], True),
        (b"OPTIONS / HTTP/1.1\r\n"[:16], False),
        (b"GET /rtsp://x HTTP/1.1\r\n", False),
        (b"GET / HTTP/1.1\r\nReferer: rtsp://x/\r\n", False),  # rtsp:// only on a later line
        (b"HTTP/1.1 200 OK\r\n", False),
        (b"$\x00\x00\x10", False),
        (b"", False),
    ],
)
def test_looks_like(first: bytes, expected: bool) -> None:
    assert rtsp.looks_like(first) is expected


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


def test_real_vlc_server_replies() -> None:
    data = _tcp_stream(_realcap("ndpi/rtsp.pcap"), 8554, 52472)
    found = _summary(rtsp.decode(data, SERVER))
    assert found[:3] == [
        (Kind.RTSP_SERVER, "VLC/3.0.12", {"status": "200", "cseq": "2"}),
        (
            Kind.RTSP_PUBLIC,
            "DESCRIBE,SETUP,TEARDOWN,PLAY,PAUSE,GET_PARAMETER",
            {"status": "200", "cseq": "2"},
        ),
        (Kind.RTSP_SERVER, "VLC/3.0.12", {"status": "200", "cseq": "3"}),  # after a 695-byte SDP
    ]


def test_real_vlc_client_requests() -> None:
    data = _tcp_stream(_realcap("ndpi/rtsp.pcap"), 52472, 8554)
    found = [(o.value, o.attrs["method"]) for o in rtsp.decode(data, CLIENT)]
    assert found[:3] == [("/", "OPTIONS"), ("/", "DESCRIBE"), ("/trackID=0", "SETUP")]


# -- header shape, SDP and Content-Base -------------------------------------------------------

# Hikvision DESCRIBE reply as an owner pasted it (tests/realworld corpus:
# webrtc-issue-243/hik-intercom-describe-200), SDP cut after its first lines.
HIK_DESCRIBE = (
    b"RTSP/1.0 200 OK\r\n"
    b"CSeq: 3\r\n"
    b"Content-Base: rtsp://192.168.0.70:554/Streaming/Channels/102/\r\n"
    b"Content-Length: 85\r\n"
    b"Content-Type: application/sdp\r\n"
    b"\r\n"
    b"v=0\r\n"
    b"o=- 1658759913020392 1658759913020392 IN IP4 192.168.0.70\r\n"
    b"s=Media Presentation\r\n"
)


def test_header_names_keep_order_and_the_date_keeps_its_spacing() -> None:
    assert _summary(rtsp.decode(HIK_401, SERVER), frozenset({Kind.RTSP_HEADERS})) == [
        (
            Kind.RTSP_HEADERS,
            "CSeq,WWW-Authenticate,WWW-Authenticate,Date",
            {"status": "401", "cseq": "3", "date": "  Thu, May 14 2020 10:00:00 GMT"},
        )
    ]


def test_describe_reply_gives_its_sdp_and_its_own_stream_path() -> None:
    kinds = frozenset({Kind.RTSP_SDP, Kind.MEDIA_URI})
    attrs = {"status": "200", "cseq": "3"}
    assert _summary(rtsp.decode(HIK_DESCRIBE, SERVER), kinds) == [
        (Kind.MEDIA_URI, "/Streaming/Channels/102/", {**attrs, "scheme": "rtsp"}),
        (
            Kind.RTSP_SDP,
            "v=0\no=- 1658759913020392 1658759913020392 IN IP4 192.168.0.70\ns=Media Presentation",
            attrs,
        ),
    ]


def test_sdp_stops_where_its_line_grammar_ends() -> None:
    data = HIK_DESCRIBE.replace(b"Content-Length: 85", b"Content-Length: 9999") + b"\x00\xffbinary"
    (sdp,) = [o for o in rtsp.decode(data, SERVER) if o.kind is Kind.RTSP_SDP]
    assert (sdp.value.endswith("s=Media Presentation"), sdp.truncated) == (True, True)
