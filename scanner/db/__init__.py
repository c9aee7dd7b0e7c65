"""vendor_db access: load_db() gives the validated fingerprint database, verify() self-checks it."""

from __future__ import annotations

from scanner.db.load import VendorDB, load_db, load_db_from
from scanner.db.oui import build_registry
from scanner.db.verify import verify

__all__ = ["VendorDB", "build_registry", "load_db", "load_db_from", "verify"]
