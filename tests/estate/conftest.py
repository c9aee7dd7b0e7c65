"""Fixtures for the estate tests: a real PostgreSQL cluster, and one history per backend."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgcluster import Cluster, new_cluster, server_bin  # noqa: E402

_names = itertools.count(1)


def _need_server() -> None:
    """Skip (a failure under CI=true, by the root conftest) where PostgreSQL is not installed."""
    if server_bin() is None:
        pytest.skip("PostgreSQL server binaries absent: run tests/setup-system.sh as root")


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """One cluster for the session; tests take their own database in it."""
    _need_server()
    started = new_cluster()
    try:
        yield started
    finally:
        started.destroy()


@pytest.fixture
def own_cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    """A cluster for one test that stops or kills its server (PGPASSFILE set for this process)."""
    _need_server()
    started = new_cluster()
    monkeypatch.setenv("PGPASSFILE", str(started.pgpass))
    try:
        yield started
    finally:
        started.destroy()


@pytest.fixture
def pg_env(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Cluster:
    """The cluster, with PGPASSFILE set for this process (credentials never in a URL)."""
    monkeypatch.setenv("PGPASSFILE", str(cluster.pgpass))
    return cluster


@pytest.fixture
def central(pg_env: Cluster) -> str:
    """The URL of a fresh, initialised central history (administrator's connection)."""
    from scanner.estate.roles import init_estate

    name = pg_env.create_database(f"centre{next(_names)}")
    url = pg_env.url(database=name)
    init_estate(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def history_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh history location on each backend: a file path, or an initialised centre URL."""
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite3")
    url: str = request.getfixturevalue("central")
    return url


NewName = Callable[[str], str]


@pytest.fixture
def unique() -> NewName:
    """Names (databases, roles) that no other test in the cluster uses."""
    return lambda stem: f"{stem}{next(_names)}"


REPO = Path(__file__).resolve().parents[2]
CAMSCAN = [sys.executable, "-c", "from scanner.cli.main import main; main()"]
Camscan = Callable[..., subprocess.CompletedProcess[str]]


def camscan_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a camscan subprocess: this checkout first on the path."""
    return {**os.environ, "PYTHONPATH": str(REPO), **(extra or {})}


@pytest.fixture
def camscan() -> Camscan:
    """Run camscan in a subprocess (env: extra variables, e.g. PGPASSFILE)."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CAMSCAN, *args], capture_output=True, text=True, cwd=REPO, timeout=300,
            env=camscan_env(env),
        )  # fmt: skip

    return run


@pytest.fixture
def spawn() -> Callable[..., subprocess.Popen[str]]:
    """Start camscan in the background."""

    def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*CAMSCAN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=REPO, env=camscan_env(env),
        )  # fmt: skip

    return start
