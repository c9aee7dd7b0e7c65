"""Real third-party captures (no Hikvision/Dahua in them): zero devices of concern, no crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REALCAPS = Path(__file__).resolve().parents[3] / "shared" / "realcaps"
LISTED = Path(__file__).with_name("realcaps.txt")


def listed_captures() -> list[str]:
    """The committed list of third-party capture names (not the captures themselves)."""
    lines = LISTED.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def manifest_captures(manifest: Path) -> list[str]:
    """The pcap/pcapng file names that ../shared/realcaps/MANIFEST.tsv lists."""
    rows = [line.split("\t")[0] for line in manifest.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if not r.startswith("#") and r.endswith((".pcap", ".pcapng"))]


def test_the_committed_list_is_the_manifests(realcaps: Path) -> None:
    assert listed_captures() == manifest_captures(realcaps / "MANIFEST.tsv")


@pytest.mark.parametrize("name", listed_captures())
def test_real_capture_has_no_device_of_concern(
    name: str, report_for: Callable[..., dict[str, Any]]
) -> None:
    if not (REALCAPS / name).is_file():
        pytest.skip(f"third-party capture {name} not present in {REALCAPS}")
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
