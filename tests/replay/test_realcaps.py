"""Real third-party captures (no Hikvision/Dahua in them): zero devices of concern, no crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REALCAPS = Path(__file__).resolve().parents[3] / "shared" / "realcaps"


def _captures() -> list[str]:
    manifest = REALCAPS / "MANIFEST.tsv"
    if not manifest.is_file():
        return ["(absent)"]
    rows = [line.split("\t")[0] for line in manifest.read_text().splitlines()]
    return [r for r in rows if r.endswith((".pcap", ".pcapng"))]


@pytest.mark.parametrize("name", _captures())
def test_real_capture_has_no_device_of_concern(
    name: str, report_for: Callable[..., dict[str, Any]]
) -> None:
    if name == "(absent)":
        pytest.skip(f"third-party captures not present at {REALCAPS}")
    report = report_for(REALCAPS / name)
    assert report["summary"]["of_concern"] == 0
    assert report["summary"]["suspect"] == 0
    assert [d["id"] for d in report["devices"] if d["manufacturer"] in ("hikvision", "dahua")] == []


def test_home_lan_capture_gives_the_true_mac_ip_pairs(
    realcaps: Path, report_for: Callable[..., dict[str, Any]]
) -> None:
    report = report_for(realcaps / "mudproject" / "camera.pcap")
    pairs = {d["mac"]: d["ips"] for d in report["devices"]}
    assert len(pairs) == 4
    assert pairs["0c:8c:24:0b:39:7b"] == ["192.168.1.143"]


def test_camera_setup_capture_names_the_dlink_camera(
    realcaps: Path, report_for: Callable[..., dict[str, Any]]
) -> None:
    mac = (realcaps / "iotsentinel" / "D-LinkCam_mac.txt").read_text().strip().lower()
    report = report_for(realcaps / "iotsentinel" / "D-LinkCam_Setup-A-1-STA.pcap")
    cam = next(d for d in report["devices"] if d["mac"] == mac)
    assert (cam["verdict"], cam["hostname"]) == ("clear", "DCS-935L")
