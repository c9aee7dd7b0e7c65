"""Recorders of concern in every format: a note saying how many channels the recorder has and
what is known of where their cameras are (on PoE ports its model number shows, on coax, or
connected somewhere this LAN may not show), and recorder channels counted apart from the devices
seen. The counts are read from the report (device.channels, device.poe,
summary.recorder_channels)."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from screens import screen

from scanner.output import actions, csvout, html, markdown, ndjson
from scanner.output.validate import ReportSchemaError, validate_report

HERE = Path(__file__).parent
DAHUA5050 = HERE.parents[1] / "replay" / "golden" / "synthetic__dahua5050.pcap.json"
DEMO: dict[str, Any] = json.loads((HERE / "data" / "demo-findings.json").read_text("utf-8"))
NVR = "mac:24:48:45:5e:71:0a"  # the demo's Hikvision DS-7608NI-K2, 8 IP channels stated by SADP
# a DS-7608NI-K2 has no PoE ports (a DS-7608NI-K2/8P has 8): its cameras are on some network
CONNECTED = (
    "cameras connected to the recorder (its own ports or a separate network) may not be visible "
    "on this LAN"
)
NVR_NOTE = f"NVR with 8 channels — {CONNECTED}"
POE_PORTS = "cameras on its PoE ports are not visible on this LAN"


def demo_with(**changes: Any) -> dict[str, Any]:
    """The demo report with the NVR's fields changed."""
    report = copy.deepcopy(DEMO)
    nvr = next(d for d in report["devices"] if d["id"] == NVR)
    nvr.update(changes)
    return report


def device(report: dict[str, Any], device_id: str = NVR) -> dict[str, Any]:
    return next(d for d in report["devices"] if d["id"] == device_id)


def test_nvr_without_poe_evidence_says_its_cameras_may_not_be_visible() -> None:
    assert actions.recorder_note(device(DEMO)) == NVR_NOTE
    assert device(DEMO)["recorder_note"] == NVR_NOTE  # the JSON report carries it


def test_dvr_note_names_its_coax_cameras() -> None:
    dvr = device(demo_with(kind="dvr", channels={"analog": 16, "digital": 0, "total": 16}))
    assert actions.recorder_note(dvr) == (
        "DVR with 16 channels — its coax cameras are not visible on this LAN"
    )


def test_note_says_when_the_count_comes_from_the_model_number() -> None:
    nvr = device(demo_with(channels={"total": 16, "source": "model"}))
    assert actions.recorder_note(nvr) == f"NVR with 16 channels (by its model number) — {CONNECTED}"


def test_note_of_a_recorder_that_stated_no_channels() -> None:
    report = demo_with()
    del device(report)["channels"]
    assert actions.recorder_note(device(report)) == f"NVR, channel count unknown — {CONNECTED}"


def test_nvr_whose_model_number_shows_poe_ports_names_them() -> None:
    nvr = device(demo_with(model="DS-7608NI-K2/8P", poe={"ports": 8, "source": "model"}))
    assert actions.recorder_note(nvr) == (
        f"NVR with 8 channels; 8 PoE ports (by its model number) — {POE_PORTS}"
    )


def test_poe_ports_and_channels_both_from_the_model_number() -> None:
    nvr = device(
        demo_with(
            model="DS-7616NI-Q2/16P",
            channels={"total": 16, "source": "model"},
            poe={"ports": 16, "source": "model"},
        )
    )
    assert actions.recorder_note(nvr) == (
        f"NVR with 16 channels and 16 PoE ports (by its model number) — {POE_PORTS}"
    )


def test_poe_mark_without_a_count_says_poe_ports() -> None:
    nvr = device(
        demo_with(
            manufacturer="dahua",
            model="NVR4104HS-P-4KS2",
            channels={"total": 4, "source": "model"},
            poe={"source": "model"},
        )  # fmt: skip
    )
    assert actions.recorder_note(nvr) == (
        f"NVR with 4 channels and PoE ports (by its model number) — {POE_PORTS}"
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
        "(their cameras may not be among devices seen)"
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
    assert block[-2:] == [  # the note flows onto a second line, words whole
        "  NVR with 8 channels — cameras connected to the recorder (its own ports or a",
        "  separate network) may not be visible on this LAN",
    ]
    assert lines[-2:] == [
        "11 devices of concern: 6 hikvision, 5 dahua (23 devices seen)",
        "+ 8 recorder channels (their cameras may not be among devices seen)",
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
    label = "Recorder channels (their cameras may not be among devices seen)"
    assert f"<tr><th>{label}</th><td>8</td></tr>" in page


def test_html_notes_a_recorder_seen_through_the_router() -> None:
    report = demo_with(location="remote", mac=None)
    section = html.render(report).split("Not on this store&#x27;s LAN (2)")[1].split("</ul>")[0]
    assert f'<span class="note">{NVR_NOTE}</span>' in section


def test_markdown_puts_the_note_in_a_bullet_under_the_recorders_task() -> None:
    lines = markdown.render(DEMO).splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith("- [ ] Remove hikvision nvr"))
    assert lines[at + 1] == f"  - {NVR_NOTE}"
    assert "- Recorder channels (their cameras may not be among devices seen): 8" in lines
    assert "| channels | 8 (0 analog, 8 IP) |" in lines


def test_csv_gives_the_recorder_its_note_and_other_devices_none() -> None:
    rows = list(csv.DictReader(io.StringIO(csvout.render(DEMO), newline="")))
    notes = {row["id"]: row["recorder_note"] for row in rows if row["recorder_note"]}
    assert notes == {NVR: NVR_NOTE}


def test_ndjson_line_of_the_recorder_carries_its_note() -> None:
    records = [json.loads(line) for line in ndjson.lines(DEMO)]
    notes = {r["device"]["id"]: r["device"].get("recorder_note") for r in records}
    assert {k: v for k, v in notes.items() if v} == {NVR: NVR_NOTE}


def test_ndjson_notes_a_recorder_stored_before_the_field_existed() -> None:
    report = demo_with()
    del device(report)["recorder_note"]
    record = next(json.loads(x) for x in ndjson.lines(report) if f'"id":"{NVR}"' in x)
    assert record["device"]["recorder_note"] == NVR_NOTE


def test_the_schema_takes_poe_and_the_note() -> None:
    report = json.loads(DAHUA5050.read_text("utf-8"))  # its NVR has 16 PoE ports and a note
    nvr = next(d for d in report["devices"] if d["kind"] == "nvr")
    assert (nvr["poe"], nvr["recorder_note"][:40]) == (
        {"ports": 16, "source": "model"}, "NVR with 16 channels and 16 PoE ports (b",
    )  # fmt: skip
    validate_report(report)
    validate_report(demo_with(poe={"source": "model"}))  # a -P suffix gives no count


@pytest.mark.parametrize(
    "changes",
    [{"poe": {"ports": 0, "source": "model"}}, {"poe": {"ports": 8}}, {"recorder_note": ""}],
    ids=["zero-ports", "no-source", "empty-note"],
)
def test_the_schema_refuses_a_poe_or_note_that_says_nothing(changes: dict[str, Any]) -> None:
    with pytest.raises(ReportSchemaError, match="at devices/"):
        validate_report(demo_with(**changes))
