"""The per-site lock beside the history database."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import RuntimeFailure
from scanner.sweep.lock import lock_path, site_lock


def test_lock_file_sits_beside_the_database() -> None:
    path = lock_path(Path("/var/lib/camscan/h.sqlite3"), "store-0042")
    assert path.parent == Path("/var/lib/camscan")
    assert path.name.startswith("h.sqlite3.store-0042.") and path.suffix == ".lock"


def test_a_held_lock_times_out_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with (
        site_lock(db, "s1", timeout=0),
        pytest.raises(RuntimeFailure, match="another sweep of site 's1' still holds"),
        site_lock(db, "s1", timeout=0.2),
    ):
        pass


def test_other_sites_do_not_wait(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with site_lock(db, "s1", timeout=0), site_lock(db, "s2", timeout=0) as second:
        assert second == lock_path(db, "s2")


def test_the_lock_is_free_again_after_the_block(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with site_lock(db, "s1", timeout=0):
        pass
    with site_lock(db, "s1", timeout=0) as path:
        assert path.exists()
