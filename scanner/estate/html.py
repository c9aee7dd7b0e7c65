"""The estate report as one self-contained HTML page with inline-SVG burn-down charts.

Nothing is fetched: no script, no font, no stylesheet from elsewhere; the page renders offline
and prints. Chart geometry is fixed (below) so that a screenshot can be checked pixel by pixel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from scanner.estate.report import recorders_text

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
PLOT_FILL = "#f4f6fa"
LINE = "#b3261e"
POINT_R = 4
CSS = f"""
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1b1b; }}
h1 {{ font-size: 22px; margin: 0 0 8px; }}
h2 {{ font-size: 17px; margin: 24px 0 8px; }}
table {{ border-collapse: collapse; margin: 4px 0 12px; }}
th, td {{ border: 1px solid #c8ccd4; padding: 3px 8px; text-align: left; }}
td.n {{ text-align: right; }}
tr.stale td {{ background: #fff4d6; }}
svg text {{ font: 11px system-ui, sans-serif; fill: #333; }}
.plot {{ fill: {PLOT_FILL}; }}
.line {{ fill: none; stroke: {LINE}; stroke-width: 2; }}
.point {{ fill: {LINE}; }}
@media print {{ body {{ margin: 0; }} }}
"""


def nice_max(value: int) -> int:
    """The chart's top value: 1, 2 or 5 times a power of ten, at least `value` (and 1)."""
    if value <= 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def point_xy(days: Sequence[str], values: Sequence[int], top: int) -> list[tuple[float, float]]:
    """Where each (day, value) sits in the SVG: x by date, y by value (0 at the bottom)."""
    ordinals = [date.fromisoformat(d).toordinal() for d in days]
    span = (ordinals[-1] - ordinals[0]) if ordinals else 0
    out = []
    for ordinal, value in zip(ordinals, values, strict=True):
        x = LEFT + (PLOT_W / 2 if span == 0 else PLOT_W * (ordinal - ordinals[0]) / span)
        y = TOP + PLOT_H * (1 - value / top)
        out.append((round(x, 2), round(y, 2)))
    return out


def chart(title: str, points: Sequence[Mapping[str, Any]], chart_id: str) -> str:
    """An inline SVG line chart of devices of concern by day."""
    days = [p["day"] for p in points]
    values = [int(p["of_concern"]) for p in points]
    top = nice_max(max(values, default=0))
    xy = point_xy(days, values, top)
    parts = [
        f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" data-max="{top}" data-points="{len(points)}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}"/>',
    ]
    ticks = top if top <= 5 else 5  # whole numbers of devices: top is 1, 2 or 5 x 10^k
    for n in range(ticks + 1):
        y = TOP + PLOT_H * (1 - n / ticks)
        label = str(top * n // ticks)
        parts.append(
            f'<line x1="{LEFT - 4}" y1="{y:g}" x2="{LEFT}" y2="{y:g}" stroke="#555"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:g}" text-anchor="end">{label}</text>'
        )
    # the axis sits just below the plot area (half a pixel down) so it covers none of it
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + PLOT_H + 0.5}" x2="{LEFT + PLOT_W}" '
        f'y2="{TOP + PLOT_H + 0.5}" stroke="#555"/>'
    )
    if days:
        parts.append(
            f'<text x="{LEFT}" y="{HEIGHT - 20}" text-anchor="start">{escape(days[0])}</text>'
            f'<text x="{LEFT + PLOT_W}" y="{HEIGHT - 20}" text-anchor="end">{escape(days[-1])}'
            "</text>"
        )
    if len(xy) > 1:
        path = " ".join(f"{x:g},{y:g}" for x, y in xy)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for (x, y), day, value in zip(xy, days, values, strict=True):
        parts.append(
            f'<circle class="point" cx="{x:g}" cy="{y:g}" r="{POINT_R}" data-day="{escape(day)}" '
            f'data-value="{value}"><title>{escape(day)}: {value}</title></circle>'
        )
    if not points:
        parts.append(
            f'<text x="{LEFT + PLOT_W / 2:g}" y="{TOP + PLOT_H / 2:g}" text-anchor="middle">'
            "no runs recorded</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _counts(title: str, counts: Mapping[str, int]) -> str:
    rows = "".join(
        f'<tr><td>{escape(str(k))}</td><td class="n">{v}</td></tr>' for k, v in counts.items()
    )
    return f"<table><tr><th>{escape(title)}</th><th>devices</th></tr>{rows}</table>"


def _site_rows(sites: Sequence[Mapping[str, Any]]) -> str:
    ordered = sorted(sites, key=lambda r: (-r["of_concern"], r["site"]))
    rows = []
    for r in ordered:
        change = "" if r["change_7d"] is None else f"{r['change_7d']:+d}"
        cls = ' class="stale"' if r["stale"] else ""
        rows.append(
            f'<tr{cls}><td>{escape(r["site"])}</td><td class="n">{r["of_concern"]}</td>'
            f'<td class="n">{r["suspects"]}</td><td class="n">{change}</td>'
            f'<td class="n">{r["returned"]}</td><td>{escape(str(r["last_sweep"] or ""))}</td>'
            f"<td>{escape(str(r['last_status'] or ''))}</td></tr>"
        )
    head = (
        "<tr><th>site</th><th>of concern</th><th>suspects</th><th>change 7 d</th>"
        "<th>came back</th><th>last sweep</th><th>last run</th></tr>"
    )
    return f'<table id="sites">{head}{"".join(rows)}</table>'


def page(estate: Mapping[str, Any]) -> str:
    """The whole HTML document."""
    totals = estate["totals"]
    burndown = estate["burndown"]
    summary = (
        f"{totals['of_concern']} devices of concern at {totals['sites_with_concern']} of "
        f"{totals['sites']} sites; {totals['suspects']} suspects to confirm; "
        f"{totals['returned']} came back after removal; {totals['stale_sites']} sites not swept "
        f"for {estate['stale_after_days']} days."
    )
    stale = estate["stale_sites"]
    body = [
        "<h1>Estate: Hikvision and Dahua equipment</h1>",
        f'<p id="summary">As of {escape(estate["as_of"])}: {escape(summary)}</p>',
        "<h2>Devices of concern over time, whole estate</h2>",
        chart("Devices of concern, whole estate", burndown["estate"], "burndown-estate"),
    ]
    if burndown.get("site"):
        site = burndown["site"]
        body += [
            f"<h2>Devices of concern over time, {escape(site['site'])}</h2>",
            chart(f"Devices of concern, {site['site']}", site["points"], "burndown-site"),
        ]
    body += [
        f"<h2>Not swept for {estate['stale_after_days']} days ({len(stale)})</h2>",
        f'<p id="stale">{escape(", ".join(stale)) or "none"}</p>',
        "<h2>Totals</h2>",
        _counts("manufacturer", totals["by_manufacturer"]),
        _counts("brand", totals["by_brand"]),
        _counts("kind", totals["by_kind"]),
        f'<p id="recorders">Recorders (NVR/DVR) of concern: '
        f"{escape(recorders_text(totals['recorders']))}</p>",
        "<h2>Sites</h2>",
        _site_rows(estate["sites"]),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>camscan estate report</title>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )
