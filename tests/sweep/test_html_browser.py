"""The HTML sweep report in a real browser: Debian's headless chromium renders it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DEMO = Path(__file__).resolve().parents[2] / "pcaps" / "demo" / "store-lan.pcapng"
WINDOW = "--window-size=1280,2000"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def page(
    tmp_path_factory: pytest.TempPathFactory, week2: list[Path], swept_html: Any, chromium: Any
) -> Path:
    """The HTML report of a second sweep (with changes) of the demo store."""
    return swept_html(tmp_path_factory.mktemp("html"), [[DEMO], week2])


@pytest.fixture(scope="module")
def dom(page: Path, tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> str:
    result = chromium(page, tmp_path_factory.mktemp("profile"), WINDOW, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_rendered_dom_shows_every_device_of_concern(dom: str, page: Path) -> None:
    report = json.loads(page.with_name("run2.json").read_text())
    concern = [d["id"] for d in report["devices"] if d["of_concern"]]
    cards = [i for i in concern if f'<section class="device" data-device-id="{i}">' in dom]
    assert cards == concern and len(concern) == 11


def test_rendered_dom_has_one_checkbox_per_device_of_concern(dom: str) -> None:
    assert dom.count('<input type="checkbox">') == 11


def test_rendered_dom_shows_the_sweep_changes(dom: str) -> None:
    assert "<h3>New (1)</h3>" in dom and "mac:e0:50:8b:2c:41:08" in dom
    assert "<h3>Removed (1)</h3>" in dom and "mac:14:2f:fd:63:08:13" in dom


def test_screenshot_is_written(page: Path, tmp_path: Path, chromium: Any) -> None:
    shot = tmp_path / "sweep-report.png"
    result = chromium(page, tmp_path / "profile", WINDOW, f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == PNG_MAGIC
    print(f"screenshot of the HTML report: {shot}")
