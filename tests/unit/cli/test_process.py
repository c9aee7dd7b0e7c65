"""The process around a command: version and help, one line and the right status for every
failure, a closed or full stdout, SIGTERM and Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement  # pytest's own dependency

from scanner import __version__

REPO = Path(__file__).resolve().parents[3]
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
Cli = Callable[..., subprocess.CompletedProcess[bytes]]
COMMANDS = [
    [], ["pcap"], ["scan"], ["listen"], ["sweep"], ["history"], ["diff"], ["report"], ["db"],
    ["db", "verify"], ["db", "match"], ["db", "info"], ["db", "update-oui"],
]  # fmt: skip
# What help showed when typer printed Python annotations: <bool>, <list[Path]>, <str>, ...
PYTHON_TYPES = re.compile(r"<(?:bool|str|int|float|path|list\[|[A-Za-z_]+ range)|list\[|Optional")


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(cli: Cli, flag: str) -> None:
    proc = cli(flag)
    expected = f"camscan {__version__}\n".encode()
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, expected, b"")


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a) or "camscan")
def test_short_help_works_without_python_type_names(cli: Cli, argv: list[str]) -> None:
    proc = cli(*argv, "-h", env={"COLUMNS": "80"})
    text = proc.stdout.decode()
    assert proc.returncode == 0 and text.startswith(f"Usage: camscan {' '.join(argv)}".rstrip())
    assert not PYTHON_TYPES.search(text), text
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize(
    "argv",
    [[*c, "-h"] for c in COMMANDS + [["estate"], ["estate", "init"], ["sync"]]]
    + [
        ["pcap", "x.pcap", "--nope"],
        ["scan", "--rate", "0"],
        ["db", "nosuch"],
        ["nosuch"],
        ["-V"],
        ["--help"],
    ],  # fmt: skip
)
def test_the_command_alone_answers_as_the_whole_application(argv: list[str]) -> None:
    # each start builds only the command it runs (for_command); help, usage errors and the
    # exit status must be exactly what the application with every command gives
    from typer.testing import CliRunner

    from scanner.cli.main import app, for_command

    def answer(application: object) -> tuple[int, str]:
        result = CliRunner().invoke(application, argv, env={"COLUMNS": "100"})  # type: ignore[arg-type]
        return result.exit_code, result.output

    alone = for_command(argv)
    assert len(alone.registered_commands) + len(alone.registered_groups) == (
        1 if argv[0] not in {"nosuch", "-V", "--help", "-h"} else 10
    )
    assert answer(alone) == answer(app)


def test_typer_is_pinned_to_a_range_and_the_installed_one_is_in_it() -> None:
    # help and option parsing change between typer's minor releases: the help tests above ran
    # on this range only
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    typer = next(r for r in map(Requirement, project["dependencies"]) if r.name == "typer")
    assert {s.operator for s in typer.specifier} == {">=", "<"}
    assert typer.specifier.contains(version("typer"))


def test_pcap_help_names_its_metavars(cli: Cli) -> None:
    text = cli("pcap", "--help", env={"COLUMNS": "80"}).stdout.decode()
    assert "Usage: camscan pcap [OPTIONS] CAPTURE..." in text
    assert "-o, --output FILE" in text and "--format FORMAT" in text


def test_unknown_option_is_one_line_and_exit_2(cli: Cli) -> None:
    proc = cli("pcap", SADP, "--nope")
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr == b"camscan: No such option: --nope (see 'camscan pcap --help')\n"


def test_missing_argument_is_one_line_and_exit_2(cli: Cli) -> None:
    proc = cli("pcap")
    assert proc.returncode == 2
    assert proc.stderr == b"camscan: Missing argument 'CAPTURE...'. (see 'camscan pcap --help')\n"


def test_no_command_prints_help_and_exits_2(cli: Cli) -> None:
    proc = cli()
    assert proc.returncode == 2 and proc.stderr.startswith(b"Usage: camscan [OPTIONS] COMMAND")


def test_a_bug_is_one_line_and_exit_3_never_a_traceback(cli: Cli) -> None:
    prelude = (
        "import scanner.app as a\n"
        "def boom(*args, **kw): raise RuntimeError('boom')\n"
        "a.analyse_files = boom\n"
    )
    proc = cli("pcap", SADP, prelude=prelude)
    assert proc.returncode == 3
    assert proc.stderr == b"camscan: internal error (RuntimeError: boom); please report it\n"


def test_closed_stdout_exits_quietly_with_141(cli: Cli) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from scanner.cli.main import main; main()", "pcap", str(DEMO),
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before camscan writes, as `| head -0` would
    err = proc.stderr.read()
    assert (proc.wait(60), err) == (141, b"")


def test_full_stdout_is_one_line_and_exit_3(cli: Cli) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        proc = cli("pcap", SADP, "--format", "json", "-q", stdout=full)
    assert proc.returncode == 3
    assert proc.stderr == b"camscan: cannot write to standard output: No space left on device\n"


# What prints for a person: rich's table and version line, typer's help.
PRINTED = [["pcap", str(DEMO)], ["db", "info"], ["--version"], ["--help"], ["pcap", "--help"]]


@pytest.mark.parametrize("argv", PRINTED, ids=" ".join)
def test_closed_stdout_under_printed_output_exits_141_not_status_1(argv: list[str]) -> None:
    # Before: rich ended the process with status 1 (--fail-on's) when its reader went away
    proc = subprocess.Popen(
        [sys.executable, "-c", "from scanner.cli.main import main; main()", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(60), err) == (141, b"")


@pytest.mark.parametrize("argv", PRINTED, ids=" ".join)
def test_full_stdout_under_printed_output_is_named_not_an_internal_error(
    cli: Cli, argv: list[str]
) -> None:
    # Before: "internal error (OSError: [Errno 28] ...); please report it"
    with open("/dev/full", "wb") as full:
        proc = cli(*argv, stdout=full)
    assert (proc.returncode, proc.stderr) == (
        3, b"camscan: cannot write to standard output: No space left on device\n"
    )  # fmt: skip


def test_sigterm_while_writing_removes_the_temporary_file(cli: Cli, tmp_path: Path) -> None:
    # SIGTERM arrives while the report is being synced, the moment its temporary file exists
    prelude = (
        "import os, signal\n"
        "real = os.fsync\n"
        "def fsync(fd): os.kill(os.getpid(), signal.SIGTERM); real(fd)\n"
        "os.fsync = fsync\n"
    )
    out = tmp_path / "report.json"
    out.write_text("previous report\n")
    proc = cli("pcap", SADP, "-o", out, "-q", prelude=prelude)
    assert (proc.returncode, proc.stderr) == (143, b"camscan: terminated\n")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert out.read_text() == "previous report\n"


def test_ctrl_c_while_reading_writes_the_partial_report_and_exits_130(tmp_path: Path) -> None:
    fifo = tmp_path / "capture.pcapng"
    os.mkfifo(fifo)
    out = tmp_path / "partial.json"
    # as started from a terminal: SIGINT handled even when this test runs as a background job
    code = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    proc = subprocess.Popen(
        [sys.executable, "-c", code + "from scanner.cli.main import main; main()", "pcap",
         str(fifo), "-o", str(out), "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    data = DEMO.read_bytes()
    with fifo.open("wb") as writer:
        writer.write(data[: len(data) // 2])
        writer.flush()
        time.sleep(2)  # camscan reads what was sent and waits for more
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, b"")
    report = json.loads(out.read_text())
    warning = report["run"]["warnings"][-1]
    assert warning.startswith("interrupted by the user (Ctrl-C) after frame ")
    assert warning.endswith(f" of {fifo}: this report is partial")
    assert 0 < report["run"]["stats"]["frames"] < 1258


def test_ctrl_c_during_a_sweep_records_nothing_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from scanner import app as application
    from scanner.cli.main import app

    real = application.analyse_files

    def cut_short(*args: object, **kw: object) -> application.Run:
        run = real(*args, **kw)  # type: ignore[arg-type]
        run.interrupt("frame 600 of the capture")
        return run

    monkeypatch.setattr(application, "analyse_files", cut_short)
    db = tmp_path / "h.sqlite3"
    result = CliRunner().invoke(
        app, ["sweep", "--site", "s1", "--pcap", str(SADP), "--db", str(db)]
    )
    assert (result.exit_code, result.stderr) == (130, "camscan: interrupted\n")
    assert not db.exists()


def test_ctrl_c_during_a_scan_writes_the_partial_report_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from scanner.cli.main import app

    def interrupted(scan: object) -> None:
        raise KeyboardInterrupt  # where asyncio.run re-raises Ctrl-C; nothing is sent

    monkeypatch.setattr("scanner.active.run.run_scan", interrupted)
    out = tmp_path / "scan.json"
    result = CliRunner().invoke(app, ["scan", "127.0.0.1", "--iface", "lo", "-o", str(out), "-q"])
    assert result.exit_code == 130, result.output
    warnings = json.loads(out.read_text())["run"]["warnings"]
    assert warnings[-1] == "interrupted by the user (Ctrl-C) after 0 frames: this report is partial"


def test_ctrl_c_during_listen_writes_the_partial_report_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from scanner.cli.main import app

    monkeypatch.setattr("scanner.sources.live.require_raw", lambda iface: None)
    monkeypatch.setattr("scanner.sources.live.pump", lambda raw, sink, seconds: True)
    out = tmp_path / "listen.json"
    args = ["listen", "--iface", "lo", "--seconds", "60", "-o", str(out), "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 130, result.output
    warning = json.loads(out.read_text())["run"]["warnings"][-1]
    assert warning.startswith("interrupted by the user (Ctrl-C) after ")
    assert warning.endswith(" s of the 60 s: this report is partial")


def test_the_process_ends_without_teardown_yet_runs_atexit_and_flushes_everything() -> None:
    # main() leaves through os._exit: what an atexit handler writes, and the whole report on
    # a pipe, must still arrive, with the command's status
    code = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write('atexit ran\\n')); "
        "from scanner.cli.main import main; sys.argv[0] = 'camscan'; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "pcap", str(DEMO), "--format", "json", "--fail-on", "concern"],
        capture_output=True, check=False, timeout=120,
    )  # fmt: skip
    report = json.loads(proc.stdout)
    assert (proc.returncode, proc.stderr.decode().splitlines()[-1]) == (1, "atexit ran")
    assert report["summary"]["of_concern"] > 0


def test_a_profiler_still_gets_its_results_written(tmp_path: Path) -> None:
    # cProfile writes its statistics after the program returns, which os._exit would prevent
    out = tmp_path / "camscan.prof"
    code = "import sys; from scanner.cli.main import main; sys.argv[0] = 'camscan'; main()"
    script = tmp_path / "camscan_main.py"
    script.write_text(code)
    proc = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), str(script), "--version"],
        capture_output=True, check=False, timeout=60,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, f"camscan {__version__}\n".encode())
    assert out.stat().st_size > 0
