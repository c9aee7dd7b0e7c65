"""The estate page in headless Chromium: the burn-down charts read back from a screenshot.

The test knows the chart's documented geometry (plot area 640 x 204 px inside a 720 x 260 SVG,
values from 0 at the bottom to the chart's top value) and nothing else: it finds the plot areas
by their fill colour, finds each day's point by its colour, and turns pixel rows back into
numbers of devices of concern.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_estate_report import AS_OF, BURNDOWN, fill  # noqa: E402

VIEW = ("--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1000,1400")
PLOT_FILL = (0xF4, 0xF6, 0xFA)
POINT = (0xB3, 0x26, 0x1E)
PLOT_W, PLOT_H = 640, 204
SITE_POINTS = [("2026-11-01", 3), ("2026-11-04", 2), ("2026-11-08", 1), ("2026-11-10", 2)]


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], slack: int = 6) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], colour, strict=True))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> Path:
    tmp = tmp_path_factory.mktemp("estate-html")
    db = tmp / "h.sqlite3"
    fill(db)
    html = tmp / "estate.html"
    argv = [
        sys.executable, "-c", "from scanner.cli.main import main; main()", "estate", "--db",
        str(db), "--as-of", AS_OF, "--site", "store-a", "--format", "html", "-o", str(html),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return html


@pytest.fixture(scope="module")
def shot(page: Path, tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> Image.Image:
    tmp = tmp_path_factory.mktemp("shot")
    png = tmp / "estate.png"
    result = chromium(page, tmp / "profile", *VIEW, f"--screenshot={png}")
    assert result.returncode == 0, result.stderr[-2000:]
    print(f"screenshot of the estate page: {png}")
    return Image.open(png).convert("RGB")


def _plot_areas(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of the plot-fill regions, top to bottom."""
    width, height = image.size
    pixels = image.load()
    rows = [
        y
        for y in range(height)
        if any(_near(pixels[x, y], PLOT_FILL, 1) for x in range(0, width, 4))
    ]
    boxes, start = [], None
    for n, y in enumerate(rows):
        start = y if start is None else start
        if n + 1 == len(rows) or rows[n + 1] != y + 1:
            xs = [x for x in range(width) if _near(pixels[x, (start + y) // 2], PLOT_FILL, 1)]
            boxes.append((min(xs), start, max(xs), y))
            start = None
    return boxes


def _values_read_back(
    image: Image.Image, box: tuple[int, int, int, int], days: list[str], top: int
) -> list[int]:
    """Each day's value as the chart shows it: the centre row of its point, scaled to numbers."""
    x0, y0, _, _ = box
    pixels = image.load()
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    span = (last - first).days
    values = []
    for day in days:
        x = x0 + round(PLOT_W * (date.fromisoformat(day) - first).days / span)
        x = min(x, x0 + PLOT_W - 4) if x >= x0 + PLOT_W - 1 else max(x, x0 + 3)
        centre = [
            y for y in range(y0 - 6, y0 + PLOT_H + 6)
            if all(_near(pixels[x + dx, y], POINT, 40) for dx in (-2, 0, 2))
        ]  # fmt: skip
        assert centre, f"no point drawn for {day} at x={x}"
        middle = (min(centre) + max(centre)) / 2
        values.append(round(top * (1 - (middle - y0) / PLOT_H)))
    return values


def test_two_charts_with_the_documented_plot_size(shot: Image.Image) -> None:
    boxes = _plot_areas(shot)
    assert [(x1 - x0 + 1, y1 - y0 + 1) for x0, y0, x1, y1 in boxes] == [(PLOT_W, PLOT_H)] * 2


def test_the_estate_chart_shows_the_burndown(shot: Image.Image) -> None:
    box = _plot_areas(shot)[0]
    days = [d for d, _ in BURNDOWN]
    assert _values_read_back(shot, box, days, top=5) == [v for _, v in BURNDOWN]


def test_the_site_chart_shows_that_sites_burndown(shot: Image.Image) -> None:
    box = _plot_areas(shot)[1]
    days = [d for d, _ in SITE_POINTS]
    assert _values_read_back(shot, box, days, top=5) == [v for _, v in SITE_POINTS]


def test_the_rendered_dom_labels_the_charts(page: Path, tmp_path: Path, chromium: Any) -> None:
    result = chromium(page, tmp_path / "profile", *VIEW, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    values = re.findall(r'data-day="([0-9-]+)" data-value="(\d+)"', dom)
    assert values[: len(BURNDOWN)] == [(d, str(v)) for d, v in BURNDOWN]
    assert "<title>Devices of concern, store-a</title>" in dom
    assert 'id="stale">store-c</p>' in dom
    assert "http://" not in dom.replace('xmlns="http://www.w3.org/2000/svg"', "")
