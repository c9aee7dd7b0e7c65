"""Hostile command lines and files around the engine (issue 12, items 3, 5 and 7): nothing is
clobbered, every failure is one defused line with status 2 or 3, never a traceback or 1.

Each input is generated here, beside its test. Streams, FIFOs, devices, a closed or full
stdout and SIGTERM during a write are tested in tests/unit/cli/.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"
ENTRY = "from scanner.cli.main import main; main()"


def camscan(*args: str | Path, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    env = {**os.environ, **kw.pop("env", {}), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *map(str, args)], cwd=REPO, timeout=120, env=env,
        check=False, **kw,
    )  # fmt: skip


def one_line(proc: subprocess.CompletedProcess[bytes], status: int) -> str:
    """The single stderr line of a failed run with `status`."""
    err = proc.stderr.decode()
    assert (proc.returncode, err.count("\n"), "Traceback" in err) == (status, 1, False), err
    return err.rstrip("\n")


def test_output_linked_to_proc_self_fd_1_stays_a_link(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    target = tmp_path / "stdout.txt"
    with target.open("wb") as stdout:
        proc = camscan("pcap", SADP, "-o", link, "-q", stdout=stdout)
    assert proc.returncode == 0
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    assert json.loads(target.read_bytes())["schema"] == "camscan.findings/1"


def test_sweep_output_naming_the_history_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    assert camscan("sweep", "--site", "s1", "--pcap", SADP, "--db", db, "-q").returncode == 1
    before = db.read_bytes()
    proc = camscan("sweep", "--site", "s1", "--pcap", SADP, "--db", db, "-o", db, "-q")
    assert one_line(proc, 2) == f"camscan: -o {db} would overwrite {db}, an input of this run"
    assert db.read_bytes() == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_sweep_output_naming_its_capture_is_refused(tmp_path: Path) -> None:
    capture = tmp_path / "cap.pcap"
    capture.write_bytes(SADP.read_bytes())
    proc = camscan("sweep", "--site", "s1", "--pcap", capture, "--db", tmp_path / "h", "-o",
                   capture)  # fmt: skip
    assert one_line(proc, 2).endswith("an input of this run")
    assert capture.read_bytes() == SADP.read_bytes()


@pytest.mark.parametrize(
    "body",
    [
        '{"schema": "camscan.findings/1", "devices": [{"x": 1}]}',
        '{"schema": "camscan.findings/1", "devices": "x"}',
        '{"schema": "camscan.findings/1", "devices": [{"id": 1}]}',
        '{"schema": "camscan.findings/1", "devices": [{"id": "a", "mac": 5, "ips": 3}]}',
    ],
    ids=["no-id", "not-a-list", "number-id", "wrong-types"],
)
def test_diff_of_a_malformed_report_is_one_line_and_exit_2(tmp_path: Path, body: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(body)
    good = tmp_path / "good.json"
    assert camscan("pcap", SADP, "-o", good, "-q").returncode == 0
    proc = camscan("diff", bad, good)
    assert "well-formed camscan.findings/1" in one_line(proc, 2)


def test_sweep_with_a_directory_as_history_is_one_line_and_exit_2() -> None:
    proc = camscan("sweep", "--site", "s1", "--pcap", SADP, "--db", "/", "-q")
    assert one_line(proc, 2) == "camscan: db / is a directory; give the path of a history file"


TEMPLATES = ["{site.nope}", "{site.upper}", "{site[0]}", "{site!r}", "{date:>99}", "{0}", "{"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_report_path_templates_take_only_bare_placeholders(tmp_path: Path, template: str) -> None:
    config = tmp_path / "sweep.toml"
    config.write_text(f'site = "s1"\n[reports]\njson = "{tmp_path}/{template}.json"\n')
    proc = camscan("sweep", "--config", config, "--pcap", SADP, "--db", tmp_path / "h")
    assert one_line(proc, 2).startswith("camscan: bad report path ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.toml"]  # nothing recorded


def test_deeply_nested_toml_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    proc = camscan("sweep", "--config", config)
    assert one_line(proc, 2) == f"camscan: sweep config {config} nests arrays or tables too deeply"


def test_endless_config_is_read_with_a_limit() -> None:
    proc = camscan("sweep", "--config", "/dev/zero")
    assert one_line(proc, 2) == "camscan: sweep config /dev/zero is larger than 1048576 bytes"


@pytest.mark.parametrize("site", ["s1\n", "s1\n\n", "s\u202e1", "s 1", ""])
def test_site_names_are_validated_strictly(tmp_path: Path, site: str) -> None:
    proc = camscan("sweep", "--site", site, "--pcap", SADP, "--db", tmp_path / "h")
    assert one_line(proc, 2).startswith("camscan: a sweep needs a site name")


def test_escape_sequences_in_a_file_name_never_reach_stderr(tmp_path: Path) -> None:
    name = tmp_path / "\x1b]0;pwned\x07\x1b[2J\u202ecap.pcap"
    proc = camscan("pcap", name)
    line = one_line(proc, 2)
    assert not any(ch in line for ch in "\x1b\x07\u202e")
    assert line == f"camscan: {tmp_path}/cap.pcap: cannot open: No such file or directory"


def test_escape_sequences_in_an_option_value_never_reach_stderr() -> None:
    proc = camscan("pcap", SADP, "--policy", "\x1b[31mred\x1b]0;t\x07")
    line = one_line(proc, 2)
    assert "\x1b" not in line and "\x07" not in line and "red" in line


def test_report_output_naming_its_input_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    assert camscan("pcap", SADP, "-o", saved, "-q").returncode == 0
    before = saved.read_bytes()
    proc = camscan("report", saved, "--format", "json", "-o", saved)
    assert one_line(proc, 2) == f"camscan: -o {saved} would overwrite {saved}, an input of this run"
    assert saved.read_bytes() == before


def test_a_file_name_that_is_not_utf8_reaches_every_format(tmp_path: Path) -> None:
    name = os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.pcap")
    Path(name).write_bytes(SADP.read_bytes())
    strict = {"PYTHONIOENCODING": "utf-8:strict"}  # stdout as in a UTF-8 locale
    for fmt in ("json", "ndjson", "csv", "md", "html", "table"):
        proc = camscan("pcap", name, "--format", fmt, "-q", env=strict)
        assert (proc.returncode, proc.stderr) == (0, b""), fmt
    report = json.loads(camscan("pcap", name, "--format", "json", "-q", env=strict).stdout)
    assert report["run"]["inputs"] == [name]  # the escape decodes back to the same name


def test_a_sweep_of_a_capture_whose_name_is_not_utf8_is_recorded(tmp_path: Path) -> None:
    # Before: the run's inputs reached the history as a lone surrogate, an internal error (3)
    # and nothing recorded.
    name = os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.pcap")
    Path(name).write_bytes(SADP.read_bytes())
    db, out = tmp_path / "h.sqlite3", tmp_path / "r.json"
    proc = camscan("sweep", "--site", "s1", "--pcap", name, "--db", db, "-o", out, "-q",
                   "--fail-on", "never")  # fmt: skip
    assert (proc.returncode, proc.stderr) == (0, b"")
    swept = json.loads(out.read_bytes())
    assert swept["run"]["inputs"] == [name]
    stored = camscan("report", "--run", swept["sweep"]["run_id"], "--db", db, "--format", "json")
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout)["run"]["inputs"] == [name]


def runs_in(db: Path) -> int:
    """How many runs the history at `db` holds."""
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        (count,) = conn.execute("SELECT count(*) FROM runs").fetchone()
    return int(count)


def sweep(
    db: Path, *extra: str | Path, pcap: str | Path = SADP, **kw: Any
) -> subprocess.CompletedProcess[bytes]:
    """A sweep of `pcap` (the SADP capture) into `db`, failing only on new devices."""
    return camscan("sweep", "--site", "s1", "--pcap", pcap, "--db", db, "--fail-on", "new",
                   *extra, **kw)  # fmt: skip


@pytest.mark.parametrize("how", [("--format", "json", "-q"), ()], ids=["json", "table"])
def test_a_sweep_whose_stdout_is_full_records_nothing(tmp_path: Path, how: tuple[str, ...]) -> None:
    # Before: the run was committed, then printing it failed (internal error, exit 3): the alert
    # it carried was gone, the next sweep said new=[].
    db = tmp_path / "h.sqlite3"
    with open("/dev/full", "wb") as full:
        proc = sweep(db, *how, stdout=full)
    assert one_line(proc, 3).endswith(
        "camscan: cannot write to standard output: No space left on device"
    )
    assert runs_in(db) == 0
    again = sweep(db, "--format", "json", "-q")
    assert again.returncode == 1  # --fail-on new: the devices are still new
    assert len(json.loads(again.stdout)["sweep"]["new"]) == 2


@pytest.mark.parametrize("how", [("--format", "json", "-q"), ()], ids=["json", "table"])
def test_a_sweep_whose_reader_went_away_exits_quietly_and_records_nothing(
    tmp_path: Path, how: tuple[str, ...]
) -> None:
    # Before, the table: rich exited 1 (--fail-on new's status) when the reader went away
    db = tmp_path / "h.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "sweep", "--site", "s1", "--pcap", str(SADP), "--db",
         str(db), "--fail-on", "new", *how],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `| head` would, before the sweep prints
    err = proc.stderr.read()
    assert (proc.wait(120), err) == (141, b"")
    assert runs_in(db) == 0


def test_a_sweep_report_to_a_full_device_records_nothing(tmp_path: Path) -> None:
    # Before: -o naming a device was refused; now it is written in place, before the commit.
    db = tmp_path / "h.sqlite3"
    proc = sweep(db, "-o", "/dev/full", "-q")
    assert one_line(proc, 3) == "camscan: cannot write to /dev/full: No space left on device"
    assert runs_in(db) == 0 and Path("/dev/full").is_char_device()


def test_a_sweep_report_to_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    db, fifo = tmp_path / "h.sqlite3", tmp_path / "report.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        done = sweep(db, "-o", fifo, "--format", "json", "-q", stdout=subprocess.DEVNULL)
        report, _ = reader.communicate(timeout=120)
    finally:
        reader.kill()  # a sweep that never opened the FIFO leaves its reader waiting
        reader.wait()
    assert (done.returncode, done.stderr) == (1, b"")  # two new devices
    assert json.loads(report)["sweep"]["new"] and fifo.is_fifo()
    assert runs_in(db) == 1


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_a_sweep_report_to_dev_stdout_reaches_stdout(tmp_path: Path, name: str) -> None:
    # Before: the report was silently dropped (the name is stdout, not a file to stage).
    db = tmp_path / "h.sqlite3"
    proc = sweep(db, "-o", name, "-q")
    assert proc.returncode == 1, proc.stderr
    assert len(json.loads(proc.stdout)["sweep"]["new"]) == 2
    assert runs_in(db) == 1


def test_escape_sequences_in_a_sweep_report_path_never_reach_stderr(tmp_path: Path) -> None:
    # Before: "report written to" printed the path raw, escape sequences and all.
    out = tmp_path / "r\x1b]0;pwned\x07\x1b[2J\u202ez.json"
    proc = sweep(tmp_path / "h.sqlite3", "-o", out)
    assert proc.returncode == 1 and out.is_file()
    *_, written = proc.stderr.decode().splitlines()
    assert written == f"camscan: report written to {tmp_path}/rz.json"


def test_sigterm_while_a_sweep_stages_its_reports_leaves_no_file_and_no_run(
    tmp_path: Path,
) -> None:
    # SIGTERM arrives while a report is being synced, the moment its temporary file exists.
    prelude = (
        "import os, signal\n"
        "real = os.fsync\n"
        "def fsync(fd): os.kill(os.getpid(), signal.SIGTERM); real(fd)\n"
        "os.fsync = fsync\n"
    )
    reports, db = tmp_path / "reports", tmp_path / "h.sqlite3"
    reports.mkdir()
    argv = ["sweep", "--site", "s1", "--pcap", str(SADP), "--db", str(db), "-q",
            "-o", str(reports / "r.json"), "-o", str(reports / "r.html")]  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", prelude + ENTRY, *argv], cwd=REPO, capture_output=True,
        timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False,
    )  # fmt: skip
    assert (proc.returncode, proc.stderr) == (143, b"camscan: terminated\n")
    assert list(reports.iterdir()) == []
    assert runs_in(db) == 0


@pytest.mark.parametrize("source", ["fifo", "-", "/dev/stdin"])
def test_a_sweep_reads_a_fifo_or_a_pipe_as_a_stream(tmp_path: Path, source: str) -> None:
    db = tmp_path / "h.sqlite3"
    if source == "fifo":
        fifo = tmp_path / "capture.fifo"
        os.mkfifo(fifo)
        writer = subprocess.Popen(["cp", str(SADP), str(fifo)])
        try:
            proc = sweep(db, "--format", "json", "-q", pcap=fifo)
        finally:
            writer.kill()
            writer.wait()
    else:
        proc = sweep(db, "--format", "json", "-q", pcap=source, input=SADP.read_bytes())
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert len(json.loads(proc.stdout)["sweep"]["new"]) == 2 and runs_in(db) == 1
