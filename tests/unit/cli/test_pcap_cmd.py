"""`camscan pcap` and `camscan db` as a user runs them: outputs, formats and exit statuses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from scanner.cli.main import app

REPO = Path(__file__).resolve().parents[3]
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"
SCALE = REPO / "pcaps" / "synthetic" / "scale_ma_m.pcap"
runner = CliRunner()


def test_table_names_the_device_of_concern_and_exits_0() -> None:
    result = runner.invoke(app, ["pcap", str(SADP)])
    assert result.exit_code == 0
    assert "DS-2CD2385G1-I" in result.stdout
    assert "1 device of concern: 1 hikvision (2 devices seen)" in result.stdout


def test_json_to_stdout_is_a_valid_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["pcap", str(SADP), "--format", "json", "-q"])
    report = json.loads(result.stdout)
    assert (report["schema"], report["summary"]["of_concern"]) == ("camscan.findings/1", 1)


def test_output_file_gets_the_json_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["pcap", str(SADP), "-o", str(out), "-q"])
    assert result.exit_code == 0
    assert json.loads(out.read_text())["devices"][0]["id"] == "mac:58:50:ed:1f:e3:85"


def test_ndjson_writes_one_line_per_device() -> None:
    result = runner.invoke(app, ["pcap", str(SADP), "--format", "ndjson", "-q"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["device"]["id"] for line in lines] == [
        "mac:58:50:ed:1f:e3:85",
        "mac:b0:83:fe:2d:19:01",
    ]


def test_csv_has_a_row_per_device() -> None:
    result = runner.invoke(app, ["pcap", str(SADP), "--format", "csv", "-q"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["verdict"]) for r in rows] == [
        ("mac:58:50:ed:1f:e3:85", "concern"),
        ("mac:b0:83:fe:2d:19:01", "clear"),
    ]


def test_fail_on_concern_exits_1_only_when_there_is_one() -> None:
    assert runner.invoke(app, ["pcap", str(SADP), "-q", "--fail-on", "concern"]).exit_code == 1
    assert runner.invoke(app, ["pcap", str(SCALE), "-q", "--fail-on", "concern"]).exit_code == 0


def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a capture")
    result = runner.invoke(app, ["pcap", str(junk)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"camscan: {junk}: not a pcap or pcapng capture (magic 6e6f7420)"
    )


def test_one_unreadable_file_among_good_ones_still_reports_and_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "gone.pcap"
    result = runner.invoke(app, ["pcap", str(SADP), str(missing), "--format", "json", "-q"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["summary"]["of_concern"] == 1
    assert "cannot open" in result.stderr


def test_unknown_policy_is_a_usage_error() -> None:
    result = runner.invoke(app, ["pcap", str(SADP), "--policy", "nope"])
    assert result.exit_code == 2
    assert "nope" in result.stderr


def test_db_verify_passes_on_the_shipped_database() -> None:
    result = runner.invoke(app, ["db", "verify"])
    assert (result.exit_code, result.stdout.strip()) == (0, "vendor_db OK")


def test_db_match_shows_rule_and_claims() -> None:
    result = runner.invoke(app, ["db", "match", "http_server", "App-webs/"])
    assert result.exit_code == 0
    assert result.stdout.startswith("hikvision.http_server.app-webs weight=0.8")
    assert "manufacturer=hikvision" in result.stdout


def test_db_match_oui_uses_longest_prefix() -> None:
    result = runner.invoke(app, ["db", "match", "oui", "40:2c:76:1a:0b:70"])
    assert result.stdout.startswith("402C761/28 Shanghai Dahua Scale Factory -> manufacturer=None")


def test_db_match_without_a_match_exits_1() -> None:
    assert runner.invoke(app, ["db", "match", "http_server", "nginx"]).exit_code == 1


def test_make_demo_prints_the_80_column_golden_screen(cli: Any, tmp_path: Path) -> None:
    # the README's screen is this golden (test_terminal_layout): so it is what `make demo` shows
    demo = REPO / "pcaps" / "demo" / "store-lan.pcapng"
    out = tmp_path / "demo-report.json"
    result = cli("pcap", demo, "-o", out, env={"COLUMNS": "80"})
    golden = REPO / "tests" / "unit" / "output" / "golden" / "demo-80.txt"
    screen = golden.read_text(encoding="utf-8") + f"report written to {out} (json)\n"
    assert (result.returncode, result.stdout.decode("utf-8")) == (0, screen)
