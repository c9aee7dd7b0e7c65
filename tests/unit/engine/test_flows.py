"""In-order reassembly of the start of a TCP stream direction."""

from __future__ import annotations

from scanner.engine.flows import MAX_PENDING, Direction


def test_in_order_segments_concatenate() -> None:
    d = Direction(None, 1000, 64)
    d.add(1000, b"HTTP/1.1 ")
    d.add(1009, b"200 OK")
    assert d.first_bytes() == b"HTTP/1.1 200 OK"


def test_out_of_order_segment_waits_for_the_gap() -> None:
    d = Direction(None, 0, 64)
    d.add(5, b"world")
    assert d.first_bytes() == b""
    d.add(0, b"hello")
    assert d.first_bytes() == b"helloworld"


def test_retransmission_overlapping_new_bytes_adds_only_the_new_part() -> None:
    d = Direction(None, 0, 64)
    d.add(0, b"abcdef")
    d.add(3, b"defghi")  # bytes 3-5 again, 6-8 new
    assert d.first_bytes() == b"abcdefghi"


def test_pure_retransmission_changes_nothing() -> None:
    d = Direction(None, 0, 64)
    d.add(0, b"abcdef")
    d.add(0, b"abc")
    assert d.first_bytes() == b"abcdef"


def test_buffer_stops_at_cap_and_reports_full() -> None:
    d = Direction(None, 0, 8)
    assert d.add(0, b"12345") is False
    assert d.add(5, b"67890") is True
    assert d.first_bytes() == b"12345678"


def test_sequence_wraparound() -> None:
    d = Direction(None, 0xFFFFFFFE, 64)
    d.add(0xFFFFFFFE, b"ab")
    d.add(0, b"cd")
    assert d.first_bytes() == b"abcd"


def test_pending_segments_are_bounded() -> None:
    d = Direction(None, 0, 1 << 20)
    for i in range(MAX_PENDING * 3):
        d.add(100 + i * 10, b"x" * 10)
    assert len(d.pending) == MAX_PENDING


def test_stale_pending_segment_overlapping_the_stream_is_used() -> None:
    d = Direction(None, 0, 64)
    d.add(4, b"efgh")  # held: ahead of the stream
    d.add(0, b"abcdef")  # covers 0-5; the held 4-7 then contributes only "gh"
    assert d.first_bytes() == b"abcdefgh"
