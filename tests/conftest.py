"""Shared test fixtures: repository paths, the third-party captures, golden-file updates."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# `default` keeps property tests inside the normal suite's budget; `make fuzz` selects `long`.
settings.register_profile("default", max_examples=150, deadline=None)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("default")

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
