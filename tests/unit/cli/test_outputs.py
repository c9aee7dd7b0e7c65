"""Where reports go: -o formats from extensions, several outputs, paths checked before the work,
stdout carrying exactly one format, and nothing clobbered."""

from __future__ import annotations

import array
import csv
import fcntl
import io
import json
import os
import stat
import subprocess
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scanner.cli.main import app

REPO = Path(__file__).resolve().parents[3]
Cli = Callable[..., subprocess.CompletedProcess[bytes]]
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
runner = CliRunner()


def pcap(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["pcap", str(SADP), *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_format_follows_each_output_extension(tmp_path: Path) -> None:
    names = ["r.json", "r.html", "r.csv", "r.ndjson", "r.md", "r.txt"]
    status, _, _ = pcap(*(a for n in names for a in ("-o", str(tmp_path / n))), "-q")
    assert status == 0
    text = {n: (tmp_path / n).read_text(encoding="utf-8") for n in names}
    assert json.loads(text["r.json"])["schema"] == "camscan.findings/1"
    assert text["r.html"].startswith("<!DOCTYPE html>")
    assert next(csv.reader(io.StringIO(text["r.csv"])))[:2] == ["id", "verdict"]
    assert json.loads(text["r.ndjson"].splitlines()[0])["schema"] == "camscan.device/1"
    assert text["r.md"].startswith("# camscan report")
    assert text["r.txt"].startswith("Devices of concern (1)\nCONCERN  hikvision camera")


def test_output_without_extension_is_json_and_format_names_it(tmp_path: Path) -> None:
    assert pcap("-o", str(tmp_path / "plain"), "-q")[0] == 0
    assert json.loads((tmp_path / "plain").read_text())["schema"] == "camscan.findings/1"
    assert pcap("-o", str(tmp_path / "devices"), "--format", "csv", "-q")[0] == 0
    assert (tmp_path / "devices").read_text().startswith("id,verdict,")


def test_dash_with_csv_prints_only_csv() -> None:
    status, out, _ = pcap("-o", "-", "--format", "csv", "-q")
    assert status == 0
    assert [row["id"] for row in csv.DictReader(io.StringIO(out))] == [
        "mac:58:50:ed:1f:e3:85",
        "mac:b0:83:fe:2d:19:01",
    ]


def test_extension_and_format_that_disagree_exit_2(tmp_path: Path) -> None:
    status, _, err = pcap("-o", str(tmp_path / "r.csv"), "--format", "json")
    assert (status, err) == (
        2,
        f"camscan: -o {tmp_path / 'r.csv'}: the extension says csv but --format says json; "
        "drop one of them\n",
    )


def test_unknown_extension_exits_2(tmp_path: Path) -> None:
    status, _, err = pcap("-o", str(tmp_path / "r.xml"))
    assert status == 2 and "no report format is named .xml" in err


def test_unwritable_output_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called = []
    monkeypatch.setattr("scanner.app.analyse_files", lambda *a, **k: called.append(a))
    status, _, err = pcap("-o", str(tmp_path / "r.json"), "-o", str(tmp_path / "no" / "r.html"))
    assert (status, called) == (2, [])
    missing = tmp_path / "no" / "r.html"
    assert err == f"camscan: cannot write to {missing}: No such file or directory\n"
    assert list(tmp_path.iterdir()) == []


def test_output_naming_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    capture = tmp_path / "cap"
    capture.write_bytes(SADP.read_bytes())
    result = runner.invoke(app, ["pcap", str(capture), "-o", str(capture)])
    assert result.exit_code == 2
    assert (
        result.stderr == f"camscan: -o {capture} would overwrite {capture}, an input of this run\n"
    )
    assert capture.read_bytes() == SADP.read_bytes()


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    status, _, err = pcap("-o", str(tmp_path / "r.json"), "-o", str(tmp_path / "." / "r.json"))
    assert status == 2 and "names the same file" in err


def test_output_through_a_link_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert pcap("-o", str(link), "-q")[0] == 0
    assert link.is_symlink() and json.loads(target.read_text())["schema"] == "camscan.findings/1"


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    status = pcap("-o", str(fifo), "-q")[0]
    reader.join(30)
    assert status == 0 and stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(got[0])["summary"]["of_concern"] == 1


def test_a_fifo_whose_reader_leaves_is_a_runtime_failure(cli: Cli, tmp_path: Path) -> None:
    # Before: exit 2, the status of bad usage, although the path was a good one
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # there before camscan opens it
    fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, 4096)  # the report fills it: camscan waits

    def leave_once_full() -> None:
        pending = array.array("i", [0])
        while pending[0] < 4096:
            time.sleep(0.05)
            fcntl.ioctl(reader, termios.FIONREAD, pending)
        os.close(reader)

    leaving = threading.Thread(target=leave_once_full, daemon=True)
    leaving.start()
    proc = cli("pcap", DEMO, "-o", fifo, "-q")
    leaving.join(30)
    assert (proc.returncode, proc.stderr.decode()) == (
        3, f"camscan: cannot write to {fifo}: Broken pipe\n"
    )  # fmt: skip
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_character_device_stays_a_device(tmp_path: Path) -> None:
    # a private null device: the system's /dev/null is never a test's to write to
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:  # a failure under CI=true, by the root conftest
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    assert pcap("-o", str(null), "-q")[0] == 0
    assert stat.S_ISCHR(null.stat().st_mode)


def test_dev_stdout_appends_where_the_shell_said(cli: Cli, tmp_path: Path) -> None:
    log = tmp_path / "log.json"
    log.write_text("earlier line\n")
    with log.open("a") as out:
        proc = cli("pcap", SADP, "-o", "/dev/stdout", "-q", stdout=out)
    assert proc.returncode == 0
    head, _, body = log.read_text().partition("\n")
    assert head == "earlier line" and json.loads(body)["schema"] == "camscan.findings/1"


def test_piped_stdout_gets_the_80_column_layout_not_200(cli: Cli) -> None:
    proc = cli("pcap", DEMO)
    lines = proc.stdout.decode().splitlines()
    assert proc.returncode == 0 and lines[0] == "Devices of concern (11)"
    assert max(len(line) for line in lines) <= 80


def test_columns_sets_the_width_when_piped(cli: Cli) -> None:
    proc = cli("pcap", DEMO, env={"COLUMNS": "200"})
    assert proc.stdout.decode().startswith("┏━")


def test_report_written_note_names_each_file_and_format(tmp_path: Path) -> None:
    status, out, _ = pcap("-o", str(tmp_path / "a.json"), "-o", str(tmp_path / "b.csv"))
    assert status == 0
    assert out.splitlines()[-2:] == [
        f"report written to {tmp_path / 'a.json'} (json)",
        f"report written to {tmp_path / 'b.csv'} (csv)",
    ]


def test_report_help_states_the_default_it_prints() -> None:
    # Before: `camscan report -h` said "[default: table on stdout ...]" and printed HTML
    findings = REPO / "tests" / "unit" / "output" / "data" / "demo-findings.json"
    shown = runner.invoke(app, ["report", str(findings)])
    assert shown.exit_code == 0 and shown.stdout.startswith("<!DOCTYPE html>")
    help_text = " ".join(runner.invoke(app, ["report", "-h"]).stdout.split())
    assert "[default: html on stdout, json in files]" in help_text
