"""What a report asks people to do, worded once for every format: what to remove (with what
identifies it on site), what to report to another network's owner, what to confirm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scanner.output.chart import Point

Device = Mapping[str, Any]
REMOTE = "seen through the router — not on this store's LAN; tell the owner of that network"
# kinds whose channels are cameras the recorder records, which this LAN may not show
RECORDER_KINDS = frozenset({"nvr", "dvr"})
# where a recorder's cameras are, by what is known of it; only a DVR's coax cameras and cameras on
# PoE ports the model number shows are certainly off this LAN
COAX = "its coax cameras are not visible on this LAN"
POE_PORTS = "cameras on its PoE ports are not visible on this LAN"
RECORDER_CAMERAS = "their cameras may not be among devices seen"  # of the summary's channels
CONNECTED = (
    "cameras connected to the recorder (its own ports or a separate network) may not be visible "
    "on this LAN"
)


def summary_line(report: Mapping[str, Any]) -> str:
    """E.g. "3 devices of concern: 2 hikvision, 1 dahua (12 devices seen, 1 suspect) + 8 recorder
    channels (their cameras may not be among devices seen)"."""
    return " ".join(summary_parts(report))


def summary_parts(report: Mapping[str, Any]) -> list[str]:
    """The summary line in the pieces a narrow screen may put on lines of their own: the devices,
    then the recorder channels of concern when there are any."""
    channels = report["summary"].get("recorder_channels") or 0
    counted = f"+ {channels} recorder {'channel' if channels == 1 else 'channels'}"
    recorders = f"{counted} ({RECORDER_CAMERAS})"
    return [_devices_part(report), *([recorders] if channels else [])]


def _devices_part(report: Mapping[str, Any]) -> str:
    summary = report["summary"]
    concern = summary["of_concern"]
    head = f"{concern} {'device' if concern == 1 else 'devices'} of concern"
    makers = sorted(summary["by_manufacturer"].items(), key=lambda kv: (-kv[1], kv[0]))
    if makers:
        head += ": " + ", ".join(f"{count} {maker}" for maker, count in makers)
    tail = f"{summary['devices']} {'device' if summary['devices'] == 1 else 'devices'} seen"
    if summary["suspect"]:
        tail += f", {summary['suspect']} suspect"
    return f"{head} ({tail})"


def to_remove(devices: Iterable[Device]) -> list[Device]:
    """Devices of concern on this LAN: the removal checklist."""
    return [d for d in devices if d["verdict"] == "concern" and d["location"] == "lan"]


def remote(devices: Iterable[Device]) -> list[Device]:
    """Devices of concern seen only through a router: for the owner of that network."""
    return [d for d in devices if d["verdict"] == "concern" and d["location"] != "lan"]


def suspects(devices: Iterable[Device]) -> list[Device]:
    """Devices with weak evidence only: to confirm on site."""
    return [d for d in devices if d["verdict"] == "suspect"]


def what(device: Device) -> str:
    """Maker / brand, kind and model, e.g. "hikvision / ezviz camera CS-C6N"."""
    maker = " / ".join(str(x) for x in (device["manufacturer"], device["brand"]) if x)
    kind = device["kind"] if device["kind"] not in (None, "unknown") else ""
    return " ".join(x for x in (maker, kind, device["model"] or "") if x) or "unidentified device"


def identifiers(device: Device) -> str:
    """What finds the device on site: VLAN, MAC, serial, IP addresses."""
    parts = [
        f"VLAN {device['vlan']}" if device["vlan"] is not None else "",
        f"MAC {device['mac']}" if device["mac"] else "",
        f"serial {device['serial']}" if device["serial"] else "",
        f"IP {', '.join(device['ips'])}" if device["ips"] else "",
    ]
    return ", ".join(p for p in parts if p)


def removal_line(device: Device) -> str:
    """E.g. "Remove hikvision camera DS-2CD2385G1-I — VLAN 20, MAC 44:19:b6:…, serial …"."""
    return f"Remove {what(device)} — {identifiers(device)}"


def remote_line(device: Device) -> str:
    """E.g. "hikvision at 203.0.113.50, seen through the router — not on this store's LAN; …"."""
    where = ", ".join(device["ips"]) or "an unknown address"
    vlan = f" (VLAN {device['vlan']})" if device["vlan"] is not None else ""
    return f"{what(device)} at {where}{vlan}, {REMOTE}"


def confirm_line(device: Device) -> str:
    """E.g. "Confirm what is at MAC …, IP …: the evidence (oui) points to dahua; …"."""
    signals = sorted({ev["signal"] for ev in device["evidence"]
                      if ev["claims"].get("manufacturer") == device["manufacturer"]})  # fmt: skip
    basis = f" ({', '.join(signals)})" if signals else ""
    owner = f"; registered to {device['oui_organisation']}" if device["oui_organisation"] else ""
    where = identifiers(device) or device["id"]
    tail = (
        "if its label says so, add it to the removal checklist"
        if device["location"] == "lan"
        else REMOTE
    )
    return (
        f"Confirm what is at {where}{owner}: the evidence{basis} points to "
        f"{device['manufacturer'] or 'a listed maker'}; {tail}"
    )


def recorder_note(device: Device) -> str:
    """For a recorder of concern, what is known of its cameras, e.g. "NVR with 8 channels and 8
    PoE ports (by its model number) — cameras on its PoE ports are not visible on this LAN";
    without PoE evidence, that cameras connected to it may not be visible; "" for any other."""
    if device["verdict"] != "concern" or device["kind"] not in RECORDER_KINDS:
        return ""
    count, by_model = _recorder_count(device)
    poe = device.get("poe") if device["kind"] == "nvr" else None
    if not poe:
        basis = " (by its model number)" if by_model else ""
        return f"{count}{basis} — {COAX if device['kind'] == 'dvr' else CONNECTED}"
    ports = poe.get("ports")
    shown = f"{ports} PoE {'port' if ports == 1 else 'ports'}" if ports else "PoE ports"
    link = " and" if by_model else ";"  # "(by its model number)" then covers both counts
    return f"{count}{link} {shown} (by its model number) — {POE_PORTS}"


def _recorder_count(device: Device) -> tuple[str, bool]:
    """E.g. ("NVR with 16 channels", True when the count is the model number's)."""
    kind = str(device["kind"]).upper()
    channels = device.get("channels")
    if not channels:
        return f"{kind}, channel count unknown", False
    total = channels["total"]
    return f"{kind} with {total} {'channel' if total == 1 else 'channels'}", (
        channels.get("source") == "model"
    )


def channels_text(device: Device) -> str:
    """E.g. "8 (0 analog, 8 IP)", as the report states them; "" when it states none."""
    channels = device.get("channels")
    if not channels:
        return ""
    kinds = [f"{channels[k]} {name}" for k, name in (("analog", "analog"), ("digital", "IP"))
             if k in channels]  # fmt: skip
    text = str(channels["total"]) + (f" ({', '.join(kinds)})" if kinds else "")
    return text + (", by its model number" if channels.get("source") == "model" else "")


def location_text(device: Device) -> str:
    """Where the device is, in words."""
    if device["location"] == "lan":
        return "on this store's LAN"
    return REMOTE


def advisory_lines(devices: Sequence[Device]) -> list[str]:
    """One line per advisory of a device: the advisory, the device, and why it applies."""
    return [
        f"{adv['id']} — {what(d)} ({identifiers(d)}): {adv['basis']}"
        for d in devices
        for adv in d["advisories"]
    ]


def history_points(report: Mapping[str, Any]) -> list[Point]:
    """(finished_at, of_concern) of each run in the report's `sweep.history`, oldest first."""
    runs = (report.get("sweep") or {}).get("history") or []
    points: list[Point] = []
    for run in runs:
        if isinstance(run, Mapping):
            when, count = run.get("finished_at"), run.get("of_concern")
            if isinstance(when, str) and isinstance(count, int) and not isinstance(count, bool):
                points.append((when, max(count, 0)))
    return points
