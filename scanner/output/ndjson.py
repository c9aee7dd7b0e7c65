"""The findings report as NDJSON: one self-describing line per device, for log pipelines."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from scanner.output.actions import recorder_note
from scanner.output.sanitize import json_safe

LINE_SCHEMA = "camscan.device/1"


def lines(report: Mapping[str, Any]) -> Iterator[str]:
    """One compact JSON object per device (no trailing newline), carrying its run context.

    A recorder of concern's device carries its `recorder_note`, also when the report was stored
    before the field existed. In a sweep report each line also carries the device's `status`
    (new, returned, changed, unchanged) and each removed device gets a line of its own with
    status `removed`.
    U+2028/2029 and other control or format characters are \\u escapes, so no reader that
    splits lines on them can see a line break inside a record.
    """
    context = _context(report)
    sweep = report.get("sweep")
    statuses = _statuses(sweep) if sweep else {}
    for device in report["devices"]:
        record = {**context, "device": _noted(device)}
        if sweep:
            record["status"] = statuses.get(device["id"], "unchanged")
        yield _dump(record)
    for entry in (sweep or {}).get("removed", ()):
        yield _dump({**context, "device": entry, "status": "removed"})


def _noted(device: Mapping[str, Any]) -> Mapping[str, Any]:
    note = recorder_note(device)
    return {**device, "recorder_note": note} if note else device


def _dump(record: Mapping[str, Any]) -> str:
    return json_safe(json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":")))


def _statuses(sweep: Mapping[str, Any]) -> dict[str, str]:
    statuses: dict[str, str] = {}
    for status in ("changed", "returned", "new"):  # later wins: a returned device may differ too
        statuses.update(dict.fromkeys(sweep.get(status, ()), status))
    return statuses


def _context(report: Mapping[str, Any]) -> dict[str, Any]:
    """What each line repeats so it can be read alone: schema, time, run, sweep site/run id."""
    run = report["run"]
    context: dict[str, Any] = {
        "schema": LINE_SCHEMA,
        "generated_at": report["generated_at"],
        "mode": run["mode"],
        "inputs": run["inputs"],
        "policy": run["policy"],
    }
    sweep = report.get("sweep") or {}
    for key in ("site", "run_id"):
        if key in sweep:
            context[key] = sweep[key]
    return context
