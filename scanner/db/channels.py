"""What a recorder's model number says about it: how many camera channels it records
(vendor_db/recorder_channels.toml) and whether it has PoE ports for cameras, and how many
(vendor_db/recorder_poe.toml).

The findings report falls back on the channel count for a recorder that states none of its own,
and words its recorder note from the PoE ports.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files

from scanner.db.regex_safety import risk
from scanner.errors import DatabaseError

CHANNELS = "recorder_channels.toml"
POE = "recorder_poe.toml"
# each file's named group, and whether a match must fill it (a PoE suffix may omit its count)
GROUPS = {CHANNELS: ("channels", True), POE: ("ports", False)}


@dataclass(frozen=True, slots=True)
class ModelRule:
    """One model family: its maker, the pattern with a count group, and its proof."""

    id: str
    manufacturer: str
    pattern: re.Pattern[str]
    examples: tuple[tuple[str, int | None], ...]
    counterexamples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PoE:
    """PoE ports for cameras that a model number shows; `ports` None when it omits the count."""

    ports: int | None


@functools.cache
def rules(file: str = CHANNELS) -> tuple[ModelRule, ...]:
    """The rules of one file, checked when loaded: each pattern has the file's count group."""
    import tomllib  # on first use: a run without a recorder never parses TOML

    group, required = GROUPS[file]
    data = tomllib.loads(files("vendor_db").joinpath(file).read_text(encoding="utf-8"))
    out = []
    for raw in data.get("rule", []):
        try:
            pattern = re.compile(raw["pattern"])
            rule = ModelRule(
                id=raw["id"], manufacturer=raw["manufacturer"], pattern=pattern,
                examples=tuple((e["value"], _count(e, group, required)) for e in raw["examples"]),
                counterexamples=tuple(raw.get("counterexamples", [])),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise DatabaseError(f"{file}: bad rule {raw.get('id')!r}: {exc}") from exc
        if group not in pattern.groupindex:
            raise DatabaseError(f"{file}: rule {rule.id} has no (?P<{group}>...) group")
        shape = risk(raw["pattern"])
        if shape:
            raise DatabaseError(f"{file}: rule {rule.id}: {shape}")
        out.append(rule)
    return tuple(out)


def _count(example: dict[str, object], group: str, required: bool) -> int | None:
    value = example[group] if required else example.get(group)
    return None if value is None else int(str(value))


def _match(file: str, manufacturer: str | None, model: str | None) -> re.Match[str] | None:
    """The first match of a rule of `manufacturer` in `file` on `model`."""
    if not model:
        return None
    for rule in rules(file):
        found = rule.pattern.match(model) if rule.manufacturer == manufacturer else None
        if found:
            return found
    return None


def _group(found: re.Match[str] | None, group: str) -> int | None:
    return None if found is None or found.group(group) is None else int(found.group(group))


def channels(manufacturer: str | None, model: str | None) -> int | None:
    """The channel count of a recorder model, or None when no rule knows it."""
    return _group(_match(CHANNELS, manufacturer, model), "channels")


def poe(manufacturer: str | None, model: str | None) -> PoE | None:
    """The PoE ports a recorder model number shows, or None when it shows none."""
    found = _match(POE, manufacturer, model)
    return None if found is None else PoE(_group(found, "ports"))


def verify() -> list[str]:
    """Every rule's examples give their count and its counterexamples do not match."""
    problems = []
    for file, (group, _) in GROUPS.items():
        for rule in rules(file):
            for value, expected in rule.examples:
                found = _match(file, rule.manufacturer, value)
                got = "no match" if found is None else _group(found, group)
                if got != expected:
                    problems.append(f"{file}: {rule.id}: {value} gives {got}, not {expected}")
            for value in rule.counterexamples:
                if rule.pattern.match(value):
                    problems.append(f"{file}: {rule.id}: counterexample {value} matches")
    return problems
