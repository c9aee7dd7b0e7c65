"""Shared test fixtures: repository paths, the third-party captures, golden-file updates, a
headless browser.

Under CI (environment CI=true) every skip is reported as a failure: CI runs as root with
../shared, chromium and PostgreSQL present, so a test that cannot run there is a gap, not a pass.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Generator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Tests, and every camscan they start, see an empty data directory of their own: a history or
# an OUI update (`camscan db update-oui`) on this machine must not change what they find.
_DATA_HOME = tempfile.mkdtemp(prefix="camscan-test-data-")
os.environ["XDG_DATA_HOME"] = _DATA_HOME
atexit.register(shutil.rmtree, _DATA_HOME, ignore_errors=True)

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
UNDER_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = Path("/usr/bin/chromium")
# Flags that keep chromium from reaching any network service while it renders a local file.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip
Chromium = Callable[..., subprocess.CompletedProcess[str]]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden reports instead of comparing"
    )


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)


def _fail_skip_under_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn a skip (not an expected failure) into a failure that says why it was skipped."""
    if UNDER_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which fails the run: {_skip_reason(report)}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    _fail_skip_under_ci(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    _fail_skip_under_ci(report)
    return report


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def realcaps() -> Path:
    if not (REALCAPS / "MANIFEST.tsv").is_file():
        pytest.skip(f"third-party captures not present at {REALCAPS}")
    return REALCAPS


@pytest.fixture(scope="session")
def chromium() -> Chromium:
    """chromium(page, profile, *flags): Debian's headless chromium run on a local page with its
    own profile folder; skipped (a failure under CI) where chromium is absent."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is absent: run tests/setup-system.sh as root to install it")

    def run(page: Path, profile: Path, *flags: str) -> subprocess.CompletedProcess[str]:
        argv = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags]
        return subprocess.run([*argv, page.as_uri()], capture_output=True, text=True, timeout=180)

    return run
