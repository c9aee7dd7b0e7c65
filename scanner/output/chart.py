"""A bar chart of devices of concern per run, as inline SVG: no script, no external asset."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

MAX_RUNS = 60  # the most recent runs drawn; older ones are left out and the caption says so
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 22, 34
BAR_COLOUR = "#c2185b"  # used by nothing else on the page, so a screenshot can find the bars
LABELS_UP_TO = 30  # runs above which the per-bar counts would overlap and are left out

Point = tuple[str, int]  # (when the run finished, ISO-8601; devices of concern in it)


def concern_chart(points: Sequence[Point]) -> str:
    """An <svg> with one bar per run (oldest left), its height the run's devices of concern."""
    shown = list(points)[-MAX_RUNS:]
    if not shown:
        return ""
    top = max(max(count for _, count in shown), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(shown)
    bar = max(slot * 0.7, 1.0)
    parts = [
        f'<svg class="chart" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(_caption(points, shown), quote=True)}">',
        _axes(top, plot_h),
    ]
    for i, (when, count) in enumerate(shown):
        height = plot_h * count / top
        x = LEFT + i * slot + (slot - bar) / 2
        y = TOP + plot_h - height
        tip = escape(f"{when}: {count} of concern", quote=True)
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
            f'fill="{BAR_COLOUR}" data-count="{count}"><title>{tip}</title></rect>'
        )
        if len(shown) <= LABELS_UP_TO:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'font-size="11">{count}</text>'
            )
    parts.append(_dates(shown))
    parts.append("</svg>")
    return "".join(parts)


def _axes(top: int, plot_h: float) -> str:
    base = TOP + plot_h
    lines = [
        f'<line x1="{LEFT}" y1="{base:.1f}" x2="{WIDTH - RIGHT}" y2="{base:.1f}" stroke="#333"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base:.1f}" stroke="#333"/>',
    ]
    for value in sorted({0, top // 2, top}):
        y = base - plot_h * value / top
        lines.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{value}</text>'
        )
    return "".join(lines)


def _dates(shown: Sequence[Point]) -> str:
    y = HEIGHT - 10
    first = escape(_short(shown[0][0]))
    out = f'<text x="{LEFT}" y="{y}" font-size="11">{first}</text>'
    if len(shown) > 1:
        last = escape(_short(shown[-1][0]))
        out += f'<text x="{WIDTH - RIGHT}" y="{y}" text-anchor="end" font-size="11">{last}</text>'
    return out


def _short(when: str) -> str:
    """An ISO-8601 time to the minute: 2026-11-27T10:00:00.123Z becomes 2026-11-27 10:00."""
    return when[:16].replace("T", " ") if len(when) >= 16 else when


def _caption(points: Sequence[Point], shown: Sequence[Point]) -> str:
    latest = shown[-1][1]
    older = len(points) - len(shown)
    tail = f" ({older} older runs not shown)" if older else ""
    return (
        f"Devices of concern per run: {len(shown)} runs, {latest} in the latest, "
        f"at most {max(c for _, c in shown)}{tail}"
    )


def caption(points: Sequence[Point]) -> str:
    """The chart's text alternative, also shown under it."""
    return _caption(points, list(points)[-MAX_RUNS:]) if points else ""
