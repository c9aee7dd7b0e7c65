"""Every bundled capture against its committed golden report (refresh: make golden)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CAPTURES = sorted(
    p
    for p in (REPO / "pcaps").rglob("*")
    if p.is_file() and (p.suffix in (".pcap", ".pcapng") or p.name.endswith(".pcap.gz"))
)
GOLDEN = Path(__file__).parent / "golden"


def golden_path(capture: Path) -> Path:
    rel = capture.relative_to(REPO / "pcaps")
    return GOLDEN / (str(rel).replace("/", "__") + ".json")


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: str(p.relative_to(REPO / "pcaps")))
def test_capture_matches_golden_report(
    capture: Path, report_for: Callable[..., dict[str, Any]], update_golden: bool
) -> None:
    text = json.dumps(report_for(capture), indent=2, ensure_ascii=False) + "\n"
    path = golden_path(capture)
    if update_golden:
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"golden report written to {path.name}")
    assert path.is_file(), f"no golden report for {capture.name}: run `make golden` and review it"
    assert text == path.read_text(encoding="utf-8")


def test_every_golden_report_has_its_capture() -> None:
    expected = {golden_path(c).name for c in CAPTURES}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected


def test_identical_input_gives_identical_output(report_for: Callable[..., dict[str, Any]]) -> None:
    demo = REPO / "pcaps" / "demo" / "store-lan.pcapng"
    assert json.dumps(report_for(demo)) == json.dumps(report_for(demo))
