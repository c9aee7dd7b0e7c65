from __future__ import annotations

import socket
import struct
from pathlib import Path

from scanner.active import frames
from scanner.engine.dispatch import Dispatcher
from scanner.engine.hosts import Sightings
from scanner.model import Kind, Observation
from scanner.sources import pcapng
from scanner.sources.capture import ReadState, read_records
from scanner.wire import LT_ETHERNET, LT_RAW

# 16-byte reply of a Hikvision SDK port (docs/protocols.md §4)
HIK_SDK_REPLY = bytes.fromhex("00000010 0000001e 0000001e 00000000")
HTTP_REPLY = b"HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Length: 0\r\n\r\n"


def dispatch(*packets: tuple[int, bytes]) -> tuple[list[Observation], Sightings]:
    seen: list[Observation] = []
    sightings = Sightings()
    dispatcher = Dispatcher(seen.append, sightings)
    for linktype, data in packets:
        dispatcher.frame(linktype, 1.0, data)
    dispatcher.flush()
    return seen, sightings


def test_checksum_of_a_known_ipv4_header() -> None:
    # RFC 1071-style example header; its checksum field (bytes 10-11) is zero
    header = bytes.fromhex("450000730000400040110000c0a80001c0a800c7")
    assert frames.checksum(header) == 0xB861


def test_ipv4_header_checksum_verifies() -> None:
    packet = frames.udp_packet("10.0.0.1", 1, "10.0.0.2", 2, b"x")
    assert frames.checksum(packet[:20]) == 0


def test_udp_packet_fields() -> None:
    packet = frames.udp_packet("10.0.0.2", 37020, "239.255.255.250", 37020, b"abc")
    assert (packet[9], socket.inet_ntoa(packet[12:16]), struct.unpack("!HHH", packet[20:26])) == (
        17,
        "10.0.0.2",
        (37020, 37020, 11),
    )


def test_tcp_conversation_goes_through_the_dispatcher() -> None:
    conv = frames.TcpConversation("10.0.0.1", 40000, "10.0.0.2", 80)
    conv.open()
    conv.client_sends(b"GET / HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n")
    conv.server_sends(HTTP_REPLY)
    conv.close()
    seen, sightings = dispatch(*((LT_RAW, p) for p in conv.packets))
    server = [(o.kind, o.value, o.meta.src_ip) for o in seen if o.kind is Kind.HTTP_SERVER]
    assert server == [(Kind.HTTP_SERVER, "App-webs/", "10.0.0.2")]
    assert sightings.services[(None, socket.inet_aton("10.0.0.2"))] == {("tcp", 80)}


def test_raw_frames_leave_no_mac_sightings() -> None:
    conv = frames.TcpConversation("10.0.0.1", 40000, "10.0.0.2", 8000)
    conv.open()
    conv.server_sends(HIK_SDK_REPLY)
    conv.close()
    _, sightings = dispatch(*((LT_RAW, p) for p in conv.packets))
    assert sightings.pairs == {}


def test_arp_reply_binds_the_neighbour_mac() -> None:
    frame = frames.arp_reply(bytes.fromhex("c056e3440801"), "10.0.0.2", bytes(6), "10.0.0.1")
    seen, _ = dispatch((LT_ETHERNET, frame))
    assert [(o.kind, o.attrs["mac"], o.attrs["ip"]) for o in seen] == [
        (Kind.MAC_IP, "c0:56:e3:44:08:01", "10.0.0.2")
    ]


def test_tls_certificate_record_layout() -> None:
    der = b"\x30\x03\x02\x01\x00"
    # handshake record (22), TLS 1.2, length 15; Certificate (11) of 11 bytes: the list
    # length 8, then one certificate of 5 bytes
    assert (
        frames.tls_certificate_record(der) == bytes.fromhex("160303000f0b00000b000008000005") + der
    )


def test_pcapng_round_trip_keeps_link_types_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "scan.pcapng"
    udp = frames.udp_packet("10.0.0.1", 5000, "239.255.255.250", 37020, b"<Probe/>")
    arp = frames.arp_reply(bytes.fromhex("020000000002"), "10.0.0.2", bytes(6), "10.0.0.1")
    with pcapng.PcapNgWriter(path, "veth0", "a comment") as writer:
        writer.write(LT_RAW, 1.25, udp)
        writer.write(LT_ETHERNET, 2.5, arp, "made from the neighbour table")
    state = ReadState(path=str(path))
    records = list(read_records(path, state))
    assert records == [(LT_RAW, 1.25, udp), (LT_ETHERNET, 2.5, arp)]
    assert state.warnings == []
