"""Store-and-forward to a real PostgreSQL centre: down, killed mid-push, raced, clock gone back."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from findings import CAM_A, CAM_B, NVR_C, findings  # noqa: E402
from pgcluster import Cluster  # noqa: E402

from scanner.estate.roles import init_estate  # noqa: E402
from scanner.estate.urls import target_key  # noqa: E402
from scanner.sweep.history import open_history  # noqa: E402
from scanner.sweep.run import run_status  # noqa: E402

SITE = "store-0042"
DEMO = Path(__file__).resolve().parents[2] / "pcaps" / "demo" / "store-lan.pcapng"
WAIT = 120
PAUSE = {"CAMSCAN_TEST_PAUSE_IN_TXN": "60"}
# Three nights: all four devices; B gone and C new; B back.
NIGHTS = [
    ("r1", findings([CAM_A, CAM_B], day=1)),
    ("r2", findings([CAM_A, NVR_C], day=2)),
    ("r3", findings([CAM_A, CAM_B, NVR_C], day=3)),
]


def _local(tmp_path: Path, nights: list[tuple[str, dict[str, Any]]] = NIGHTS) -> Path:
    db = tmp_path / "store.sqlite3"
    history = open_history(db, write=True)
    try:
        for run_id, report in nights:
            history.record(SITE, run_id, report, run_status(report))
    finally:
        history.close()
    return db


def _summary(db: str | Path) -> list[tuple[str, int, int, int, int]]:
    history = open_history(db, write=isinstance(db, str))
    try:
        return [(r.run_id, r.new, r.returned, r.removed, r.present_concern) for r in history.runs()]
    finally:
        history.close()


def _pending(db: Path, url: str) -> list[str]:
    history = open_history(db, write=False)
    try:
        return [run_id for _, run_id in history.pending(target_key(url))]
    finally:
        history.close()


def _centre(cluster: Cluster, name: str) -> str:
    cluster.create_database(name)
    url = cluster.url(database=name)
    init_estate(url)
    return url


def _sync(camscan: Any, cluster: Cluster, db: Path, url: str, **env: str) -> Any:
    return camscan("sync", "--to", url, "--db", str(db), env={**cluster.env(), **env})


def test_sync_forwards_every_run_once_in_order(
    pg_env: Cluster, tmp_path: Path, camscan: Any, unique: Any
) -> None:
    db, url = _local(tmp_path), _centre(pg_env, unique("sync"))
    first = _sync(camscan, pg_env, db, url)
    assert (first.returncode, first.stderr.strip().split(": ", 2)[-1]) == (
        0, "3 run(s) stored, 0 already there",
    )  # fmt: skip
    assert _summary(url) == _summary(db) == [
        ("r1", 2, 0, 0, 2), ("r2", 1, 0, 1, 2), ("r3", 0, 1, 0, 3),
    ]  # fmt: skip
    again = _sync(camscan, pg_env, db, url)
    assert again.returncode == 0 and "0 run(s) stored, 0 already there" in again.stderr
    assert _pending(db, url) == []


def test_a_password_in_the_url_is_refused(tmp_path: Path, camscan: Any) -> None:
    result = camscan("sync", "--to", "postgresql://u:secret@/db?host=/nowhere", "--db", "x")
    assert result.returncode == 2
    assert "a password does not belong on the command line" in result.stderr
    assert "secret" not in result.stderr


def test_centre_down_sync_exits_3_and_the_runs_wait(
    own_cluster: Cluster, tmp_path: Path, camscan: Any
) -> None:
    db, url = _local(tmp_path), _centre(own_cluster, "centre")
    own_cluster.stop()
    result = _sync(camscan, own_cluster, db, url)
    assert result.returncode == 3
    assert "unreachable" in result.stderr and "3 run(s) wait for the next sync" in result.stderr
    assert _pending(db, url) == ["r1", "r2", "r3"]
    own_cluster.start()
    assert _sync(camscan, own_cluster, db, url).returncode == 0
    assert _summary(url) == _summary(db)


def test_centre_down_a_sweep_with_sync_still_succeeds_locally(
    own_cluster: Cluster, tmp_path: Path, camscan: Any
) -> None:
    url = _centre(own_cluster, "centre")
    own_cluster.stop()
    db, out = tmp_path / "store.sqlite3", tmp_path / "report.json"
    args = ["sweep", "--site", SITE, "--pcap", str(DEMO), "--db", str(db), "-o", str(out)]
    result = camscan(*args, "--fail-on", "never", "--sync", url, env=own_cluster.env())
    assert result.returncode == 0, result.stderr
    assert out.is_file() and len(_summary(db)) == 1
    assert "runs not forwarded" in result.stderr and "1 run(s) wait" in result.stderr
    own_cluster.start()
    result = camscan(*args, "--fail-on", "never", "--sync", url, env=own_cluster.env())
    assert "2 run(s) stored, 0 already there" in result.stderr
    assert _summary(url) == _summary(db)


def _wait_for_open_transaction(cluster: Cluster, database: str, proc: Any) -> None:
    deadline = time.monotonic() + WAIT
    with cluster.connect(database=database) as conn:
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            # r1 committed, and a transaction (r2's, in its pause) quiet for a second already; the
            # push is pipelined (no Sync yet), so the server may still call the backend active
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'camscan'"
                " AND backend_xid IS NOT NULL AND now() - state_change > interval '1 s'"
                " AND (SELECT count(*) FROM camscan.runs) = 1"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the push never opened its transaction")


def test_centre_killed_mid_transaction_keeps_whole_runs_only(
    own_cluster: Cluster, tmp_path: Path, spawn: Any, camscan: Any
) -> None:
    db, url = _local(tmp_path), _centre(own_cluster, "centre")
    env = {**own_cluster.env(), **PAUSE, "CAMSCAN_TEST_PAUSE_RUN": "r2"}
    proc = spawn("sync", "--to", url, "--db", str(db), env=env)
    _wait_for_open_transaction(own_cluster, "centre", proc)
    own_cluster.stop("immediate")  # a crash: no shutdown, the open transaction is lost
    _, stderr = proc.communicate(timeout=WAIT)
    assert proc.returncode == 3 and "2 run(s) wait for the next sync" in stderr
    own_cluster.start()
    with own_cluster.connect(database="centre") as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM camscan.runs), (SELECT count(*) FROM camscan.sightings),"
            " (SELECT runs FROM camscan.sites)"
        ).fetchone()
    assert counts == (1, 2, 1)  # r1 and its two sightings; nothing of r2
    assert _pending(db, url) == ["r2", "r3"]
    assert _sync(camscan, own_cluster, db, url).returncode == 0
    assert _summary(url) == _summary(db)


def test_the_same_runs_pushed_by_two_processes_are_stored_once(
    pg_env: Cluster, tmp_path: Path, spawn: Any, unique: Any
) -> None:
    db, url = _local(tmp_path), _centre(pg_env, unique("race"))
    env = {**pg_env.env(), "CAMSCAN_TEST_PAUSE_IN_TXN": "0.5"}
    procs = [spawn("sync", "--to", url, "--db", str(db), env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=WAIT) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    stored = sum(int(err.split(": ")[-1].split(" run(s) stored")[0]) for _, err in outputs)
    assert stored == 3
    assert _summary(url) == _summary(db)
    assert _pending(db, url) == []


def test_a_store_clock_that_went_backwards_keeps_the_recording_order(
    pg_env: Cluster, tmp_path: Path, camscan: Any, unique: Any
) -> None:
    nights = [
        ("r1", findings([CAM_A, CAM_B], day=9)),
        ("r2", findings([CAM_A], day=3)),  # the clock was reset to an earlier date
        ("r3", findings([CAM_A, CAM_B], day=4)),
    ]
    db, url = _local(tmp_path, nights), _centre(pg_env, unique("clock"))
    assert _sync(camscan, pg_env, db, url).returncode == 0
    assert _summary(url) == [("r1", 2, 0, 0, 2), ("r2", 0, 0, 1, 1), ("r3", 0, 1, 0, 2)]
    with pg_env.connect(database=url.split("/")[3].split("?")[0]) as conn:
        days = conn.execute("SELECT day, of_concern, delta FROM camscan.site_days").fetchall()
        last = conn.execute("SELECT last_run_id, last_day FROM camscan.sites").fetchone()
    # every run after the jump is counted on the site's latest day, never on an earlier one
    assert (days, last) == ([("2026-11-09", 2, 2)], ("r3", "2026-11-09"))


@pytest.mark.parametrize("bad", ["postgresql://h/db?password=x", "mysql://h/db"])
def test_sync_targets_are_checked_before_anything_runs(
    bad: str, tmp_path: Path, camscan: Any
) -> None:
    result = camscan("sync", "--to", bad, "--db", str(tmp_path / "none.sqlite3"))
    assert result.returncode == 2 and not (tmp_path / "none.sqlite3").exists()


def test_sync_needs_a_local_history_file(tmp_path: Path, camscan: Any) -> None:
    url = "postgresql://store@/centre?host=/nowhere"
    result = camscan("sweep", "--site", SITE, "--pcap", str(DEMO), "--db", url, "--sync", url)
    assert result.returncode == 2
    assert "sync forwards a store's local history: give db a file path" in result.stderr
