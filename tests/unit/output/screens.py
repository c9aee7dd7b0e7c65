"""The terminal table as a terminal of a given width shows it, for the output tests."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from scanner.output.table import render_table


def screen(report: dict[str, Any], width: int) -> str:
    """What render_table prints at `width` columns, without colour, markup or emoji."""
    out = io.StringIO()
    console = Console(
        file=out, width=width, color_system=None, markup=False, emoji=False, highlight=False
    )
    render_table(report, console)
    return out.getvalue()
