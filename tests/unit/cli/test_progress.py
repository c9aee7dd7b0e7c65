"""Progress on a terminal: percentage and time left when the inputs' size is known."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from scanner.cli import pcap_cmd

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"


def test_sizes_of_files_as_stored(tmp_path: Path) -> None:
    packed = tmp_path / "demo.pcapng.gz"
    packed.write_bytes(gzip.compress(DEMO.read_bytes()))
    assert pcap_cmd.input_sizes([DEMO, packed]) == [DEMO.stat().st_size, packed.stat().st_size]


def test_a_stream_has_no_size(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert pcap_cmd.input_sizes([DEMO, fifo]) is None


def columns_and_task(
    files: list[Path], *updates: tuple[int, int | None, int]
) -> tuple[set[str], float, float | None]:
    progress = pcap_cmd._Progress(files, quiet=False)
    progress.enabled = True  # as on a terminal
    with progress as update:
        for args in updates:
            update(*args)
        task = progress.bar.tasks[0]
        names = {type(c).__name__ for c in progress.bar.columns}
        return names, task.completed, task.total


def test_known_size_shows_percentage_and_time_left() -> None:
    names, done, total = columns_and_task([SADP, DEMO], (1, 1000, 65536))
    assert {"TaskProgressColumn", "TimeRemainingColumn"} <= names
    assert (done, total) == (SADP.stat().st_size + 1000, SADP.stat().st_size + DEMO.stat().st_size)


def test_a_stream_shows_frames_without_a_percentage(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    names, _, total = columns_and_task([fifo], (0, None, 65536))
    assert not {"TaskProgressColumn", "TimeRemainingColumn"} & names
    assert total is None
