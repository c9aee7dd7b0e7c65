"""The same history behaviour on both backends: a local SQLite file and a PostgreSQL centre."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from findings import CAM_A, CAM_B, NVR_C, PC_E, SUSPECT_D, device, findings  # noqa: E402

from scanner.errors import InputError  # noqa: E402
from scanner.sources.capture import DAMAGED  # noqa: E402
from scanner.sweep.history import History, open_history  # noqa: E402
from scanner.sweep.run import policy_broken, run_status, sweep_report  # noqa: E402

SITE = "store-0042"


@pytest.fixture
def history(history_db: str) -> Iterator[History]:
    opened = open_history(history_db, write=True)
    try:
        yield opened
    finally:
        opened.close()


def _sweep(history: History, run_id: str, report: dict[str, Any]) -> dict[str, Any]:
    recorded, _ = history.record(SITE, run_id, report, run_status(report))
    return sweep_report(report, recorded)


def _lists(swept: dict[str, Any]) -> tuple[list[str], list[str], list[str], list[str]]:
    sweep = swept["sweep"]
    removed = [entry["id"] for entry in sweep["removed"]]
    return sweep["new"], sweep["returned"], sweep["changed"], removed


def test_first_run_lists_every_device_as_new(history: History) -> None:
    swept = _sweep(history, "r1", findings([CAM_A, CAM_B, PC_E], day=1))
    assert _lists(swept) == (["mac:00:1b:21:00:00:0e", CAM_A["id"], CAM_B["id"]], [], [], [])
    assert swept["sweep"]["previous_run_id"] is None


def test_second_run_names_new_removed_and_changed_fields(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A, CAM_B], day=1))
    moved = {**CAM_A, "ips": ["10.0.0.99"], "firmware": "V5.7.15"}
    swept = _sweep(history, "r2", findings([moved, NVR_C], day=2))
    assert _lists(swept) == ([NVR_C["id"]], [], [CAM_A["id"]], [CAM_B["id"]])
    assert swept["sweep"]["changes"] == {
        CAM_A["id"]: [
            {"field": "ips", "old": ["10.0.0.10"], "new": ["10.0.0.99"]},
            {"field": "firmware", "old": "V5.7.3", "new": "V5.7.15"},
        ]
    }
    assert swept["sweep"]["removed"] == [
        {"id": CAM_B["id"], "mac": CAM_B["mac"], "ips": ["10.0.0.11"], "manufacturer": "hikvision",
         "model": "DS-2CD2043G2-I", "last_seen": "2026-11-01T02:05:00.000000Z"},
    ]  # fmt: skip
    assert swept["sweep"]["previous_run_id"] == "r1"


def test_a_device_missed_once_comes_back_as_returned_not_new(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A, CAM_B], day=1))
    _sweep(history, "r2", findings([CAM_A], day=2))
    swept = _sweep(history, "r3", findings([CAM_A, CAM_B], day=3))
    assert _lists(swept) == ([], [CAM_B["id"]], [], [])
    assert not policy_broken(swept, "new")  # history knew it: no new-device alert


def test_a_partial_run_removes_nothing(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A, CAM_B], day=1))
    cut = findings([CAM_A], day=2, warnings=(f"night.pcap: {DAMAGED} 4096 after frame 9: x",))
    swept = _sweep(history, "r2", cut)
    assert (swept["sweep"]["status"], _lists(swept)) == ("partial", ([], [], [], []))
    assert [d.id for d in history.present(SITE)] == [CAM_A["id"], CAM_B["id"]]
    # a later complete run without it does remove it, and says so once
    swept = _sweep(history, "r3", findings([CAM_A], day=3))
    assert _lists(swept) == ([], [], [], [CAM_B["id"]])


def test_present_devices_of_concern_and_suspects(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A, CAM_B, SUSPECT_D, PC_E], day=1))
    _sweep(history, "r2", findings([CAM_A, SUSPECT_D, PC_E], day=2))
    assert [d.id for d in history.present(SITE)] == [CAM_A["id"]]
    assert [d.id for d in history.present(SITE, ("suspect",))] == [SUSPECT_D["id"]]


def test_runs_are_listed_in_recording_order_with_counts(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A, CAM_B], day=1))
    _sweep(history, "r2", findings([CAM_A], day=2))
    _sweep(history, "r3", findings([CAM_A, CAM_B, NVR_C], day=3))
    rows = [(r.run_id, r.new, r.returned, r.removed, r.present_concern) for r in history.runs()]
    assert rows == [("r1", 2, 0, 0, 2), ("r2", 0, 0, 1, 1), ("r3", 1, 1, 0, 3)]


def test_a_stored_run_renders_as_the_sweep_reported_it(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A, CAM_B], day=1))
    swept = _sweep(history, "r2", findings([CAM_A, NVR_C], day=2))
    _sweep(history, "r3", findings([CAM_A], day=3))
    again = history.run_report("r2")
    assert again["sweep"].pop("history") == [
        {"run_id": "r1", "finished_at": "2026-11-01T02:05:00.000000Z", "of_concern": 2},
        {"run_id": "r2", "finished_at": "2026-11-02T02:05:00.000000Z", "of_concern": 2},
    ]  # the runs up to this one, for the report's chart
    assert again == swept


def test_an_unknown_run_is_an_input_error(history: History) -> None:
    with pytest.raises(InputError, match="no run 'nosuch'"):
        history.run_report("nosuch")


def test_the_same_run_id_is_refused_for_a_site(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A], day=1))
    with pytest.raises(InputError, match="already in"):
        _sweep(history, "r1", findings([CAM_A], day=2))
    assert [r.run_id for r in history.runs()] == ["r1"]


def test_sites_are_kept_apart(history: History) -> None:
    history.record("store-a", "a1", findings([CAM_A], day=1))
    recorded, _ = history.record("store-b", "b1", findings([CAM_A], day=1))
    assert recorded.sweep["new"] == [CAM_A["id"]]  # the same MAC at another store is its own
    assert [(d.site, d.id) for d in history.present()] == [
        ("store-a", CAM_A["id"]), ("store-b", CAM_A["id"]),
    ]  # fmt: skip


def test_pending_runs_until_acknowledged(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A], day=1))
    _sweep(history, "r2", findings([CAM_A], day=2))
    history.ack("centre", SITE, "r1")
    history.ack("centre", SITE, "r1")  # twice is harmless
    assert history.pending("centre") == [(SITE, "r2")]
    assert history.pending("elsewhere") == [(SITE, "r1"), (SITE, "r2")]


def test_a_serial_keeps_identity_across_a_mac_change(history: History) -> None:
    first = {**device("44:19:b6:00:00:01", "10.0.0.20"), "serial": "DS-X-1"}
    second = {**device("44:19:b6:00:00:02", "10.0.0.20"), "serial": "DS-X-1"}
    _sweep(history, "r1", findings([first], day=1))
    swept = _sweep(history, "r2", findings([second], day=2))
    assert _lists(swept) == ([], [], [], [])


def test_a_partial_run_never_weakens_a_verdict(history: History) -> None:
    _sweep(history, "r1", findings([CAM_A], day=1))
    weaker = {**CAM_A, "verdict": "suspect", "of_concern": False, "concern": None}
    cut = findings([weaker], day=2, warnings=(f"night.pcap: {DAMAGED} 4096 after frame 9: x",))
    _sweep(history, "r2", cut)
    assert [(d.id, d.verdict) for d in history.present(SITE)] == [(CAM_A["id"], "concern")]
    _sweep(history, "r3", findings([weaker], day=3))  # a complete run may
    assert [d.id for d in history.present(SITE, ("suspect",))] == [CAM_A["id"]]
