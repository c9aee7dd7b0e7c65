"""Tests for scanner.decoders.p2p: Dahua-style P2P datagram forms, and silence on video."""

from __future__ import annotations

from scanner.decoders import p2p
from scanner.model import Kind, Meta, Observation

META = Meta(
    "test",
    1,
    0.0,
    src_ip="10.20.30.11",
    dst_ip="198.51.100.7",
    proto="udp",
    sport=40123,
    dport=8800,
)

# PTCP datagram of the TCP-over-UDP layer (dh-p2p): ASCII "PTCP" then binary fields
PTCP = b"PTCP" + bytes.fromhex("00000000 00000001 0000ffff")
# rendezvous request to the P2P server: "DHGET <path> HTTP/1.1" then headers
DHGET = b"DHGET /probe/p2psrv HTTP/1.1\r\nCSeq: 1\r\n\r\n"
DHPOST = b"DHPOST /online/relay HTTP/1.1\r\nCSeq: 2\r\nContent-Length: 0\r\n\r\n"
# STUN Binding Request (00 01, length 0x0018, magic cookie, transaction id, 24 attribute
# bytes) with every bit flipped: starts ff fe ff e7, exactly 44 bytes
INVERTED_STUN = bytes(b ^ 0xFF for b in bytes.fromhex("0001 0018 2112a442" + "11" * 12) + bytes(24))
# an RTP packet (version 2, PT 96) as video on a random UDP port looks
RTP = bytes.fromhex("8060 1234 00000001 deadbeef") + bytes(1200)


def test_ptcp_datagram() -> None:
    assert p2p.decode(PTCP, META) == [Observation(Kind.P2P, "PTCP", META)]


def test_dhget_names_method_and_path() -> None:
    assert p2p.decode(DHGET, META) == [Observation(Kind.P2P, "DHGET /probe/p2psrv", META)]


def test_dhpost_names_method_and_path() -> None:
    assert p2p.decode(DHPOST, META) == [Observation(Kind.P2P, "DHPOST /online/relay", META)]


def test_long_path_is_cut_and_flagged() -> None:
    found = p2p.decode(b"DHGET /" + b"a" * 300 + b" HTTP/1.1\r\n", META)
    assert [(o.value, o.truncated) for o in found] == [("DHGET /" + "a" * 127, True)]


def test_inverted_stun_binding_request() -> None:
    assert INVERTED_STUN[:4] == bytes.fromhex("fffeffe7")
    assert p2p.decode(INVERTED_STUN, META) == [Observation(Kind.P2P, "inverted-stun", META)]


def test_inverted_stun_prefix_with_other_length_yields_nothing() -> None:
    assert p2p.decode(INVERTED_STUN + b"\xff", META) == []
    assert p2p.decode(INVERTED_STUN[:43], META) == []


def test_rtp_video_yields_nothing() -> None:
    assert p2p.decode(RTP, META) == []


def test_similar_prefixes_yield_nothing() -> None:
    assert [p2p.decode(p, META) for p in (b"PTC", b"DHGET", b"DHCP", b"PING")] == [[]] * 4


def test_first_bytes_cover_every_form() -> None:
    assert {PTCP[0], DHGET[0], DHPOST[0], INVERTED_STUN[0]} <= p2p.FIRST_BYTES
    assert RTP[0] not in p2p.FIRST_BYTES
