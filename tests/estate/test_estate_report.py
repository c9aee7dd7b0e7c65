"""`camscan estate`: three stores over ten nights, the same report from either backend."""

from __future__ import annotations

import csv
import io
import json
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from findings import CAM_A, CAM_B, NVR_C, PC_E, SUSPECT_D, findings  # noqa: E402

from scanner.estate.report import build_estate, parse_as_of  # noqa: E402
from scanner.sweep.history import open_history  # noqa: E402

AS_OF = "2026-11-10"
# (site, day, devices): A and B are Hikvision cameras, C a Dahua NVR, D a suspect, E a PC.
NIGHTS = [
    ("store-a", 1, [CAM_A, CAM_B, NVR_C]),
    ("store-b", 1, [CAM_A, NVR_C]),
    ("store-c", 1, [SUSPECT_D, PC_E]),
    ("store-a", 4, [CAM_A, NVR_C]),  # B removed
    ("store-a", 8, [CAM_A]),  # C removed
    ("store-b", 9, [NVR_C]),  # A removed
    ("store-a", 10, [CAM_A, CAM_B]),  # B came back
]
SITES = [
    # site, of_concern, suspects, returned, change_7d, last day, runs, stale
    ("store-a", 2, 0, 1, -1, 10, 4, False),
    ("store-b", 1, 0, 0, -1, 9, 2, False),
    ("store-c", 0, 1, 0, 0, 1, 1, True),
]
BURNDOWN = [
    ("2026-11-01", 5), ("2026-11-04", 4), ("2026-11-08", 3), ("2026-11-09", 2), ("2026-11-10", 3),
]  # fmt: skip
SCHEMA = json.loads(files("scanner.estate").joinpath("schema/estate-1.schema.json").read_text())


def fill(db: str | Path) -> None:
    """Record the ten nights into a history."""
    history = open_history(db, write=True)
    try:
        for n, (site, day, devices) in enumerate(NIGHTS):
            history.record(site, f"run{n}", findings(list(devices), day=day))
    finally:
        history.close()


@pytest.fixture
def estate(history_db: str) -> dict[str, Any]:
    fill(history_db)
    history = open_history(history_db, write=False)
    try:
        return build_estate(history, parse_as_of(AS_OF), 8, "store-a")
    finally:
        history.close()


def test_each_site_row(estate: dict[str, Any]) -> None:
    rows = [
        (r["site"], r["of_concern"], r["suspects"], r["returned"], r["change_7d"],
         int(r["last_sweep"][8:10]), r["runs"], r["stale"])
        for r in estate["sites"]
    ]  # fmt: skip
    assert rows == SITES


def test_estate_totals(estate: dict[str, Any]) -> None:
    assert estate["totals"] == {
        "sites": 3, "of_concern": 3, "suspects": 1, "returned": 1, "sites_with_concern": 2,
        "stale_sites": 1, "by_manufacturer": {"dahua": 1, "hikvision": 2},
        "by_brand": {"dahua": 1, "hikvision": 2}, "by_kind": {"camera": 2, "nvr": 1},
        "recorders": {"count": 1, "channels": 8, "channels_unknown": 0},
    }  # fmt: skip
    assert estate["stale_sites"] == ["store-c"]


def test_burndown_of_the_estate_and_of_one_site(estate: dict[str, Any]) -> None:
    assert [(p["day"], p["of_concern"]) for p in estate["burndown"]["estate"]] == BURNDOWN
    site = estate["burndown"]["site"]
    assert [(p["day"], p["of_concern"]) for p in site["points"]] == [
        ("2026-11-01", 3), ("2026-11-04", 2), ("2026-11-08", 1), ("2026-11-10", 2),
    ]  # fmt: skip


def test_the_report_conforms_to_its_schema(estate: dict[str, Any]) -> None:
    jsonschema.validate(estate, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert estate["schema"] == "camscan.estate/1"


def test_a_site_not_swept_within_n_days_is_stale(history_db: str) -> None:
    fill(history_db)
    history = open_history(history_db, write=False)
    try:
        late = build_estate(history, parse_as_of("2026-11-20"), 8)
    finally:
        history.close()
    assert late["stale_sites"] == ["store-a", "store-b", "store-c"]
    assert late["burndown"]["site"] is None


def test_estate_cli_formats(tmp_path: Path, camscan: Any) -> None:
    db = tmp_path / "h.sqlite3"
    fill(db)
    base = ["estate", "--db", str(db), "--as-of", AS_OF]
    doc = json.loads(camscan(*base, "--format", "json").stdout)
    assert [r["site"] for r in doc["sites"]] == ["store-a", "store-b", "store-c"]
    rows = list(csv.DictReader(io.StringIO(camscan(*base, "--format", "csv").stdout)))
    assert [(r["site"], r["of_concern"], r["change_7d"], r["stale"]) for r in rows] == [
        ("store-a", "2", "-1", "False"), ("store-b", "1", "-1", "False"),
        ("store-c", "0", "0", "True"),
    ]  # fmt: skip
    table = camscan(*base).stdout.splitlines()
    assert table[0].startswith("estate as of 2026-11-10T23:59:59.999999Z: 3 sites, 3 devices")
    assert "not swept for 8 days: 1 (store-c)" in table
    assert "  recorders: 1 recording 8 camera channels" in table
    assert "burn-down: 5 on 2026-11-01 -> 3 on 2026-11-10" in table


def test_estate_json_escapes_what_readers_would_split_or_reorder() -> None:
    # Before: json.dumps left U+2028, a bidi override and C1 controls raw in the estate JSON
    from scanner.estate.render import render

    estate = {"sites": [{"site": "s", "model": "A\u2028B\u202eC\x85D"}]}
    text = render(estate, "json")
    assert "\u2028" not in text and "\u202e" not in text and "\x85" not in text
    assert json.loads(text) == estate


def test_estate_of_an_unknown_site_exits_2(tmp_path: Path, camscan: Any) -> None:
    db = tmp_path / "h.sqlite3"
    fill(db)
    result = camscan("estate", "--db", str(db), "--site", "nosuch")
    assert (result.returncode, result.stderr.strip()) == (
        2, f"camscan: no runs of site 'nosuch' in {db}",
    )  # fmt: skip


def test_estate_without_db_exits_2(camscan: Any) -> None:
    result = camscan("estate")
    assert result.returncode == 2 and "camscan estate needs --db" in result.stderr


def test_recorder_channels_are_what_the_reports_say(history_db: str) -> None:
    # the estate totals the findings' channels.total and derives nothing of its own: a recorder
    # whose report carries no count stays unknown even though its model number would tell
    stated = {
        **NVR_C,
        "model": "DHI-NVR4208",
        "channels": {"analog": 0, "digital": 16, "total": 16, "source": "stated"},
    }
    silent = {key: value for key, value in NVR_C.items() if key != "channels"}
    silent.update(id="mac:e0:50:8b:00:00:0f", mac="e0:50:8b:00:00:0f")
    history = open_history(history_db, write=True)
    try:
        history.record("store-a", "r1", findings([stated, silent], day=1))
        missed = {key: value for key, value in stated.items() if key != "channels"}
        history.record("store-a", "r2", findings([missed, silent], day=2))
        estate = build_estate(history, parse_as_of(AS_OF), 8)
    finally:
        history.close()
    # a later run that misses the recorder's count keeps the one learnt before
    assert estate["totals"]["recorders"] == {"count": 2, "channels": 16, "channels_unknown": 1}
