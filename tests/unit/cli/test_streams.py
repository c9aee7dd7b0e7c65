"""Captures that arrive as streams: '-', /dev/stdin, a FIFO and process substitution, for pcap
and pcapng, plain and gzip-compressed; each gives the same devices as the file itself."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
Cli = Callable[..., subprocess.CompletedProcess[bytes]]


def devices(proc: subprocess.CompletedProcess[bytes]) -> list[tuple[str, str]]:
    assert proc.returncode == 0, proc.stderr
    return [(d["id"], d["verdict"]) for d in json.loads(proc.stdout)["devices"]]


@pytest.fixture(scope="module")
def expected(cli: Cli) -> dict[Path, list[tuple[str, str]]]:
    return {p: devices(cli("pcap", p, "--format", "json", "-q")) for p in (SADP, DEMO)}


@pytest.mark.parametrize("capture", [SADP, DEMO], ids=["pcap", "pcapng"])
@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_standard_input_is_read_as_a_stream(
    cli: Cli, expected: dict[Path, list[tuple[str, str]]], capture: Path, name: str, packed: bool
) -> None:
    data = capture.read_bytes()
    read_end, write_end = os.pipe()  # a real pipe, as `cat x | camscan pcap -` gives

    def feed() -> None:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(gzip.compress(data) if packed else data)

    writer = threading.Thread(target=feed)
    writer.start()
    with os.fdopen(read_end, "rb") as stdin:
        result = cli("pcap", name, "--format", "json", "-q", stdin=stdin)
    writer.join()
    assert devices(result) == expected[capture]


def test_a_fifo_is_read_as_a_stream(
    cli: Cli, expected: dict[Path, list[tuple[str, str]]], tmp_path: Path
) -> None:
    fifo = tmp_path / "capture"
    os.mkfifo(fifo)
    feeder = threading.Thread(target=lambda: fifo.write_bytes(DEMO.read_bytes()))
    feeder.start()
    result = cli("pcap", fifo, "--format", "json", "-q")
    feeder.join(30)
    assert devices(result) == expected[DEMO]


def test_process_substitution_is_read_as_a_stream(
    expected: dict[Path, list[tuple[str, str]]],
) -> None:
    camscan = f'"{sys.executable}" -c "from scanner.cli.main import main; main()"'
    script = f'{camscan} pcap <(gzip -c "{SADP}") --format json -q'
    proc = subprocess.run(
        ["bash", "-c", script], capture_output=True, cwd=REPO, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert devices(proc) == expected[SADP]


def test_stdin_twice_is_refused(cli: Cli) -> None:
    proc = cli("pcap", "-", "-", stdin=subprocess.DEVNULL)
    assert (proc.returncode, proc.stderr) == (
        2,
        b"camscan: '-' (standard input) can be read only once\n",
    )


def test_a_stream_that_is_not_a_capture_is_one_line_and_exit_2(cli: Cli) -> None:
    proc = cli("pcap", "-", input=b"hello, this is not a capture")
    assert (proc.returncode, proc.stderr) == (
        2,
        b"camscan: stdin: not a pcap or pcapng capture (magic 68656c6c)\n",
    )


def test_an_empty_stream_is_one_line_and_exit_2(cli: Cli) -> None:
    proc = cli("pcap", "-", input=b"")
    assert (proc.returncode, proc.stderr) == (
        2,
        b"camscan: stdin: empty or too short to be a capture\n",
    )
