"""Samples of the two benchmark captures, generated once per session (deterministic)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FRAMES = 30_000
# the test modules import their shared helpers (bundled.py) and each other by module name
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _generator(name: str) -> object:
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT / "pcaps"))
    return importlib.import_module(name)


@pytest.fixture(scope="session")
def store_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store capture's first 30,000 frames (pcapng)."""
    path = tmp_path_factory.mktemp("speed") / "store-sample.pcapng"
    _generator("make_store_capture").write_capture(SAMPLE_FRAMES, path)  # type: ignore[attr-defined]
    return path


@pytest.fixture(scope="session")
def bench_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bench capture's first 30,000 frames (pcap)."""
    path = tmp_path_factory.mktemp("speed") / "bench-sample.pcap"
    _generator("make_bench_capture").write_capture(SAMPLE_FRAMES, path)  # type: ignore[attr-defined]
    return path


@pytest.fixture(scope="module")
def compiled() -> None:
    """Skip (a failure under CI=true, by the root conftest) where the compiled reader is absent."""
    from scanner.sources import fast

    if fast._compiled is None:  # noqa: SLF001
        pytest.skip(
            "the compiled reader (scanner.sources._fastpath) was not built (no C compiler?)"
        )
