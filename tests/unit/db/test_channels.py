"""vendor_db/recorder_channels.toml: every rule's examples and counterexamples hold."""

from __future__ import annotations

from scanner.db.channels import channels, rules, verify


def test_every_rule_proves_itself() -> None:
    assert verify() == []
    assert len(rules()) == 3


def test_a_model_of_another_maker_has_no_count() -> None:
    assert channels("dahua", "DS-7608NI-K2") is None
    assert channels("hikvision", "DS-7608NI-K2") == 8


def test_no_model_no_count() -> None:
    assert channels("hikvision", None) is None
