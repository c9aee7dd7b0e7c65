"""The findings report on a terminal of any width: a table when every column fits whole, else one
block per device of concern or suspect and one line per other device. Devices of concern come
first; a device's MAC, IP, model and serial are never cut or broken; values are defused and
never parsed as markup or emoji."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from scanner.output import actions
from scanner.output.sanitize import terminal_safe

Device = Mapping[str, Any]
VERDICT_ORDER = {"concern": 0, "suspect": 1, "clear": 2}
ROW_STYLE = {"concern": "bold red", "suspect": "yellow", "clear": "dim"}
WARNING_LIMIT = 1000  # a warning names a file path and a byte offset: both must show whole
CELL_LIMIT = 64  # characters of one device-supplied value shown
MAX_IPS = 4  # addresses listed before "+N more"
MAX_SIGNALS = 8  # signal classes listed before "…"
INDENT = "  "
# Columns of the wide table; those in WRAPS may wrap between words, the others never wrap.
COLUMNS = (
    "verdict", "maker / brand", "kind", "model", "serial", "firmware", "ip(s)", "mac", "conf",
    "evidence",
)  # fmt: skip
WRAPS = {"maker / brand": 12, "evidence": 20}  # wrapping column -> the least width it gets
TABLE_PADDING = 3  # rich's default box: one rule and a space either side per column


def render_table(report: Mapping[str, Any], console: Console) -> None:
    """Print the devices in the layout that fits `console`, the summary line and the warnings."""
    devices = sorted(report["devices"], key=_order)
    if devices:
        rows = [_cells(d) for d in devices]
        widths = column_widths(rows, console.width)
        if widths is not None:
            _print_table(devices, rows, widths, console)
            _print_notes(devices, console)
        else:
            _print_blocks(devices, console)
    print_summary_line(report, console)
    render_warnings(report, console)


def print_summary_line(report: Mapping[str, Any], console: Console) -> None:
    """The summary line, its recorder channels on a line of their own when both do not fit."""
    parts = [terminal_safe(part, limit=400) for part in actions.summary_parts(report)]
    for line in flow(parts, max(console.width, 40), sep=" "):
        console.print(Text(line), soft_wrap=True)


def render_warnings(report: Mapping[str, Any], console: Console) -> None:
    """Print each run warning on one line, defused; long enough to keep its byte offset."""
    for warning in report["run"]["warnings"]:
        line = Text("warning: " + terminal_safe(warning, limit=WARNING_LIMIT), style="yellow")
        console.print(line, soft_wrap=True)


def render_summary_line(report: Mapping[str, Any]) -> str:
    """E.g. "3 devices of concern: 2 hikvision, 1 dahua (12 devices seen, 1 suspect)"."""
    return terminal_safe(actions.summary_line(report), limit=400)


def signals(device: Device) -> list[str]:
    """Signal classes behind the verdict's manufacturer, strongest first (e.g. sadp, sdk, oui)."""
    maker = device["manufacturer"]
    best: dict[str, float] = {}
    for ev in device["evidence"]:
        if maker and ev["claims"].get("manufacturer") == maker:
            best[ev["signal"]] = max(best.get(ev["signal"], 0.0), ev["weight"])
    return [sig for sig, _ in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))]


def _order(device: Device) -> tuple[int, bool, str]:
    """Concern, then suspect, then clear; LAN before remote; then by id."""
    rank = VERDICT_ORDER.get(device["verdict"], len(VERDICT_ORDER))
    return (rank, device["location"] != "lan", device["id"])


# -- the wide table -----------------------------------------------------------------------------
def column_widths(rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Content width of each column of the wide table within `width` cells, or None when some
    unwrapped cell (an identifier) or some word of a wrapping cell would not fit whole."""
    natural: list[int] = []
    least: list[int] = []
    for i, name in enumerate(COLUMNS):
        cells = [name, *(row[i] for row in rows)]
        longest = max(cell_len(line) for cell in cells for line in cell.split("\n"))
        natural.append(longest)
        if name in WRAPS:
            words = [cell_len(w) for cell in cells for w in cell.split()]
            least.append(min(longest, max([WRAPS[name], *words])))
        else:
            least.append(longest)
    room = width - 1 - TABLE_PADDING * len(COLUMNS)
    spare = room - sum(least)
    if spare < 0:
        return None
    widths = list(least)
    # the spare cells go to the wrapping column that needs fewest to show whole, then the next
    for i in sorted(range(len(widths)), key=lambda j: natural[j] - least[j]):
        extra = min(natural[i] - widths[i], spare)
        widths[i] += extra
        spare -= extra
    return widths


def _print_table(
    devices: Sequence[Device],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    console: Console,
) -> None:
    table = Table(header_style="bold")
    for name, width in zip(COLUMNS, widths, strict=True):
        table.add_column(name, no_wrap=name not in WRAPS, overflow="fold", width=width)
    for device, row in zip(devices, rows, strict=True):
        table.add_row(*(Text(cell) for cell in row), style=ROW_STYLE.get(device["verdict"], ""))
    console.print(table)


def _cells(device: Device) -> list[str]:
    """One table row, every value defused."""
    ips = [_safe(ip) for ip in device["ips"][:MAX_IPS]]
    if device["vlan"] is not None and ips:
        ips[0] = f"{ips[0]} vlan {device['vlan']}"
    if len(device["ips"]) > MAX_IPS:
        ips.append(f"+{len(device['ips']) - MAX_IPS} more")
    return [
        device["verdict"], _maker(device), _kind(device), _safe(device["model"]),
        _safe(device["serial"]), _safe(device["firmware"]), "\n".join(ips),
        _safe(device["mac"]) or device["location"], f"{device['confidence']:.2f}",
        _signal_list(device),
    ]  # fmt: skip


def _print_notes(devices: Iterable[Device], console: Console) -> None:
    """Below the table: each advisory, and what each recorder of concern hides from the LAN."""
    for device in devices:
        for adv in device["advisories"]:
            line = f"advisory {_safe(adv['id'])} for {_where(device)}: {_long(adv['basis'])}"
            console.print(Text(line, style="red"))
        note = actions.recorder_note(device)
        if note:
            console.print(Text(f"recorder {_where(device)}: {note}"))


# -- blocks for narrower terminals --------------------------------------------------------------
def _print_blocks(devices: Sequence[Device], console: Console) -> None:
    width = max(console.width, 40)
    sections = (
        ("concern", "Devices of concern"),
        ("suspect", "Suspects: confirm on site"),
        ("clear", "Other devices"),
    )
    for verdict, title in sections:
        chosen = [d for d in devices if d["verdict"] == verdict]
        if not chosen:
            continue
        console.print(Text(f"{title} ({len(chosen)})", style="bold"))
        if verdict == "clear":
            _print_others(chosen, console, width)
            continue
        for device in chosen:
            style = ROW_STYLE[verdict]
            for n, line in enumerate(flow(_heading(device), width - len(INDENT))):
                console.print(Text((INDENT if n else "") + line, style=style), soft_wrap=True)
            for line in flow(_fields(device), width - len(INDENT)):
                console.print(Text(INDENT + line), soft_wrap=True)
            note = actions.recorder_note(device)
            for line in flow([note] if note else [], width - len(INDENT)):
                console.print(Text(INDENT + line), soft_wrap=True)


def _heading(device: Device) -> list[str]:
    """The verdict and what the device is; where it is when it is not on this LAN."""
    what = " ".join(x for x in (_maker(device), _kind(device), _safe(device["model"])) if x)
    head = [f"{device['verdict'].upper()}  {what or 'unidentified'}"]
    return head + ([f"({actions.REMOTE})"] if device["location"] == "remote" else [])


def _fields(device: Device) -> list[str]:
    """The device's identity first (IP, MAC, serial), then what backs the verdict."""
    ips = [_safe(ip) for ip in device["ips"][:MAX_IPS]]
    if len(device["ips"]) > MAX_IPS:
        ips.append(f"+{len(device['ips']) - MAX_IPS} more")
    fields = [f"ip {', '.join(ips)}" if ips else ""]
    if device["vlan"] is not None:
        fields.append(f"vlan {device['vlan']}")
    fields += [
        f"mac {_safe(device['mac'])}" if device["mac"] else "",
        f"serial {_safe(device['serial'])}" if device["serial"] else "",
        f"firmware {_safe(device['firmware'])}" if device["firmware"] else "",
        f"host {_safe(device['hostname'])}" if device["hostname"] else "",
        f"confidence {device['confidence']:.2f}",
    ]
    fields += [f"advisory {_safe(a['id'])} ({_long(a['basis'])})" for a in device["advisories"]]
    evidence = _signal_list(device)
    fields.append(f"evidence {evidence}" if evidence else "")
    return [f for f in fields if f]


def _print_others(devices: Sequence[Device], console: Console, width: int) -> None:
    """One line per device: address, MAC (or where it is), then who made it, wrapped at words."""
    firsts = [_first_ip(d) for d in devices]
    ip_width = max(cell_len(ip) for ip in firsts)
    mac_width = max(cell_len(_safe(d["mac"]) or d["location"]) for d in devices)
    for device, ip in zip(devices, firsts, strict=True):
        mac = _safe(device["mac"]) or device["location"]
        lead = f"{INDENT}{ip}{' ' * (ip_width - cell_len(ip))}  {mac}"
        lead += " " * (mac_width - cell_len(mac)) + "  "
        about = " ".join(x for x in (_maker(device), _kind(device), _safe(device["hostname"])) if x)
        room = width - cell_len(lead)
        lines = flow(about.split(), room, sep=" ") if room >= 16 else [about]
        console.print(Text(lead + (lines[0] if lines else "")), soft_wrap=True)
        for line in lines[1:]:
            console.print(Text(" " * cell_len(lead) + line), soft_wrap=True)


def flow(fields: Sequence[str], width: int, sep: str = "  ") -> list[str]:
    """`fields` joined by `sep` into lines of at most `width` cells, breaking only between
    fields; a field wider than a line is itself broken between words, and only a single word
    wider than a line is ever cut."""
    lines: list[str] = []
    line = ""
    for field in fields:
        candidate = f"{line}{sep}{field}" if line else field
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        if cell_len(field) <= width:
            line = field
            continue
        parts = flow(field.split(" "), width, sep=" ") if " " in field else _fold(field, width)
        lines.extend(parts[:-1])
        line = parts[-1]
    if line:
        lines.append(line)
    return lines


def _fold(word: str, width: int) -> list[str]:
    """A word wider than a whole line, cut into pieces of `width` cells (the last resort)."""
    pieces, piece = [], ""
    for ch in word:
        if cell_len(piece + ch) > width and piece:
            pieces.append(piece)
            piece = ""
        piece += ch
    return [*pieces, piece]


# -- shared pieces ------------------------------------------------------------------------------
def _safe(value: Any) -> str:
    return terminal_safe(str(value), limit=CELL_LIMIT) if value is not None else ""


def _maker(device: Device) -> str:
    maker = " / ".join(_safe(v) for v in (device["manufacturer"], device["brand"]) if v)
    if not maker and device["oui_organisation"]:
        maker = f"({_safe(device['oui_organisation'])})"
    return maker


def _kind(device: Device) -> str:
    return "" if device["kind"] in (None, "unknown") else _safe(device["kind"])


def _first_ip(device: Device) -> str:
    ips = device["ips"]
    first = _safe(ips[0]) if ips else "-"
    if device["vlan"] is not None:
        first += f" vlan {device['vlan']}"
    return first + (f" +{len(ips) - 1}" if len(ips) > 1 else "")


def _where(device: Device) -> str:
    ident = _safe(device["mac"]) or "remote"
    return f"{ident} ({_safe(', '.join(device['ips'][:MAX_IPS]))})"


def _signal_list(device: Device) -> str:
    found = signals(device)
    shown = ", ".join(found[:MAX_SIGNALS])
    return shown + (", …" if len(found) > MAX_SIGNALS else "")


def _long(value: Any) -> str:
    """A longer free-text value (an advisory's basis), defused and bounded."""
    return terminal_safe(str(value), limit=WARNING_LIMIT)


def render_rows(columns: Sequence[str], rows: Sequence[Sequence[str]], console: Console) -> None:
    """Print rows under `columns`: a table when every cell fits whole, else one line per row of
    "column value" fields broken only between fields (ids such as run ids are never cut)."""
    cells = [[terminal_safe(str(c), limit=CELL_LIMIT) for c in row] for row in rows]
    widths = [max(cell_len(x) for x in (name, *(row[i] for row in cells))) for i, name in
              enumerate(columns)]  # fmt: skip
    if sum(widths) + TABLE_PADDING * len(columns) + 1 <= console.width:
        grid = Table(header_style="bold")
        for name, width in zip(columns, widths, strict=True):
            grid.add_column(name, no_wrap=True, width=width)
        for row in cells:
            grid.add_row(*(Text(c) for c in row))
        console.print(grid)
        return
    for row in cells:
        fields = [f"{name} {value}" for name, value in zip(columns, row, strict=True)]
        for n, line in enumerate(flow(fields, max(console.width, 40) - len(INDENT))):
            console.print(Text((INDENT if n else "") + line), soft_wrap=True)
