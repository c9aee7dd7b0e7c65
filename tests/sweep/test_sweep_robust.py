"""Sweeps under cron: killed mid-way, run twice at once, locked out, given bad input."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from scanner.sweep.lock import site_lock

DEMO = Path(__file__).resolve().parents[2] / "pcaps" / "demo" / "store-lan.pcapng"
PAUSE = "CAMSCAN_TEST_PAUSE_IN_TXN"
WAIT_SECONDS = 120


def _sweep(site: str, db: Path, out: Path, *pcaps: Path) -> list[str]:
    args = ["sweep", "--site", site, "--db", str(db), "-o", str(out), "--fail-on", "never"]
    return args + [a for p in (pcaps or (DEMO,)) for a in ("--pcap", str(p))]


def _wait_for_writer(db: Path, proc: subprocess.Popen[str]) -> None:
    """Return once another connection holds the database's write lock (the sweep's transaction)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if db.exists():
            conn = sqlite3.connect(db, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                return  # "database is locked": the sweep is inside its transaction
            finally:
                conn.close()
        time.sleep(0.05)
    raise AssertionError("the sweep never opened its transaction")


def _runs(db: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT run_id, new FROM runs ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_sweep_killed_inside_its_transaction_leaves_the_history_as_it_was(
    tmp_path: Path, week2: list[Path], camscan: Any, spawn: Any
) -> None:
    db = tmp_path / "h.sqlite3"
    assert camscan(*_sweep("s1", db, tmp_path / "r1.json")).returncode == 0
    before = _runs(db)
    proc = spawn(*_sweep("s1", db, tmp_path / "r2.json", *week2), env={PAUSE: "60"})
    _wait_for_writer(db, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=WAIT_SECONDS)
    assert (_runs(db), (tmp_path / "r2.json").exists()) == (before, False)
    # The next sweep diffs against the intact first run, as if the killed one never happened.
    assert camscan(*_sweep("s1", db, tmp_path / "r3.json", *week2)).returncode == 0
    sweep = json.loads((tmp_path / "r3.json").read_text())["sweep"]
    assert (sweep["previous_run_id"], sweep["new"]) == (before[0][0], ["mac:e0:50:8b:2c:41:08"])


def test_two_sweeps_of_one_site_at_once_run_one_after_the_other(tmp_path: Path, spawn: Any) -> None:
    db = tmp_path / "h.sqlite3"
    procs = [spawn(*_sweep("s1", db, tmp_path / f"r{n}.json"), env={PAUSE: "1"}) for n in (1, 2)]
    assert [p.wait(timeout=WAIT_SECONDS) for p in procs] == [0, 0]
    reports = [json.loads((tmp_path / f"r{n}.json").read_text())["sweep"] for n in (1, 2)]
    first, second = sorted(reports, key=lambda s: s["previous_run_id"] is not None)
    assert (len(first["new"]), second["new"], second["previous_run_id"]) == (
        23,
        [],
        first["run_id"],
    )
    assert [n for _, n in _runs(db)] == [23, 0]


def test_two_sites_sweep_one_database_at_once(tmp_path: Path, spawn: Any) -> None:
    db = tmp_path / "h.sqlite3"
    procs = [
        spawn(*_sweep(site, db, tmp_path / f"{site}.json"), env={PAUSE: "1"})
        for site in ("store-a", "store-b")
    ]
    assert [p.wait(timeout=WAIT_SECONDS) for p in procs] == [0, 0]
    assert [n for _, n in _runs(db)] == [23, 23]


def test_a_sweep_that_cannot_get_the_lock_exits_3(tmp_path: Path, camscan: Any) -> None:
    db = tmp_path / "h.sqlite3"
    with site_lock(db, "s1", timeout=0):
        result = camscan(*_sweep("s1", db, tmp_path / "r.json"), "--lock-timeout", "0.3")
    assert result.returncode == 3
    assert "another sweep of site 's1' still holds" in result.stderr
    assert not db.exists()


def test_an_unreadable_capture_exits_2_and_records_nothing(tmp_path: Path, camscan: Any) -> None:
    db = tmp_path / "h.sqlite3"
    result = camscan(*_sweep("s1", db, tmp_path / "r.json", tmp_path / "missing.pcap"))
    assert result.returncode == 2
    assert "missing.pcap: cannot open" in result.stderr
    assert not db.exists()


def test_a_sweep_without_a_site_exits_2(tmp_path: Path, camscan: Any) -> None:
    result = camscan("sweep", "--pcap", str(DEMO), "--db", str(tmp_path / "h.sqlite3"))
    assert result.returncode == 2
    assert "a sweep needs a site name" in result.stderr


def test_a_sweep_logs_one_line_per_run(tmp_path: Path, camscan: Any) -> None:
    result = camscan(*_sweep("s1", tmp_path / "h.sqlite3", tmp_path / "r.json"))
    lines = [line for line in result.stderr.splitlines() if " sweep site=" in line]
    assert len(lines) == 1
    assert lines[0].startswith("camscan: sweep site=s1 run=")
    assert lines[0].endswith(
        "devices=23 recorder_channels=8 of_concern=11 new=23 returned=0 removed=0 changed=0"
    )
