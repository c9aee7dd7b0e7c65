"""`camscan sweep` end to end: three runs of one store against one history database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.output.validate import validate_report

DEMO = Path(__file__).resolve().parents[2] / "pcaps" / "demo" / "store-lan.pcapng"

DEMO_IDS = [
    "ip:203.0.113.50", "mac:00:00:0c:20:30:01", "mac:00:04:63:3b:12:42", "mac:00:12:12:6a:3e:44",
    "mac:00:1f:54:3a:91:23", "mac:00:40:8c:d2:4a:40", "mac:02:3a:7c:41:90:12",
    "mac:08:ed:ed:5b:21:40", "mac:14:2f:fd:63:08:13", "mac:1c:4d:89:6f:02:31",
    "mac:24:48:45:5e:71:0a", "mac:30:05:5c:8e:14:60", "mac:3c:a9:f4:52:6e:00",
    "mac:3c:d9:2b:71:a0:50", "mac:3c:ef:8c:44:a2:50", "mac:40:2c:76:1a:0b:70",
    "mac:44:19:b6:2a:3c:11", "mac:44:b4:23:07:5c:41", "mac:64:24:4d:1e:30:30",
    "mac:78:a5:dd:0f:95:43", "mac:8c:16:45:d3:7e:52", "mac:9c:8e:cd:0e:77:22",
    "mac:b0:83:fe:2d:19:01",
]  # fmt: skip
LTS_REMOVED = {
    "id": "mac:14:2f:fd:63:08:13",
    "mac": "14:2f:fd:63:08:13",
    "ips": ["10.20.30.13"],
    "manufacturer": "hikvision",
    "model": None,
    "last_seen": "2026-11-27T09:00:14.204040Z",
}
NEW_NVR = "mac:e0:50:8b:2c:41:08"
VMS_PC = "mac:b0:83:fe:2d:19:01"  # also in the NVR capture, at 192.168.1.10: its ips changed


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory, week2: list[Path], camscan: Any
) -> dict[str, object]:
    """Week 1 (demo), week 2 (LTS DVR gone, Dahua NVR added) and week 2 again, one database."""
    tmp = tmp_path_factory.mktemp("sweeps")
    db = tmp / "history.sqlite3"
    inputs = {1: [DEMO], 2: week2, 3: week2}
    fail_on = {1: "concern", 2: "new", 3: "new"}
    out: dict[str, object] = {"db": db}
    for n, captures in inputs.items():
        pcaps = [arg for path in captures for arg in ("--pcap", str(path))]
        result = camscan(
            "sweep", "--site", "store-0042", *pcaps, "--db", str(db),
            "-o", str(tmp / f"run{n}.json"), "--fail-on", fail_on[n], "-q",
        )  # fmt: skip
        out[f"rc{n}"] = result.returncode
        out[f"stderr{n}"] = result.stderr
        out[f"report{n}"] = json.loads((tmp / f"run{n}.json").read_text())
    return out


def test_first_sweep_lists_every_device_as_new(runs: dict[str, object]) -> None:
    sweep = runs["report1"]["sweep"]  # type: ignore[index]
    assert (sweep["new"], sweep["removed"], sweep["changed"]) == (DEMO_IDS, [], [])
    assert sweep["previous_run_id"] is None


def test_first_sweep_with_devices_of_concern_exits_1(runs: dict[str, object]) -> None:
    assert runs["rc1"] == 1


def test_second_sweep_names_the_new_nvr_and_the_removed_dvr(runs: dict[str, object]) -> None:
    sweep = runs["report2"]["sweep"]  # type: ignore[index]
    assert sweep["new"] == [NEW_NVR]
    assert sweep["removed"] == [LTS_REMOVED]
    assert sweep["changed"] == [VMS_PC]


def test_second_sweep_points_at_the_first(runs: dict[str, object]) -> None:
    first, second = runs["report1"]["sweep"], runs["report2"]["sweep"]  # type: ignore[index]
    assert second["previous_run_id"] == first["run_id"]
    assert second["site"] == "store-0042"


def test_a_new_device_of_concern_fails_fail_on_new(runs: dict[str, object]) -> None:
    assert runs["rc2"] == 1


def test_third_sweep_of_an_unchanged_network_is_empty(runs: dict[str, object]) -> None:
    sweep = runs["report3"]["sweep"]  # type: ignore[index]
    assert (sweep["new"], sweep["removed"], sweep["changed"]) == ([], [], [])


def test_nothing_new_passes_fail_on_new(runs: dict[str, object]) -> None:
    assert runs["rc3"] == 0


def test_removed_device_is_absent_from_devices(runs: dict[str, object]) -> None:
    ids = [d["id"] for d in runs["report2"]["devices"]]  # type: ignore[index]
    assert LTS_REMOVED["id"] not in ids and NEW_NVR in ids


def test_first_seen_spans_the_site_history(runs: dict[str, object]) -> None:
    devices = {d["id"]: d for d in runs["report3"]["devices"]}  # type: ignore[index]
    # The NVR capture's packets are older than the demo's: first_seen is the earliest sighting.
    assert devices[VMS_PC]["first_seen"] == "2026-11-27T09:00:00.102000Z"
    assert devices[NEW_NVR]["first_seen"] == "2026-11-27T09:00:00.117300Z"


def test_sweep_reports_conform_to_the_schema(runs: dict[str, object]) -> None:
    for n in (1, 2, 3):
        validate_report(runs[f"report{n}"])  # type: ignore[arg-type]


def test_quiet_sweep_writes_nothing_to_stderr(runs: dict[str, object]) -> None:
    assert runs["stderr3"] == ""


def test_history_counts_each_run(runs: dict[str, object], camscan: Any) -> None:
    result = camscan("history", "--site", "store-0042", "--db", str(runs["db"]), "--format", "json")
    rows = json.loads(result.stdout)["runs"]
    assert [
        (r["devices"], r["of_concern"], r["new"], r["removed"], r["changed"]) for r in rows
    ] == [
        (23, 11, 23, 0, 0),
        (23, 11, 1, 1, 1),
        (23, 11, 0, 0, 0),
    ]
