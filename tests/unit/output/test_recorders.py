"""Recorders of concern in every human format: a note saying how many channels the recorder has
and that the cameras on them are not on this LAN, and recorder channels counted apart from the
devices seen. The counts are read from the report (device.channels, summary.recorder_channels)."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from scanner.output import actions, html, markdown
from scanner.output.table import render_table

HERE = Path(__file__).parent
DEMO: dict[str, Any] = json.loads((HERE / "data" / "demo-findings.json").read_text("utf-8"))
NVR = "mac:24:48:45:5e:71:0a"  # the demo's Hikvision DS-7608NI-K2, 8 IP channels stated by SADP
NVR_NOTE = "NVR with 8 channels — cameras on its PoE ports are not visible on this LAN"


def demo_with(**changes: Any) -> dict[str, Any]:
    """The demo report with the NVR's fields changed."""
    report = copy.deepcopy(DEMO)
    nvr = next(d for d in report["devices"] if d["id"] == NVR)
    nvr.update(changes)
    return report


def device(report: dict[str, Any], device_id: str = NVR) -> dict[str, Any]:
    return next(d for d in report["devices"] if d["id"] == device_id)


def screen(report: dict[str, Any], width: int) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, color_system=None, markup=False, emoji=False, highlight=False
    )
    render_table(report, console)
    return out.getvalue()


def test_nvr_note_states_its_channels_and_what_is_not_seen() -> None:
    assert actions.recorder_note(device(DEMO)) == NVR_NOTE


def test_dvr_note_names_its_coax_cameras() -> None:
    dvr = device(demo_with(kind="dvr", channels={"analog": 16, "digital": 0, "total": 16}))
    assert actions.recorder_note(dvr) == (
        "DVR with 16 channels — its coax cameras are not visible on this LAN"
    )


def test_note_says_when_the_count_comes_from_the_model_number() -> None:
    nvr = device(demo_with(channels={"total": 16, "source": "model"}))
    assert actions.recorder_note(nvr) == (
        "NVR with 16 channels (by its model number) — cameras on its PoE ports are not visible "
        "on this LAN"
    )


def test_note_of_a_recorder_that_stated_no_channels() -> None:
    report = demo_with()
    del device(report)["channels"]
    assert actions.recorder_note(device(report)) == (
        "NVR, channel count unknown — cameras on its PoE ports are not visible on this LAN"
    )


def test_cameras_and_clear_recorders_get_no_note() -> None:
    camera = device(DEMO, "mac:44:19:b6:2a:3c:11")  # states 1 channel: its own sensor
    assert camera["channels"]["total"] == 1
    assert actions.recorder_note(camera) == ""
    assert actions.recorder_note(device(demo_with(verdict="clear", of_concern=False))) == ""


def test_channels_text_shows_the_stated_inputs() -> None:
    assert actions.channels_text(device(DEMO)) == "8 (0 analog, 8 IP)"


def test_summary_line_counts_recorder_channels_apart_from_devices_seen() -> None:
    assert actions.summary_line(DEMO) == (
        "11 devices of concern: 6 hikvision, 5 dahua (23 devices seen) + 8 recorder channels "
        "(cameras on recorder ports are not among devices seen)"
    )


def test_summary_line_of_one_channel_and_of_none() -> None:
    one = copy.deepcopy(DEMO)
    one["summary"]["recorder_channels"] = 1
    assert actions.summary_parts(one)[1].startswith("+ 1 recorder channel (")
    none = copy.deepcopy(DEMO)
    del none["summary"]["recorder_channels"]  # a report stored before the count existed
    assert (
        actions.summary_line(none)
        == "11 devices of concern: 6 hikvision, 5 dahua (23 devices seen)"
    )


def test_terminal_blocks_put_the_note_under_the_recorder_at_80_columns() -> None:
    lines = screen(DEMO, 80).splitlines()
    at = lines.index("CONCERN  hikvision nvr DS-7608NI-K2")
    block = lines[at + 1 : lines.index("CONCERN  dahua camera IPC-HFW2431S-S-S2")]
    assert block[-1] == f"  {NVR_NOTE}"
    assert lines[-2:] == [
        "11 devices of concern: 6 hikvision, 5 dahua (23 devices seen)",
        "+ 8 recorder channels (cameras on recorder ports are not among devices seen)",
    ]


def test_terminal_table_notes_the_recorder_below_it_at_200_columns() -> None:
    lines = screen(DEMO, 200).splitlines()
    assert f"recorder 24:48:45:5e:71:0a (10.20.30.10): {NVR_NOTE}" in lines
    assert lines[-1] == actions.summary_line(DEMO)


def test_html_puts_the_note_under_the_recorders_removal_item() -> None:
    page = html.render(DEMO)
    item = page.split("Remove hikvision nvr DS-7608NI-K2")[1].split("</li>")[0]
    assert item.endswith(f'</label><br><span class="note">{NVR_NOTE}</span>')
    assert "<tr><th>Channels</th><td>8 (0 analog, 8 IP)</td></tr>" in page
    assert "<tr><th>Recorder channels (cameras not among devices seen)</th><td>8</td></tr>" in page


def test_html_notes_a_recorder_seen_through_the_router() -> None:
    report = demo_with(location="remote", mac=None)
    section = html.render(report).split("Not on this store&#x27;s LAN (2)")[1].split("</ul>")[0]
    assert f'<span class="note">{NVR_NOTE}</span>' in section


def test_markdown_puts_the_note_in_a_bullet_under_the_recorders_task() -> None:
    lines = markdown.render(DEMO).splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith("- [ ] Remove hikvision nvr"))
    assert lines[at + 1] == f"  - {NVR_NOTE}"
    assert "- Recorder channels (cameras not among devices seen): 8" in lines
    assert "| channels | 8 (0 analog, 8 IP) |" in lines
