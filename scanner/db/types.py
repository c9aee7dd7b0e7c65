"""Records of the fingerprint database: rules, matches, OUI entries, policies, advisories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Rule:
    """One fingerprint: how to recognise an observation value and what it then claims."""

    id: str
    kind: str
    weight: float
    signal: str  # independence class for fusion: evidence of one signal class is counted once
    claims: Mapping[str, str]
    source: str
    about: str = "sender"  # "sender" or "receiver": whose identity the observation reveals
    lan_only: bool = False  # ignore when the subject is a remote host (cloud servers etc.)
    adopt: tuple[str, ...] = ()  # observation attrs taken over as claims (model, serial, ...)
    claims_from: str = ""  # "oui": the value is a MAC; claim what its registry block's owner is


@dataclass(frozen=True, slots=True)
class Match:
    """A rule that matched one value, with the claims it makes for that value."""

    rule: Rule
    claims: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OuiEntry:
    """A registry block a MAC falls in, and what the organisation means for camscan."""

    prefix: str  # upper-case hex digits, 6 (MA-L), 7 (MA-M) or 9 (MA-S)
    bits: int
    organisation: str
    manufacturer: str | None = None
    brand: str | None = None
    rule: str | None = None  # id of the organisation rule that gave manufacturer/brand
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Policy:
    """Which manufacturers/brands are of concern, and the confidence needed to say so."""

    name: str
    description: str
    manufacturers: frozenset[str]
    brands: frozenset[str] = frozenset()
    min_confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Advisory:
    """A published vulnerability and the firmware it affects, matched on firmware strings."""

    id: str
    manufacturer: str
    title: str
    source: str
    model_pattern: str  # regex over the model; "" for any model of the manufacturer
    firmware_pattern: str  # regex with named groups extracting comparable version parts
    affected: tuple[tuple[str, str], ...]  # inclusive (low, high) ranges in comparable form
    fixed: str = ""
    family: str = ""  # the model family as published ("DS-2CD2xx2F-I"), for the basis sentence
    display: str = ""  # how a parsed firmware is shown: str.format over firmware_pattern's groups
    fixed_label: str = ""  # what "fixed" is called in the basis; default "the fixed <fixed>"
    note: str = ""  # caveat appended to the basis in parentheses ("platform not verified")
