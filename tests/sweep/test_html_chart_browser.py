"""The sweep report's chart of devices of concern per run, as headless chromium shows it.

Three sweeps of one site: the demo store (11 devices of concern), the same store a week later
(one DVR gone, an NVR added: 11), then a capture holding one camera (1). The HTML report of the
third run is rendered by chromium; the screenshot must show three bars whose heights are in the
ratio 11 : 11 : 1, and the page must put the summary line and the checklists before the chart
and the chart before the evidence cards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"  # one Hikvision camera
BAR = (0xC2, 0x18, 0x5B)  # scanner.output.chart.BAR_COLOUR, used by nothing else on the page
PLOT_HEIGHT = 164  # chart.HEIGHT - TOP - BOTTOM: the tallest bar, in CSS pixels
VIEW = ("--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1280,2600")


@pytest.fixture(scope="module")
def page(
    tmp_path_factory: pytest.TempPathFactory, week2: list[Path], swept_html: Any, chromium: Any
) -> Path:
    return swept_html(tmp_path_factory.mktemp("chart"), [[DEMO], week2, [SADP]])


def test_the_report_carries_the_sites_runs(page: Path) -> None:
    history = json.loads(page.with_name("run3.json").read_text())["sweep"]["history"]
    assert [run["of_concern"] for run in history] == [11, 11, 1]


def test_the_page_puts_the_action_before_the_chart_and_the_chart_before_the_cards(
    page: Path, tmp_path: Path, chromium: Any
) -> None:
    result = chromium(page, tmp_path / "profile", *VIEW, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    marks = [
        '<p class="headline">1 device of concern: 1 hikvision (2 devices seen)</p>',
        "<h2>Removal checklist (1)</h2>",
        "<h2>Devices of concern per run</h2>",
        '<section class="device"',
    ]
    positions = [dom.index(mark) for mark in marks]
    assert positions == sorted(positions)
    assert dom.count('<rect class="bar"') == 3


def test_the_screenshot_shows_three_bars_of_11_11_and_1(
    page: Path, tmp_path: Path, chromium: Any
) -> None:
    from PIL import Image

    shot = tmp_path / "report.png"
    result = chromium(page, tmp_path / "profile", *VIEW, f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    columns = [x for x in range(width) if any(pixels[x, y] == BAR for y in range(height))]
    bars: list[list[int]] = []
    for x in columns:
        if bars and x == bars[-1][-1] + 1:
            bars[-1].append(x)
        else:
            bars.append([x])
    heights = []
    for bar in bars:
        middle = bar[len(bar) // 2]
        heights.append(sum(1 for y in range(height) if pixels[middle, y] == BAR))
    assert len(heights) == 3, heights
    assert abs(heights[0] - PLOT_HEIGHT) <= 2 and heights[1] == heights[0]
    assert abs(heights[2] - PLOT_HEIGHT / 11) <= 2, heights
