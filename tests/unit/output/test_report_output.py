"""Report output: schema validation, JSON, NDJSON, CSV and the terminal table.

The report factory (make_evidence, make_device, make_report) is shared by every section below.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import stat
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from scanner.errors import InputError, ScannerError
from scanner.output.csvout import COLUMNS, neutralise, render, top_rules
from scanner.output.jsonout import dumps, write
from scanner.output.ndjson import lines
from scanner.output.sanitize import json_safe
from scanner.output.table import render_summary_line, render_table
from scanner.output.validate import ReportSchemaError, load_schema, validate_report

TS = "2026-11-27T10:00:00.123456Z"


def make_evidence(
    rule: str = "http_server.hikvision-webs",
    weight: float = 0.7,
    manufacturer: str | None = "hikvision",
    **over: Any,
) -> dict[str, Any]:
    """One evidence item as the engine renders it."""
    claims = {"manufacturer": manufacturer} if manufacturer else {}
    ev = {
        "signal": rule.split(".")[0],
        "rule": rule,
        "value": "App-webs/",
        "claims": claims,
        "weight": weight,
        "source": {"input": "store-lan.pcapng", "frame": 12},
        "ts": TS,
        "truncated": False,
    }
    return ev | over


def make_device(
    n: int = 1,
    *,
    verdict: str = "concern",
    manufacturer: str | None = "hikvision",
    location: str = "lan",
    **over: Any,
) -> dict[str, Any]:
    """Device number `n` (distinct MAC, IP and id), valid unless `over` says otherwise."""
    mac = f"44:19:b6:00:00:{n:02x}" if location == "lan" else None
    ip = f"10.0.0.{n}"
    device = {
        "id": f"mac:{mac}" if mac else f"ip:{ip}",
        "mac": mac,
        "ips": [ip],
        "vlan": None,
        "location": location,
        "hostname": None,
        "oui_organisation": "Hangzhou Hikvision Digital Technology Co.,Ltd." if mac else None,
        "manufacturer": manufacturer,
        "brand": None,
        "kind": "camera",
        "model": f"DS-2CD2385G1-I{n}",
        "firmware": "V5.6.2 build 190701",
        "serial": f"SERIAL{n:04d}",
        "verdict": verdict,
        "of_concern": verdict == "concern",
        "concern": "manufacturer hikvision is listed by policy 'default'"
        if verdict == "concern"
        else None,
        "confidence": 0.99 if verdict == "concern" else 0.3,
        "services": [{"proto": "tcp", "port": 80, "name": "http"}],
        "evidence": [make_evidence(manufacturer=manufacturer)],
        "advisories": [{"id": "CVE-2021-36260", "basis": "build 190701 predates 210628"}],
        "first_seen": TS,
        "last_seen": TS,
    }
    return device | over


def make_report(*devices: dict[str, Any], **over: Any) -> dict[str, Any]:
    """A valid report of `devices` (sorted by id) with a summary that adds up."""
    ordered = sorted(devices, key=lambda d: d["id"])
    concern = [d for d in ordered if d["of_concern"]]
    report = {
        "schema": "camscan.findings/1",
        "generated_at": TS,
        "tool": {
            "name": "camscan",
            "version": "0.1.0",
            "vendor_db": "2026.11.1",
            "oui_registry": "2026-02-23",
        },
        "run": {
            "mode": "pcap",
            "inputs": ["pcaps/demo/store-lan.pcapng"],
            "started_at": TS,
            "finished_at": TS,
            "policy": "default",
            "stats": {"frames": 10, "bytes": 1000, "decode_errors": 0, "observations": 4},
            "warnings": [],
            "capabilities": {"root": False},
        },
        "summary": {
            "devices": len(ordered),
            "of_concern": len(concern),
            "suspect": sum(1 for d in ordered if d["verdict"] == "suspect"),
            "remote": sum(1 for d in ordered if d["location"] == "remote"),
            "by_manufacturer": dict(sorted(Counter(d["manufacturer"] for d in concern).items())),
        },
        "devices": ordered,
    }
    return report | over


def _typical() -> dict[str, Any]:
    """By id: 0 remote clear (ip:10.0.0.3), 1 LAN hikvision concern, 2 LAN dahua suspect."""
    return make_report(
        make_device(1),
        make_device(2, manufacturer="dahua", verdict="suspect"),
        make_device(3, manufacturer=None, verdict="clear", location="remote"),
    )


def _mutated(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """The typical report with the item at `path` set to `value` (deleted when value is ...)."""
    report = copy.deepcopy(_typical())
    node: Any = report
    for part in path[:-1]:
        node = node[part]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return report


# --- schema validation -------------------------------------------------------------------------


def test_typical_report_is_valid() -> None:
    validate_report(_typical())


def test_report_without_devices_is_valid() -> None:
    validate_report(make_report())


def test_sweep_object_with_any_keys_is_valid() -> None:
    sweep = {"site": "store-042", "run_id": "20261127T1000Z", "diff": {"new": []}}
    validate_report(make_report(make_device(1), sweep=sweep))


def test_schema_ships_in_package() -> None:
    assert load_schema()["properties"]["schema"] == {"const": "camscan.findings/1"}


def test_schema_error_is_a_scanner_error() -> None:
    assert issubclass(ReportSchemaError, ScannerError)


INVALID = {
    "schema-name": (("schema",), "camscan.findings/2", "at schema: "),
    "top-level-extra-key": (("extra",), 1, "at (top level): "),
    "tool-extra-key": (("tool", "extra"), "x", "at tool: "),
    "summary-extra-key": (("summary", "extra"), 0, "at summary: "),
    "device-extra-key": (("devices", 0, "extra"), "x", "at devices/0: "),
    "device-missing-key": (("devices", 0, "serial"), ..., "at devices/0: "),
    "evidence-extra-key": (("devices", 0, "evidence", 0, "extra"), 1, "at devices/0/evidence/0: "),
    "verdict-enum": (("devices", 0, "verdict"), "bad", "at devices/0/verdict: "),
    "location-enum": (("devices", 0, "location"), "wan", "at devices/0/location: "),
    "mode-enum": (("run", "mode"), "guess", "at run/mode: "),
    "mac-upper-case": (("devices", 1, "mac"), "44:19:B6:00:00:01", "at devices/1/mac: "),
    "mac-dashes": (("devices", 1, "mac"), "44-19-b6-00-00-01", "at devices/1/mac: "),
    "ip-not-an-address": (("devices", 0, "ips"), ["10.0.0.256"], "at devices/0/ips/0: "),
    "vlan-out-of-range": (("devices", 0, "vlan"), 4096, "at devices/0/vlan: "),
    "confidence-above-one": (("devices", 0, "confidence"), 1.5, "at devices/0/confidence: "),
    "timestamp-not-utc": (("generated_at",), "2026-11-27T10:00:00+01:00", "at generated_at: "),
    "slug-upper-case": (("devices", 2, "manufacturer"), "Dahua", "at devices/2/manufacturer: "),
    "stat-not-integer": (("run", "stats", "frames"), 1.5, "at run/stats/frames: "),
    "capability-not-bool": (("run", "capabilities", "root"), "yes", "at run/capabilities/root: "),
    "of-concern-without-concern": (("devices", 2, "of_concern"), True, "at devices/2/of_concern: "),
    "remote-with-mac": (("devices", 0, "mac"), "44:19:b6:00:00:03", "at devices/0/mac: "),
    "port-out-of-range": (("devices", 0, "services", 0, "port"), 70000, "services/0/port: "),
    "summary-count": (("summary", "devices"), 4, "at summary/devices: 4 but the devices give 3"),
    "summary-maker": (
        ("summary", "by_manufacturer"),
        {"dahua": 1},
        "at summary/by_manufacturer: {'dahua': 1} but the devices give {'hikvision': 1}",
    ),
}


@pytest.mark.parametrize(("path", "value", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_report_is_rejected_naming_the_place(
    path: tuple[str | int, ...], value: Any, expected: str
) -> None:
    with pytest.raises(ReportSchemaError, match="^report does not conform") as info:
        validate_report(_mutated(path, value))
    assert expected in str(info.value)


def test_unsorted_devices_are_rejected() -> None:
    report = _typical()
    report["devices"].reverse()
    with pytest.raises(ReportSchemaError, match="ids must be unique and sorted"):
        validate_report(report)


def test_duplicate_device_ids_are_rejected() -> None:
    report = make_report(make_device(1, verdict="clear"), make_device(1, verdict="clear"))
    with pytest.raises(ReportSchemaError, match="ids must be unique and sorted"):
        validate_report(report)


def test_message_lists_five_problems_and_counts_the_rest() -> None:
    report = make_report(*(make_device(n, mac="bad") for n in range(1, 8)))
    with pytest.raises(ReportSchemaError) as info:
        validate_report(report)
    assert str(info.value).count("at devices/") == 5
    assert str(info.value).endswith("; and 2 more")


def test_missing_jsonschema_is_a_clear_scanner_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # makes `import jsonschema` fail
    with pytest.raises(ReportSchemaError, match="needs the jsonschema package"):
        validate_report(_typical())


# --- JSON document ---------------------------------------------------------------------------


def test_dumps_is_indented_keeps_key_order_and_non_ascii() -> None:
    assert dumps({"b": [1], "a": "海康"}) == '{\n  "b": [\n    1\n  ],\n  "a": "海康"\n}\n'


def test_dumps_is_deterministic() -> None:
    assert dumps(_typical()) == dumps(copy.deepcopy(_typical()))


def _json_text(report: Any) -> str:
    return json_safe(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def test_dumps_writes_what_json_writes() -> None:
    # orjson does the work; its text is json.dumps's, character for character
    report = _typical()
    report["devices"][0]["hostname"] = 'cam\x00\x1b\x7f\x08\x0c\t\n"\\/海康😀'
    report["stats"] = {"big": 2**63 + 5, "weights": [0.0, -0.0, 0.97, 1e-4, 123456.789, 1e16]}
    assert dumps(report) == _json_text(report)


def test_dumps_falls_back_to_json_for_what_orjson_refuses() -> None:
    # a lone surrogate (undecodable bytes kept by surrogateescape) and a 65-bit integer
    for odd in ("GoAhead\udcff", 2**65, {1: "non-string key"}):
        report = {"devices": [{"server": odd}]}
        assert dumps(report) == _json_text(report)


def test_write_leaves_only_the_report(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    assert write(_typical(), target) is None
    assert target.read_text(encoding="utf-8") == dumps(_typical())
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_new_report_file_is_private(tmp_path: Path) -> None:
    write(_typical(), tmp_path / "report.json")
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o600


def test_write_replaces_a_report_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o644)
    write(make_report(), target)
    assert json.loads(target.read_text(encoding="utf-8")) == make_report()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_write_to_dash_returns_the_text_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert write(_typical(), "-") == dumps(_typical())
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_old_report_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputError, match="cannot write to .*: Permission denied"):
        write(_typical(), target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_into_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file or directory"):
        write(_typical(), tmp_path / "absent" / "report.json")


def test_lone_surrogate_is_written_as_a_json_escape(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write({"value": "a\udc80b"}, target)
    assert target.read_bytes() == b'{\n  "value": "a\\udc80b"\n}\n'
    assert json.loads(target.read_bytes()) == {"value": "a\udc80b"}


# --- NDJSON ------------------------------------------------------------------------------------


def test_ndjson_has_one_parseable_line_per_device() -> None:
    report = _typical()
    records = [json.loads(line) for line in lines(report)]
    assert [r["device"] for r in records] == report["devices"]


def test_ndjson_line_carries_the_run_context() -> None:
    first = json.loads(next(lines(make_report(make_device(1)))))
    del first["device"]
    assert first == {
        "schema": "camscan.device/1",
        "generated_at": TS,
        "mode": "pcap",
        "inputs": ["pcaps/demo/store-lan.pcapng"],
        "policy": "default",
    }


def test_ndjson_line_carries_sweep_site_and_run_id() -> None:
    sweep = {"site": "store-042", "run_id": "r-20261127", "diff": {}}
    first = json.loads(next(lines(make_report(make_device(1), sweep=sweep))))
    assert (first["site"], first["run_id"]) == ("store-042", "r-20261127")


def test_ndjson_lines_are_single_lines() -> None:
    device = make_device(1, hostname="two\nlines")
    assert list(lines(make_report(device)))[0].count("\n") == 0


# --- CSV -------------------------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_header_row_names_the_columns() -> None:
    assert _rows(render(make_report()))[0] == list(COLUMNS)


def test_device_row_holds_its_fields() -> None:
    device = make_device(
        1,
        ips=["10.0.0.1", "10.0.0.9"],
        vlan=20,
        evidence=[
            make_evidence("oui.hikvision", 0.4),
            make_evidence("sadp.probematch", 0.95),
            make_evidence("http_server.hikvision-webs", 0.7),
        ],
    )
    assert _rows(render(make_report(device)))[1] == [
        "mac:44:19:b6:00:00:01", "concern", "hikvision", "", "camera", "DS-2CD2385G1-I1",
        "V5.6.2 build 190701", "SERIAL0001", "44:19:b6:00:00:01", "10.0.0.1 10.0.0.9", "20",
        "lan", "0.99", "CVE-2021-36260", "3",
        "sadp.probematch http_server.hikvision-webs oui.hikvision", "",
    ]  # fmt: skip


def test_lines_end_in_crlf() -> None:
    assert render(make_report()) == ",".join(COLUMNS) + "\r\n"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("DS-2CD2385G1-I", "DS-2CD2385G1-I"),
        ("", ""),
    ],
)
def test_formula_starts_get_a_leading_apostrophe(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_injected_model_is_neutralised_in_the_row() -> None:
    device = make_device(1, model="=cmd|' /C calc'!A0", hostname="@evil")
    row = _rows(render(make_report(device)))[1]
    assert row[COLUMNS.index("model")] == "'=cmd|' /C calc'!A0"


def test_top_rules_prefer_evidence_for_the_verdict_maker_then_weight() -> None:
    device = make_device(
        1,
        evidence=[
            make_evidence("tls.dahua", 0.9, manufacturer="dahua"),
            make_evidence("oui.hikvision", 0.4),
            make_evidence("sadp.probematch", 0.95),
            make_evidence("sadp.probematch", 0.95),
        ],
    )
    assert top_rules(device, 3) == ["sadp.probematch", "oui.hikvision", "tls.dahua"]


# --- terminal table ------------------------------------------------------------------------------


def _screen(report: dict[str, Any]) -> str:
    console = Console(record=True, width=160, color_system=None)
    render_table(report, console)
    return console.export_text()


def _concern_first_report() -> dict[str, Any]:
    """Ids sort clear < remote concern < suspect < LAN concern, the opposite of display order."""
    return make_report(
        make_device(1, verdict="clear", manufacturer=None, model="PRINTER"),
        make_device(2, verdict="suspect", model="SUSPECT"),
        make_device(3, location="remote", model="REMOTE-CAM", id="ip:10.0.0.3"),
        make_device(4, model="LAN-CAM", id="mac:ff:00:00:00:00:04"),
    )


def test_table_leads_with_lan_concern_then_remote_then_suspect_then_clear() -> None:
    screen = _screen(_concern_first_report())
    positions = [screen.index(m) for m in ("LAN-CAM", "REMOTE-CAM", "SUSPECT", "PRINTER")]
    assert positions == sorted(positions)


def test_table_lists_the_signal_classes_behind_the_verdict_strongest_first() -> None:
    device = make_device(
        1,
        evidence=[
            make_evidence("oui.c", 0.4),
            make_evidence("sadp.a", 0.95),
            make_evidence("http.b", 0.7),
        ],
    )
    row = _screen(make_report(device)).splitlines()[3]
    assert row.endswith("│ 0.99 │ sadp, http, oui │")


def test_table_names_the_oui_organisation_of_unattributed_devices() -> None:
    device = make_device(1, verdict="clear", manufacturer=None, oui_organisation="Cisco Systems")
    assert "(Cisco Systems)" in _screen(make_report(device))


def test_table_lists_at_most_four_ips() -> None:
    ips = [f"10.0.0.{n}" for n in range(1, 7)]
    screen = _screen(make_report(make_device(1, ips=ips)))
    assert "10.0.0.4" in screen
    assert "10.0.0.5" not in screen
    assert "+2 more" in screen


def test_table_shows_device_markup_literally() -> None:
    screen = _screen(make_report(make_device(1, model="[red]x[/]:smile:")))
    assert "[red]x[/]:smile:" in screen


def test_table_strips_terminal_escapes_from_device_values() -> None:
    device = make_device(1, model="\x1b[2J\x1b]0;pwned\x07EVIL", firmware="V5\x1b[31m.6")
    screen = _screen(make_report(device))
    assert "\x1b" not in screen
    assert "EVIL" in screen
    assert "V5.6" in screen
    assert "pwned" not in screen


def test_table_is_followed_by_summary_and_warnings() -> None:
    report = _concern_first_report()
    report["run"]["warnings"] = ["capture ended mid-frame\x1b[2J"]
    tail = _screen(report).splitlines()[-2:]
    assert tail == [
        "2 devices of concern: 2 hikvision (4 devices seen, 1 suspect)",
        "warning: capture ended mid-frame",
    ]


def test_empty_report_prints_only_the_summary() -> None:
    assert _screen(make_report()) == "0 devices of concern (0 devices seen)\n"


def test_summary_line_counts_makers_most_first() -> None:
    report = make_report(
        make_device(1, manufacturer="dahua"),
        make_device(2),
        make_device(3),
        make_device(4, verdict="clear"),
        make_device(5, verdict="suspect"),
    )
    assert render_summary_line(report) == (
        "3 devices of concern: 2 hikvision, 1 dahua (5 devices seen, 1 suspect)"
    )


def test_summary_line_uses_the_singular_for_one() -> None:
    assert render_summary_line(make_report(make_device(1))) == (
        "1 device of concern: 1 hikvision (1 device seen)"
    )
