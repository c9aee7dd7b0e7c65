"""What sweeps, history and diff print: MACs never turn into emoji, ids are never cut, JSON
writes no raw control, bidi or line-separator character."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "pcaps" / "demo" / "store-lan.pcapng"
DEMO_FINDINGS = REPO / "tests" / "unit" / "output" / "data" / "demo-findings.json"
Cli = Callable[..., subprocess.CompletedProcess[bytes]]


def test_diff_prints_macs_literally(cli: Cli, tmp_path: Path) -> None:
    after = json.loads(DEMO_FINDINGS.read_text())
    before = {
        **after,
        "devices": [d for d in after["devices"] if d["id"] != "mac:9c:8e:cd:0e:77:22"],
    }
    (tmp_path / "old.json").write_text(json.dumps(before))
    proc = cli("diff", tmp_path / "old.json", DEMO_FINDINGS)
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines() == [
        "+ new: mac:9c:8e:cd:0e:77:22 dahua 10.20.30.22",  # ":cd:" is an emoji code in rich
        "1 new, 0 removed, 0 changed",
    ]


def test_history_at_80_columns_shows_whole_site_and_run_ids(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    for _ in range(2):
        assert (
            cli("sweep", "--site", "store-0042", "--pcap", DEMO, "--db", db, "-q").returncode == 1
        )
    ids = [
        row["run_id"]
        for row in json.loads(cli("history", "--db", db, "--format", "json").stdout)["runs"]
    ]
    text = cli("history", "--db", db, env={"COLUMNS": "80"}).stdout.decode()
    assert max(len(line) for line in text.splitlines()) <= 80
    runs = [line for line in text.splitlines() if line.startswith("site") and " run_id " in line]
    assert [line.split()[:4] for line in runs] == [
        ["site", "store-0042", "run_id", run_id] for run_id in ids
    ]


# a line separator, a bidi override, a C1 control, NUL and a lone surrogate (undecodable bytes)
HOSTILE = "DS-2CD\u2028X\u202eY\x85Z\x00\udcff"


def raw_unsafe(text: str) -> set[str]:
    """The control, format, separator and surrogate characters written as themselves."""
    kinds = {"Cc", "Cf", "Zl", "Zp", "Cs"}
    return {ch for ch in text if unicodedata.category(ch) in kinds and ch != "\n"}


def test_diff_json_escapes_what_readers_would_split_or_reorder(cli: Cli, tmp_path: Path) -> None:
    # Before: json.dumps wrote U+2028, U+202E and C1 raw, and the surrogate as a stray byte
    before = json.loads(DEMO_FINDINGS.read_text())
    after = json.loads(DEMO_FINDINGS.read_text())
    after["devices"][0]["model"] = HOSTILE
    (tmp_path / "old.json").write_text(json.dumps(before))
    (tmp_path / "new.json").write_text(json.dumps(after))
    proc = cli("diff", tmp_path / "old.json", tmp_path / "new.json", "--format", "json")
    assert proc.returncode == 0
    text = proc.stdout.decode("utf-8")
    assert raw_unsafe(text) == set()
    [change] = [c for c in json.loads(text)["changes"][after["devices"][0]["id"]]
                if c["field"] == "model"]  # fmt: skip
    assert change["new"] == HOSTILE
