"""The estate report (`camscan.estate/1`): removal progress across every site of a history.

It reads the per-site summary rows and the per-day changes the recorder maintains, never every
run's devices; a week ago's counts come from each site's last few runs (read backwards on the
runs index), so only the burn-down (one narrow row per site and day) grows with the history.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from scanner import __version__
from scanner.errors import InputError
from scanner.sweep.history import History

SCHEMA = "camscan.estate/1"
WEEK = timedelta(days=7)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def parse_as_of(text: str | None) -> datetime:
    """A UTC time from YYYY-MM-DD or an ISO timestamp; now when None."""
    if text is None:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--as-of takes a date or UTC time such as 2026-11-30, not {text!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if len(text) == 10:  # a date: the end of that day
        when += timedelta(days=1) - timedelta(microseconds=1)
    return when.astimezone(UTC)


def iso(when: datetime) -> str:
    """A UTC time as the reports write it."""
    return when.strftime(TIME_FORMAT)


def build_estate(
    history: History, as_of: datetime, stale_days: int, chart_site: str | None = None
) -> dict[str, Any]:
    """The estate report as of `as_of`; `chart_site` adds that site's own burn-down."""
    store = history.store
    sites = store.all(
        "SELECT site, runs, last_run_id, last_finished_at, last_status, of_concern, suspects,"
        " returned FROM sites ORDER BY site"
    )
    if chart_site is not None and chart_site not in {row[0] for row in sites}:
        raise InputError(f"no runs of site {chart_site!r} in {history.where}")
    week_ago = _week_ago_concern(history, iso(as_of - WEEK))
    stale_before = iso(as_of - timedelta(days=stale_days))
    rows = [_site_row(row, week_ago, stale_before) for row in sites]
    return {
        "schema": SCHEMA,
        "generated_at": iso(datetime.now(UTC)),
        "tool": {"name": "camscan", "version": __version__},
        "as_of": iso(as_of),
        "stale_after_days": stale_days,
        "totals": _totals(history, rows),
        "sites": rows,
        "stale_sites": [row["site"] for row in rows if row["stale"]],
        "burndown": {
            "estate": _estate_burndown(history),
            "site": None if chart_site is None else {
                "site": chart_site, "points": _site_burndown(history, chart_site),
            },
        },
    }  # fmt: skip


def _site_row(
    row: tuple[Any, ...], week_ago: Mapping[str, int], stale_before: str
) -> dict[str, Any]:
    site, runs, run_id, finished, status, concern, suspects, returned = row
    before = week_ago.get(site)
    return {
        "site": site,
        "of_concern": int(concern),
        "suspects": int(suspects),
        "returned": int(returned),
        "change_7d": None if before is None else int(concern) - before,
        "last_sweep": finished,
        "last_run_id": run_id,
        "last_status": status,
        "runs": int(runs),
        "stale": finished is None or str(finished) < stale_before,
    }


def _week_ago_concern(history: History, cutoff: str) -> dict[str, int]:
    """Each site's devices of concern after its last run finished by `cutoff`."""
    # Per site, the runs index read backwards from the latest run: a week of runs per site,
    # however many runs the history holds.
    rows = history.store.all(
        "SELECT s.site, (SELECT r.present_concern FROM runs r WHERE r.site = s.site"
        " AND r.finished_at <= ? ORDER BY r.seq DESC LIMIT 1) FROM sites s",
        (cutoff,),
    )
    return {str(site): int(value) for site, value in rows if value is not None}


def _totals(history: History, rows: list[dict[str, Any]]) -> dict[str, Any]:
    devices = history.store.all(
        "SELECT manufacturer, brand, kind, verdict, count(*) FROM devices"
        " WHERE present = 1 AND verdict IN ('concern', 'suspect')"
        " GROUP BY manufacturer, brand, kind, verdict"
    )
    makers: Counter[str] = Counter()
    brands: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for manufacturer, brand, kind, verdict, count in devices:
        if verdict != "concern":
            continue
        makers[manufacturer or "unknown"] += count
        brands[brand or manufacturer or "unknown"] += count
        kinds[kind or "unknown"] += count
    return {
        "sites": len(rows),
        "of_concern": sum(r["of_concern"] for r in rows),
        "suspects": sum(r["suspects"] for r in rows),
        "returned": sum(r["returned"] for r in rows),
        "sites_with_concern": sum(1 for r in rows if r["of_concern"]),
        "stale_sites": sum(1 for r in rows if r["stale"]),
        "by_manufacturer": dict(sorted(makers.items())),
        "by_brand": dict(sorted(brands.items())),
        "by_kind": dict(sorted(kinds.items())),
        "recorders": _recorders(history),
    }


def _recorders(history: History) -> dict[str, int]:
    """NVRs and DVRs of concern still present, and the camera channels their reports give."""
    # devices.channels is the findings' channels.total (stated, or from the model number)
    rows = history.store.all(
        "SELECT channels, count(*) FROM devices WHERE present = 1 AND of_concern = 1"
        " AND kind IN ('nvr', 'dvr') GROUP BY channels"
    )
    count = sum(n for _, n in rows)
    known = sum(n for channels, n in rows if channels is not None)
    total = sum(channels * n for channels, n in rows if channels is not None)
    return {"count": count, "channels": total, "channels_unknown": count - known}


def _estate_burndown(history: History) -> list[dict[str, Any]]:
    """Devices of concern across the estate at the end of each day: the running sum of changes."""
    rows = history.store.all("SELECT day, sum(delta) FROM site_days GROUP BY day ORDER BY day")
    running = itertools.accumulate(int(delta) for _, delta in rows)
    return [
        {"day": day, "of_concern": value} for (day, _), value in zip(rows, running, strict=True)
    ]


def _site_burndown(history: History, site: str) -> list[dict[str, Any]]:
    rows = history.store.all(
        "SELECT day, of_concern FROM site_days WHERE site = ? ORDER BY day", (site,)
    )
    return [{"day": day, "of_concern": int(value)} for day, value in rows]


def recorders_text(recorders: Mapping[str, int]) -> str:
    """`N recording M camera channels`, with how many recorders are of an unknown model."""
    text = f"{recorders['count']} recording {recorders['channels']} camera channels"
    if recorders["channels_unknown"]:
        text += f" ({recorders['channels_unknown']} with no channel count)"
    return text
