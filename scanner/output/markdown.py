"""The findings report as Markdown, for tickets and wikis; device strings cannot inject markup."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from scanner.output import actions
from scanner.output.sanitize import printable

Device = Mapping[str, Any]
# Characters that start inline markup (emphasis, code, links, raw HTML, entities, strikethrough)
# or split a table cell; each is backslash-escaped. Values never start a line, so the line-start
# markers (-, +, 1.) need no escape; with [ and ] escaped no link or image can form.
_SPECIAL = re.compile(r"([\\`*_\[\]#|<>~&])")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def esc(value: Any) -> str:
    """`value` as inert, printable Markdown text on one line; None becomes an em dash."""
    if value is None or value == "":
        return "—"
    return _SPECIAL.sub(r"\\\1", printable(_BREAKS.sub(" ", str(value))))


def render(report: Mapping[str, Any]) -> str:
    """The whole document, action first: summary line, removal checklist, devices for another
    network's owner, suspects to confirm, advisories; then sweep changes and the evidence."""
    devices = report["devices"]
    parts = [_head(report), f"**{esc(actions.summary_line(report))}**\n"]
    parts += [
        _tasks("Removal checklist", _noted(actions.removal_line, actions.to_remove(devices)))
        or "## Removal checklist\n\nNothing to remove: no device of concern found.\n",
        _tasks("Not on this store's LAN", _noted(actions.remote_line, actions.remote(devices))),
        _tasks("Confirm on site", map(actions.confirm_line, actions.suspects(devices))),
        _advisories(devices),
        _summary(report),
    ]
    if report.get("sweep"):
        parts.append(_sweep(report["sweep"]))
    parts.append(_concern([d for d in devices if d["verdict"] == "concern"]))
    suspect = [d for d in devices if d["verdict"] == "suspect"]
    if suspect:
        parts.append("## Suspects\n\n" + "\n".join(_device(d) for d in suspect))
    others = [d for d in devices if d["verdict"] == "clear"]
    if others:
        parts.append(_others(others))
    return "\n".join(p for p in parts if p)


def _noted(line: Callable[[Device], str], devices: Iterable[Device]) -> list[tuple[str, str]]:
    """Each device's checklist line with its recorder note ("" for devices that record none)."""
    return [(line(d), actions.recorder_note(d)) for d in devices]


def _tasks(title: str, lines: Iterable[str | tuple[str, str]]) -> str:
    items = [_task(line) for line in lines]
    return f"## {title} ({len(items)})\n\n" + "\n".join(items) + "\n" if items else ""


def _task(line: str | tuple[str, str]) -> str:
    """One task item; a (line, note) pair puts the note in a bullet under it."""
    text, note = (line, "") if isinstance(line, str) else line
    return f"- [ ] {esc(text)}" + (f"\n  - {esc(note)}" if note else "")


def _advisories(devices: Sequence[Device]) -> str:
    lines = actions.advisory_lines(devices)
    if not lines:
        return ""
    return f"## Advisories ({len(lines)})\n\n" + "\n".join(f"- {esc(x)}" for x in lines) + "\n"


def _head(report: Mapping[str, Any]) -> str:
    run, site = report["run"], (report.get("sweep") or {}).get("site")
    title = f"# camscan report — {esc(site)}" if site else "# camscan report"
    return (
        f"{title}\n\nGenerated {esc(report['generated_at'])} by camscan "
        f"{esc(report['tool']['version'])}, policy {esc(run['policy'])}, {esc(run['mode'])} of "
        f"{esc(', '.join(run['inputs']) or 'the network')}.\n"
    )


def _summary(report: Mapping[str, Any]) -> str:
    s = report["summary"]
    makers = ", ".join(f"{n} {m}" for m, n in s["by_manufacturer"].items()) or "none"
    return (
        "## Summary\n\n"
        f"- Devices seen: {s['devices']}\n- Devices of concern: {s['of_concern']} "
        f"({esc(makers)})\n- Suspect: {s['suspect']}\n- Seen only through a router: "
        f"{s['remote']}\n- Recorder channels ({actions.RECORDER_CAMERAS}): "
        f"{s.get('recorder_channels', 0)}\n"
    )


def _sweep(sweep: Mapping[str, Any]) -> str:
    lines = [
        "## Changes since the previous sweep\n",
        f"Site {esc(sweep['site'])}, run {esc(sweep['run_id'])}, previous run "
        f"{esc(sweep.get('previous_run_id') or 'none')}.\n",
        f"- New: {', '.join(esc(i) for i in sweep['new']) or 'none'}",
        f"- Changed: {', '.join(esc(i) for i in sweep['changed']) or 'none'}",
        "- Removed: " + (", ".join(
            f"{esc(r['id'])} ({esc(r.get('manufacturer'))} {esc(r.get('model'))}, last seen "
            f"{esc(r.get('last_seen'))})" for r in sweep["removed"]) or "none"),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def _concern(devices: list[Device]) -> str:
    if not devices:
        return "## Devices of concern\n\nNone found.\n"
    return "## Devices of concern\n\n" + "\n".join(_device(d) for d in devices)


def _device(d: Device) -> str:
    rows = [
        ("brand", d["brand"]), ("model", d["model"]), ("serial", d["serial"]),
        ("firmware", d["firmware"]), ("location", actions.location_text(d)), ("mac", d["mac"]),
        ("vlan", d["vlan"]), ("ips", ", ".join(d["ips"])),
        ("channels", actions.channels_text(d)), ("recorder", actions.recorder_note(d)),
        ("confidence", f"{d['confidence']:.2f}"),
        ("why", d["concern"]), ("first seen", d["first_seen"]), ("last seen", d["last_seen"]),
        ("advisories", ", ".join(a["id"] for a in d["advisories"])),
    ]  # fmt: skip
    table = "\n".join(f"| {k} | {esc(v)} |" for k, v in rows)
    evidence = "\n".join(
        f"| {esc(ev['signal'])} | {esc(ev['rule'])} | {esc(ev['value'])} | {ev['weight']} |"
        for ev in d["evidence"]
    )
    return (
        f"### {esc(actions.what(d))} — {esc(d['id'])}\n\n"
        f"| field | value |\n|---|---|\n{table}\n\n"
        f"| signal | rule | value | weight |\n|---|---|---|---|\n{evidence}\n"
    )


def _others(devices: list[Device]) -> str:
    rows = "\n".join(
        f"| {esc(d['id'])} | {esc(d['verdict'])} | "
        f"{esc(d['manufacturer'] or d['oui_organisation'])} | {esc(', '.join(d['ips']))} |"
        for d in devices
    )
    return f"## Other devices\n\n| id | verdict | maker | ips |\n|---|---|---|---|\n{rows}\n"
