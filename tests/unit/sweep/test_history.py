"""The history store and one sweep in-process, with a stand-in source instead of captures."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.output.validate import ReportSchemaError, validate_report
from scanner.sweep.config import SourceSpec, SweepConfig
from scanner.sweep.history import open_history, opened
from scanner.sweep.run import run_sweep

CAM = "mac:44:19:b6:2a:3c:11"
NVR = "mac:24:48:45:5e:71:0a"


def cam_at(build: Any, ip: str, seen: str) -> dict[str, Any]:
    """A report holding only the camera, at `ip`, seen at `seen`."""
    report: dict[str, Any] = build.findings(build.device(CAM, [ip], seen))
    return report


def sweep(tmp_path: Path, report: dict[str, Any], site: str = "s1") -> dict[str, Any]:
    config = SweepConfig(site=site, source=SourceSpec("pcap", ("x",)), db=tmp_path / "h.db")
    return run_sweep(config, source=lambda spec, policy: report).report


def test_first_seen_is_the_earliest_sighting_and_last_seen_the_latest(
    build: Any, tmp_path: Path
) -> None:
    sweep(tmp_path, cam_at(build, "10.0.0.2", "2026-11-20T08:00:00.000000Z"))
    report = sweep(tmp_path, cam_at(build, "10.0.0.2", "2026-11-27T08:00:00.000000Z"))
    cam = report["devices"][0]
    assert (cam["first_seen"], cam["last_seen"]) == (
        "2026-11-20T08:00:00.000000Z",
        "2026-11-27T08:00:00.000000Z",
    )


def test_removed_carries_the_last_known_fields(build: Any, tmp_path: Path) -> None:
    nvr = build.device(NVR, ["10.0.0.10"], "2026-11-20T08:00:00.000000Z", model="DS-7608NI-K2")
    sweep(
        tmp_path,
        build.findings(nvr, build.device(CAM, ["10.0.0.2"], "2026-11-20T08:00:00.000000Z")),
    )
    report = sweep(tmp_path, cam_at(build, "10.0.0.2", "2026-11-27T08:00:00.000000Z"))
    assert report["sweep"]["removed"] == [
        {
            "id": NVR,
            "mac": "24:48:45:5e:71:0a",
            "ips": ["10.0.0.10"],
            "manufacturer": "hikvision",
            "model": "DS-7608NI-K2",
            "last_seen": "2026-11-20T08:00:00.000000Z",
        }
    ]


def test_a_device_that_returns_after_a_gap_is_returned_with_its_old_first_seen(
    build: Any,
    tmp_path: Path,
) -> None:
    cam = build.device(CAM, ["10.0.0.2"], "2026-11-13T08:00:00.000000Z")
    sweep(tmp_path, build.findings(cam))
    sweep(tmp_path, build.findings())
    report = sweep(tmp_path, cam_at(build, "10.0.0.3", "2026-11-27T08:00:00.000000Z"))
    assert (report["sweep"]["new"], report["sweep"]["returned"]) == ([], [CAM])
    assert report["devices"][0]["first_seen"] == "2026-11-13T08:00:00.000000Z"


def test_sites_have_separate_histories(build: Any, tmp_path: Path) -> None:
    cam = build.device(CAM, ["10.0.0.2"], "2026-11-20T08:00:00.000000Z")
    sweep(tmp_path, build.findings(cam), site="a")
    assert sweep(tmp_path, build.findings(cam), site="b")["sweep"]["new"] == [CAM]


def test_the_sweep_report_conforms_to_the_schema(build: Any, tmp_path: Path) -> None:
    sweep(tmp_path, build.findings(build.device(NVR, ["10.0.0.10"], "2026-11-20T08:00:00.000000Z")))
    validate_report(sweep(tmp_path, cam_at(build, "10.0.0.2", "2026-11-27T08:00:00Z")))


def test_the_database_is_in_wal_mode(build: Any, tmp_path: Path) -> None:
    sweep(tmp_path, build.findings())
    conn = sqlite3.connect(tmp_path / "h.db")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_history_lists_runs_with_their_concern_counts(build: Any, tmp_path: Path) -> None:
    sweep(tmp_path, cam_at(build, "10.0.0.2", "2026-11-20T08:00:00.000000Z"))
    sweep(tmp_path, build.findings())
    with opened(tmp_path / "h.db", write=False) as history:
        rows = history.runs("s1")
    assert [(r.of_concern, r.new, r.removed) for r in rows] == [(1, 1, 0), (0, 0, 1)]


def test_a_file_that_is_not_a_database_is_bad_input(build: Any, tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_bytes(b"not sqlite at all, just some text that is long enough" * 40)
    with pytest.raises(InputError, match="is not a usable camscan database"):
        open_history(path, write=True)


def test_history_of_a_missing_database_is_bad_input(build: Any, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no history database at"):
        open_history(tmp_path / "absent.db", write=False)


def test_the_schema_rejects_a_removed_entry_without_last_seen(build: Any, tmp_path: Path) -> None:
    report = sweep(tmp_path, build.findings())
    report["sweep"]["removed"] = [{"id": CAM, "mac": None, "ips": [], "manufacturer": None,
                                   "model": None}]  # fmt: skip
    with pytest.raises(ReportSchemaError, match="'last_seen' is a required property"):
        validate_report(report)
