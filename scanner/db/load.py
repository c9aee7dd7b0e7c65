"""Loading vendor_db (package data) into a validated, queryable VendorDB."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from scanner.db.advisories import advisories_for, parse_advisories
from scanner.db.cache import TomlTables, cache_file, package_root
from scanner.db.match import (
    Entry,
    Vocab,
    check_keys,
    checked_regexes,
    compile_entry,
    req_str,
    str_list,
    trust_checked,
    weight,
)
from scanner.db.oui import Blocks, OuiIndex, registry_name, user_registry
from scanner.db.types import Advisory, Match, OuiEntry, Policy, Rule
from scanner.errors import DatabaseError, InputError
from scanner.model import Kind

MODEL_KIND = "model"  # model strings -> kind/manufacturer/brand; not an observation kind
KNOWN_KINDS = frozenset(kind.value for kind in Kind) | {MODEL_KIND}
_VOCAB_FILES = {"manufacturer": "manufacturers.toml", "brand": "brands.toml", "kind": "kinds.toml"}
_VOCAB_KEYS = frozenset({"name", "description", "manufacturer", "note", "source"})
_POLICY_KEYS = frozenset({"description", "manufacturers", "brands", "min_confidence"})
_CACHE_LIMIT = 4096


class VendorDB:
    """The fingerprint database: rules per kind, OUI registry, vocabulary, policies, advisories."""

    def __init__(
        self,
        meta: Mapping[str, str],
        entries: Mapping[str, tuple[Entry, ...]],
        vocab: Mapping[str, frozenset[str]],
        brand_makers: Mapping[str, str | None],
        policies: Mapping[str, Policy],
        advisories: tuple[Advisory, ...],
        oui_index: OuiIndex,
    ) -> None:
        self.version = meta["version"]
        self.oui_registry = meta["oui_registry"]
        self.oui_source = meta.get("oui_source", "bundled")  # or the path of a user's update
        self.vocab: Mapping[str, frozenset[str]] = MappingProxyType(dict(vocab))
        self.policies: Mapping[str, Policy] = MappingProxyType(dict(policies))
        self.advisories = advisories
        self._entries = entries
        self._brand_makers = brand_makers
        self._oui_index = oui_index
        self._cache: dict[tuple[str, str, tuple[str | None, ...] | None], Match | None] = {}
        # the attrs a kind's rules read (`when` and `adopt`): a match depends on nothing else
        self._reads: dict[str, tuple[str, ...]] = {
            kind: tuple(sorted({k for e in kind_entries for k, _ in e.when}
                               | {k for e in kind_entries for k in e.rule.adopt}))
            for kind, kind_entries in entries.items()
        }  # fmt: skip

    def kinds(self) -> tuple[str, ...]:
        """Kinds that have a rule file (including "oui" and "model"), sorted."""
        return tuple(sorted(self._entries))

    def entries(self, kind: str) -> Sequence[Entry]:
        """Loaded rules of `kind` with their matchers and examples, in file order."""
        return self._entries.get(kind, ())

    def rules(self, kind: str) -> Sequence[Rule]:
        """Rules of `kind` in file order (empty for a kind without rules)."""
        return tuple(entry.rule for entry in self.entries(kind))

    def match(self, kind: str, value: str, attrs: Mapping[str, str] | None = None) -> Match | None:
        """The first rule of `kind` (file order) that matches `value` and `attrs`."""
        reads = self._reads.get(kind, ())
        key = (kind, value, tuple(attrs.get(k) for k in reads) if attrs and reads else None)
        if key not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = self._first(kind, value, attrs)
        return self._cache[key]

    def _first(self, kind: str, value: str, attrs: Mapping[str, str] | None) -> Match | None:
        for entry in self.entries(kind):
            found = self.entry_match(entry, value, attrs)
            if found is not None:
                return found
        return None

    def entry_match(
        self, entry: Entry, value: str, attrs: Mapping[str, str] | None = None
    ) -> Match | None:
        """`entry`'s Match for `value`, with the claims a `claims_from` source adds."""
        found = entry.match(value, attrs)
        if found is not None and entry.rule.claims_from == "oui":
            return self._oui_claims(found, value)
        return found

    def _oui_claims(self, found: Match, mac: str) -> Match | None:
        """`found` with the maker of the registry block of `mac`; None when the block says none."""
        entry = self.oui(mac)
        if entry is None or entry.manufacturer is None:
            return None
        claims = {**found.claims, "manufacturer": entry.manufacturer}
        if entry.brand:
            claims["brand"] = entry.brand
        return Match(found.rule, MappingProxyType(claims))

    def oui(self, mac: str) -> OuiEntry | None:
        """Registry block of a globally administered unicast MAC, with what its owner means."""
        block = self._oui_index.lookup(mac)
        if block is None:
            return None
        prefix, bits, organisation = block
        found = self.match(Kind.OUI.value, organisation)
        if found is None:
            return OuiEntry(prefix, bits, organisation)
        return OuiEntry(
            prefix=prefix,
            bits=bits,
            organisation=organisation,
            manufacturer=found.claims.get("manufacturer"),
            brand=found.claims.get("brand"),
            rule=found.rule.id,
            weight=found.rule.weight,
        )

    def load_oui(self) -> None:
        """Read the OUI registry now rather than at the first lookup (DatabaseError if broken)."""
        self._oui_index.load()

    def oui_blocks(self) -> Blocks:
        """The registry in use: bits -> prefix -> organisation."""
        return self._oui_index.blocks()

    def oui_organisations(self) -> frozenset[str]:
        """Every organisation named in the registry snapshot."""
        return self._oui_index.organisations()

    def policy(self, name: str) -> Policy:
        """The policy called `name`; InputError listing the known names otherwise."""
        try:
            return self.policies[name]
        except KeyError:
            known = ", ".join(sorted(self.policies))
            raise InputError(f"unknown policy {name!r}; known policies: {known}") from None

    def advisories_for(
        self, manufacturer: str, model: str | None, firmware: str | None
    ) -> list[tuple[Advisory, str]]:
        """Advisories whose published scope covers this firmware, each with its basis sentence."""
        return advisories_for(self.advisories, manufacturer, model, firmware)

    def brand_manufacturer(self, brand: str) -> str | None:
        """The manufacturer a brand's products are sourced as coming from, if any."""
        return self._brand_makers.get(brand)


@functools.cache
def load_db() -> VendorDB:
    """The packaged vendor_db, loaded and validated once per process (its parse kept in the
    user's cache between runs); the OUI registry that `camscan db update-oui` put in the user's
    data directory outranks the bundled one unless the bundled one is newer."""
    root = package_root()
    return load_db_from(root, user_registry(), cache_file(root))


def load_db_from(
    root: Traversable, update: tuple[Path, str] | None = None, cache: Path | None = None
) -> VendorDB:
    """Load and validate a vendor_db tree (with `update`, a newer OUI registry and its date;
    with `cache`, its parse kept there between runs); DatabaseError names the file and rule
    at fault."""
    tables = TomlTables(root, cache)
    trust_checked(tables.checked)
    toml = functools.partial(_toml, tables)
    meta = _meta(toml, root)
    vocab, brand_makers = _vocab(toml, root / "vocab")
    entries = _fingerprints(toml, root / "fingerprints", vocab)
    oui_rules = root / "oui" / "organisations.toml"
    entries[Kind.OUI.value] = _rule_file(toml, oui_rules, vocab, Kind.OUI.value)
    _unique_ids(entries)
    policies = _policies(toml(root / "policies.toml"), vocab)
    advisories = parse_advisories(
        toml(root / "advisories.toml"), "advisories.toml", vocab["manufacturer"]
    )
    registry: Traversable = root / "oui" / registry_name(meta["oui_registry"])
    if not registry.is_file():
        raise DatabaseError(f"oui/{registry.name}: registry named in meta.toml is missing")
    where = registry.name
    if update is not None and update[1] >= meta["oui_registry"]:
        registry, where = update[0], str(update[0])
        meta = {**meta, "oui_registry": update[1], "oui_source": where}
    index = OuiIndex(functools.partial(registry.read_text, encoding="utf-8"), where)
    tables.save(checked_regexes())
    return VendorDB(meta, entries, vocab, brand_makers, policies, advisories, index)


Toml = Callable[[Traversable], dict[str, Any]]


def _toml(tables: TomlTables, node: Traversable) -> dict[str, Any]:
    try:
        return tables.load(node)
    except (OSError, UnicodeError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        raise DatabaseError(f"{node.name}: cannot load: {exc}") from exc


def _meta(toml: Toml, root: Traversable) -> dict[str, str]:
    data = toml(root / "meta.toml")
    check_keys(data, frozenset({"version", "oui_registry", "description"}), "meta.toml")
    meta = {key: req_str(data, key, "meta.toml") for key in ("version", "oui_registry")}
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["oui_registry"]):
        raise DatabaseError("meta.toml: oui_registry must be a YYYY-MM-DD date")
    return meta


def _vocab(
    toml: Toml, folder: Traversable
) -> tuple[dict[str, frozenset[str]], dict[str, str | None]]:
    tables = {}
    for what, name in _VOCAB_FILES.items():
        data = toml(folder / name)
        check_keys(data, frozenset({what}), name)
        table = data.get(what, {})
        if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
            raise DatabaseError(f"{name}: expected [{what}.<slug>] tables")
        for slug, entry in table.items():
            check_keys(entry, _VOCAB_KEYS, f"{name}: {slug}")
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
                raise DatabaseError(f"{name}: {slug!r} is not a slug")
        tables[what] = table
    vocab = {what: frozenset(table) for what, table in tables.items()}
    makers: dict[str, str | None] = {}
    for slug, entry in tables["brand"].items():
        maker = entry.get("manufacturer")
        if maker is not None and maker not in vocab["manufacturer"]:
            raise DatabaseError(f"brands.toml: {slug}: unknown manufacturer {maker!r}")
        makers[slug] = maker
    return vocab, makers


def _fingerprints(toml: Toml, folder: Traversable, vocab: Vocab) -> dict[str, tuple[Entry, ...]]:
    entries: dict[str, tuple[Entry, ...]] = {}
    files = sorted((node for node in folder.iterdir() if node.name.endswith(".toml")), key=_name)
    for node in files:
        kind = node.name.removesuffix(".toml")
        if kind not in KNOWN_KINDS or kind == Kind.OUI.value:
            raise DatabaseError(f"fingerprints/{node.name}: not a fingerprint kind")
        entries[kind] = _rule_file(toml, node, vocab, kind)
    return entries


def _name(node: Traversable) -> str:
    return node.name


def _rule_file(toml: Toml, node: Traversable, vocab: Vocab, kind: str) -> tuple[Entry, ...]:
    data = toml(node)
    check_keys(data, frozenset({"kind", "rule"}), node.name)
    if data.get("kind") != kind:
        raise DatabaseError(f"{node.name}: kind must be {kind!r}, as the file name says")
    rules = data.get("rule", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise DatabaseError(f"{node.name}: rule must be an array of tables")
    return tuple(compile_entry(raw, kind, node.name, vocab) for raw in rules)


def _unique_ids(entries: Mapping[str, tuple[Entry, ...]]) -> None:
    seen: set[str] = set()
    for kind_entries in entries.values():
        for entry in kind_entries:
            if entry.rule.id in seen:
                raise DatabaseError(f"{entry.rule.kind}: rule {entry.rule.id!r} is defined twice")
            seen.add(entry.rule.id)


def _policies(data: Mapping[str, Any], vocab: Vocab) -> dict[str, Policy]:
    check_keys(data, frozenset({"policy"}), "policies.toml")
    tables = data.get("policy", {})
    if not isinstance(tables, dict) or not tables:
        raise DatabaseError("policies.toml: expected [policy.<name>] tables")
    return {name: _policy(name, raw, vocab) for name, raw in tables.items()}


def _policy(name: str, raw: Any, vocab: Vocab) -> Policy:
    where = f"policies.toml: {name}"
    if not isinstance(raw, dict):
        raise DatabaseError(f"{where}: must be a table")
    check_keys(raw, _POLICY_KEYS, where)
    makers = frozenset(str_list(raw.get("manufacturers", []), where, "manufacturers"))
    brands = frozenset(str_list(raw.get("brands", []), where, "brands"))
    for what, slugs in (("manufacturer", makers), ("brand", brands)):
        if unknown := slugs - vocab[what]:
            raise DatabaseError(f"{where}: unknown {what} slugs {sorted(unknown)}")
    bound = {"weight": raw.get("min_confidence", 0.5)}
    return Policy(
        name=name,
        description=req_str(raw, "description", where),
        manufacturers=makers,
        brands=brands,
        min_confidence=weight(bound, f"{where} min_confidence"),
    )
