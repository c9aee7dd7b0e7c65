"""The HTML and Markdown renderers: self-contained, concerns first, device strings inert."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scanner.output import html, markdown

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def report_with(build: Any, **fields: Any) -> dict[str, Any]:
    cam = build.device("mac:44:19:b6:2a:3c:11", ["10.0.0.2"], "2026-11-27T08:00:00Z", **fields)
    clear = {**build.device("mac:00:40:8c:d2:4a:40", ["10.0.0.40"], "2026-11-27T08:00:00Z"),
             "manufacturer": "axis", "verdict": "clear", "of_concern": False}  # fmt: skip
    report: dict[str, Any] = build.findings(cam, clear)
    report["summary"].update(of_concern=1, by_manufacturer={"hikvision": 1})
    return report


def test_html_escapes_device_strings(build: Any) -> None:
    page = html.render(report_with(build, model=HOSTILE, serial="a&b"))
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "a&amp;b" in page


def test_html_has_no_external_assets(build: Any) -> None:
    page = html.render(report_with(build, model="DS-2CD2385G1-I"))
    for marker in ("<link", "<script", " src=", "url(", "@import", "http://", "https://"):
        assert marker not in page


def test_html_lists_devices_of_concern_before_the_others(build: Any) -> None:
    page = html.render(report_with(build, model="DS-2CD2385G1-I"))
    assert page.index('data-device-id="mac:44:19:b6:2a:3c:11"') < page.index(
        'data-device-id="mac:00:40:8c:d2:4a:40"'
    )


def test_html_checklist_has_a_checkbox_per_device_of_concern(build: Any) -> None:
    page = html.render(report_with(build, model="DS-2CD2385G1-I", serial="DS-1"))
    assert page.count('<input type="checkbox">') == 1
    assert "Remove hikvision camera DS-2CD2385G1-I — MAC 44:19:b6:2a:3c:11, serial DS-1, IP" in page


def test_html_shows_sweep_changes_only_for_sweeps(build: Any) -> None:
    report = report_with(build)
    assert "Changes since the previous sweep" not in html.render(report)
    report["sweep"] = {"site": "s1", "run_id": "r2", "previous_run_id": "r1",
                       "new": ["mac:44:19:b6:2a:3c:11"], "removed": [], "changed": []}  # fmt: skip
    assert "<h3>New (1)</h3>" in html.render(report)


def test_markdown_escapes_device_strings(build: Any) -> None:
    text = markdown.render(report_with(build, model="[click](http://x) | *b*\nnext"))
    assert "\\[click\\](http://x) \\| \\*b\\* next" in text


def test_markdown_checklist_has_a_task_per_device_of_concern(build: Any) -> None:
    text = markdown.render(report_with(build, model="DS-2CD2385G1-I"))
    tasks = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert tasks == [
        "- [ ] Remove hikvision camera DS-2CD2385G1-I — MAC 44:19:b6:2a:3c:11, IP 10.0.0.2"
    ]


@pytest.mark.parametrize("render", [html.render, markdown.render])
def test_renderers_accept_a_report_without_devices(build: Any, render: Any) -> None:
    assert "None found." in render(json.loads(json.dumps(build.findings())))
