from __future__ import annotations

import pytest

from scanner.active.senders import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_is_free() -> None:
    clock = Clock()
    bucket = TokenBucket(100, burst=10, clock=clock)
    assert [bucket.reserve() for _ in range(10)] == [0.0] * 10


def test_beyond_the_burst_each_event_waits_one_interval_more() -> None:
    clock = Clock()
    bucket = TokenBucket(100, burst=2, clock=clock)
    delays = [bucket.reserve() for _ in range(5)]
    assert delays == pytest.approx([0.0, 0.0, 0.01, 0.02, 0.03])


def test_tokens_refill_with_time() -> None:
    clock = Clock()
    bucket = TokenBucket(10, burst=1, clock=clock)
    bucket.reserve()
    clock.now += 0.1
    assert bucket.reserve() == pytest.approx(0.0, abs=1e-9)


def test_refill_never_exceeds_the_burst() -> None:
    clock = Clock()
    bucket = TokenBucket(10, burst=2, clock=clock)
    clock.now += 60
    assert [bucket.reserve() for _ in range(3)] == pytest.approx([0.0, 0.0, 0.1])


def test_sustained_rate_is_the_configured_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(50, burst=5, clock=clock)
    delays = [bucket.reserve() for _ in range(105)]
    # 105 events: 5 from the burst, then 100 at 50/s -> the last one waits 2 s
    assert delays[-1] == pytest.approx(2.0)


def test_default_burst_is_a_tenth_of_a_second() -> None:
    assert TokenBucket(100).capacity == 10.0


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0)
