"""The evidence table: bounded overall, per sender, per rule and per MAC, never first-come.

A subject (vlan, MAC, IP) keeps at most EVIDENCE_PER_SUBJECT items and EVIDENCE_PER_RULE values of
one rule; one MAC, over all the addresses it carries, at most 1/EVIDENCE_MAC_SHARE of the table.
When the table is full, a newcomer takes the weakest item of the subject holding the most, if that
subject holds at least two more than the newcomer; failing that, it takes the place of the
lightest item stored if it outweighs it. A flood that came first, from one sender or from a
hundred thousand, cannot starve a camera that speaks later with stronger evidence.
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.engine.budget import (
    EVIDENCE_MAC_SHARE,
    EVIDENCE_PER_RULE,
    EVIDENCE_PER_SUBJECT,
    Ledger,
)
from scanner.engine.fuse import Evidence
from scanner.engine.hosts import Vlan

Subject = tuple[Vlan, str | None, str | None]  # (vlan, mac, ip)
EvidenceKey = tuple[Subject, str, str]  # (subject, rule id, value)


class EvidenceTable:
    """Evidence by (subject, rule, value); repeats only bump the stored item's count."""

    __slots__ = (
        "_by_count", "_by_weight", "_of_mac", "_of_subject", "cap", "items", "ledger", "mac_cap",
    )  # fmt: skip

    def __init__(self, cap: int, ledger: Ledger) -> None:
        self.cap = cap
        self.mac_cap = max(EVIDENCE_PER_SUBJECT, cap // EVIDENCE_MAC_SHARE)
        self.ledger = ledger
        self.items: dict[EvidenceKey, Evidence] = {}
        self._of_subject: dict[Subject, list[EvidenceKey]] = {}
        self._of_mac: dict[tuple[Vlan, str], int] = {}
        # subjects by how many items they hold (index 1..EVIDENCE_PER_SUBJECT), to find the largest
        self._by_count: list[dict[Subject, None]] = [{} for _ in range(EVIDENCE_PER_SUBJECT + 1)]
        self._by_weight: dict[float, dict[EvidenceKey, None]] = {}  # rule weights are few

    def __len__(self) -> int:
        return len(self.items)

    def add(self, key: EvidenceKey, make: Callable[[], Evidence], ts: float) -> None:
        """Store the item `make()` builds under `key`, or count the repeat seen at `ts`, or count
        the drop."""
        known = self.items.get(key)
        if known is not None:
            known.count += 1
            if known.last is None or ts > known.last:
                known.last = ts
            return
        subject, rule_id, _ = key
        held = self._of_subject.get(subject, [])
        mac = (subject[0], subject[1]) if subject[1] else None
        if (
            len(held) >= EVIDENCE_PER_SUBJECT
            or sum(1 for k in held if k[1] == rule_id) >= EVIDENCE_PER_RULE
            or (mac is not None and self._of_mac.get(mac, 0) >= self.mac_cap)
        ):
            self.ledger.drop("evidence_per_host")
            return
        if len(self.items) >= self.cap:
            new = make()
            if not (self._evict_for(len(held)) or self._evict_lighter(new.weight)):
                self.ledger.drop("evidence")
                return
            self.items[key] = new
        else:
            self.items[key] = new = make()
        self._by_weight.setdefault(new.weight, {})[key] = None
        self._count(subject, len(held), len(held) + 1)
        self._of_subject.setdefault(subject, []).append(key)
        if mac is not None:
            self._of_mac[mac] = self._of_mac.get(mac, 0) + 1

    def _evict_for(self, newcomer_holds: int) -> bool:
        """Free one slot from the largest holder if it holds two more than the newcomer."""
        for count in range(EVIDENCE_PER_SUBJECT, newcomer_holds + 1, -1):
            holders = self._by_count[count]
            if holders:
                subject = holders.popitem()[0]  # O(1), unlike deleting from the front
                self._evict_one(subject)
                self._by_count[count - 1][subject] = None
                return True
        return False

    def _evict_lighter(self, weight: float) -> bool:
        """Free the slot of the most recent of the lightest items, if lighter than `weight`."""
        lightest = min((w for w, keys in self._by_weight.items() if keys), default=weight)
        if lightest >= weight:
            return False
        key = self._by_weight[lightest].popitem()[0]  # O(1): deleting in place leaves dummies
        self._by_weight[lightest][key] = None  # _remove takes it out again
        subject = key[0]
        held = self._of_subject[subject]
        self._remove(subject, held.index(key))
        self._count(subject, len(held) + 1, len(held))
        return True

    def _evict_one(self, subject: Subject) -> None:
        held = self._of_subject[subject]
        self._remove(subject, min(range(len(held)), key=lambda i: (self.items[held[i]].weight, -i)))

    def _remove(self, subject: Subject, index: int) -> None:
        key = self._of_subject[subject].pop(index)
        del self._by_weight[self.items.pop(key).weight][key]
        self.ledger.drop("evidence")
        if subject[1]:
            self._of_mac[(subject[0], subject[1])] -= 1

    def _count(self, subject: Subject, old: int, new: int) -> None:
        if old:
            del self._by_count[old][subject]
        if new:
            self._by_count[new][subject] = None
