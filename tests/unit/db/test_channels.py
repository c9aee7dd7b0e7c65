"""vendor_db/recorder_channels.toml and recorder_poe.toml: every rule's examples and
counterexamples hold, and a model number gives its maker's count only."""

from __future__ import annotations

import re

import pytest

from scanner.db import channels as db_channels
from scanner.db.channels import POE, ModelRule, PoE, channels, poe, rules, verify


def test_every_rule_proves_itself() -> None:
    assert verify() == []
    assert len(rules()) == 3
    assert [rule.id for rule in rules(POE)] == [
        "hikvision.poe.ds-nvr-slash-p", "dahua.poe.nvr-dash-p",
    ]  # fmt: skip


def test_a_model_of_another_maker_has_no_count() -> None:
    assert channels("dahua", "DS-7608NI-K2") is None
    assert channels("hikvision", "DS-7608NI-K2") == 8


def test_no_model_no_count() -> None:
    assert channels("hikvision", None) is None
    assert poe("hikvision", None) is None


@pytest.mark.parametrize(
    ("manufacturer", "model", "expected"),
    [
        ("hikvision", "DS-7608NI-K2/8P", PoE(8)),
        ("hikvision", "DS-7608NI-K2", None),  # no PoE ports
        ("hikvision", "DS-7204HQHI-K1/P", None),  # a Turbo HD DVR: /P is power over coax
        ("dahua", "DHI-NVR5216-16P-4KS2", PoE(16)),
        ("dahua", "NVR4104HS-P-4KS2", PoE(None)),  # PoE, the count not in the number
        ("dahua", "NVR4108HS-4KS2", None),
        ("dahua", "DS-7608NI-K2/8P", None),  # another maker's numbering
    ],
)
def test_poe_ports_from_the_model_number(
    manufacturer: str, model: str, expected: PoE | None
) -> None:
    assert poe(manufacturer, model) == expected


def test_verify_names_an_example_and_a_counterexample_that_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = ModelRule(
        id="x.poe", manufacturer="hikvision", pattern=re.compile(r"^X(?P<ports>[0-9])P"),
        examples=(("X8P", 4), ("Y8P", None)), counterexamples=("X2P",),
    )  # fmt: skip
    real = db_channels.rules
    monkeypatch.setattr(db_channels, "rules", lambda file="": (bad,) if file == POE else real())
    assert verify() == [
        "recorder_poe.toml: x.poe: X8P gives 8, not 4",
        "recorder_poe.toml: x.poe: Y8P gives no match, not None",
        "recorder_poe.toml: x.poe: counterexample X2P matches",
    ]
