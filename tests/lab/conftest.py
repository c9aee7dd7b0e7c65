"""Lab fixtures: skip (fail under CI) without root or `ip netns`; clear stale labs; the segment."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from netns import cleanup_stale, unavailable  # noqa: E402
from segment import Segment, build_segment  # noqa: E402


@pytest.fixture(scope="session")
def lab_ready() -> None:
    """Skip (a failure under CI) unless a lab can be built here; remove stale labs of ours first."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    cleanup_stale()


@pytest.fixture(scope="module")
def segment(lab_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Segment]:
    """One planted segment per test module, always torn down."""
    seg = build_segment(tmp_path_factory.mktemp("lab"))
    try:
        yield seg
    finally:
        seg.lab.teardown()
