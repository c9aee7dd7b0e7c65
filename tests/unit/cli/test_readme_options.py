"""The README names every option of every command, so a new option arrives documented."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from scanner.cli.main import app

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")


def commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every leaf command under `group` with its full name, e.g. ("db update-oui", command)."""
    if hasattr(group, "commands"):  # typer's group class (its click is vendored, version-bound)
        if path and _options(group):  # a group that runs itself too (camscan estate)
            yield " ".join(path), group
        for name, sub in sorted(group.commands.items()):
            yield from commands(sub, (*path, name))
    else:
        yield " ".join(path), group


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option"]


COMMANDS = dict(commands(typer.main.get_command(app)))


def named(option: str) -> bool:
    """Whether the README shows `option` as a whole word (--probes, not --probes-x)."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", README) is not None


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_is_in_the_readme(name: str) -> None:
    missing = [p.opts[0] for p in _options(COMMANDS[name]) if not any(named(o) for o in p.opts)]
    assert missing == [], f"camscan {name}: options not in the README"


def test_every_command_is_in_the_readme() -> None:
    assert [n for n in COMMANDS if f"camscan {n}" not in README] == []
