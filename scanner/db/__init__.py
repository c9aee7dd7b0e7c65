"""vendor_db access: load_db() gives the validated fingerprint database (scanner.db.verify
self-checks it).

The names are imported on first use (PEP 562), so `scanner.db.cache` can answer whether a load
will succeed without paying for the loader's imports (an active scan starts before the load).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.db.load import VendorDB, load_db, load_db_from
    from scanner.db.oui import build_registry

__all__ = ["VendorDB", "build_registry", "load_db", "load_db_from"]


def __getattr__(name: str) -> Any:
    if name in ("VendorDB", "load_db", "load_db_from"):
        from scanner.db import load

        return getattr(load, name)
    if name == "build_registry":
        from scanner.db.oui import build_registry

        return build_registry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
