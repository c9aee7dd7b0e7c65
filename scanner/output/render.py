"""Rendering a findings report in any file format, and writing it atomically: the one place the
CLI, sweeps and `camscan report` turn a report into text."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanner.errors import InputError

FORMATS = ("json", "html", "md", "csv", "ndjson", "table")
TABLE_WIDTH = 80  # a table written to a file is laid out for the classic terminal


def render(report: Mapping[str, Any], fmt: str) -> str:
    """The report as text in `fmt` (json, html, md, csv, ndjson, or table for 80 columns)."""
    from scanner.output import csvout, html, jsonout, markdown, ndjson

    if fmt == "json":
        return jsonout.dumps(report)
    if fmt == "html":
        return html.render(report)
    if fmt == "md":
        return markdown.render(report)
    if fmt == "csv":
        return csvout.render(report)
    if fmt == "ndjson":
        return "".join(line + "\n" for line in ndjson.lines(report))
    if fmt == "table":
        return table_text(report, TABLE_WIDTH)
    raise InputError(f"unknown report format {fmt!r}; known: {', '.join(FORMATS)}")


def encode(text: str) -> bytes:
    """UTF-8 bytes of report text; a lone surrogate becomes a visible escape, never an error."""
    return text.encode("utf-8", "backslashreplace")


def table_text(report: Mapping[str, Any], width: int) -> str:
    """The terminal table (or blocks) as plain text laid out for `width` columns."""
    import io

    from rich.console import Console

    from scanner.output import table

    buffer = io.StringIO()
    out = Console(
        file=buffer, width=width, color_system=None, markup=False, emoji=False,
        highlight=False, soft_wrap=False, legacy_windows=False,
    )  # fmt: skip
    table.render_table(report, out)
    return buffer.getvalue()


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` without clobbering it (see files.write_file)."""
    from scanner import files

    files.write_file(path, encode(text))
