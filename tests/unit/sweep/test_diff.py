"""Matching devices across two runs by MAC and serial, never by IP."""

from __future__ import annotations

from typing import Any

from scanner.sweep.diff import diff_devices, identity_keys


def dev(id_: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": id_, "mac": None, "ips": [], "serial": None, "firmware": None, "model": None,
        "verdict": "concern", "manufacturer": "hikvision", "last_seen": "2026-11-27T09:00:00Z",
    }  # fmt: skip
    return {**base, **fields}


def test_identity_is_mac_then_serial() -> None:
    device = dev("mac:44:19:b6:2a:3c:11", mac="44:19:b6:2a:3c:11", serial="DS-1")
    assert identity_keys(device) == ["mac:44:19:b6:2a:3c:11", "serial:DS-1"]


def test_identity_falls_back_to_the_report_id() -> None:
    assert identity_keys(dev("ip:203.0.113.50")) == ["ip:203.0.113.50"]


def test_an_ip_change_is_a_change_not_a_new_device() -> None:
    old = [dev("mac:08:ed:ed:5b:21:40", mac="08:ed:ed:5b:21:40", ips=["10.0.0.20"])]
    new = [dev("mac:08:ed:ed:5b:21:40", mac="08:ed:ed:5b:21:40", ips=["10.0.0.21"])]
    assert diff_devices(old, new).as_dict() == {
        "new": [],
        "removed": [],
        "changed": ["mac:08:ed:ed:5b:21:40"],
        "changes": {
            "mac:08:ed:ed:5b:21:40": [{"field": "ips", "old": ["10.0.0.20"], "new": ["10.0.0.21"]}]
        },
    }


def test_a_serial_keeps_identity_when_the_mac_disappears() -> None:
    old = [dev("mac:08:ed:ed:5b:21:40", mac="08:ed:ed:5b:21:40", serial="6J0BC11PAG4F2D8")]
    new = [dev("ip:10.0.0.9", serial="6J0BC11PAG4F2D8")]
    assert diff_devices(old, new).as_dict() == {
        "new": [],
        "removed": [],
        "changed": [],
        "changes": {},
    }


def test_the_same_ip_on_another_mac_is_new_plus_removed() -> None:
    old = [dev("mac:00:00:00:00:00:01", mac="00:00:00:00:00:01", ips=["10.0.0.5"])]
    new = [dev("mac:00:00:00:00:00:02", mac="00:00:00:00:00:02", ips=["10.0.0.5"])]
    result = diff_devices(old, new)
    assert result.new == ("mac:00:00:00:00:00:02",)
    assert result.removed == (
        {
            "id": "mac:00:00:00:00:00:01",
            "mac": "00:00:00:00:00:01",
            "ips": ["10.0.0.5"],
            "manufacturer": "hikvision",
            "model": None,
            "last_seen": "2026-11-27T09:00:00Z",
        },
    )


def test_a_firmware_upgrade_is_a_change() -> None:
    old = [dev("mac:00:00:00:00:00:01", mac="00:00:00:00:00:01", firmware="V5.5.0")]
    new = [dev("mac:00:00:00:00:00:01", mac="00:00:00:00:00:01", firmware="V5.7.3")]
    assert diff_devices(old, new).changed == ("mac:00:00:00:00:00:01",)


def test_evidence_changes_alone_are_not_a_change() -> None:
    old = [dev("mac:00:00:00:00:00:01", mac="00:00:00:00:00:01", evidence=[1])]
    new = [dev("mac:00:00:00:00:00:01", mac="00:00:00:00:00:01", evidence=[1, 2])]
    assert diff_devices(old, new).changed == ()
