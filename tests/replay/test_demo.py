"""The demo store capture against its planted hosts (pcaps/demo/expected.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

DEMO = Path(__file__).resolve().parents[2] / "pcaps" / "demo"
PLANTED = tomllib.loads((DEMO / "expected.toml").read_text())["hosts"]
OF_CONCERN = {"hikvision", "dahua"}


@pytest.fixture(scope="module")
def demo() -> dict[str, dict[str, Any]]:
    from scanner import app
    from scanner.db import load_db

    db = load_db()
    policy = db.policy("default")
    report = app.findings(app.analyse_files([DEMO / "store-lan.pcapng"], db, policy), db, policy)
    return {d["id"]: d for d in report["devices"]}


@pytest.mark.parametrize("host", PLANTED, ids=lambda h: h["name"])
def test_planted_host_is_reported_as_expected(
    host: dict[str, Any], demo: dict[str, dict[str, Any]]
) -> None:
    device = demo[host["id"]]
    assert device["ips"] == host["ips"]
    assert device["vlan"] == host.get("vlan")
    if host["expect"] == "clear":
        assert device["verdict"] == "clear"
        assert device["manufacturer"] not in OF_CONCERN
        return
    assert device["verdict"] == "concern"
    assert device["location"] == ("remote" if host["expect"] == "remote" else "lan")
    for name in ("manufacturer", "brand", "model", "serial", "firmware"):
        assert device[name] == host.get(name), name
    if "channels" in host:
        assert device["channels"] == host["channels"]


def test_the_summary_counts_the_nvrs_channels_apart(demo: dict[str, dict[str, Any]]) -> None:
    # the NVR states 8 channels; its cameras may not be devices seen on this LAN
    nvrs = [d for d in demo.values() if d["kind"] == "nvr" and "channels" in d]
    assert [(d["model"], d["channels"]["total"]) for d in nvrs] == [("DS-7608NI-K2", 8)]


def test_an_nvr_without_poe_ports_is_not_said_to_have_them(
    demo: dict[str, dict[str, Any]],
) -> None:
    # a DS-7608NI-K2 has no PoE ports (the /8P variant has): nothing says where its cameras are
    nvr = demo["mac:24:48:45:5e:71:0a"]
    assert "poe" not in nvr
    assert nvr["recorder_note"] == (
        "NVR with 8 channels — cameras connected to the recorder (its own ports or a separate "
        "network) may not be visible on this LAN"
    )


def test_demo_reports_exactly_the_planted_devices(demo: dict[str, dict[str, Any]]) -> None:
    assert set(demo) == {h["id"] for h in PLANTED}


def test_router_keeps_none_of_the_routed_evidence(demo: dict[str, dict[str, Any]]) -> None:
    router = demo["mac:00:00:0c:20:30:01"]
    assert (router["evidence"], router["ips"]) == ([], ["10.20.30.1"])
    assert demo["ip:203.0.113.50"]["mac"] is None


def test_dahua_camera_keeps_one_identity_across_its_dhcp_address_change(
    demo: dict[str, dict[str, Any]],
) -> None:
    cams = [d for d in demo.values() if d["serial"] == "6J0BC11PAG4F2D8"]
    assert [c["ips"] for c in cams] == [["10.20.30.20", "10.20.30.21"]]


def test_locally_administered_mac_carries_no_oui_evidence(demo: dict[str, dict[str, Any]]) -> None:
    laa = demo["mac:02:3a:7c:41:90:12"]
    assert laa["oui_organisation"] is None
    assert {e["signal"] for e in laa["evidence"]} == {
        "http",
        "http_auth",
        "http_body",
        "http_request",
    }


def test_firmware_before_the_fix_gets_the_advisory(demo: dict[str, dict[str, Any]]) -> None:
    cam = demo["mac:44:19:b6:2a:3c:11"]
    assert [a["id"] for a in cam["advisories"]] == ["CVE-2021-36260"]


def test_a_recorder_that_states_no_channels_gets_its_model_numbers_count() -> None:
    # the Dahua NVR of dahua5050.pcap answers discovery without its channel counts
    from scanner import app
    from scanner.db import load_db

    db = load_db()
    policy = db.policy("default")
    capture = DEMO.parent / "synthetic" / "dahua5050.pcap"
    report = app.findings(app.analyse_files([capture], db, policy), db, policy)
    nvr = next(d for d in report["devices"] if d["kind"] == "nvr")
    assert (nvr["model"], nvr["channels"]) == (
        "DHI-NVR5216-16P-4KS2", {"total": 16, "source": "model"},
    )  # fmt: skip
    assert report["summary"]["recorder_channels"] == 16
    # and its number's -16P part: 16 PoE ports, whose cameras this LAN does not show
    assert nvr["poe"] == {"ports": 16, "source": "model"}
    assert nvr["recorder_note"] == (
        "NVR with 16 channels and 16 PoE ports (by its model number) — cameras on its PoE ports "
        "are not visible on this LAN"
    )
