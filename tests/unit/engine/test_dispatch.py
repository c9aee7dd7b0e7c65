"""The per-frame dispatcher on frames cut short (regressions found by fuzzing)."""

from __future__ import annotations

from scanner.engine.dispatch import Dispatcher
from scanner.engine.hosts import Sightings, resolve
from scanner.model import Observation

# Ethernet (dst ff.., src b0:83:fe:2d:19:01, type 0800) + the first 14 bytes of an IPv4 header:
# the capture's snap length cut the frame inside the source address.
CUT_IPV4 = bytes.fromhex("ffffffffffff b083fe2d1901 0800 4500003c56b80000801122 47c0a8")
CUT_IPV6 = bytes.fromhex("333300000001 b083fe2d1901 86dd 6000000000081101 fe80")


def test_frame_cut_inside_the_ipv4_header_records_no_sighting() -> None:
    seen: list[Observation] = []
    sightings = Sightings()
    dispatcher = Dispatcher(seen.append, sightings)
    dispatcher.frame(1, 1.0, CUT_IPV4)
    dispatcher.frame(1, 1.0, CUT_IPV6)
    assert (sightings.pairs, seen, dispatcher.decode_errors) == ({}, [], 2)
    assert resolve(sightings, {}).owner == {}


def _tcp(
    src: bytes, sport: int, dst: bytes, dport: int, seq: int, flags: int, data: bytes
) -> bytes:
    """An untagged Ethernet/IPv4/TCP frame (checksums zero: the dispatcher does not check them)."""
    tcp = sport.to_bytes(2, "big") + dport.to_bytes(2, "big") + seq.to_bytes(4, "big")
    tcp += bytes(4) + bytes([0x50, flags]) + b"\xff\xff" + bytes(4) + data
    ip = bytes([0x45, 0]) + (20 + len(tcp)).to_bytes(2, "big") + bytes(4) + bytes([64, 6, 0, 0])
    return (
        b"\x02\x00\x00\x00\x00\x02"
        + b"\x02\x00\x00\x00\x00\x01"
        + b"\x08\x00"
        + ip
        + src
        + dst
        + tcp
    )


def test_a_reply_is_read_with_the_request_it_answers() -> None:
    client, server = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 64])
    request = b"GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: x\r\n\r\n"
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    seen: list[Observation] = []
    dispatcher = Dispatcher(seen.append, Sightings())
    dispatcher.frame(1, 1.0, _tcp(client, 40000, server, 80, 100, 0x18, request))
    dispatcher.frame(1, 1.1, _tcp(server, 80, client, 40000, 500, 0x18, reply))
    dispatcher.flush()
    assert {(o.kind.value, o.attrs.get("request")) for o in seen} == {
        ("http_request", None),
        ("http_header_names", "GET /ISAPI/System/deviceInfo"),
        ("http_body", "GET /ISAPI/System/deviceInfo"),
    }
