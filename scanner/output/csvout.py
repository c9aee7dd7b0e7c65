"""The findings report as CSV, one row per device, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from scanner.output.actions import recorder_note
from scanner.output.sanitize import printable

COLUMNS = (
    "id", "verdict", "manufacturer", "brand", "kind", "model", "firmware", "serial", "mac",
    "ips", "vlan", "location", "confidence", "advisories", "evidence_count", "top_evidence",
    "recorder_note",
)  # fmt: skip
TOP_EVIDENCE = 3
# Leading characters that make spreadsheets evaluate a cell as a formula (OWASP "CSV
# Injection"); the full-width forms are also taken as formula starts by some localised apps.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def render(report: Mapping[str, Any]) -> str:
    """CSV text (header row first, CRLF line ends): formula-like cells neutralised, control and
    bidi characters shown as visible escapes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for device in report["devices"]:
        writer.writerow([neutralise(printable(cell)) for cell in _row(device)])
    return out.getvalue()


def neutralise(cell: str) -> str:
    """The cell with a leading apostrophe when it would otherwise start a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def top_rules(device: Mapping[str, Any], n: int) -> list[str]:
    """Ids of the `n` strongest distinct rules, those backing the verdict's maker first."""
    maker = device.get("manufacturer")

    def rank(ev: Mapping[str, Any]) -> tuple[bool, float]:
        backs = maker is None or ev["claims"].get("manufacturer") == maker
        return (not backs, -ev["weight"])

    ids: list[str] = []
    for ev in sorted(device["evidence"], key=rank):
        if ev["rule"] not in ids:
            ids.append(ev["rule"])
    return ids[:n]


def _row(device: Mapping[str, Any]) -> list[str]:
    fields = {
        **{name: _text(device.get(name)) for name in COLUMNS},
        "ips": " ".join(device["ips"]),
        "advisories": " ".join(adv["id"] for adv in device["advisories"]),
        "evidence_count": str(len(device["evidence"])),
        "top_evidence": " ".join(top_rules(device, TOP_EVIDENCE)),
        "recorder_note": recorder_note(device),
    }
    return [fields[name] for name in COLUMNS]


def _text(value: Any) -> str:
    return "" if value is None else str(value)
