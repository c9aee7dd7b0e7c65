"""Replay every input that ever crashed camscan (tests/hostile/regressions/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_support import run_cli

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
CAPTURES = sorted(p for p in REGRESSIONS.iterdir() if p.suffix != ".md")


@pytest.mark.parametrize("path", CAPTURES, ids=[p.name for p in CAPTURES])
def test_regression_input_gives_a_report_or_one_error_line(path: Path) -> None:
    proc = run_cli("pcap", path, "--format", "json")
    assert b"Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert proc.stdout == b"" and proc.stderr.decode().count("\n") == 1
    else:
        assert proc.returncode == 0
        assert json.loads(proc.stdout)["schema"] == "camscan.findings/1"


def test_timestamp_past_year_9999_is_reported_as_unknown() -> None:
    proc = run_cli(
        "pcap", REGRESSIONS / "pcapng_timestamp_past_year_9999.pcapng", "--format", "json"
    )
    [device] = json.loads(proc.stdout)["devices"]
    assert (device["first_seen"], device["last_seen"]) == (None, None)
    assert {ev["ts"] for ev in device["evidence"]} == {None}
    assert device["model"] == "DS-2CD2043G2-I"
