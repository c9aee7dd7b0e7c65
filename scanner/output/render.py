"""Rendering a findings report in any file format, and writing it atomically: the one place the
CLI, sweeps and `camscan report` turn a report into text."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanner.errors import InputError

FORMATS = ("json", "html", "md", "csv", "ndjson")


def render(report: Mapping[str, Any], fmt: str) -> str:
    """The report as text in `fmt` (json, html, md, csv or ndjson)."""
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
    raise InputError(f"unknown report format {fmt!r}; known: {', '.join(FORMATS)}")


def write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically (readers see the old or the whole new file)."""
    from scanner.output import jsonout

    jsonout.replace_atomically(path, jsonout.encode(text))
