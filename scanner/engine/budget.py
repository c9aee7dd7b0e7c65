"""One memory budget for a run: the cap of every table that grows with the input, and its drops.

A run's memory is the program itself (interpreter, camscan, vendor_db: BASELINE) plus tables whose
size follows the input. Each table gets a share of what the budget leaves after BASELINE, turned
into an entry cap by the measured cost of one entry (bench/table_costs.py measures them). A table
at its cap stores nothing more: it counts what it turned away, and the run says so once per table.
Fairness: evidence is also capped per host and per MAC, so one noisy sender cannot fill the table
before a real device speaks (scanner/engine/evidence.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scanner.errors import InputError

MIB = 1 << 20
DEFAULT_BUDGET = 256 * MIB
MIN_BUDGET = 96 * MIB
BASELINE = 64 * MIB  # peak RSS of `camscan pcap` on a small capture (measured: ~56 MiB)
WARNING_LINES = 64  # run.warnings lines kept; the rest are counted in one more line
EVIDENCE_PER_SUBJECT = 64  # items per (vlan, MAC, IP); a real camera states fewer than 40
EVIDENCE_PER_RULE = 8  # distinct values one subject may have for one rule
EVIDENCE_MAC_SHARE = 8  # one MAC (over all its IPs) may hold 1/8 of the evidence table

# table: (share of the budget after BASELINE, bytes per entry; 1 for tables capped in bytes)
SHARES: dict[str, tuple[float, int]] = {
    "hosts": (0.12, 420),  # (vlan, MAC, IP) sightings, with their resolution into devices
    "services": (0.02, 400),  # addresses with an open service
    "bindings": (0.08, 520),  # addresses with a stated MAC (ARP, DHCP, NDP, discovery)
    "names": (0.03, 480),  # host names and endpoint ids
    "nets": (0.01, 200),  # subnets inferred from bindings
    "evidence": (0.16, 1400),  # evidence items
    "directions": (0.08, 420),  # TCP stream directions remembered
    "stream_bytes": (0.12, 1),  # bytes buffered across TCP directions, in order and pending
    "fragment_bytes": (0.04, 1),  # bytes held in IP fragments waiting for the rest
    "memo_bytes": (0.02, 1),  # UDP payloads whose decodes are remembered
    "listed": (0.32, 9000),  # devices listed in full in the report (engine, JSON, text)
}

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}

# What each table holds, for the one warning line a full table gives.
WHAT = {
    "hosts": "(MAC, IP) sightings",
    "services": "open services",
    "bindings": "MAC-to-IP bindings",
    "names": "host names and endpoint ids",
    "nets": "inferred subnets",
    "evidence": "evidence items",
    "evidence_per_host": "evidence items of a sender over its own cap",
    "directions": "TCP streams cut short when the stream table was full",
    "stream_bytes": "bytes of TCP stream starts (out of order or over the stream buffers)",
    "fragment_bytes": "bytes of IP fragments",
    "listed": "devices (counted in the summary, not listed)",
    "warnings": "warning lines",
}


@dataclass(frozen=True, slots=True)
class Budget:
    """Entry caps of every table, derived from one budget in bytes (see the module docstring)."""

    total: int
    caps: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, total: int = DEFAULT_BUDGET) -> Budget:
        """The caps for a run allowed `total` bytes; InputError below MIN_BUDGET."""
        if total < MIN_BUDGET:
            raise InputError(
                f"--max-memory {total // MIB} MiB is too small: camscan needs at least "
                f"{MIN_BUDGET // MIB} MiB"
            )
        room = total - BASELINE
        caps = {name: max(16, int(room * share) // cost) for name, (share, cost) in SHARES.items()}
        return cls(total, caps)

    def cap(self, table: str) -> int:
        """The entry (or byte) cap of `table`."""
        return self.caps[table]


def parse_size(text: str) -> int:
    """Bytes in "256M", "1G", "300MB", "512MiB" or a plain number of bytes; InputError if not."""
    found = _SIZE.fullmatch(text.strip())
    if found is None:
        raise InputError(f"--max-memory {text!r}: expected a size such as 256M or 1G")
    return int(float(found.group(1)) * _UNITS[found.group(2).lower()])


class Ledger:
    """What each table turned away, reported once per table."""

    __slots__ = ("budget", "dropped")

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.dropped: dict[str, int] = {}

    def drop(self, table: str, n: int = 1) -> None:
        """Count `n` things `table` did not store."""
        self.dropped[table] = self.dropped.get(table, 0) + n

    def warnings(self) -> list[str]:
        """One line per table that dropped something, in a fixed order."""
        mib = self.budget.total // MIB
        return [
            f"memory budget ({mib} MiB): {n} {WHAT.get(table, table)} not kept "
            f"({_limit(self.budget, table)}); --max-memory raises the limits"
            for table, n in sorted(self.dropped.items())
        ]


def _limit(budget: Budget, table: str) -> str:
    if table == "evidence_per_host":
        return (
            f"{EVIDENCE_PER_SUBJECT} per sender, {EVIDENCE_PER_RULE} values per rule, "
            f"1/{EVIDENCE_MAC_SHARE} of the table per MAC"
        )
    if table == "warnings":
        return f"limit {WARNING_LINES} lines"
    cap = budget.caps.get(table)
    unit = " bytes" if table.endswith("_bytes") else ""
    return f"limit {cap}{unit}" if cap is not None else "limit reached"


def cap_lines(lines: list[str], ledger: Ledger) -> list[str]:
    """`lines` cut to WARNING_LINES, with the cut counted in `ledger`."""
    if len(lines) <= WARNING_LINES:
        return lines
    ledger.drop("warnings", len(lines) - WARNING_LINES)
    return lines[:WARNING_LINES]
