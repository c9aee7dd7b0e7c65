"""How many camera channels a recorder model records, from vendor_db/recorder_channels.toml.

The findings report falls back on these counts for a recorder that states none of its own.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib.resources import files

from scanner.errors import DatabaseError

FILE = "recorder_channels.toml"


@dataclass(frozen=True, slots=True)
class ChannelRule:
    """One model family: its maker, the pattern with a `channels` group, and its proof."""

    id: str
    manufacturer: str
    pattern: re.Pattern[str]
    examples: tuple[tuple[str, int], ...]
    counterexamples: tuple[str, ...]


@functools.cache
def rules() -> tuple[ChannelRule, ...]:
    """The rules, checked when loaded: each pattern has a `channels` group."""
    data = tomllib.loads(files("vendor_db").joinpath(FILE).read_text(encoding="utf-8"))
    out = []
    for raw in data.get("rule", []):
        try:
            pattern = re.compile(raw["pattern"])
            rule = ChannelRule(
                id=raw["id"], manufacturer=raw["manufacturer"], pattern=pattern,
                examples=tuple((e["value"], int(e["channels"])) for e in raw["examples"]),
                counterexamples=tuple(raw.get("counterexamples", [])),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise DatabaseError(f"{FILE}: bad rule {raw.get('id')!r}: {exc}") from exc
        if "channels" not in pattern.groupindex:
            raise DatabaseError(f"{FILE}: rule {rule.id} has no (?P<channels>...) group")
        out.append(rule)
    return tuple(out)


def channels(manufacturer: str | None, model: str | None) -> int | None:
    """The channel count of a recorder model, or None when no rule knows it."""
    if not model:
        return None
    for rule in rules():
        if rule.manufacturer != manufacturer:
            continue
        found = rule.pattern.match(model)
        if found:
            return int(found.group("channels"))
    return None


def verify() -> list[str]:
    """Every rule's examples give their count and its counterexamples give none."""
    problems = []
    for rule in rules():
        for value, expected in rule.examples:
            got = channels(rule.manufacturer, value)
            if got != expected:
                problems.append(f"{rule.id}: {value} gives {got}, not {expected}")
        for value in rule.counterexamples:
            if rule.pattern.match(value):
                problems.append(f"{rule.id}: counterexample {value} matches")
    return problems
