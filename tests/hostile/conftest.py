"""Hostile-input fixtures: the damaged and hostile corpus, generated once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # helper scripts beside the tests

import make_corpus  # noqa: E402


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every file of the damaged and hostile corpus, by name."""
    return make_corpus.build(tmp_path_factory.mktemp("corpus"))
