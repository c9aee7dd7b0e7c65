"""The packaged vendor_db passes its own checks (every rule against its examples, as recog does)."""

from __future__ import annotations

from scanner.db import load_db
from scanner.db.verify import verify


def test_packaged_database_passes_its_own_checks() -> None:
    assert verify(load_db()) == []
