"""The estate report as text: a terminal table, JSON, CSV or one self-contained HTML page."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from scanner.errors import InputError
from scanner.estate.report import recorders_text
from scanner.output.sanitize import terminal_safe

SITE_COLUMNS = (
    "site", "of_concern", "suspects", "change_7d", "returned", "last_sweep", "last_status",
    "runs", "stale",
)  # fmt: skip


def render(estate: Mapping[str, Any], fmt: str) -> str:
    """The estate report in `fmt`: table, json, csv or html."""
    if fmt == "json":
        from scanner.output.jsonout import dumps

        return dumps(estate)
    if fmt == "csv":
        return _csv(estate)
    if fmt == "table":
        return _table(estate)
    if fmt == "html":
        from scanner.estate.html import page

        return page(estate)
    raise InputError(f"unknown estate format {fmt!r}")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return terminal_safe(str(value))


def _csv(estate: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SITE_COLUMNS)
    for row in estate["sites"]:
        # a site name cannot start with = + - @ (SITE_PATTERN), so no cell is a formula
        writer.writerow(["" if row[c] is None else row[c] for c in SITE_COLUMNS])
    return out.getvalue()


def _table(estate: Mapping[str, Any]) -> str:
    totals = estate["totals"]
    lines = [
        f"estate as of {estate['as_of']}: {totals['sites']} sites, "
        f"{totals['of_concern']} devices of concern at {totals['sites_with_concern']} sites, "
        f"{totals['suspects']} suspects, {totals['returned']} came back after removal",
        f"  recorders: {recorders_text(totals['recorders'])}",
    ]
    for key in ("by_manufacturer", "by_brand", "by_kind"):
        parts = ", ".join(f"{_cell(k)} {v}" for k, v in totals[key].items()) or "none"
        lines.append(f"  {key.replace('_', ' ')}: {parts}")
    stale = estate["stale_sites"]
    lines.append(
        f"not swept for {estate['stale_after_days']} days: {len(stale)}"
        + (f" ({', '.join(stale)})" if stale else "")
    )
    points = estate["burndown"]["estate"]
    if points:
        lines.append(
            f"burn-down: {points[0]['of_concern']} on {points[0]['day']} -> "
            f"{points[-1]['of_concern']} on {points[-1]['day']}"
        )
    rows = [[_cell(r[c]) for c in SITE_COLUMNS] for r in estate["sites"]]
    widths = [max([len(h), *(len(r[n]) for r in rows)]) for n, h in enumerate(SITE_COLUMNS)]
    lines.append("")
    for row in [list(SITE_COLUMNS), *rows]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"
