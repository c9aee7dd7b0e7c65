"""Published advisories: loading them, and deciding from a firmware string whether one applies."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from scanner.db.match import check_keys, compile_regex, opt_str, req_str
from scanner.db.types import Advisory
from scanner.errors import DatabaseError

_KEYS = frozenset(
    {"id", "manufacturer", "title", "source", "model_pattern", "firmware_pattern", "affected"}
    | {"fixed", "family", "display", "fixed_label", "note"}
)

Version = tuple[int, ...]


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def parse_version(adv: Advisory, firmware: str) -> tuple[Version, str] | None:
    """Comparable form of `firmware` under `adv` and its display text; None when unparsable."""
    found = _regex(adv.firmware_pattern).search(firmware)
    if found is None or None in found.groups():
        return None
    try:
        version = tuple(int(part) for part in found.groups())
    except ValueError:
        return None
    shown = adv.display.format(**found.groupdict()) if adv.display else found.group(0)
    return version, shown


def assess(adv: Advisory, model: str | None, firmware: str | None) -> str | None:
    """Basis sentence when `firmware` on `model` falls in the advisory's published scope."""
    if firmware is None or (adv.model_pattern and not _model_in(adv, model)):
        return None
    parsed = parse_version(adv, firmware)
    if parsed is None:
        return None
    version, shown = parsed
    for low, high in adv.affected:
        if _key(adv, low) <= version <= _key(adv, high):
            scope = f" for {adv.family}" if adv.family else ""
            return _with_note(
                adv,
                f"firmware {shown} is within the published affected range "
                f"{_shown(adv, low)} to {_shown(adv, high)}{scope}",
            )
    if adv.fixed and version < _key(adv, adv.fixed):
        label = adv.fixed_label or f"the fixed {_shown(adv, adv.fixed)}"
        return _with_note(adv, f"firmware {shown} predates {label}")
    return None


def advisories_for(
    advisories: Iterable[Advisory], manufacturer: str, model: str | None, firmware: str | None
) -> list[tuple[Advisory, str]]:
    """Advisories of `manufacturer` that apply, each once (first scope that matches), in order."""
    out: list[tuple[Advisory, str]] = []
    seen: set[str] = set()
    for adv in advisories:
        if adv.manufacturer != manufacturer or adv.id in seen:
            continue
        basis = assess(adv, model, firmware)
        if basis is not None:
            seen.add(adv.id)
            out.append((adv, basis))
    return out


def _model_in(adv: Advisory, model: str | None) -> bool:
    return model is not None and _regex(adv.model_pattern).search(model) is not None


def _key(adv: Advisory, text: str) -> Version:
    parsed = parse_version(adv, text)
    assert parsed is not None  # every bound was parsed when the advisory was loaded
    return parsed[0]


def _shown(adv: Advisory, text: str) -> str:
    parsed = parse_version(adv, text)
    return parsed[1] if parsed else text


def _with_note(adv: Advisory, sentence: str) -> str:
    return f"{sentence} ({adv.note})" if adv.note else sentence


def parse_advisories(
    data: Mapping[str, Any], file: str, manufacturers: frozenset[str]
) -> tuple[Advisory, ...]:
    """Validated [[advisory]] tables of advisories.toml."""
    check_keys(data, frozenset({"advisory"}), file)
    tables = data.get("advisory", [])
    if not isinstance(tables, list):
        raise DatabaseError(f"{file}: advisory must be an array of tables")
    return tuple(_advisory(raw, file, manufacturers) for raw in tables)


def _advisory(raw: Any, file: str, manufacturers: frozenset[str]) -> Advisory:
    if not isinstance(raw, dict):
        raise DatabaseError(f"{file}: advisory entries must be tables")
    where = f"{file}: advisory {raw.get('id')!r} {raw.get('family', '')}".rstrip()
    check_keys(raw, _KEYS, where)
    adv = Advisory(
        id=req_str(raw, "id", where),
        manufacturer=req_str(raw, "manufacturer", where),
        title=req_str(raw, "title", where),
        source=req_str(raw, "source", where),
        model_pattern=opt_str(raw, "model_pattern", where, ""),
        firmware_pattern=req_str(raw, "firmware_pattern", where),
        affected=_ranges(raw.get("affected", []), where),
        fixed=opt_str(raw, "fixed", where, ""),
        family=opt_str(raw, "family", where, ""),
        display=opt_str(raw, "display", where, ""),
        fixed_label=opt_str(raw, "fixed_label", where, ""),
        note=opt_str(raw, "note", where, ""),
    )
    _check(adv, where, manufacturers)
    return adv


def _ranges(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    ok = isinstance(raw, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        for pair in raw
    )
    if not ok:
        raise DatabaseError(f"{where}: affected must be a list of [low, high] strings")
    return tuple((low, high) for low, high in raw)


def _check(adv: Advisory, where: str, manufacturers: frozenset[str]) -> None:
    if adv.manufacturer not in manufacturers:
        raise DatabaseError(f"{where}: manufacturer {adv.manufacturer!r} is not in the vocabulary")
    if not adv.affected and not adv.fixed:
        raise DatabaseError(f"{where}: needs affected ranges or a fixed version")
    compile_regex(adv.model_pattern, re.IGNORECASE, where)
    groups = compile_regex(adv.firmware_pattern, re.IGNORECASE, where).groupindex
    if not groups:
        raise DatabaseError(f"{where}: firmware_pattern needs named groups")
    try:  # before the bounds: parsing one shows it with `display`
        adv.display.format(**dict.fromkeys(groups, ""))
    except (KeyError, IndexError, ValueError) as exc:
        raise DatabaseError(f"{where}: display {adv.display!r} does not fit the groups") from exc
    bounds = [v for pair in adv.affected for v in pair] + ([adv.fixed] if adv.fixed else [])
    for bound in bounds:
        if parse_version(adv, bound) is None:
            raise DatabaseError(f"{where}: {bound!r} does not parse with firmware_pattern")
    for low, high in adv.affected:
        if _key(adv, low) > _key(adv, high):
            raise DatabaseError(f"{where}: range {low!r} to {high!r} is reversed")
