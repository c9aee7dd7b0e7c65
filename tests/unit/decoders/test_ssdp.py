"""Tests for scanner.decoders.ssdp: announcements, search replies and searches."""

from __future__ import annotations

from scanner.decoders import ssdp
from scanner.model import Kind, Meta, Observation

META = Meta(
    "test",
    1,
    0.0,
    src_ip="10.20.30.11",
    dst_ip="239.255.255.250",
    proto="udp",
    sport=1900,
    dport=1900,
)
SERVER = "Linux/3.10 UPnP/1.0 IPCamera/1.0"
USN = "uuid:2f402f80-da50-11e1-9b23-4419b6123456::upnp:rootdevice"
LOCATION = "http://10.20.30.11:49152/rootDesc.xml"

NOTIFY = (
    b"NOTIFY * HTTP/1.1\r\n"
    b"HOST: 239.255.255.250:1900\r\n"
    b"CACHE-CONTROL: max-age=1800\r\n"
    b"LOCATION: http://10.20.30.11:49152/rootDesc.xml\r\n"
    b"NT: upnp:rootdevice\r\n"
    b"NTS: ssdp:alive\r\n"
    b"SERVER: Linux/3.10 UPnP/1.0 IPCamera/1.0\r\n"
    b"USN: uuid:2f402f80-da50-11e1-9b23-4419b6123456::upnp:rootdevice\r\n"
    b"\r\n"
)
# unicast answer to an M-SEARCH: status 200, ST instead of NT, mixed-case header names
SEARCH_REPLY = (
    b"HTTP/1.1 200 OK\r\n"
    b"Cache-Control: max-age=120\r\n"
    b"St: upnp:rootdevice\r\n"
    b"Usn: uuid:2f402f80-da50-11e1-9b23-4419b6123456::upnp:rootdevice\r\n"
    b"Ext:\r\n"
    b"Server: Linux/3.10 UPnP/1.0 IPCamera/1.0\r\n"
    b"Location: http://10.20.30.11:49152/rootDesc.xml\r\n"
    b"\r\n"
)
M_SEARCH = (
    b"M-SEARCH * HTTP/1.1\r\n"
    b"HOST: 239.255.255.250:1900\r\n"
    b'MAN: "ssdp:discover"\r\n'
    b"MX: 2\r\n"
    b"ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    b"\r\n"
)
BYEBYE = (
    b"NOTIFY * HTTP/1.1\r\n"
    b"HOST: 239.255.255.250:1900\r\n"
    b"NT: upnp:rootdevice\r\n"
    b"NTS: ssdp:byebye\r\n"
    b"USN: uuid:2f402f80-da50-11e1-9b23-4419b6123456::upnp:rootdevice\r\n"
    b"\r\n"
)


def test_notify_reports_server_and_usn_with_location_and_nt() -> None:
    attrs = {"location": LOCATION, "nt": "upnp:rootdevice"}
    assert ssdp.decode(NOTIFY, META) == [
        Observation(Kind.SSDP_SERVER, SERVER, META, attrs),
        Observation(Kind.SSDP_USN, USN, META, attrs),
    ]


def test_search_reply_reports_st_and_matches_headers_case_insensitively() -> None:
    attrs = {"location": LOCATION, "st": "upnp:rootdevice"}
    assert ssdp.decode(SEARCH_REPLY, META) == [
        Observation(Kind.SSDP_SERVER, SERVER, META, attrs),
        Observation(Kind.SSDP_USN, USN, META, attrs),
    ]


def test_m_search_reports_the_search_target() -> None:
    assert ssdp.decode(M_SEARCH, META) == [
        Observation(Kind.SSDP_SEARCH, "urn:schemas-upnp-org:device:InternetGatewayDevice:1", META)
    ]


def test_m_search_without_st_yields_nothing() -> None:
    assert ssdp.decode(M_SEARCH.replace(b"ST:", b"XX:"), META) == []


def test_byebye_without_server_reports_only_usn() -> None:
    assert ssdp.decode(BYEBYE, META) == [
        Observation(Kind.SSDP_USN, USN, META, {"nt": "upnp:rootdevice"})
    ]


def test_bare_lf_line_endings_are_accepted() -> None:
    assert [o.value for o in ssdp.decode(NOTIFY.replace(b"\r\n", b"\n"), META)] == [SERVER, USN]


def test_first_header_occurrence_wins() -> None:
    doubled = NOTIFY.replace(b"\r\n\r\n", b"\r\nSERVER: second\r\n\r\n")
    assert ssdp.decode(doubled, META)[0].value == SERVER


def test_headers_after_the_blank_line_are_ignored() -> None:
    message = b"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\nSERVER: body\r\n"
    assert ssdp.decode(message, META) == []


def test_headers_beyond_the_limit_are_ignored() -> None:
    filler = b"".join(b"X-%d: y\r\n" % i for i in range(ssdp.MAX_HEADERS))
    message = b"NOTIFY * HTTP/1.1\r\n" + filler + b"SERVER: late\r\n\r\n"
    assert ssdp.decode(message, META) == []


def test_error_reply_yields_nothing() -> None:
    assert ssdp.decode(SEARCH_REPLY.replace(b"200 OK", b"404 Not Found"), META) == []


def test_other_text_yields_nothing() -> None:
    assert ssdp.decode(b"GET / HTTP/1.1\r\nServer: x\r\n\r\n", META) == []


def test_oversized_server_is_cut_and_flagged() -> None:
    message = NOTIFY.replace(SERVER.encode(), b"S" * 600)
    server = ssdp.decode(message, META)[0]
    assert (server.value, server.truncated) == ("S" * 512, True)
