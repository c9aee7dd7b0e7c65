"""--fail-on: concern, suspect (a device of concern or a suspect) and never."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scanner.cli.main import app

REPO = Path(__file__).resolve().parents[3]
SADP = REPO / "pcaps" / "synthetic" / "sadp.pcap"  # one Hikvision camera of concern
SCALE = REPO / "pcaps" / "synthetic" / "scale_ma_m.pcap"  # nothing of concern, no suspect
runner = CliRunner()


def arp_reply_pcap(path: Path, mac: str, ip: str) -> Path:
    """A pcap of one ARP reply: a host whose only evidence is its MAC's registry block."""
    src = bytes.fromhex(mac.replace(":", ""))
    spa = bytes(int(x) for x in ip.split("."))
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + src + spa + b"\xff" * 6 + bytes(4)
    frame = b"\xff" * 6 + src + b"\x08\x06" + arp
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    path.write_bytes(
        header + struct.pack("<IIII", 1_700_000_000, 0, len(frame), len(frame)) + frame
    )
    return path


@pytest.fixture
def suspect(tmp_path: Path) -> Path:
    return arp_reply_pcap(tmp_path / "oui-only.pcap", "44:19:b6:12:34:56", "10.0.0.9")


def test_an_oui_alone_makes_a_suspect(suspect: Path) -> None:
    result = runner.invoke(app, ["pcap", str(suspect), "--format", "json", "-q"])
    summary = json.loads(result.stdout)["summary"]
    assert (summary["of_concern"], summary["suspect"]) == (0, 1)


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("concern", (1, 0, 0)), ("suspect", (1, 1, 0)), ("never", (0, 0, 0))],
)
def test_fail_on(suspect: Path, fail_on: str, expected: tuple[int, int, int]) -> None:
    statuses = tuple(
        runner.invoke(app, ["pcap", str(capture), "-q", "--fail-on", fail_on]).exit_code
        for capture in (SADP, suspect, SCALE)
    )
    assert statuses == expected
