"""The generators under pcaps/ rewrite every committed capture and its notes byte for byte.

Each generator runs on a copy of pcaps/'s scripts in a temporary folder (they write beside
themselves), in its own process with a hash seed other than the default, and every committed
non-script file under pcaps/ must come out identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PCAPS = Path(__file__).resolve().parents[2] / "pcaps"
GENERATORS = ("synthetic/make_synthetic.py", "demo/make_demo.py")


def committed() -> list[str]:
    """Every file under pcaps/ that is not a script: the generators' output."""
    files = (p for p in PCAPS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(str(p.relative_to(PCAPS)) for p in files if p.suffix != ".py")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of pcaps/'s scripts after every generator has run in it."""
    copy = tmp_path_factory.mktemp("regenerated") / "pcaps"
    for script in PCAPS.rglob("*.py"):
        target = copy / script.relative_to(PCAPS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(script, target)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    for generator in GENERATORS:
        proc = subprocess.run(
            [sys.executable, str(copy / generator)], capture_output=True, text=True, env=env,
            cwd=copy, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    return copy


def test_every_committed_file_has_a_generator(regenerated: Path) -> None:
    made = {str(p.relative_to(regenerated)) for p in regenerated.rglob("*") if p.is_file()}
    assert set(committed()) - made == set()


@pytest.mark.parametrize("name", committed())
def test_generator_reproduces_the_committed_file(regenerated: Path, name: str) -> None:
    made = regenerated / name
    assert made.is_file(), f"no generator wrote {name}"
    assert made.read_bytes() == (PCAPS / name).read_bytes(), f"{name} differs when regenerated"
