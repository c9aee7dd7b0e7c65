"""Running camscan as a user does: a fresh interpreter through the console-script entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
ENTRY = "from scanner.cli.main import main; main()"

Cli = Callable[..., subprocess.CompletedProcess[str]]


def command(*args: str | Path, prelude: str = "") -> list[str]:
    """The argv of `camscan ARGS`; `prelude` is Python run first (to stage a fault)."""
    return [sys.executable, "-c", prelude + ENTRY, *map(str, args)]


def environment(**extra: str) -> dict[str, str]:
    """This checkout first on the path, no terminal width inherited from the test runner."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return {**env, "PYTHONPATH": str(REPO), **extra}


@pytest.fixture(scope="session")
def cli() -> Cli:
    """Run camscan in a subprocess; keyword `input` feeds stdin, `env` adds variables."""

    def run(*args: str | Path, env: dict[str, str] | None = None, **kw: Any) -> Any:
        prelude = kw.pop("prelude", "")
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.run(
            command(*args, prelude=prelude), cwd=REPO, timeout=120,
            env=environment(**(env or {})), **kw,
        )  # fmt: skip

    return run
