"""Engine devices as the `camscan.findings/1` report dictionary (DESIGN §3.2)."""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from scanner import __version__
from scanner.db import VendorDB
from scanner.db.channels import channels as model_channel_count
from scanner.db.channels import poe as model_poe
from scanner.decoders import services
from scanner.engine.core import Device, device_id
from scanner.engine.fuse import Evidence
from scanner.output.actions import RECORDER_KINDS, recorder_note

SCHEMA = "camscan.findings/1"


def iso(ts: float | None) -> str | None:
    """ISO-8601 UTC with microseconds and a Z; None for None or a time datetime cannot show."""
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError, OSError):
        return None  # a damaged pcapng timestamp can claim a year past 9999


def _ip_order(ip: str) -> tuple[int, int]:
    addr = ipaddress.ip_address(ip)
    return (addr.version, int(addr))


def evidence_dict(ev: Evidence) -> dict[str, Any]:
    """One evidence item as JSON."""
    return {
        "signal": ev.rule.signal,
        "rule": ev.rule.id,
        "value": ev.value,
        "claims": dict(sorted(ev.claims.items())),
        "weight": ev.rule.weight,
        "source": {"input": ev.meta.input or None, "frame": ev.meta.frame or None},
        "ts": iso(ev.meta.ts),
        "truncated": ev.truncated,
    }


def device_dict(dev: Device) -> dict[str, Any]:
    """One device as JSON, keys in schema order."""
    fields = dev.verdict.fields
    out: dict[str, Any] = {
        "id": device_id(dev),
        "mac": dev.mac,
        "ips": sorted(dev.ips, key=_ip_order),
        "vlan": dev.vlan,
        "location": dev.location,
        "hostname": dev.hostname,
        "oui_organisation": dev.oui_organisation,
        "manufacturer": dev.verdict.manufacturer,
        "brand": fields.get("brand"),
        "kind": fields.get("kind", "unknown"),
        "model": fields.get("model"),
        "firmware": fields.get("firmware"),
        "serial": fields.get("serial"),
        "verdict": dev.status,
        "of_concern": dev.status == "concern",
        "concern": dev.concern,
        "confidence": dev.verdict.confidence,
        "services": [
            {"proto": p, "port": n, "name": services.name(p, n)} for p, n in sorted(dev.services)
        ],
        "evidence": [evidence_dict(ev) for ev in dev.evidence],
        "advisories": [{"id": i, "basis": b} for i, b in dev.advisories],
        "first_seen": iso(dev.first_seen),
        "last_seen": iso(dev.last_seen),
    }
    channels = channels_of(fields) or model_channels(
        dev.verdict.manufacturer, out["kind"], out["model"]
    )
    if channels is not None:
        out["channels"] = channels
    poe = poe_ports(dev.verdict.manufacturer, out["kind"], out["model"])
    if poe is not None:
        out["poe"] = poe
    note = recorder_note(out)
    if note:
        out["recorder_note"] = note
    return out


def channels_of(fields: Mapping[str, str]) -> dict[str, int | str] | None:
    """{"analog", "digital", "total", "source": "stated"}: inputs a device stated, or None."""
    counts: dict[str, int | str] = {
        name: int(fields[key])
        for name, key in (("analog", "analog_channels"), ("digital", "digital_channels"))
        if fields.get(key, "").isdigit() and len(fields[key]) <= 4
    }
    if not counts:
        return None
    return {**counts, "total": sum(int(n) for n in counts.values()), "source": "stated"}


def model_channels(
    manufacturer: str | None, kind: str | None, model: str | None
) -> dict[str, int | str] | None:
    """{"total", "source": "model"} for a recorder whose model number tells its channels."""
    if kind not in RECORDER_KINDS:
        return None
    total = model_channel_count(manufacturer, model)
    return None if total is None else {"total": total, "source": "model"}


def poe_ports(
    manufacturer: str | None, kind: str | None, model: str | None
) -> dict[str, int | str] | None:
    """{"ports" (when the number gives it), "source": "model"} for a recorder whose model number
    shows PoE ports for cameras."""
    found = model_poe(manufacturer, model) if kind in RECORDER_KINDS else None
    if found is None:
        return None
    return {**({"ports": found.ports} if found.ports is not None else {}), "source": "model"}


def build_report(
    devices: Sequence[Device],
    db: VendorDB,
    *,
    mode: str,
    inputs: Sequence[str],
    policy: str,
    started: float,
    finished: float,
    stats: dict[str, int],
    warnings: Sequence[str],
    capabilities: dict[str, bool],
) -> dict[str, Any]:
    """The whole findings document."""
    rendered = [device_dict(d) for d in devices]
    concern = [d for d in rendered if d["of_concern"]]
    return {
        "schema": SCHEMA,
        "generated_at": iso(finished),
        "tool": {
            "name": "camscan",
            "version": __version__,
            "vendor_db": db.version,
            "oui_registry": db.oui_registry,
        },
        "run": {
            "mode": mode,
            "inputs": list(inputs),
            "started_at": iso(started),
            "finished_at": iso(finished),
            "policy": policy,
            "stats": dict(stats),
            "warnings": list(warnings),
            "capabilities": dict(capabilities),
        },
        "summary": {
            "devices": len(rendered),
            "of_concern": len(concern),
            "suspect": sum(1 for d in rendered if d["verdict"] == "suspect"),
            "remote": sum(1 for d in rendered if d["location"] == "remote"),
            "recorder_channels": sum(
                d["channels"]["total"]
                for d in concern
                if d["kind"] in RECORDER_KINDS and "channels" in d
            ),
            "by_manufacturer": dict(
                sorted(Counter(d["manufacturer"] for d in concern if d["manufacturer"]).items())
            ),
        },
        "devices": rendered,
    }
