"""Fingerprint rules compiled from TOML tables, and matching observation values against them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from scanner.db.regex_safety import MATCH_LIMIT, risk
from scanner.db.types import Match, Rule
from scanner.errors import DatabaseError

CHANNELS = frozenset({"analog_channels", "digital_channels"})  # a recorder's inputs, as stated
CLAIM_KEYS = frozenset({"manufacturer", "brand", "kind", "model", "serial", "firmware"} | CHANNELS)
SLUG_CLAIMS = ("manufacturer", "brand", "kind")
GROUP_CLAIMS = frozenset({"model", "serial", "firmware", "brand"})
ADOPTABLE = frozenset({"model", "serial", "firmware"} | CHANNELS)
MATCHERS = ("pattern", "equals", "prefix", "hex", "any")
RULE_KEYS = frozenset(
    {*MATCHERS, "id", "flags", "claims", "adopt", "weight", "signal", "about", "lan_only"}
    | {"claims_from"}
    | {"source", "examples", "counterexamples", "when"}
)
_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
# a memo of risk(), a pure function of (pattern, flags), seeded from the vendor_db cache
_CHECKED: set[tuple[str, int]] = set()

Vocab = Mapping[str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class Sample:
    """An example or counterexample of a rule: value, attrs beside it, claims it states."""

    value: str
    attrs: Mapping[str, str]
    claims: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Entry:
    """A loaded rule with its compiled matcher and its own examples."""

    rule: Rule
    regex: re.Pattern[str] | None  # None: every value
    when: tuple[tuple[str, re.Pattern[str]], ...]  # attr name -> regex that must find in it
    examples: tuple[Sample, ...]
    counterexamples: tuple[Sample, ...]
    brands: frozenset[str]  # brand slugs a (?P<brand>) group may name

    @property
    def catch_all(self) -> bool:
        """True when the rule matches every observation of its kind (no counterexample exists)."""
        return self.regex is None and not self.when

    def match(self, value: str, attrs: Mapping[str, str] | None = None) -> Match | None:
        """This rule's Match for `value` and `attrs`, or None when the rule does not apply."""
        attrs = attrs or {}
        for key, rx in self.when:
            if key not in attrs or rx.search(attrs[key][:MATCH_LIMIT]) is None:
                return None
        found = None
        if self.regex is not None:
            found = self.regex.search(value[:MATCH_LIMIT])
            if found is None:
                return None
        return Match(self.rule, MappingProxyType(self._claims(found, attrs)))

    def _claims(self, found: re.Match[str] | None, attrs: Mapping[str, str]) -> dict[str, str]:
        claims = {key: attrs[key] for key in self.rule.adopt if attrs.get(key)}
        for name, text in (found.groupdict() if found else {}).items():
            if not text:
                continue
            if name != "brand":
                claims[name] = text
            elif (slug := slugify(text)) in self.brands:
                claims["brand"] = slug
        claims.update(self.rule.claims)
        return claims


def slugify(text: str) -> str:
    """Vocabulary form of a display name: lower case, words joined by '-'."""
    return "-".join(re.split(r"[\s_]+", text.strip().lower()))


def compile_entry(raw: Mapping[str, Any], kind: str, file: str, vocab: Vocab) -> Entry:
    """Validate one [[rule]] table of `file` and compile it; DatabaseError names file and rule."""
    rule_id = raw.get("id")
    where = f"{file}: rule {rule_id!r}"
    if not isinstance(rule_id, str) or not rule_id:
        raise DatabaseError(f"{where}: missing or empty id")
    check_keys(raw, RULE_KEYS, where)
    flags = _flags(opt_str(raw, "flags", where, ""), where)
    regex = _matcher(raw, flags, where)
    claims = _slug_claims(str_map(raw.get("claims", {}), where, "claims"), vocab, where)
    adopt = str_list(raw.get("adopt", []), where, "adopt")
    _check_claim_sources(regex, claims, adopt, where)
    rule = Rule(
        id=rule_id,
        kind=kind,
        weight=weight(raw, where),
        signal=opt_str(raw, "signal", where, kind),
        claims=MappingProxyType(claims),
        source=req_str(raw, "source", where),
        about=_about(raw, where),
        lan_only=_bool(raw, "lan_only", where),
        adopt=adopt,
        claims_from=_claims_from(raw, claims, where),
    )
    when = tuple(
        (key, compile_regex(text, flags, f"{where} when.{key}"))
        for key, text in str_map(raw.get("when", {}), where, "when").items()
    )
    examples = _samples(raw.get("examples", []), where, "examples", vocab)
    counter = _samples(raw.get("counterexamples", []), where, "counterexamples", vocab)
    return Entry(rule, regex, when, examples, counter, vocab.get("brand", frozenset()))


def _matcher(raw: Mapping[str, Any], flags: int, where: str) -> re.Pattern[str] | None:
    given = [key for key in MATCHERS if key in raw]
    if len(given) != 1:
        raise DatabaseError(f"{where}: needs exactly one of {', '.join(MATCHERS)}")
    key = given[0]
    if key == "any":
        if raw["any"] is not True:
            raise DatabaseError(f"{where}: 'any' must be true")
        return None
    text = req_str(raw, key, where)
    if key == "pattern":
        return compile_regex(text, flags, where)
    if key == "hex":
        if not _HEX.fullmatch(text):
            raise DatabaseError(f"{where}: hex {text!r} is not an even number of hex digits")
        return re.compile(r"\A" + text.lower(), re.IGNORECASE)
    tail = r"\Z" if key == "equals" else ""
    return re.compile(r"\A" + re.escape(text) + tail, flags)


def _check_claim_sources(
    regex: re.Pattern[str] | None, claims: Mapping[str, str], adopt: tuple[str, ...], where: str
) -> None:
    groups = set(regex.groupindex) if regex is not None else set()
    if groups - GROUP_CLAIMS:
        raise DatabaseError(f"{where}: unknown named groups {sorted(groups - GROUP_CLAIMS)}")
    if set(adopt) - ADOPTABLE:
        raise DatabaseError(f"{where}: adopt may only name {sorted(ADOPTABLE)}")
    if overlap := (groups | set(adopt)) & set(claims):
        raise DatabaseError(f"{where}: {sorted(overlap)} both fixed in claims and captured")


def _slug_claims(claims: dict[str, str], vocab: Vocab, where: str) -> dict[str, str]:
    if unknown := set(claims) - CLAIM_KEYS:
        raise DatabaseError(f"{where}: unknown claim keys {sorted(unknown)}")
    for key in SLUG_CLAIMS:
        if key in claims and claims[key] not in vocab.get(key, frozenset()):
            raise DatabaseError(f"{where}: {key} {claims[key]!r} is not in the vocabulary")
    return claims


def _samples(raw: Any, where: str, what: str, vocab: Vocab) -> tuple[Sample, ...]:
    if not isinstance(raw, list):
        raise DatabaseError(f"{where}: {what} must be a list")
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Sample(item, {}, {}))
            continue
        if not isinstance(item, dict):
            raise DatabaseError(f"{where}: {what} entries are strings or tables")
        check_keys(item, frozenset({"value", "attrs", "claims"}), f"{where} {what}")
        claims = _slug_claims(str_map(item.get("claims", {}), where, what), vocab, where)
        attrs = str_map(item.get("attrs", {}), where, what)
        value = item.get("value")
        if not isinstance(value, str):
            raise DatabaseError(f"{where}: {what} entries need a string value")
        out.append(Sample(value, attrs, claims))
    return tuple(out)


def _flags(text: str, where: str) -> int:
    if bad := set(text) - set(_FLAGS):
        raise DatabaseError(f"{where}: unknown flags {''.join(sorted(bad))!r}")
    value = 0
    for letter in text:
        value |= _FLAGS[letter]
    return value


def _claims_from(raw: Mapping[str, Any], claims: Mapping[str, str], where: str) -> str:
    source = opt_str(raw, "claims_from", where, "")
    if source not in ("", "oui"):
        raise DatabaseError(f"{where}: claims_from must be 'oui'")
    if source and {"manufacturer", "brand"} & set(claims):
        raise DatabaseError(f"{where}: claims_from = 'oui' takes manufacturer and brand from it")
    return source


def _about(raw: Mapping[str, Any], where: str) -> str:
    about = opt_str(raw, "about", where, "sender")
    if about not in ("sender", "receiver"):
        raise DatabaseError(f"{where}: about must be 'sender' or 'receiver'")
    return about


def _bool(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise DatabaseError(f"{where}: {key} must be true or false")
    return value


def compile_regex(pattern: str, flags: int, where: str) -> re.Pattern[str]:
    """Compile a database regex; DatabaseError when invalid or shaped to backtrack without end."""
    try:
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise DatabaseError(f"{where}: bad regex {pattern!r}: {exc}") from exc
    if (pattern, flags) not in _CHECKED:
        danger = risk(pattern, flags)
        if danger:
            raise DatabaseError(
                f"{where}: regex {pattern!r} can backtrack catastrophically: {danger}"
            )
        _CHECKED.add((pattern, flags))
    return compiled


def checked_regexes() -> frozenset[tuple[str, int]]:
    """(pattern, flags) of every regex whose shape risk() passed in this process."""
    return frozenset(_CHECKED)


def trust_checked(regexes: Iterable[tuple[str, int]]) -> None:
    """Regexes that passed risk() in an earlier run over the same files (scanner/db/cache.py)."""
    _CHECKED.update(regexes)


def weight(raw: Mapping[str, Any], where: str) -> float:
    """The table's weight, a number in [0, 1]."""
    value = raw.get("weight")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise DatabaseError(f"{where}: weight must be a number in [0, 1], got {value!r}")
    return float(value)


def check_keys(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    """DatabaseError when `raw` has keys outside `allowed`."""
    if unknown := set(raw) - allowed:
        raise DatabaseError(f"{where}: unknown keys {sorted(unknown)}")


def req_str(raw: Mapping[str, Any], key: str, where: str) -> str:
    """A required non-empty string field."""
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise DatabaseError(f"{where}: {key} must be a non-empty string")
    return value


def opt_str(raw: Mapping[str, Any], key: str, where: str, default: str) -> str:
    """An optional string field."""
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise DatabaseError(f"{where}: {key} must be a string")
    return value


def str_map(value: Any, where: str, what: str) -> dict[str, str]:
    """A table of strings to strings."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DatabaseError(f"{where}: {what} must be a table of strings")
    return dict(value)


def str_list(value: Any, where: str, what: str) -> tuple[str, ...]:
    """A list of strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatabaseError(f"{where}: {what} must be a list of strings")
    return tuple(value)
