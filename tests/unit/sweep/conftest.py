"""Builders of findings devices and reports for the sweep unit tests."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest


def device(id_: str, ips: list[str], seen: str, **fields: Any) -> dict[str, Any]:
    """A findings device with every schema field; `seen` is both its first and last sighting."""
    mac = id_.removeprefix("mac:") if id_.startswith("mac:") else None
    return {
        "id": id_, "mac": mac, "ips": ips, "vlan": None, "location": "lan", "hostname": None,
        "oui_organisation": None, "manufacturer": "hikvision", "brand": None, "kind": "camera",
        "model": fields.get("model"), "firmware": fields.get("firmware"),
        "serial": fields.get("serial"), "verdict": "concern", "of_concern": True,
        "concern": "listed", "confidence": 0.9, "services": [], "evidence": [], "advisories": [],
        "first_seen": seen, "last_seen": seen,
    }  # fmt: skip


def findings(*devices: dict[str, Any]) -> dict[str, Any]:
    """A minimal camscan.findings/1 report holding `devices`."""
    return {
        "schema": "camscan.findings/1",
        "generated_at": "2026-11-27T10:00:00Z",
        "tool": {"name": "camscan", "version": "0.1.0", "vendor_db": "t", "oui_registry": "t"},
        "run": {
            "mode": "pcap",
            "inputs": [],
            "started_at": "2026-11-27T10:00:00Z",
            "finished_at": "2026-11-27T10:00:00Z",
            "policy": "default",
            "stats": {"frames": 0, "bytes": 0, "decode_errors": 0},
            "warnings": [],
            "capabilities": {"root": False},
        },  # fmt: skip
        "summary": {
            "devices": len(devices),
            "of_concern": len(devices),
            "suspect": 0,
            "remote": 0,
            "by_manufacturer": {"hikvision": len(devices)} if devices else {},
        },  # fmt: skip
        "devices": sorted(devices, key=lambda d: d["id"]),
    }


@pytest.fixture
def build() -> SimpleNamespace:
    """The builders: build.device(...) and build.findings(...)."""
    return SimpleNamespace(device=device, findings=findings)
