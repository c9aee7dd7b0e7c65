"""The findings report as a terminal table: devices of concern first, every value defused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from scanner.output.sanitize import terminal_safe

VERDICT_ORDER = {"concern": 0, "suspect": 1, "clear": 2}
ROW_STYLE = {"concern": "bold red", "suspect": "yellow", "clear": "dim"}
WARNING_LIMIT = 1000  # a warning names a file path and a byte offset: both must show whole
CELL_LIMIT = 64  # characters of one device-supplied value shown in a cell
MAX_IPS = 4  # addresses listed in a cell before "+N more"
NO_WRAP = frozenset({"verdict", "kind", "mac", "conf", "ip(s)"})
COLUMNS = (
    "verdict", "maker / brand", "kind", "model", "serial", "firmware", "ip(s)", "mac", "conf",
    "evidence",
)  # fmt: skip


def render_table(report: Mapping[str, Any], console: Console) -> None:
    """Print the device table, the summary line and the run warnings to `console`."""
    devices = sorted(report["devices"], key=_order)
    if devices:
        console.print(_table(devices))
    console.print(render_summary_line(report))
    render_warnings(report, console)


def render_warnings(report: Mapping[str, Any], console: Console) -> None:
    """Print each run warning on one line, defused; long enough to keep its byte offset."""
    for warning in report["run"]["warnings"]:
        line = Text("warning: " + terminal_safe(warning, limit=WARNING_LIMIT), style="yellow")
        console.print(line, soft_wrap=True)


def render_summary_line(report: Mapping[str, Any]) -> str:
    """E.g. "3 devices of concern: 2 hikvision, 1 dahua (12 devices seen, 1 suspect)".

    The line is free of control characters and markup-escaped, ready for Console.print.
    """
    summary = report["summary"]
    concern = summary["of_concern"]
    head = f"{concern} {'device' if concern == 1 else 'devices'} of concern"
    makers = sorted(summary["by_manufacturer"].items(), key=lambda kv: (-kv[1], kv[0]))
    if makers:
        head += ": " + ", ".join(f"{count} {maker}" for maker, count in makers)
    tail = f"{summary['devices']} {'device' if summary['devices'] == 1 else 'devices'} seen"
    if summary["suspect"]:
        tail += f", {summary['suspect']} suspect"
    return escape(terminal_safe(f"{head} ({tail})", limit=400))


def _order(device: Mapping[str, Any]) -> tuple[int, bool, str]:
    """Concern, then suspect, then clear; LAN before remote; then by id."""
    rank = VERDICT_ORDER.get(device["verdict"], len(VERDICT_ORDER))
    return (rank, device["location"] != "lan", device["id"])


def _table(devices: list[Mapping[str, Any]]) -> Table:
    table = Table(header_style="bold")
    for name in COLUMNS:
        # Serials and MACs must stay readable whole: fold rather than cut with an ellipsis.
        table.add_column(name, overflow="fold", no_wrap=name in NO_WRAP)
    for device in devices:
        table.add_row(*_cells(device), style=ROW_STYLE.get(device["verdict"], ""))
    return table


def _cells(device: Mapping[str, Any]) -> list[Text]:
    """One row; Text cells are never parsed for markup or emoji codes, so a device cannot style."""
    maker = " / ".join(v for v in (device["manufacturer"], device["brand"]) if v)
    if not maker and device["oui_organisation"]:
        maker = f"({device['oui_organisation']})"
    ips = list(device["ips"])
    if device["vlan"] is not None and ips:
        ips[0] = f"{ips[0]} vlan {device['vlan']}"
    return [
        _text(device["verdict"]), _text(maker), _text(device["kind"]), _text(device["model"]),
        _text(device["serial"]), _text(device["firmware"]), _lines(ips, MAX_IPS),
        _text(device["mac"] or device["location"]), _text(f"{device['confidence']:.2f}"),
        _text(", ".join(signals(device))),
    ]  # fmt: skip


def signals(device: Mapping[str, Any]) -> list[str]:
    """Signal classes behind the verdict's manufacturer, strongest first (e.g. sadp, sdk, oui)."""
    maker = device["manufacturer"]
    best: dict[str, float] = {}
    for ev in device["evidence"]:
        if maker and ev["claims"].get("manufacturer") == maker:
            best[ev["signal"]] = max(best.get(ev["signal"], 0.0), ev["weight"])
    return [sig for sig, _ in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))]


def _text(value: str | None) -> Text:
    return Text(terminal_safe(value or "", limit=CELL_LIMIT))


def _lines(values: list[str], most: int) -> Text:
    """The first `most` values one per line, then how many more there are."""
    shown = [terminal_safe(value, limit=CELL_LIMIT) for value in values[:most]]
    if len(values) > most:
        shown.append(f"+{len(values) - most} more")
    return Text("\n".join(shown))
