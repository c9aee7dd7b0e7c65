"""Small findings reports (camscan.findings/1) written by hand for the history tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

BASE = "2026-11-{day:02d}T02:{minute:02d}:00.000000Z"


def device(
    mac: str,
    ip: str,
    verdict: str = "concern",
    manufacturer: str | None = "hikvision",
    model: str | None = "DS-2CD2043G2-I",
    firmware: str | None = "V5.7.3",
    kind: str = "camera",
    brand: str | None = None,
) -> dict[str, Any]:
    """A report device with the fields the history tracks."""
    return {
        "id": f"mac:{mac}", "mac": mac, "ips": [ip], "vlan": None, "location": "lan",
        "hostname": None, "oui_organisation": None,
        "manufacturer": manufacturer if verdict != "clear" else None, "brand": brand,
        "kind": kind, "model": model, "firmware": firmware, "serial": None, "verdict": verdict,
        "of_concern": verdict == "concern",
        "concern": "listed" if verdict == "concern" else None, "confidence": 0.9,
        "services": [], "evidence": [], "advisories": [], "first_seen": None, "last_seen": None,
    }  # fmt: skip


def findings(
    devices: list[dict[str, Any]], day: int = 1, warnings: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A findings report of one nightly run on 2026-11-`day`."""
    started, finished = BASE.format(day=day, minute=0), BASE.format(day=day, minute=5)
    concern = [d for d in devices if d["of_concern"]]
    return {
        "schema": "camscan.findings/1",
        "generated_at": finished,
        "tool": {"name": "camscan", "version": "0.1.0", "vendor_db": "t", "oui_registry": "t"},
        "run": {
            "mode": "pcap", "inputs": ["night.pcap"], "started_at": started,
            "finished_at": finished, "policy": "default",
            "stats": {"frames": 1, "bytes": 1, "decode_errors": 0}, "warnings": list(warnings),
            "capabilities": {"root": False},
        },
        "summary": {
            "devices": len(devices), "of_concern": len(concern),
            "suspect": sum(d["verdict"] == "suspect" for d in devices), "remote": 0,
            "by_manufacturer": dict(Counter(d["manufacturer"] for d in concern)),
        },
        "devices": sorted(devices, key=lambda d: d["id"]),
    }  # fmt: skip


CAM_A = device("44:19:b6:00:00:0a", "10.0.0.10")
CAM_B = device("44:19:b6:00:00:0b", "10.0.0.11")
# as camscan reports it: the model number's count (the recorder stated none)
NVR_C = {**device("e0:50:8b:00:00:0c", "10.0.0.12", manufacturer="dahua", model="DHI-NVR4208",
                  kind="nvr"), "channels": {"total": 8, "source": "model"}}  # fmt: skip
SUSPECT_D = device("bc:ad:28:00:00:0d", "10.0.0.13", verdict="suspect", model=None, firmware=None)
PC_E = device("00:1b:21:00:00:0e", "10.0.0.14", verdict="clear", model=None, firmware=None,
              kind="pc")  # fmt: skip
