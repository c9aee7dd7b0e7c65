"""HTML and Markdown reports put the action first: the summary line, the removal checklist with
what finds each device on site, remote devices for their network's owner, suspects to confirm,
advisories, the chart of devices of concern per run; then the evidence cards."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from scanner.output import chart, html, markdown

HERE = Path(__file__).parent
DEMO: dict[str, Any] = json.loads((HERE / "data" / "demo-findings.json").read_text("utf-8"))
DAHUA_VLAN = "mac:3c:ef:8c:44:a2:50"  # the Dahua camera on VLAN 20 (a PC on VLAN 1 shares its IP)


def with_suspect() -> dict[str, Any]:
    """The demo with the EZVIZ unit downgraded to a suspect (its OUI alone, as in the field)."""
    report = copy.deepcopy(DEMO)
    ezviz = next(d for d in report["devices"] if d["id"] == "mac:64:24:4d:1e:30:30")
    ezviz.update(verdict="suspect", of_concern=False, concern=None, confidence=0.35)
    ezviz["evidence"] = [e for e in ezviz["evidence"] if e["signal"] == "oui"]
    report["summary"].update(of_concern=10, suspect=1, by_manufacturer={"dahua": 5, "hikvision": 5})
    return report


def test_html_opens_with_the_summary_line_then_the_removal_checklist() -> None:
    page = html.render(DEMO)
    headline = '<p class="headline">11 devices of concern: 6 hikvision, 5 dahua (23 devices seen)'
    order = [
        page.index(headline),
        page.index("<h2>Removal checklist (10)</h2>"),
        page.index("<h2>Not on this store&#x27;s LAN (1)</h2>"),
        page.index("<h2>Advisories (1)</h2>"),
        page.index('<section class="device"'),
    ]
    assert order == sorted(order)


def test_checklist_line_names_vlan_mac_serial_and_model() -> None:
    page = html.render(DEMO)
    assert (
        '<li><label><input type="checkbox"> Remove dahua camera IPC-HFW2431S-S-S2 — VLAN 20, '
        "MAC 3c:ef:8c:44:a2:50, serial 7K02E47PAZ5C1A9, IP 10.20.30.50</label></li>"
    ) in page


def test_remote_device_is_for_the_owner_of_that_network() -> None:
    page = html.render(DEMO)
    line = (
        "hikvision at 203.0.113.50, seen through the router — not on this store&#x27;s LAN; "
        "tell the owner of that network"
    )
    assert f'<input type="checkbox"> {line}</label>' in page
    assert "Remove hikvision —" not in page.split("Not on this store")[1].split("</ul>")[0]


def test_advisories_are_listed_with_the_device() -> None:
    assert (
        "<li>CVE-2021-36260 — hikvision camera DS-2CD2385G1-I (MAC 44:19:b6:2a:3c:11, serial "
        "DS-2CD2385G1-I20210305AAWRF41275530, IP 10.20.30.11): firmware build 190701 predates "
        "the fixed build 210628 (platform not verified)</li>"
    ) in html.render(DEMO)


def test_suspects_get_their_own_confirm_on_site_checklist_in_html() -> None:
    page = html.render(with_suspect())
    section = page.split("<h2>Confirm on site (1)</h2>")[1].split("</ul>")[0]
    assert (
        '<input type="checkbox"> Confirm what is at MAC 64:24:4d:1e:30:30, IP 10.20.30.30; '
        "registered to Hangzhou Ezviz Software: the evidence (oui) points to hikvision; if its "
        "label says so, add it to the removal checklist</label>"
    ) in section
    assert '<section class="device suspect" data-device-id="mac:64:24:4d:1e:30:30">' in page


def test_suspects_get_their_own_confirm_on_site_tasks_in_markdown() -> None:
    text = markdown.render(with_suspect())
    tasks = text.split("## Confirm on site (1)\n\n")[1].split("\n\n")[0].splitlines()
    assert tasks == [
        "- [ ] Confirm what is at MAC 64:24:4d:1e:30:30, IP 10.20.30.30; registered to Hangzhou "
        "Ezviz Software: the evidence (oui) points to hikvision; if its label says so, add it to "
        "the removal checklist"
    ]


def test_markdown_opens_with_the_summary_line_and_the_checklist() -> None:
    lines = markdown.render(DEMO).splitlines()
    assert lines[4:8] == [
        "**11 devices of concern: 6 hikvision, 5 dahua (23 devices seen) + 8 recorder channels "
        "(their cameras may not be among devices seen)**",
        "",
        "## Removal checklist (10)",
        "",
    ]


def test_chart_draws_one_bar_per_run_scaled_to_its_count() -> None:
    points = [("2026-11-01T02:17:00Z", 8), ("2026-11-08T02:17:00Z", 4), ("2026-11-15T02:17:00Z", 0)]
    svg = chart.concern_chart(points)
    bars = re.findall(r'<rect class="bar"[^>]* height="([0-9.]+)"[^>]* data-count="(\d+)"', svg)
    assert [(float(h), int(c)) for h, c in bars] == [(164.0, 8), (82.0, 4), (0.0, 0)]
    assert 'aria-label="Devices of concern per run: 3 runs, 0 in the latest, at most 8"' in svg


def test_chart_shows_the_latest_sixty_runs_and_says_so() -> None:
    points = [(f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z", i) for i in range(75)]
    svg = chart.concern_chart(points)
    assert svg.count('<rect class="bar"') == 60
    assert "(15 older runs not shown)" in svg


def test_html_draws_the_chart_from_the_history_it_is_given() -> None:
    page = html.render(DEMO, history=[("2026-11-20T02:17:00Z", 12), ("2026-11-27T02:17:00Z", 11)])
    assert page.count('<rect class="bar"') == 2
    assert "<h2>Devices of concern per run</h2>" in page


def test_html_draws_the_chart_from_the_reports_own_sweep_history() -> None:
    report = copy.deepcopy(DEMO)
    report["sweep"] = {
        "site": "store-0042", "run_id": "r2", "previous_run_id": "r1", "new": [], "removed": [],
        "changed": [],
        "history": [{"run_id": "r1", "finished_at": "2026-11-20T02:17:00Z", "of_concern": 12},
                    {"run_id": "r2", "finished_at": "2026-11-27T02:17:00Z", "of_concern": 11}],
    }  # fmt: skip
    assert html.render(report).count('<rect class="bar"') == 2


def test_html_without_history_has_no_chart() -> None:
    assert "<svg" not in html.render(DEMO)


def test_bidi_and_controls_in_values_show_as_escapes_in_html_and_markdown() -> None:
    report = copy.deepcopy(DEMO)
    dahua = next(d for d in report["devices"] if d["id"] == DAHUA_VLAN)
    dahua["model"] = "IPC\u202egnp.exe\u2028\x1b[31m"
    shown = {
        "IPC\\u202egnp.exe": html.render(report),
        "IPC\\\\u202egnp.exe": markdown.render(report),
    }
    for escaped, text in shown.items():  # Markdown doubles the backslash so it stays visible
        assert "\u202e" not in text and "\u2028" not in text and "\x1b" not in text
        assert escaped in text
