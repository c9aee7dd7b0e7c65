"""--jobs: reports byte-identical to the serial run's, for several captures and for one capture cut
into parts, compiled or not; workers that fail or die cost speed, never the report; small inputs
do not fork; Ctrl-C leaves no worker behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bundled import DEMO, PCAPS, ROOT, report

from scanner.sources import parallel

pytestmark = pytest.mark.usefixtures("compiled")


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> Counts:
    """Parts of a few KiB, parallel at any size; counts the parts merged and read here."""
    monkeypatch.setattr(parallel, "SPLIT_MIN", 4096)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 0)
    counts = Counts()
    real_merge, real_here = parallel._merge, parallel._read_here  # noqa: SLF001

    def merge(*args: object) -> None:
        counts.merged += 1
        real_merge(*args)  # type: ignore[arg-type]

    def here(*args: object) -> object:
        counts.here += 1
        return real_here(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_merge", merge)
    monkeypatch.setattr(parallel, "_read_here", here)
    return counts


class Counts:
    merged = 0
    here = 0


def test_several_captures_at_once(split: Counts) -> None:
    serial = report(PCAPS, jobs=1)
    assert report(PCAPS, jobs=2) == serial
    assert split.merged >= len(PCAPS)  # most parts came from the workers
    assert report(PCAPS, pure=True, jobs=2) == serial  # the fallback reads serially: the same


@pytest.mark.parametrize("per_job", [1, 2, 8, 40])
def test_one_capture_cut_into_parts(
    split: Counts, monkeypatch: pytest.MonkeyPatch, per_job: int
) -> None:
    monkeypatch.setattr(parallel, "PARTS_PER_JOB", per_job)
    assert report([DEMO], jobs=2) == report([DEMO], jobs=1)
    assert split.merged + split.here == min(2 * per_job, DEMO.stat().st_size // 4096)
    assert split.merged >= 2


def test_three_jobs_and_a_capture_named_twice(split: Counts) -> None:
    paths = [DEMO, PCAPS[0], DEMO]
    assert report(paths, jobs=3) == report(paths, jobs=1)


def test_benchmark_samples(split: Counts, monkeypatch: pytest.MonkeyPatch,
                           store_sample: Path, bench_sample: Path) -> None:  # fmt: skip
    monkeypatch.setattr(parallel, "SPLIT_MIN", 1 << 20)
    paths = [store_sample, bench_sample]
    assert report(paths, jobs=2) == report(paths, jobs=1)
    assert split.merged >= 4


def test_the_damaged_and_hostile_corpus(split: Counts, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "hostile"))
    import make_corpus

    corpus = sorted(make_corpus.build(tmp_path).values())
    for path in corpus:
        assert report([path], jobs=2) == report([path], jobs=1), path.name
    assert report(corpus, jobs=2) == report(corpus, jobs=1)
    assert split.here > 0  # parts that could not be merged were read here, the same


def test_a_failing_worker_costs_speed_not_the_report(
    split: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> object:
        raise MemoryError

    serial = report([DEMO], jobs=1)
    monkeypatch.setattr(parallel, "_work", broken)
    assert report([DEMO], jobs=2) == serial
    assert (split.merged, split.here) == (0, 4)


def test_a_worker_that_dies_costs_speed_not_the_report(
    split: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = report([DEMO], jobs=1)
    monkeypatch.setattr(parallel, "_work", lambda *_: os._exit(9))
    started = time.monotonic()
    assert report([DEMO], jobs=2) == serial
    assert split.here == 4 and time.monotonic() - started < 30


def test_small_inputs_are_read_without_forking(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    def refuse(*_: object) -> None:
        raise AssertionError("forked for a small input")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)
    assert report(PCAPS, jobs=2) == report(PCAPS, jobs=1)


def test_a_table_the_serial_run_would_overflow_is_read_here(
    split: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MAX_PART_OBSERVATIONS", 3)
    assert report([DEMO], jobs=2) == report([DEMO], jobs=1)
    assert split.here >= 2


def test_jobs_is_checked_and_an_unreadable_capture_keeps_its_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(b"not a capture at all" * 100)
    camscan = [sys.executable, "-c", "from scanner.cli.main import main; main()", "pcap"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([*camscan, str(DEMO), "--jobs", "0"], capture_output=True, env=env)
    assert proc.returncode == 2 and b"--jobs" in proc.stderr and b"Traceback" not in proc.stderr
    outcomes = []
    for jobs in ("1", "2"):
        argv = [*camscan, str(bad), str(DEMO), "-q", "-o", "-", "--format", "json", "-j", jobs]
        p = subprocess.run(argv, capture_output=True, env=env)
        body = json.loads(p.stdout)
        outcomes.append((p.returncode, p.stderr, body["devices"]))
    assert outcomes[0] == outcomes[1]
    assert b"Traceback" not in outcomes[0][1]


# A background job (as a test run under nohup or `&` can be) starts with SIGINT ignored and its
# children inherit that; a camscan started from a terminal, the case tested, has the default.
PRELUDE = """\
import os, signal, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from scanner.sources import parallel
parallel.SPLIT_MIN, parallel.MIN_PARALLEL = 4096, 0
real = parallel._work
def slow(*args):
    open(os.environ["PIDS"] + "/" + str(os.getpid()), "w").close()
    time.sleep(60)
    return real(*args)
parallel._work = slow
"""


def test_ctrl_c_stops_the_workers_and_exits_130(tmp_path: Path) -> None:
    pids, out = tmp_path / "pids", tmp_path / "partial.json"
    pids.mkdir()
    argv = [sys.executable, "-c", PRELUDE + "from scanner.cli.main import main; main()", "pcap",
            str(DEMO), "-o", str(out), "-q", "--jobs", "2"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIDS": str(pids)}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in pids.iterdir()]
    assert len(workers) == 2
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, b"")
    assert json.loads(out.read_text())["run"]["warnings"][-1].startswith("interrupted by the user")
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid), f"worker {pid} still runs"


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True
