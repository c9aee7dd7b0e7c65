"""The memory budget (scanner/engine/budget.py): sizes, caps from shares, and the warning lines."""

from __future__ import annotations

import pytest

from scanner.engine.budget import (
    BASELINE,
    DEFAULT_BUDGET,
    MIB,
    MIN_BUDGET,
    SHARES,
    WARNING_LINES,
    Budget,
    Ledger,
    cap_lines,
    parse_size,
)
from scanner.errors import InputError


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("4096", 4096),
        ("2k", 2048),
        ("256M", 256 * MIB),
        ("300MB", 300 * MIB),
        ("512MiB", 512 * MIB),
        (" 1g ", 1 << 30),
        ("1.5G", 3 << 29),
        ("1t", 1 << 40),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "M", "-1M", "12Q", "1 GB extra", "0x10"])
def test_parse_size_refuses_what_is_not_a_size(text: str) -> None:
    with pytest.raises(InputError, match="expected a size"):
        parse_size(text)


def test_the_smallest_budget_is_allowed_and_one_byte_less_is_not() -> None:
    assert Budget.of(MIN_BUDGET).total == MIN_BUDGET
    with pytest.raises(InputError, match="95 MiB is too small: camscan needs at least 96 MiB"):
        Budget.of(MIN_BUDGET - 1)


def test_the_default_budget_is_256_mib_over_a_64_mib_baseline() -> None:
    assert (Budget.of().total, DEFAULT_BUDGET, BASELINE, MIN_BUDGET) == (
        256 * MIB,
        256 * MIB,
        64 * MIB,
        96 * MIB,
    )


@pytest.mark.parametrize("total", [MIN_BUDGET, DEFAULT_BUDGET, 1024 * MIB])
def test_each_table_gets_its_share_of_what_the_baseline_leaves(total: int) -> None:
    budget = Budget.of(total)
    room = total - BASELINE
    assert set(budget.caps) == set(SHARES)
    for name, (share, cost) in SHARES.items():
        assert budget.cap(name) == max(16, int(room * share) // cost), name
        assert budget.cap(name) * cost <= room * share, name
    assert sum(share for share, _ in SHARES.values()) <= 1.0


def test_default_caps_by_hand() -> None:
    # 192 MiB after the baseline: hosts 0.22 of it at 3400 bytes each, and so on
    caps = Budget.of().caps
    assert (caps["hosts"], caps["evidence"], caps["stream_bytes"], caps["listed"]) == (
        13027,
        13421,
        20132659,
        6039,
    )


def test_warnings_are_one_line_per_table_in_name_order() -> None:
    ledger = Ledger(Budget.of(128 * MIB))
    ledger.drop("services", 2)
    ledger.drop("hosts")
    ledger.drop("hosts", 4)
    cap = ledger.budget.cap("hosts")
    assert ledger.warnings() == [
        f"memory budget 128 MiB: 5 sightings of (MAC, IP) pairs past the host table's {cap} (or "
        "one MAC's share of it) not kept; --max-memory raises the limits",
        f"memory budget 128 MiB: 2 open services past the service table's "
        f"{ledger.budget.cap('services')} addresses not kept; --max-memory raises the limits",
    ]


def test_warning_lines_are_cut_at_the_limit_and_the_cut_is_counted() -> None:
    ledger = Ledger(Budget.of())
    lines = [f"w{i}" for i in range(WARNING_LINES)]
    assert cap_lines(lines, ledger) == lines
    assert ledger.dropped == {}
    longer = [*lines, "x", "y"]
    assert cap_lines(longer, ledger) == lines
    assert ledger.warnings() == [
        f"memory budget 256 MiB: 2 more warning lines not shown ({WARNING_LINES} are); "
        "--max-memory raises the limits"
    ]
    assert WARNING_LINES == 64
