"""Output safety end to end: device strings through `camscan pcap` to table, CSV, JSON, NDJSON.

The capture (make_corpus.output_safety) holds a camera whose SADP model, serial and firmware are
spreadsheet formulas with rich markup and HTML, whose DHCP host name carries terminal escapes,
and a web server whose Server header carries OSC/CSI escapes (7- and 8-bit) and markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import make_corpus as mc
import pytest
from hostile_support import analyse, by_id, run_cli

from scanner.output.csvout import FORMULA_STARTS

CAMERA_ID, WEB_ID = f"mac:{mc.EVIL_CAMERA.mac}", f"mac:{mc.EVIL_WEB.mac}"
# C0 controls except newline, DEL, and C1 controls (0x9b is the 8-bit CSI)
TERMINAL_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def capture(corpus: dict[str, Path]) -> Path:
    return corpus["output_safety.pcap"]


def test_table_output_has_no_escape_or_control_characters(capture: Path) -> None:
    proc = run_cli("pcap", capture)
    assert (proc.returncode, proc.stderr) == (0, b"")
    out = proc.stdout.decode()
    assert "\x1b" not in out and "\x07" not in out
    assert not TERMINAL_CONTROL.search(out)
    # the DHCP host name is shown (it helps find a device), defused: its OSC title and screen
    # clear arrive without their ESC and are inert text
    assert "host =cmd|calc]0;pwned[2J<script>" in out
    assert "3 devices of concern: 3 hikvision (4 devices seen)" in out


def test_table_shows_device_markup_literally(capture: Path) -> None:
    out = run_cli("pcap", capture).stdout.decode()
    assert "@SUM(1+1)[bold]" in out  # rich would have swallowed "[bold]" as a style tag
    assert "=HYPERLINK(" in out and "<script>" in out


def test_csv_cells_that_would_start_a_formula_are_neutralised(capture: Path) -> None:
    proc = run_cli("pcap", capture, "--format", "csv")
    assert proc.returncode == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(proc.stdout.decode()))}
    camera = rows[CAMERA_ID]
    assert (camera["model"], camera["serial"], camera["firmware"]) == (
        "'" + mc.EVIL_MODEL,
        "'" + mc.EVIL_SERIAL,
        "'" + mc.EVIL_FIRMWARE,
    )
    for row in rows.values():
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values())


def test_json_stays_valid_and_keeps_strings_as_data(capture: Path) -> None:
    proc = run_cli("pcap", capture, "--format", "json")
    assert proc.returncode == 0
    raw = proc.stdout.decode()
    assert "\\u001b" not in raw and "\x1b" not in raw and "\\u0007" not in raw
    devices = by_id(json.loads(raw))
    camera, web = devices[CAMERA_ID], devices[WEB_ID]
    assert camera["model"] == mc.EVIL_MODEL  # JSON is data: formulas and HTML kept verbatim
    assert camera["hostname"] == "=cmd|calc]0;pwned[2J<script>"  # ESC and BEL removed
    [server] = [ev["value"] for ev in web["evidence"] if ev["signal"] == "http"]
    assert server == "App-webs/]0;pwned[2J31m[red]<script>alert(1)</script>"


def test_ndjson_lines_are_each_valid_json(capture: Path) -> None:
    proc = run_cli("pcap", capture, "--format", "ndjson")
    assert proc.returncode == 0
    lines = proc.stdout.decode().splitlines()
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    assert "\x1b" not in proc.stdout.decode()


def test_report_file_is_valid_json(capture: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = run_cli("pcap", capture, "-o", out, "-q")
    assert proc.returncode == 0
    assert CAMERA_ID in by_id(json.loads(out.read_text(encoding="utf-8")))


def test_file_name_with_escapes_is_defused_on_stderr(tmp_path: Path) -> None:
    # regression: the unreadable-file line printed the path verbatim
    path = tmp_path / "x\x1b]0;pwned\x07[red]y.pcap"
    path.write_bytes(b"")
    proc = run_cli("pcap", path)
    assert proc.returncode == 2
    assert (
        proc.stderr.decode()
        == f"camscan: {tmp_path}/x[red]y.pcap: empty or too short to be a capture\n"
    )


def test_html_page_escapes_device_strings(capture: Path) -> None:
    html = pytest.importorskip("scanner.output.html")
    page = html.render(analyse(capture))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\x1b" not in page


BIDI_MODEL = "DS-2CD\u202eX\u2066Y\u2028Z\x85W"  # override, isolate, line separator, C1


def test_history_json_escapes_device_strings(tmp_path: Path) -> None:
    # Before: `history --format json` wrote the model's bidi override and isolate raw
    camera = mc.Host("c0:56:e3:10:00:79", "192.168.1.79")
    match = mc.sadp_probematch(camera.mac, camera.ip, BIDI_MODEL, "SN123", "V5.7.3")
    capture = tmp_path / "bidi.pcap"
    capture.write_bytes(mc.with_honest([mc.udp(camera, None, 37020, 37020, match)]))
    db = tmp_path / "h.sqlite3"
    assert run_cli("sweep", "--site", "s1", "--pcap", capture, "--db", db, "-q").returncode == 1
    proc = run_cli("history", "--db", db, "--format", "json")
    assert proc.returncode == 0
    text = proc.stdout.decode("utf-8")
    kinds = {"Cc", "Cf", "Zl", "Zp", "Cs"}
    assert {ch for ch in text if unicodedata.category(ch) in kinds and ch != "\n"} == set()
    models = {d["model"] for d in json.loads(text)["present_of_concern"]}
    assert any("\u202eX\u2066Y" in model for model in models), models
