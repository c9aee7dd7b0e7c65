"""Active discovery: targets, probe builders, senders, capture and the scan orchestration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def sweep_findings(
    *,
    mode: str,
    targets: Sequence[str] = (),
    iface: str | None = None,
    seconds: float | None = None,
    policy: str = "default",
) -> dict[str, Any]:
    """A findings report for `camscan sweep`: mode "scan" (default gentle settings) or "listen".

    InputError for bad targets or an unknown policy; RuntimeFailure for a missing interface or
    missing privileges (listen).
    """
    from scanner.active.listen import listen_report
    from scanner.active.run import ScanConfig, scan_report
    from scanner.active.targets import check_interface, scope
    from scanner.db import load_db
    from scanner.errors import InputError

    db = load_db()
    pol = db.policy(policy)
    if mode == "listen":
        if iface is None:
            raise InputError("listening needs an interface")
        check_interface(iface)
        return listen_report(iface, seconds if seconds is not None else 60.0, db, pol)
    if mode != "scan":
        raise InputError(f"unknown active mode {mode!r}")
    chosen, interface, networks = scope(list(targets), iface)
    window = seconds if seconds is not None else 3.0
    return scan_report(ScanConfig(chosen, interface, networks, listen_window=window), db, pol)
