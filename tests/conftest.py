"""Shared test fixtures: repository paths, the third-party captures, golden-file updates."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PCAPS = REPO / "pcaps"
REALCAPS = REPO.parent / "shared" / "realcaps"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden reports instead of comparing"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def realcaps() -> Path:
    if not (REALCAPS / "MANIFEST.tsv").is_file():
        pytest.skip(f"third-party captures not present at {REALCAPS}")
    return REALCAPS
