"""Without a PostgreSQL server the estate tests skip on a developer's machine and fail under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE_TEST = f"{HERE / 'test_migrations.py'}::test_a_schema_2_centre_is_upgraded_the_same_way"


def _run_without_server(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CAMSCAN_PG_BIN"] = str(tmp_path)  # an empty directory: no initdb
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider", ONE_TEST],
        env=env, cwd=HERE.parents[1], capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_under_ci_a_missing_server_is_a_failure(tmp_path: Path) -> None:
    result = _run_without_server(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert "ERROR tests/estate/test_migrations.py::" in result.stdout
    assert (
        "skipped under CI=true, which fails the run: Skipped: PostgreSQL server binaries absent"
        in result.stdout
    )
    assert "SKIPPED" not in result.stdout


def test_elsewhere_a_missing_server_skips_and_says_why(tmp_path: Path) -> None:
    result = _run_without_server(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "SKIPPED [1] tests/estate/test_migrations.py" in result.stdout
    assert "PostgreSQL server binaries absent" in result.stdout
