"""Self-check of vendor_db: every rule proves itself with its own examples and counterexamples."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.db.channels import verify as verify_channels
from scanner.db.load import VendorDB
from scanner.db.match import Entry, Sample
from scanner.db.regex_safety import trial
from scanner.model import Kind


def verify(db: VendorDB) -> list[str]:
    """Problems found in `db` (empty when every rule passes its own checks)."""
    problems: list[str] = []
    for kind in db.kinds():
        entries = db.entries(kind)
        for position, entry in enumerate(entries):
            problems += _check_entry(db, entry, entries[:position])
    problems += _check_oui_examples(db)
    problems += verify_channels()
    return problems


def _check_entry(db: VendorDB, entry: Entry, earlier: Sequence[Entry]) -> list[str]:
    rule = entry.rule
    where = f"{rule.kind}: rule {rule.id!r}"
    problems = []
    if not entry.examples:
        problems.append(f"{where}: has no examples")
    if not entry.counterexamples and not entry.catch_all:
        problems.append(f"{where}: has no counterexamples")
    if entry.counterexamples and entry.catch_all:
        problems.append(f"{where}: matches everything, so its counterexamples cannot hold")
    for regex in (entry.regex, *(rx for _, rx in entry.when)):
        slow = trial(regex) if regex is not None else None
        if regex is not None and slow:
            problems.append(f"{where}: pattern {regex.pattern!r} {slow}")
    for sample in entry.examples:
        problems += _check_example(db, entry, sample, earlier, where)
    for sample in entry.counterexamples:
        if db.entry_match(entry, sample.value, sample.attrs) is not None:
            problems.append(f"{where}: counterexample {sample.value!r} matches")
    return problems


def _check_example(
    db: VendorDB, entry: Entry, sample: Sample, earlier: Sequence[Entry], where: str
) -> list[str]:
    found = db.entry_match(entry, sample.value, sample.attrs)
    if found is None:
        return [f"{where}: example {sample.value!r} does not match"]
    problems = [
        f"{where}: example {sample.value!r} claims {key}={found.claims.get(key)!r}, not {value!r}"
        for key, value in sample.claims.items()
        if found.claims.get(key) != value
    ]
    problems += [
        f"{where}: example {sample.value!r} is shadowed by earlier rule {other.rule.id!r}"
        for other in earlier
        if db.entry_match(other, sample.value, sample.attrs) is not None
    ]
    return problems


def _check_oui_examples(db: VendorDB) -> list[str]:
    # An organisation rule whose examples are all absent from the registry has drifted from it
    # (a renamed registrant after `db update-oui`), so it would silently stop matching.
    known = db.oui_organisations()
    return [
        f"oui: rule {entry.rule.id!r}: no example is an organisation of registry {db.oui_registry}"
        for entry in db.entries(Kind.OUI.value)
        if entry.examples and not any(sample.value in known for sample in entry.examples)
    ]
