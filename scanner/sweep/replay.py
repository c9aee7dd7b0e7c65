"""Migrating a version-1 history: every stored run is recorded again, in order, into version 2.

Version 1 kept each run's devices as they were seen, so replaying them through the version-2
recorder rebuilds presence, statuses and summaries exactly as if version 2 had recorded them.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from scanner.sweep.record import COMPLETE, record_run
from scanner.sweep.store import Store

MIGRATED = "recorded by camscan 0.1 (history schema 1): the run's statistics were not kept"
NO_STATS = {"frames": 0, "bytes": 0, "decode_errors": 0}
V1_TABLES = ("v1_sightings", "v1_identities", "v1_devices", "v1_runs")


def replay_v1(store: Store) -> None:
    """Record each v1 run (renamed to v1_*) into the v2 tables, then drop the v1 tables."""
    runs = store.all(
        "SELECT id, site, run_id, started_at, finished_at, mode, policy, inputs, devices,"
        " of_concern FROM v1_runs ORDER BY id"
    )
    for pk, site, run_id, started, finished, mode, policy, inputs, count, concern in runs:
        devices = [
            json.loads(data)
            for (data,) in store.all(
                "SELECT data FROM v1_sightings WHERE run = ? ORDER BY report_id", (pk,)
            )
        ]
        findings: dict[str, Any] = {
            "schema": "camscan.findings/1",
            "generated_at": finished,
            "tool": {"name": "camscan", "version": "0.1.0", "vendor_db": "", "oui_registry": ""},
            "run": {
                "mode": mode, "inputs": json.loads(inputs), "started_at": started,
                "finished_at": finished, "policy": policy, "stats": NO_STATS,
                "warnings": [MIGRATED],
                "capabilities": {"root": False},
            },
            "summary": _summary(devices, count, concern),
            "devices": devices,
        }  # fmt: skip
        record_run(store, site, run_id, findings, COMPLETE)
    for table in V1_TABLES:
        store.execute(f"DROP TABLE {table}")


def _summary(devices: list[dict[str, Any]], count: int, concern: int) -> dict[str, Any]:
    makers = Counter(d.get("manufacturer") for d in devices if d.get("of_concern"))
    return {
        "devices": count,
        "of_concern": concern,
        "suspect": sum(d.get("verdict") == "suspect" for d in devices),
        "remote": sum(d.get("location") == "remote" for d in devices),
        "by_manufacturer": {str(m): n for m, n in sorted(makers.items(), key=str) if m},
    }
