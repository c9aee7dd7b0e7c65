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
    # a host costs ~420 bytes while read and ~3 KB more while resolved into a device
    "hosts": (0.22, 3400),  # (vlan, MAC, IP) sightings
    "services": (0.02, 400),  # addresses with an open service
    "bindings": (0.14, 3400),  # addresses with a stated MAC (ARP, DHCP, NDP, discovery)
    "names": (0.03, 600),  # host names and endpoint ids
    "nets": (0.01, 200),  # subnets inferred from bindings
    "evidence": (0.16, 2400),  # evidence items (an item about a remote address is a device)
    "directions": (0.06, 420),  # TCP stream directions remembered
    "stream_bytes": (0.10, 1),  # bytes buffered across TCP directions, in order and pending
    "fragment_bytes": (0.03, 1),  # bytes held in IP fragments waiting for the rest
    "memo_bytes": (0.02, 1),  # UDP payloads whose decodes are remembered
    "listed": (0.12, 4000),  # devices listed in full in the report (JSON and text)
}

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}

# What a full table's one warning line says; {n} is what it turned away, {cap} its limit.
SAYS = {
    "hosts": "{n} sightings of (MAC, IP) pairs past the host table's {cap} (or one MAC's share "
    "of it) not kept",
    "services": "{n} open services past the service table's {cap} addresses not kept",
    "bindings": "{n} MAC-to-IP bindings past the binding table's {cap} addresses not kept",
    "names": "{n} host names and endpoint ids past the name table's {cap} not kept",
    "nets": "{n} inferred subnets past {cap} not kept",
    "evidence": "{n} evidence items did not fit the evidence table's {cap} (the fairest or "
    "strongest were kept)",
    "evidence_per_host": "{n} evidence items over their sender's own cap (64 per sender, 8 "
    "values per rule, 1/8 of the table per MAC) not kept",
    "directions": "{n} TCP streams decoded before their start was complete, to stay within the "
    "stream table ({cap} streams)",
    "stream_bytes": "{n} bytes of out-of-order TCP segments past a stream's own buffer not kept",
    "fragment_bytes": "{n} bytes of IP fragments dropped before their datagram was whole "
    "({cap} bytes held at most)",
    "listed": "{n} devices not listed in full (the report lists {cap}, surest of concern "
    "first); the summary counts them",
    "warnings": "{n} more warning lines not shown ({cap} are)",
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
        caps = {**self.budget.caps, "warnings": WARNING_LINES}
        return [
            f"memory budget {mib} MiB: {SAYS[table].format(n=n, cap=caps.get(table))}; "
            "--max-memory raises the limits"
            for table, n in sorted(self.dropped.items())
        ]


def cap_lines(lines: list[str], ledger: Ledger) -> list[str]:
    """`lines` cut to WARNING_LINES, with the cut counted in `ledger`."""
    if len(lines) <= WARNING_LINES:
        return lines
    ledger.drop("warnings", len(lines) - WARNING_LINES)
    return lines[:WARNING_LINES]
