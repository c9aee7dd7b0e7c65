"""Reassembly against a model: whatever order, overlap or sequence base, a direction holds the
true start of the stream, and every datagram comes back whole exactly once.

The example tests in test_flows.py pin single cases; these check the invariants the module
docstring states over generated segment orders, including bases a few bytes below 2**32.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.engine.budget import Budget, Ledger
from scanner.engine.flows import MAX_PENDING, Direction, Fragments

MASK = 0xFFFFFFFF
bases = st.one_of(st.integers(0, MASK), st.integers(MASK - 40, MASK))


def _cuts(draw: st.DrawFn, length: int, pieces: int) -> list[tuple[int, int]]:
    """`length` bytes cut into at most `pieces` consecutive non-empty [start, end) ranges."""
    inner = draw(st.sets(st.integers(1, max(1, length - 1)), max_size=pieces - 1))
    edges = [0, *sorted(e for e in inner if 0 < e < length), length]
    return list(zip(edges, edges[1:], strict=False))


@st.composite
def partitions(draw: st.DrawFn) -> tuple[int, int, bytes, list[tuple[int, int]]]:
    """A cap, a base, a stream up to twice the cap, and its pieces in delivery order (with
    repeats), no more pieces below the cap than a direction may hold pending."""
    cap = draw(st.integers(1, 64))
    stream = draw(st.binary(min_size=1, max_size=2 * cap))
    ranges = _cuts(draw, len(stream), MAX_PENDING)
    order = draw(st.permutations(ranges))
    repeats = draw(st.lists(st.sampled_from(ranges), max_size=8))
    return cap, draw(bases), stream, [*order, *repeats]


@given(partitions())
def test_every_order_of_the_pieces_gives_the_stream_start(
    case: tuple[int, int, bytes, list[tuple[int, int]]],
) -> None:
    cap, base, stream, pieces = case
    d = Direction(None, base, cap)
    for start, end in pieces:
        full = d.add((base + start) & MASK, stream[start:end])
        assert full == (len(d.buf) >= cap)
        _assert_consistent(d, stream, cap)
    assert d.first_bytes() == stream[:cap]
    assert d.lost == 0


segments = st.lists(
    st.tuples(st.integers(-20, 80), st.integers(0, 40)),  # start relative to the base, length
    max_size=60,
)


@given(st.integers(1, 48), bases, st.binary(min_size=140, max_size=140), segments)
def test_overlaps_retransmissions_and_gaps_never_corrupt_the_start(
    cap: int, base: int, stream: bytes, script: list[tuple[int, int]]
) -> None:
    d = Direction(None, base, cap)
    offset = 20  # the stream's byte 0 sits at script position 20; earlier bytes precede the base
    for start, length in script:
        data = stream[offset + start : offset + start + length]
        d.add((base + start) & MASK, data)
        _assert_consistent(d, stream[offset:], cap)


def _assert_consistent(d: Direction, stream: bytes, cap: int) -> None:
    """The docstring's invariants: the true prefix, no more than the cap in order, pending
    bytes counted exactly, at most twice the cap held, at most MAX_PENDING segments pending."""
    assert d.first_bytes() == stream[: len(d.buf)]
    assert len(d.buf) <= cap
    assert d.pending_bytes == sum(map(len, d.pending.values()))
    assert d.held() == len(d.buf) + d.pending_bytes <= 2 * cap
    assert len(d.pending) <= MAX_PENDING


def test_a_segment_starting_past_the_cap_is_neither_held_nor_lost() -> None:
    d = Direction(None, 100, 8)
    d.add(108, b"late")
    assert (d.pending, d.lost) == ({}, 0)


def test_a_held_segment_is_clipped_at_the_cap() -> None:
    d = Direction(None, 0, 8)
    d.add(5, b"fghijk")  # bytes 5-10, of which 5-7 fit
    assert d.pending == {5: b"fgh"}
    d.add(0, b"abcde")
    assert d.first_bytes() == b"abcdefgh"


def test_segments_past_the_room_are_counted_as_lost() -> None:
    d = Direction(None, 0, 10)
    d.add(2, b"cdefgh")  # 6 of the 10 bytes of room
    d.add(1, b"bcdefghij")  # would hold 15 of 10
    assert (d.pending_bytes, d.lost) == (6, 9)
    assert d.release() == 6
    assert (d.pending, d.held()) == ({}, 0)


@st.composite
def datagrams(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, bool, bytes]]]:
    """A datagram and its fragments (8-byte aligned offsets) in any order, some of those before
    the last sent twice."""
    payload = draw(st.binary(min_size=1, max_size=600))
    units = (len(payload) + 7) // 8
    edges = sorted(draw(st.sets(st.integers(1, max(1, units - 1)), max_size=12)))
    starts = [0, *(e * 8 for e in edges if e * 8 < len(payload))]
    ends = [*starts[1:], len(payload)]
    parts = [(a, b == len(payload), payload[a:b]) for a, b in zip(starts, ends, strict=True)]
    order = draw(st.permutations(parts))
    early = order[:-1]  # the datagram cannot be whole before the last one arrives
    again = draw(st.lists(st.sampled_from(early), max_size=3)) if early else []
    return payload, [*early, *again, order[-1]]


@given(datagrams())
def test_fragments_in_any_order_give_the_datagram_once(
    case: tuple[bytes, list[tuple[int, bool, bytes]]],
) -> None:
    payload, parts = case
    table = Fragments(10_000, Ledger(Budget.of()))
    out = [table.add(("a",), off, not last, data) for off, last, data in parts]
    whole = [o for o in out if o is not None]
    assert whole == [payload]
    assert out[-1] == payload  # only the last fragment completes it
    assert (table.held, table.pending, table.ledger.dropped) == (0, {}, {})


def test_fragment_bytes_over_the_cap_drop_the_oldest_datagram_and_count_it() -> None:
    table = Fragments(100, Ledger(Budget.of()))
    assert table.add(("old",), 0, True, bytes(64)) is None
    assert table.add(("new",), 0, True, bytes(64)) is None
    assert list(table.pending) == [("new",)]
    assert table.held == 64
    assert table.ledger.dropped == {"fragment_bytes": 64}


def test_pending_may_fill_the_room_exactly() -> None:
    d = Direction(None, 0, 8)
    d.add(4, b"efgh")
    d.add(2, b"cdef")  # 4 + 4 pending bytes: the whole room of 8, overlaps included
    d.add(0, b"ab")
    assert (d.first_bytes(), d.lost) == (b"abcdefgh", 0)


def _table(cap: int = 1 << 20) -> Fragments:
    return Fragments(cap, Ledger(Budget.of()))


def test_a_datagram_may_end_at_byte_65535_but_not_past_it() -> None:
    table = _table()
    assert table.add(("max",), 65528, False, bytes(7)) is None  # ends at 65535: kept
    assert table.add(("over",), 65528, False, bytes(8)) is None  # ends at 65536: dropped
    assert list(table.pending) == [("max",)]
    assert table.ledger.dropped == {"fragment_bytes": 0}


def test_a_datagram_may_have_64_parts_but_not_65() -> None:
    table = _table()
    for i in range(64):
        assert table.add(("d",), 8 + i * 8, True, bytes(8)) is None
    assert len(table.pending[("d",)][0]) == 64
    table.add(("d",), 8 + 64 * 8, True, bytes(8))
    assert table.pending == {}
    assert table.ledger.dropped == {"fragment_bytes": 64 * 8}


def test_a_part_sent_again_replaces_itself_without_counting_twice() -> None:
    table = _table()
    table.add(("d",), 8, True, bytes(16))
    table.add(("d",), 8, True, bytes(24))
    assert table.held == 24
    assert table.add(("d",), 0, True, b"abcdefgh") is None
    assert table.add(("d",), 32, False, b"z") == b"abcdefgh" + bytes(24) + b"z"
    assert table.held == 0


def test_overlapping_copies_past_a_datagram_size_drop_it() -> None:
    table = _table()
    for off in range(0, 8 * 16, 8):  # sixteen 8000-byte parts, 128000 bytes held at most
        if table.add(("d",), off, True, bytes(8000)) is None and not table.pending:
            break
    assert table.pending == {}
    assert table.held == 0
    assert table.ledger.dropped["fragment_bytes"] == 8 * 8000  # the ninth copy tipped it


def test_256_datagrams_wait_at_once_and_the_257th_evicts_the_oldest() -> None:
    table = _table()
    for n in range(256):
        table.add((n,), 8, True, b"x")
    assert len(table.pending) == 256 and (0,) in table.pending
    table.add((256,), 8, True, b"x")
    assert len(table.pending) == 256 and (0,) not in table.pending
    assert table.held == 256


def test_a_hole_keeps_the_datagram_waiting_until_it_is_filled() -> None:
    table = _table()
    assert table.add(("hole",), 16, False, b"tail") is None  # 0-15 missing
    assert table.add(("hole",), 0, True, bytes(8)) is None  # 8-15 still missing
    assert table.add(("hole",), 8, True, bytes(8)) == bytes(16) + b"tail"
