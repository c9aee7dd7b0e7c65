"""The findings report as one self-contained, printable HTML page (no external assets), action
first: the summary line, what to remove, what to report, what to confirm; then the evidence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from scanner.output import actions
from scanner.output.chart import Point, caption, concern_chart
from scanner.output.sanitize import printable

Device = Mapping[str, Any]
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;color:#111;margin:2em auto;max-width:72em;padding:0 1em}
h1{font-size:1.6em;margin:0}h2{border-bottom:2px solid #333;margin-top:1.6em}
.headline{font-size:1.25em;font-weight:bold;margin:.6em 0}
table{border-collapse:collapse;width:100%;margin:.4em 0}
th,td{border:1px solid #bbb;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#eee}td{word-break:break-word}
.meta{color:#444}.device{border:2px solid #b00;border-radius:4px;padding:.2em .9em;margin:1em 0}
.device.suspect{border-color:#b80}
.device h3{margin:.4em 0;color:#900}.concern{color:#b00;font-weight:bold}
.evidence td{font-family:ui-monospace,monospace;font-size:.85em}
.checklist{list-style:none;padding-left:0}.checklist li{margin:.35em 0}
.checklist input{width:1.1em;height:1.1em;margin-right:.5em;vertical-align:middle}
.checklist code{font-size:1.05em}.chart{max-width:100%;height:auto}
.checklist .note{margin-left:1.6em;color:#444}
.new{color:#060}.removed{color:#555}
@media print{body{margin:0;max-width:none;font-size:11px}
.device,.checklist li,tr{break-inside:avoid}h2{break-after:avoid}a{color:inherit}}
"""


def render(report: Mapping[str, Any], history: Sequence[Point] | None = None) -> str:
    """The whole page; every string from the report is escaped and shown printable.

    `history` is the site's devices of concern per run, oldest first; without it the page
    draws the report's own `sweep.history`, when it has one.
    """
    devices = report["devices"]
    points = list(history) if history is not None else actions.history_points(report)
    parts = [
        _head(report),
        _headline(report),
        _removal(actions.to_remove(devices)),
        _remote(actions.remote(devices)),
        _suspects(actions.suspects(devices)),
        _chart(points),
        _advisories(devices),
        _sweep(report) if report.get("sweep") else "",
        _cards("Devices of concern", [d for d in devices if d["verdict"] == "concern"]),
        _cards("Suspects", [d for d in devices if d["verdict"] == "suspect"], empty=""),
        _others([d for d in devices if d["verdict"] == "clear"]),
        _summary(report),
        "</body></html>\n",
    ]
    return "".join(parts)


def _e(value: Any) -> str:
    """Escaped, printable text of a value; None shows as an em dash."""
    if value is None or value == "":
        return "—"
    return escape(printable(str(value)), quote=True)


def _head(report: Mapping[str, Any]) -> str:
    site = (report.get("sweep") or {}).get("site")
    title = f"camscan report — {site}" if site else "camscan report"
    run = report["run"]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{_e(title)}</h1><p class="meta">Generated {_e(report["generated_at"])} '
        f"by camscan {_e(report['tool']['version'])} (vendor_db {_e(report['tool']['vendor_db'])}"
        f") · policy {_e(run['policy'])} · {_e(run['mode'])} of "
        f"{_e(', '.join(run['inputs']) or 'the network')}</p>"
    )


def _headline(report: Mapping[str, Any]) -> str:
    warnings = "".join(f"<li>{_e(w)}</li>" for w in report["run"]["warnings"])
    extra = f'<p>Warnings:</p><ul class="warnings">{warnings}</ul>' if warnings else ""
    return f'<p class="headline">{_e(actions.summary_line(report))}</p>{extra}'


def _chart(points: Sequence[Point]) -> str:
    if not points:
        return ""
    return (
        '<h2>Devices of concern per run</h2><figure class="history">'
        f"{concern_chart(points)}<figcaption>{_e(caption(points))}</figcaption></figure>"
    )


def _checklist(title: str, css: str, lines: Iterable[str | tuple[str, str]], note: str = "") -> str:
    items = "".join(_item(line) for line in lines)
    if not items:
        return ""
    count = items.count("<li>")
    lead = f"<p>{_e(note)}</p>" if note else ""
    return f'<h2>{_e(title)} ({count})</h2>{lead}<ul class="checklist {css}">{items}</ul>'


def _item(line: str | tuple[str, str]) -> str:
    """One checklist item; a (line, note) pair shows the note under its line."""
    text, note = (line, "") if isinstance(line, str) else line
    under = f'<br><span class="note">{_e(note)}</span>' if note else ""
    return f'<li><label><input type="checkbox"> {_e(text)}</label>{under}</li>'


def _removal(devices: Sequence[Device]) -> str:
    if not devices:
        return "<h2>Removal checklist</h2><p>Nothing to remove: no device of concern found.</p>"
    lines = ((actions.removal_line(d), actions.recorder_note(d)) for d in devices)
    return _checklist("Removal checklist", "removal", lines)


def _remote(devices: Sequence[Device]) -> str:
    return _checklist(
        "Not on this store's LAN", "remote",
        ((actions.remote_line(d), actions.recorder_note(d)) for d in devices),
        "Seen only through this store's router: nobody at this store can remove them.",
    )  # fmt: skip


def _suspects(devices: Sequence[Device]) -> str:
    return _checklist(
        "Confirm on site", "suspects", (actions.confirm_line(d) for d in devices),
        "Weak evidence only (an OUI alone, a cloud lookup alone): check the label on the device.",
    )  # fmt: skip


def _advisories(devices: Sequence[Device]) -> str:
    lines = actions.advisory_lines(devices)
    if not lines:
        return ""
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return f'<h2>Advisories ({len(lines)})</h2><ul class="advisories">{items}</ul>'


def _sweep(report: Mapping[str, Any]) -> str:
    sweep = report["sweep"]
    by_id = {d["id"]: d for d in report["devices"]}
    prev = sweep.get("previous_run_id") or "none (first sweep of this site)"
    parts = [
        f'<h2>Changes since the previous sweep</h2><p class="meta">Site {_e(sweep["site"])}, '
        f"run {_e(sweep['run_id'])}, previous run {_e(prev)}</p>",
        _id_list("New", "new", [by_id[i] for i in sweep.get("new", []) if i in by_id]),
        _removed(sweep.get("removed", [])),
        _id_list("Changed", "changed", [by_id[i] for i in sweep.get("changed", []) if i in by_id]),
    ]
    return "".join(parts)


def _id_list(title: str, css: str, devices: list[Device]) -> str:
    items = "".join(f'<li class="{css}">{_label(d)}</li>' for d in devices)
    return f"<h3>{_e(title)} ({len(devices)})</h3>" + (f"<ul>{items}</ul>" if items else "")


def _removed(removed: list[Mapping[str, Any]]) -> str:
    items = "".join(
        f'<li class="removed">{_label(r)} — last seen {_e(r.get("last_seen"))}</li>'
        for r in removed
    )
    return f"<h3>Removed ({len(removed)})</h3>" + (f"<ul>{items}</ul>" if items else "")


def _label(device: Mapping[str, Any]) -> str:
    """Maker, model and addresses of a device in one escaped line."""
    what = " ".join(str(x) for x in (device.get("manufacturer"), device.get("model")) if x)
    where = ", ".join(device.get("ips") or [])
    return f"<code>{_e(device['id'])}</code> {_e(what or 'unidentified')} {_e(where)}"


def _cards(title: str, devices: list[Device], empty: str = "<p>None found.</p>") -> str:
    if not devices:
        return f"<h2>{_e(title)}</h2>{empty}" if empty else ""
    return f"<h2>{_e(title)} ({len(devices)})</h2>" + "".join(_device_card(d) for d in devices)


def _device_card(device: Device) -> str:
    rows = [
        ("Manufacturer", device["manufacturer"]), ("Brand", device["brand"]),
        ("Kind", device["kind"]), ("Model", device["model"]), ("Serial", device["serial"]),
        ("Firmware", device["firmware"]), ("Location", actions.location_text(device)),
        ("MAC", device["mac"]), ("IP addresses", ", ".join(device["ips"])),
        ("VLAN", device["vlan"]), ("Hostname", device["hostname"]),
        ("OUI organisation", device["oui_organisation"]),
        ("Channels", actions.channels_text(device)), ("Recorder", actions.recorder_note(device)),
        ("Confidence", f"{device['confidence']:.2f}"), ("Why", device["concern"]),
        ("First seen", device["first_seen"]), ("Last seen", device["last_seen"]),
        ("Advisories", "; ".join(f"{a['id']}: {a['basis']}" for a in device["advisories"])),
    ]  # fmt: skip
    table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    css = "device" if device["verdict"] == "concern" else f"device {device['verdict']}"
    return (
        f'<section class="{css}" data-device-id="{_e(device["id"])}">'
        f"<h3>{_title(device)}</h3><table>{table}</table>{_evidence(device['evidence'])}"
        "</section>"
    )


def _title(device: Device) -> str:
    return f"{_e(actions.what(device))} — {_e(device['id'])}"


def _evidence(evidence: Iterable[Mapping[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{_e(ev['signal'])}</td><td>{_e(ev['rule'])}</td><td>{_e(ev['value'])}</td>"
        f"<td>{_e(ev['weight'])}</td><td>{_e(_source(ev['source']))}</td></tr>"
        for ev in evidence
    )
    head = "<tr><th>signal</th><th>rule</th><th>value</th><th>weight</th><th>source</th></tr>"
    return f'<table class="evidence">{head}{rows}</table>' if rows else "<p>No evidence.</p>"


def _source(source: Mapping[str, Any]) -> str:
    if source.get("input") is None:
        return ""
    frame = source.get("frame")
    return f"{source['input']} #{frame}" if frame else str(source["input"])


def _others(devices: list[Device]) -> str:
    if not devices:
        return ""
    head = "<tr><th>id</th><th>verdict</th><th>maker</th><th>kind</th><th>IPs</th></tr>"
    rows = "".join(
        f'<tr data-device-id="{_e(d["id"])}"><td>{_e(d["id"])}</td><td>{_e(d["verdict"])}</td>'
        f"<td>{_e(d['manufacturer'] or d['oui_organisation'])}</td><td>{_e(d['kind'])}</td>"
        f"<td>{_e(', '.join(d['ips']))}</td></tr>"
        for d in devices
    )
    return f"<h2>Other devices ({len(devices)})</h2><table>{head}{rows}</table>"


def _summary(report: Mapping[str, Any]) -> str:
    summary = report["summary"]
    makers = ", ".join(f"{n} {m}" for m, n in summary["by_manufacturer"].items()) or "none"
    rows = [
        ("Devices seen", summary["devices"]),
        ("Devices of concern", summary["of_concern"]),
        ("Of concern by manufacturer", makers),
        ("Suspect", summary["suspect"]),
        ("Seen only through a router", summary["remote"]),
        (f"Recorder channels ({actions.RECORDER_CAMERAS})", summary.get("recorder_channels")),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<h2>Summary</h2><table class="summary">{body}</table>'
