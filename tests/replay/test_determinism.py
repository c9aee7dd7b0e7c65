"""`camscan pcap` gives byte-identical reports whatever the interpreter's hash seed.

Inside one process set and dict order is fixed, so `test_golden.py` cannot see an order that
depends on PYTHONHASHSEED; here each run is its own process with its own seed. Only the run's
wall-clock times (generated_at, started_at, finished_at) may differ, and they are masked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
SEEDS = ("0", "1", "4242")
FORMATS = ("json", "ndjson", "csv", "html", "md", "txt")
CLOCK = "<wall-clock>"


def run_with_seed(seed: str, work: Path) -> dict[str, str]:
    """Every output format of one `camscan pcap` of the demo, clock times masked, by format."""
    out = work / f"seed{seed}"
    out.mkdir()
    argv = [sys.executable, "-c", "from scanner.cli.main import main; main()"]
    argv += ["pcap", str(DEMO), "-q"]
    argv += [a for fmt in FORMATS for a in ("-o", str(out / f"report.{fmt}"))]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    clocks = [report["generated_at"], report["run"]["started_at"], report["run"]["finished_at"]]
    texts = {}
    for fmt in FORMATS:
        text = (out / f"report.{fmt}").read_text(encoding="utf-8")
        for clock in clocks:
            text = text.replace(clock, CLOCK)
        texts[fmt] = text
    return texts


@pytest.fixture(scope="module")
def by_seed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    work = tmp_path_factory.mktemp("hashseed")
    return {seed: run_with_seed(seed, work) for seed in SEEDS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_hash_seed_gives_the_same_report(
    by_seed: dict[str, dict[str, str]], fmt: str
) -> None:
    first, *others = (by_seed[seed][fmt] for seed in SEEDS)
    for other in others:
        assert other == first


def test_the_compared_reports_are_the_demos(by_seed: dict[str, dict[str, str]]) -> None:
    report = json.loads(by_seed[SEEDS[0]]["json"])
    assert (report["summary"]["of_concern"], len(report["devices"])) == (11, 23)
    assert report["generated_at"] == CLOCK
