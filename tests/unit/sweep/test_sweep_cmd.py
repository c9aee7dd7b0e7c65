"""`camscan sweep`, `history`, `diff` and `report` run in-process as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scanner.cli.main import app

REPO = Path(__file__).resolve().parents[3]
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"  # Hikvision camera + the VMS PC that asked
DHIP = REPO / "pcaps" / "synthetic" / "dhip.pcap"  # Dahua camera + the same VMS PC
HIK_CAM = "mac:58:50:ed:1f:e3:85"
DAHUA_CAM = "mac:08:ed:ed:87:42:7a"
VMS_PC = "mac:b0:83:fe:2d:19:01"
runner = CliRunner()


def sweep(tmp_path: Path, *args: str) -> Any:
    return runner.invoke(app, ["sweep", "--site", "s1", "--db", str(tmp_path / "h.db"), *args])


def test_config_file_drives_a_sweep_and_its_report_files(tmp_path: Path) -> None:
    config = tmp_path / "sweep.toml"
    config.write_text(
        f'site = "store-0042"\ndb = "{tmp_path / "h.db"}"\nfail_on = "never"\n'
        f'[source]\nkind = "pcap"\npaths = ["{SADP}"]\n'
        f'[reports]\njson = "{tmp_path}/{{site}}/latest.json"\n'
        f'html = "{tmp_path}/{{site}}/latest.html"\nmd = "{tmp_path}/{{site}}/latest.md"\n'
        f'csv = "{tmp_path}/{{site}}/latest.csv"\nndjson = "{tmp_path}/{{site}}/latest.ndjson"\n'
    )
    result = runner.invoke(app, ["sweep", "--config", str(config), "-q"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "store-0042").iterdir())
    assert written == ["latest.csv", "latest.html", "latest.json", "latest.md", "latest.ndjson"]


def test_ndjson_lines_carry_site_and_run_id(tmp_path: Path) -> None:
    result = sweep(tmp_path, "--pcap", str(SADP), "--format", "ndjson", "-q")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["site"], line["device"]["id"]) for line in lines] == [
        ("s1", HIK_CAM),
        ("s1", VMS_PC),
    ]
    assert lines[0]["run_id"] == lines[1]["run_id"]


def test_json_report_to_stdout(tmp_path: Path) -> None:
    result = sweep(tmp_path, "--pcap", str(SADP), "-o", "-", "-q")
    assert json.loads(result.stdout)["sweep"]["new"] == [HIK_CAM, VMS_PC]
    assert result.exit_code == 1


def test_fail_on_never_exits_0_with_devices_of_concern(tmp_path: Path) -> None:
    assert sweep(tmp_path, "--pcap", str(SADP), "-q", "--fail-on", "never").exit_code == 0


def test_scan_source_on_a_missing_interface_exits_2_and_records_nothing(tmp_path: Path) -> None:
    config = tmp_path / "sweep.toml"
    config.write_text('[source]\nkind = "scan"\ntargets = ["192.0.2.0/24"]\niface = "nosuch9"\n')
    result = sweep(tmp_path, "--config", str(config))
    assert result.exit_code == 2
    assert "no such interface: nosuch9" in result.output
    assert not (tmp_path / "h.db").exists()


def test_listen_source_calls_the_application_listen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner import app as application

    calls: list[tuple[str, float, str]] = []

    def listen(iface: str, seconds: float, db: Any, policy: Any) -> application.Run:
        calls.append((iface, seconds, policy.name))
        return application.analyse_files([SADP], db, policy)

    monkeypatch.setattr(application, "listen", listen)
    config = tmp_path / "sweep.toml"
    config.write_text('[source]\nkind = "listen"\niface = "eth9"\nseconds = 30\n')
    result = sweep(tmp_path, "--config", str(config), "-q", "-o", "-", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert calls == [("eth9", 30.0, "default")]
    assert json.loads(result.stdout)["sweep"]["new"] == [HIK_CAM, VMS_PC]


def test_history_lists_the_runs(tmp_path: Path) -> None:
    sweep(tmp_path, "--pcap", str(SADP), "-q")
    sweep(tmp_path, "--pcap", str(DHIP), "-q")
    result = runner.invoke(app, ["history", "--db", str(tmp_path / "h.db"), "--format", "json"])
    rows = json.loads(result.stdout)["runs"]
    assert [(r["site"], r["devices"], r["new"], r["removed"]) for r in rows] == [
        ("s1", 2, 2, 0),
        ("s1", 2, 1, 1),
    ]


def test_history_of_a_missing_database_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["history", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2


def _reports(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    runner.invoke(app, ["pcap", str(SADP), "-o", str(old), "-q"])
    runner.invoke(app, ["pcap", str(DHIP), "-o", str(new), "-q"])
    return old, new


def test_diff_of_two_reports_as_json(tmp_path: Path) -> None:
    old, new = _reports(tmp_path)
    result = runner.invoke(app, ["diff", str(old), str(new), "--format", "json"])
    diff = json.loads(result.stdout)
    assert (diff["new"], [r["id"] for r in diff["removed"]], diff["changed"]) == (
        [DAHUA_CAM],
        [HIK_CAM],
        [],  # the VMS PC asked both cameras from the same address
    )


def test_diff_as_text_names_each_change(tmp_path: Path) -> None:
    old, new = _reports(tmp_path)
    lines = runner.invoke(app, ["diff", str(old), str(new)]).stdout.splitlines()
    assert lines[0].startswith(f"+ new: {DAHUA_CAM} dahua IPC-HDW1431T1-S4")
    assert lines[-1] == "1 new, 1 removed, 0 changed"


def test_diff_of_a_file_that_is_not_a_report_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something else"}')
    result = runner.invoke(app, ["diff", str(bad), str(bad)])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("html", "<!DOCTYPE html>"), ("md", "# camscan report"), ("csv", "id,verdict,")],
)
def test_report_renders_a_saved_report(tmp_path: Path, fmt: str, start: str) -> None:
    old, _ = _reports(tmp_path)
    result = runner.invoke(app, ["report", str(old), "--format", fmt])
    assert result.exit_code == 0
    assert result.stdout.startswith(start)


def test_report_writes_to_a_file(tmp_path: Path) -> None:
    old, _ = _reports(tmp_path)
    out = tmp_path / "r.html"
    assert runner.invoke(app, ["report", str(old), "-o", str(out)]).exit_code == 0
    assert HIK_CAM in out.read_text()


def test_report_of_a_malformed_report_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "camscan.findings/1", "devices": [{}]}')
    assert runner.invoke(app, ["report", str(bad), "--format", "md"]).exit_code == 2


def test_scan_option_on_a_missing_interface_exits_2_without_a_config(tmp_path: Path) -> None:
    result = sweep(tmp_path, "--scan", "192.0.2.0/24", "--iface", "nosuch9")
    assert (result.exit_code, "no such interface: nosuch9" in result.output) == (2, True)
    assert not (tmp_path / "h.db").exists()
