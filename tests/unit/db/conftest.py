"""A writable copy of vendor_db with a registry cut down to what its organisation rules name."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[3] / "vendor_db"
REGISTRY = "ieee-mac-blocks-2026-02-23.tsv"
# Kept beside the rule examples: the trap block and the parent MA-L it sits in.
EXTRA_ORGANISATIONS = {"Shanghai Dahua Scale Factory", "Ieee Registration Authority"}


def _small_registry() -> str:
    rules = tomllib.loads((SOURCE / "oui" / "organisations.toml").read_text(encoding="utf-8"))
    wanted = set(EXTRA_ORGANISATIONS)
    for rule in rules["rule"]:
        wanted |= {ex if isinstance(ex, str) else ex["value"] for ex in rule["examples"]}
    lines = (SOURCE / "oui" / REGISTRY).read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [
        line
        for line in lines
        if line.startswith(("#", "prefix\t")) or line.rstrip("\n").split("\t")[-1] in wanted
    ]
    return "".join(keep)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Path of a vendor_db copy that loads and verifies cleanly, ready to be edited by a test."""
    dest = tmp_path / "vendor_db"
    shutil.copytree(SOURCE, dest, ignore=shutil.ignore_patterns("*.tsv", "__pycache__"))
    (dest / "oui" / REGISTRY).write_text(_small_registry(), encoding="utf-8")
    # the tests edit rtsp_server.toml's first rule by its text: keep that rule alone in the file
    servers = dest / "fingerprints" / "rtsp_server.toml"
    head, first, *_ = servers.read_text(encoding="utf-8").split("\n[[rule]]\n")
    servers.write_text(f"{head}\n[[rule]]\n{first}", encoding="utf-8")
    return dest


@pytest.fixture
def edit() -> Callable[[Path, str, str], None]:
    """A function replacing the one occurrence of `old` in a file by `new`."""

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return replace
