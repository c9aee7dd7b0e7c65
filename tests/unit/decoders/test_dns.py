"""Tests for scanner.decoders.dns: unicast DNS questions and mDNS announcements."""

from __future__ import annotations

import struct

from scanner.decoders import dns
from scanner.model import Kind, Meta, Observation

DNS_META = Meta(
    "test",
    1,
    0.0,
    src_mac="44:19:b6:12:34:56",
    dst_mac="00:50:56:00:00:01",
    src_ip="10.20.30.11",
    dst_ip="10.20.30.1",
    proto="udp",
    sport=40000,
    dport=53,
)
# the reply from the resolver back to the asker 10.20.30.11
REPLY_META = Meta(
    "test",
    2,
    0.0,
    src_mac="00:50:56:00:00:01",
    dst_mac="44:19:b6:12:34:56",
    src_ip="10.20.30.1",
    dst_ip="10.20.30.11",
    proto="udp",
    sport=53,
    dport=40000,
)
MDNS_META = Meta(
    "test", 3, 0.0, src_ip="10.20.30.11", dst_ip="224.0.0.251", proto="udp", sport=5353, dport=5353
)
QUERY_FLAGS = 0x0100  # QR 0, opcode 0 (query), RD
RESPONSE_FLAGS = 0x8180  # QR 1, opcode 0, RD, RA
MDNS_ANSWER_FLAGS = 0x8400  # QR 1, AA
TYPE_A, TYPE_PTR, TYPE_TXT, TYPE_SRV = 1, 12, 16, 33


def name(*labels: str) -> bytes:
    """Uncompressed wire form: length-prefixed labels, then the root label 00."""
    return b"".join(bytes([len(x.encode())]) + x.encode() for x in labels) + b"\0"


def pointer(offset: int) -> bytes:
    """A compression pointer (top two bits set) to `offset` in the message."""
    return struct.pack("!H", 0xC000 | offset)


def header(flags: int, qd: int = 0, an: int = 0, ns: int = 0, ar: int = 0) -> bytes:
    """id 0x1234, flags, then the four section counts."""
    return struct.pack("!6H", 0x1234, flags, qd, an, ns, ar)


def question(qname: bytes, qtype: int = TYPE_A) -> bytes:
    return qname + struct.pack("!HH", qtype, 1)  # class IN


def rr(owner: bytes, rtype: int, rdata: bytes) -> bytes:
    """A record: owner, type, class IN with the mDNS cache-flush bit, TTL 120, rdata."""
    return owner + struct.pack("!HHIH", rtype, 0x8001, 120, len(rdata)) + rdata


QUERY = header(QUERY_FLAGS, qd=1) + question(name("dev", "ezvizlife", "com"))
# the same question answered with an A record whose owner points back at the question name
RESPONSE = (
    header(RESPONSE_FLAGS, qd=1, an=1)
    + question(name("dev", "ezvizlife", "com"))
    + rr(pointer(12), TYPE_A, bytes([203, 0, 113, 5]))
)

# mDNS announcement: PTR _http._tcp.local -> "Lobby Cam._http._tcp.local" (compressed),
# SRV and TXT owned by that instance (pointer), A for lobby-cam.local -> 10.20.30.11
SERVICE_TYPE = name("_http", "_tcp", "local")  # at offset 12
INSTANCE_AT = 12 + len(SERVICE_TYPE) + 10  # rdata of the PTR record
ANNOUNCEMENT = (
    header(MDNS_ANSWER_FLAGS, an=4)
    + rr(SERVICE_TYPE, TYPE_PTR, b"\x09Lobby Cam" + pointer(12))
    + rr(pointer(INSTANCE_AT), TYPE_SRV, struct.pack("!HHH", 0, 0, 80) + name("lobby-cam", "local"))
    + rr(pointer(INSTANCE_AT), TYPE_TXT, b"\x0dmodel=XK-1000" + b"\x00" + b"\x06path=/")
    + rr(name("lobby-cam", "local"), TYPE_A, bytes([10, 20, 30, 11]))
)


def test_query_question_is_about_the_sender() -> None:
    assert dns.decode(QUERY, DNS_META) == [
        Observation(Kind.DNS_NAME, "dev.ezvizlife.com", DNS_META)
    ]


def test_query_name_is_lower_cased() -> None:
    message = header(QUERY_FLAGS, qd=1) + question(name("DEV", "EzvizLife", "COM"))
    assert [o.value for o in dns.decode(message, DNS_META)] == ["dev.ezvizlife.com"]


def test_response_question_is_about_the_asker() -> None:
    attrs = {"ip": "10.20.30.11", "mac": "44:19:b6:12:34:56", "via": "dns-response"}
    assert dns.decode(RESPONSE, REPLY_META) == [
        Observation(Kind.DNS_NAME, "dev.ezvizlife.com", REPLY_META, attrs)
    ]


def test_response_with_unknown_receiver_yields_nothing() -> None:
    meta = Meta("test", 2, 0.0, src_ip="10.20.30.1", proto="udp", sport=53, dport=40000)
    assert dns.decode(RESPONSE, meta) == []


def test_root_query_yields_nothing() -> None:
    message = header(QUERY_FLAGS, qd=1) + question(b"\0", qtype=2)  # ". NS" priming query
    assert dns.decode(message, DNS_META) == []


def test_non_query_opcode_is_ignored() -> None:
    message = header(0x2800, qd=1) + question(name("dev", "ezvizlife", "com"))  # opcode 5 update
    assert dns.decode(message, DNS_META) == []


def test_mdns_announcement_reports_each_value_once() -> None:
    # the SRV owner repeats the PTR target: one MDNS_SERVICE for the instance
    assert dns.decode(ANNOUNCEMENT, MDNS_META) == [
        Observation(Kind.MDNS_SERVICE, "Lobby Cam._http._tcp.local", MDNS_META),
        Observation(Kind.MDNS_TXT, "model=XK-1000", MDNS_META),
        Observation(Kind.MDNS_TXT, "path=/", MDNS_META),
        Observation(
            Kind.MDNS_SERVICE, "lobby-cam.local", MDNS_META, {"hostname": "lobby-cam.local"}
        ),
    ]


def test_mdns_srv_owner_is_a_service() -> None:
    instance = name("Lobby Cam", "_http", "_tcp", "local")
    message = header(MDNS_ANSWER_FLAGS, an=1) + rr(
        instance, TYPE_SRV, struct.pack("!HHH", 0, 0, 80) + name("lobby-cam", "local")
    )
    assert dns.decode(message, MDNS_META) == [
        Observation(Kind.MDNS_SERVICE, "Lobby Cam._http._tcp.local", MDNS_META)
    ]


def test_mdns_service_type_enumeration_names_the_type() -> None:
    owner = name("_services", "_dns-sd", "_udp", "local")
    message = header(MDNS_ANSWER_FLAGS, an=1) + rr(owner, TYPE_PTR, name("_rtsp", "_tcp", "local"))
    assert [o.value for o in dns.decode(message, MDNS_META)] == ["_rtsp._tcp.local"]


def test_mdns_reverse_pointer_target_is_a_hostname() -> None:
    owner = name("11", "30", "20", "10", "in-addr", "arpa")
    message = header(MDNS_ANSWER_FLAGS, an=1) + rr(owner, TYPE_PTR, name("lobby-cam", "local"))
    assert [o.attrs for o in dns.decode(message, MDNS_META)] == [{"hostname": "lobby-cam.local"}]


def test_mdns_records_in_additional_section_are_read() -> None:
    message = header(MDNS_ANSWER_FLAGS, ar=1) + rr(name("cam", "local"), TYPE_A, bytes(4))
    assert [o.value for o in dns.decode(message, MDNS_META)] == ["cam.local"]


def test_mdns_query_yields_nothing() -> None:
    message = header(0x0000, qd=1) + question(SERVICE_TYPE, qtype=TYPE_PTR)
    assert dns.decode(message, MDNS_META) == []


def test_truncated_answers_keep_earlier_records() -> None:
    cut = ANNOUNCEMENT[: len(ANNOUNCEMENT) - 3]  # the A record's rdata is cut
    assert [o.value for o in dns.decode(cut, MDNS_META)] == [
        "Lobby Cam._http._tcp.local",
        "model=XK-1000",
        "path=/",
    ]


def test_pointer_loop_returns_empty() -> None:
    message = header(QUERY_FLAGS, qd=1) + pointer(12) + struct.pack("!HH", 1, 1)  # points at itself
    assert dns.decode(message, DNS_META) == []


def test_name_over_255_octets_returns_empty() -> None:
    long_name = name(*["a" * 63] * 4)  # 4 x 64 + 1 = 257 octets
    assert dns.decode(header(QUERY_FLAGS, qd=1) + question(long_name), DNS_META) == []


def test_read_name_follows_compression() -> None:
    assert dns.read_name(RESPONSE, len(QUERY)) == ("dev.ezvizlife.com", len(QUERY) + 2)


def test_reserved_label_type_is_rejected() -> None:
    message = header(QUERY_FLAGS, qd=1) + b"\x40abc\x00" + struct.pack("!HH", 1, 1)
    assert dns.decode(message, DNS_META) == []
