"""The evidence table's caps: per sender, per rule, per MAC, and fair eviction when full."""

from __future__ import annotations

from scanner.db.types import Rule
from scanner.engine.budget import (
    EVIDENCE_PER_RULE,
    EVIDENCE_PER_SUBJECT,
    Budget,
    Ledger,
)
from scanner.engine.evidence import EvidenceTable, Subject
from scanner.engine.fuse import Evidence
from scanner.model import Meta

META = Meta(input="t.pcap", frame=1, ts=1.0)
FLOOD: Subject = (None, "02:66:00:00:00:66", "10.0.0.66")
CAMERA: Subject = (None, "44:19:b6:00:00:01", "10.0.0.11")


def rule(name: str, weight: float = 0.5) -> Rule:
    return Rule(id=name, kind="http_server", weight=weight, signal="http", claims={}, source="t")


def item(r: Rule, value: str) -> Evidence:
    return Evidence(r, value, {}, META)


def table(cap: int = 1000) -> tuple[EvidenceTable, Ledger]:
    ledger = Ledger(Budget.of())
    return EvidenceTable(cap, ledger), ledger


def fill(t: EvidenceTable, subject: Subject, rules: int, values: int, weight: float = 0.5) -> None:
    for r in range(rules):
        for v in range(values):
            t.add(
                (subject, f"r{r}", f"v{v}"),
                lambda r=r, v=v: item(rule(f"r{r}", weight), f"v{v}"),
                1.0,
            )


def held(t: EvidenceTable, subject: Subject) -> int:
    return sum(1 for key in t.items if key[0] == subject)


def test_a_repeat_bumps_the_count_of_the_stored_item_and_its_latest_time() -> None:
    t, ledger = table()
    for ts in (1.0, 7.0, 4.0):
        t.add((CAMERA, "r0", "App-webs/"), lambda: item(rule("r0"), "App-webs/"), ts)
    assert [(ev.count, ev.last) for ev in t.items.values()] == [(3, 7.0)]
    assert ledger.dropped == {}


def test_one_rule_keeps_at_most_eight_values_per_sender() -> None:
    t, ledger = table()
    fill(t, FLOOD, rules=1, values=100)
    assert held(t, FLOOD) == EVIDENCE_PER_RULE == 8
    assert ledger.dropped == {"evidence_per_host": 92}


def test_one_sender_keeps_at_most_sixty_four_items() -> None:
    t, ledger = table()
    fill(t, FLOOD, rules=20, values=8)
    assert held(t, FLOOD) == EVIDENCE_PER_SUBJECT == 64
    assert ledger.dropped == {"evidence_per_host": 160 - 64}


def test_a_sender_flooding_first_leaves_room_for_a_camera() -> None:
    t, _ = table(cap=100)
    fill(t, FLOOD, rules=20, values=8)
    fill(t, CAMERA, rules=5, values=1)
    assert (held(t, FLOOD), held(t, CAMERA)) == (64, 5)


def test_one_mac_over_many_addresses_holds_an_eighth_of_the_table() -> None:
    t, ledger = table(cap=8000)
    for n in range(200):
        fill(t, (None, "02:66:00:00:00:66", f"10.1.{n // 250}.{n % 250}"), rules=8, values=1)
    assert len(t) == 8000 // 8
    assert ledger.dropped == {"evidence_per_host": 200 * 8 - 1000}


def test_a_full_table_gives_a_newcomer_the_weakest_item_of_the_largest_holder() -> None:
    t, ledger = table(cap=64)
    fill(t, FLOOD, rules=8, values=8, weight=0.2)  # 64 items: the table is full
    t.add(
        (CAMERA, "sadp", "DS-2CD2385G1-I"), lambda: item(rule("sadp", 0.95), "DS-2CD2385G1-I"), 1.0
    )
    assert (held(t, FLOOD), held(t, CAMERA)) == (63, 1)
    assert ledger.dropped == {"evidence": 1}


def test_a_full_table_of_equal_holders_turns_a_newcomer_away() -> None:
    t, ledger = table(cap=64)
    for n in range(64):
        fill(t, (None, f"02:00:00:00:01:{n:02x}", f"10.0.1.{n}"), rules=1, values=1)
    fill(t, CAMERA, rules=1, values=1)
    assert (len(t), held(t, CAMERA)) == (64, 0)
    assert ledger.dropped == {"evidence": 1}


def test_a_full_table_of_equal_holders_gives_way_to_stronger_evidence() -> None:
    t, ledger = table(cap=64)
    for n in range(64):
        fill(t, (None, f"02:00:00:00:01:{n:02x}", f"10.0.1.{n}"), rules=1, values=1, weight=0.8)
    t.add(
        (CAMERA, "sadp", "DS-2CD2385G1-I"), lambda: item(rule("sadp", 0.95), "DS-2CD2385G1-I"), 1.0
    )
    fill(t, CAMERA, rules=1, values=1, weight=0.8)  # as heavy as what is stored: turned away
    assert (len(t), held(t, CAMERA)) == (64, 1)
    assert ledger.dropped == {"evidence": 2}
