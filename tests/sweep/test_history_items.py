"""What a store's IT person meets in the history: each case failed before (issues 9 and 12)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
NVR = "mac:e0:50:8b:2c:41:08"
LTS = "mac:14:2f:fd:63:08:13"
VMS_PC = "mac:b0:83:fe:2d:19:01"
WAIT = 120


def _sweep(camscan: Any, db: Path, out: Path, *pcaps: Path, extra: tuple[str, ...] = ()) -> Any:
    args = ["sweep", "--site", "store-0042", "--db", str(db), "-o", str(out), *extra]
    return camscan(*args, *[a for p in pcaps for a in ("--pcap", str(p))])


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory: pytest.TempPathFactory, week2: list[Path], camscan: Any) -> Path:
    """A history of two sweeps of store-0042: the demo LAN, then a week later."""
    tmp = tmp_path_factory.mktemp("two-weeks")
    db = tmp / "h.sqlite3"
    for n, captures in ((1, [DEMO]), (2, week2)):
        result = _sweep(camscan, db, tmp / f"run{n}.json", *captures, extra=("-q",))
        assert result.returncode == 1, result.stderr
    return db


def test_history_of_an_unknown_site_exits_2(two_weeks: Path, camscan: Any) -> None:
    result = camscan("history", "--db", str(two_weeks), "--site", "nosuch")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"camscan: no runs of site 'nosuch' in {two_weeks}\n"


def test_history_lists_the_devices_of_concern_still_present(two_weeks: Path, camscan: Any) -> None:
    result = camscan("history", "--db", str(two_weeks), "--site", "store-0042", "--format", "json")
    present = json.loads(result.stdout)["present_of_concern"]
    assert len(present) == 11 and NVR in [d["id"] for d in present]
    assert LTS not in [d["id"] for d in present]  # removed in week 2


def test_history_table_never_cuts_site_or_run_ids(two_weeks: Path, camscan: Any) -> None:
    result = camscan("history", "--db", str(two_weeks), env={"COLUMNS": "80"})
    report = json.loads((two_weeks.parent / "run2.json").read_text())
    run_id = report["sweep"]["run_id"]
    line = next(line for line in result.stdout.splitlines() if run_id in line)
    assert f"site store-0042  run_id {run_id}" in line  # one "column value" line per row at 80
    assert "devices of concern still present: 11" in result.stdout
    assert "…" not in result.stdout


def test_report_run_renders_a_stored_run_again(two_weeks: Path, camscan: Any) -> None:
    stored = json.loads((two_weeks.parent / "run2.json").read_text())
    run_id = stored["sweep"]["run_id"]
    result = camscan("report", "--run", run_id, "--db", str(two_weeks), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == stored


def test_report_run_of_an_unknown_run_exits_2(two_weeks: Path, camscan: Any) -> None:
    result = camscan("report", "--run", "nosuch", "--db", str(two_weeks))
    assert (result.returncode, result.stderr) == (2, f"camscan: no run 'nosuch' in {two_weeks}\n")


def test_ndjson_lines_carry_a_status_and_removed_devices_get_lines(
    two_weeks: Path, camscan: Any
) -> None:
    stored = json.loads((two_weeks.parent / "run2.json").read_text())
    result = camscan("report", "--run", stored["sweep"]["run_id"], "--db", str(two_weeks),
                     "--format", "ndjson")  # fmt: skip
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    statuses = {line["device"]["id"]: line["status"] for line in lines}
    assert (statuses[NVR], statuses[LTS], statuses[VMS_PC]) == ("new", "removed", "changed")
    assert sorted(set(statuses.values())) == ["changed", "new", "removed", "unchanged"]
    assert len(lines) == len(stored["devices"]) + 1


def test_sweep_output_names_the_changed_fields(
    tmp_path: Path, week2: list[Path], camscan: Any
) -> None:
    db = tmp_path / "h.sqlite3"
    _sweep(camscan, db, tmp_path / "r1.json", DEMO, extra=("-q",))
    result = _sweep(camscan, db, tmp_path / "r2.json", *week2)
    line = next(line for line in result.stdout.splitlines() if line.startswith("~ changed"))
    assert line.endswith(": ips 10.20.30.101 \u2192 10.20.30.101,192.168.1.10")
    assert "9c:8e:cd" in result.stdout and "\U0001f4bf" not in result.stdout  # no emoji MACs


def test_diff_names_the_changed_fields(two_weeks: Path, camscan: Any) -> None:
    one, two = two_weeks.parent / "run1.json", two_weeks.parent / "run2.json"
    result = camscan("diff", str(one), str(two))
    assert f"~ changed: {VMS_PC}" in result.stdout
    assert "ips 10.20.30.101 \u2192 10.20.30.101,192.168.1.10" in result.stdout


def test_a_device_missed_once_is_returned_and_does_not_fail_new(
    tmp_path: Path, week2: list[Path], camscan: Any
) -> None:
    db = tmp_path / "h.sqlite3"
    _sweep(camscan, db, tmp_path / "r1.json", DEMO, extra=("-q",))
    _sweep(camscan, db, tmp_path / "r2.json", *week2, extra=("-q",))  # the LTS DVR is missed
    result = _sweep(camscan, db, tmp_path / "r3.json", DEMO, extra=("-q", "--fail-on", "new"))
    sweep = json.loads((tmp_path / "r3.json").read_text())["sweep"]
    assert (sweep["new"], sweep["returned"], result.returncode) == ([], [LTS], 0)


def test_a_report_that_cannot_be_written_records_nothing(tmp_path: Path, camscan: Any) -> None:
    db = tmp_path / "h.sqlite3"
    (tmp_path / "blocker").write_text("a file where the report directory should be")
    config = tmp_path / "sweep.toml"
    config.write_text(
        f"site = 'store-0042'\n[source]\nkind = 'pcap'\npaths = ['{DEMO}']\n"
        f"[reports]\njson = '{tmp_path}/ok-{{run_id}}.json'\n"
        f"html = '{tmp_path}/blocker/{{run_id}}.html'\n"
    )
    failed = camscan("sweep", "--config", str(config), "--db", str(db), "-q")
    assert failed.returncode == 2 and "cannot create" in failed.stderr
    # neither report nor run: the json report staged beside it was never put in place
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(("ok-", ".ok-"))]
    # the alert is not lost: the next sweep still calls every device new and fails --fail-on new
    again = _sweep(camscan, db, tmp_path / "r2.json", DEMO, extra=("-q", "--fail-on", "new"))
    assert again.returncode == 1
    assert len(json.loads((tmp_path / "r2.json").read_text())["sweep"]["new"]) == 23


def test_a_cut_short_capture_is_partial_and_removes_nothing(tmp_path: Path, camscan: Any) -> None:
    db = tmp_path / "h.sqlite3"
    _sweep(camscan, db, tmp_path / "r1.json", DEMO, extra=("-q",))
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(DEMO.read_bytes()[: DEMO.stat().st_size // 3])
    result = _sweep(camscan, db, tmp_path / "r2.json", cut, extra=("-q", "--fail-on", "never"))
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "r2.json").read_text())
    assert report["sweep"]["status"] == "partial"
    assert len(report["devices"]) < 23 and report["sweep"]["removed"] == []
    rows = json.loads(camscan("history", "--db", str(db), "--format", "json").stdout)
    assert [r["status"] for r in rows["runs"]] == ["complete", "partial"]
    assert len(rows["present_of_concern"]) == 11


def _foreign(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO accounts (name) VALUES ('till 1')")
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("command", ["sweep", "history", "report"])
def test_a_foreign_sqlite_file_is_never_changed(command: str, tmp_path: Path, camscan: Any) -> None:
    db = tmp_path / "pos.sqlite3"
    before = _foreign(db)
    argv = {
        "sweep": ["sweep", "--site", "s1", "--pcap", str(DEMO), "--db", str(db)],
        "history": ["history", "--db", str(db)],
        "report": ["report", "--run", "x", "--db", str(db)],
    }[command]
    result = camscan(*argv)
    assert result.returncode == 2
    assert "is not a camscan history" in result.stderr
    assert db.read_bytes() == before
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone() == (0,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()


def test_a_read_only_history_can_be_read(two_weeks: Path, tmp_path: Path) -> None:
    """A history on a read-only file system (no -wal or -shm can be created beside it)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:  # fails under CI=true
        pytest.skip("needs root and unshare(1) to mount a read-only file system")
    shared = tmp_path / "ro"
    shared.mkdir()
    db = shared / "h.sqlite3"
    shutil.copy(two_weeks, db)
    before = db.read_bytes()
    camscan = f"{sys.executable} -c 'from scanner.cli.main import main; main()'"
    script = (
        f"mount --bind {shared} {shared} && mount -o remount,ro,bind {shared} && "
        f"{camscan} history --db {db} --format json"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env,
        timeout=WAIT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["runs"]) == 2
    assert db.read_bytes() == before and sorted(p.name for p in shared.iterdir()) == ["h.sqlite3"]


def test_lock_timeout_0_does_not_make_other_sites_fail(
    tmp_path: Path, spawn: Any, camscan: Any
) -> None:
    db = tmp_path / "h.sqlite3"
    assert _sweep(camscan, db, tmp_path / "r0.json", DEMO, extra=("-q",)).returncode == 1
    slow = spawn("sweep", "--site", "store-a", "--pcap", str(DEMO), "--db", str(db), "-q",
                 "--fail-on", "never", env={"CAMSCAN_TEST_PAUSE_IN_TXN": "4"})  # fmt: skip
    _wait_for_writer(db, slow)
    result = camscan("sweep", "--site", "store-b", "--pcap", str(DEMO), "--db", str(db), "-q",
                     "--fail-on", "never", "--lock-timeout", "0")  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    assert slow.wait(timeout=WAIT) == 0


def _wait_for_writer(db: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        conn = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            return
        finally:
            conn.close()
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    raise AssertionError("the sweep never opened its transaction")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("lock_timeout = nan", "lock_timeout must be a number of seconds from 0 to 604800"),
        ("lock_timeout = inf", "lock_timeout must be a number of seconds from 0 to 604800"),
        ("lock_timeout = -1", "lock_timeout must be a number of seconds from 0 to 604800"),
        ("lock_timeout = 1e300", "lock_timeout must be a number of seconds from 0 to 604800"),
        ("lock_timeout = true", "lock_timeout must be a number of seconds from 0 to 604800"),
        ("db = 5", "db must be a file path or a postgresql:// URL"),
        ("[source]\nkind = 'listen'\niface = 'lo'\nseconds = nan",
         "source seconds must be a positive number, at most 604800"),
    ],
)  # fmt: skip
def test_bad_numbers_in_the_config_exit_2(
    config: str, message: str, tmp_path: Path, camscan: Any
) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(f"site = 's1'\n{config}\n" if config.startswith("[") else
                    f"site = 's1'\n{config}\n[source]\nkind = 'pcap'\npaths = ['x']\n")  # fmt: skip
    db = [] if config.startswith("db") else ["--db", str(tmp_path / "h.sqlite3")]
    result = camscan("sweep", "--config", str(path), *db)
    assert (result.returncode, result.stderr) == (2, f"camscan: {message}\n")


@pytest.mark.parametrize("value", ["nan", "-1", "inf"])
def test_bad_lock_timeout_option_exits_2(value: str, tmp_path: Path, camscan: Any) -> None:
    result = camscan("sweep", "--site", "s1", "--pcap", str(DEMO), "--lock-timeout", value,
                     "--db", str(tmp_path / "h.sqlite3"))  # fmt: skip
    assert result.returncode == 2 and "lock_timeout must be a number" in result.stderr
    assert not (tmp_path / "h.sqlite3").exists()


def test_a_site_name_with_a_trailing_newline_is_refused(tmp_path: Path, camscan: Any) -> None:
    result = camscan("sweep", "--site", "store-1\n", "--pcap", str(DEMO),
                     "--db", str(tmp_path / "h.sqlite3"))  # fmt: skip
    assert result.returncode == 2 and "a sweep needs a site name" in result.stderr
