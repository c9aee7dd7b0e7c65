from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface

import pytest

from scanner.active.targets import (
    MAX_ADDRESSES,
    from_interfaces,
    parse_target,
    parse_targets,
    scope,
)
from scanner.errors import InputError


def test_cidr_probes_hosts_without_network_and_broadcast() -> None:
    targets = parse_targets(["10.0.0.0/30"])
    assert list(targets) == [IPv4Address("10.0.0.1"), IPv4Address("10.0.0.2")]


def test_cidr_membership_covers_network_and_broadcast() -> None:
    targets = parse_targets(["10.0.0.0/30"])
    assert ("10.0.0.0" in targets, "10.0.0.3" in targets, "10.0.0.4" in targets) == (
        True,
        True,
        False,
    )


def test_slash_31_and_32_probe_every_address() -> None:
    assert [str(a) for a in parse_targets(["10.0.0.4/31", "10.0.0.9/32"])] == [
        "10.0.0.4",
        "10.0.0.5",
        "10.0.0.9",
    ]


def test_full_range() -> None:
    assert [str(a) for a in parse_targets(["10.0.0.5-10.0.0.7"])] == [
        "10.0.0.5",
        "10.0.0.6",
        "10.0.0.7",
    ]


def test_short_range_keeps_the_first_three_octets() -> None:
    span = parse_target("192.168.1.250-252")
    assert (str(IPv4Address(span.first)), str(IPv4Address(span.last))) == (
        "192.168.1.250",
        "192.168.1.252",
    )


def test_single_host() -> None:
    assert [str(a) for a in parse_targets(["192.0.0.64"])] == ["192.0.0.64"]


def test_overlapping_targets_are_probed_once() -> None:
    assert len(list(parse_targets(["10.0.0.1", "10.0.0.0/30"]))) == 2


def test_host_membership_is_exact() -> None:
    targets = parse_targets(["10.0.0.5"])
    assert ("10.0.0.5" in targets, "10.0.0.6" in targets, "not-an-ip" in targets) == (
        True,
        False,
        False,
    )


@pytest.mark.parametrize(
    "spec", ["", "10.0.0", "10.0.0.0/33", "fe80::1", "host.example", "10.0.0.9-10.0.0.1", "1-2-3"]
)
def test_bad_targets_are_input_errors(spec: str) -> None:
    with pytest.raises(InputError):
        parse_targets([spec])


def test_a_slash_16_is_allowed() -> None:
    assert len(parse_targets(["10.1.0.0/16"])) == MAX_ADDRESSES - 2


def test_more_than_a_slash_16_is_refused() -> None:
    with pytest.raises(InputError, match="--allow-large"):
        parse_targets(["10.0.0.0/15"])


def test_more_than_a_slash_16_is_allowed_when_asked() -> None:
    assert len(parse_targets(["10.0.0.0/15"], allow_large=True)) == 2 * MAX_ADDRESSES - 2


def test_interface_subnets_become_targets() -> None:
    targets = from_interfaces([IPv4Interface("10.20.30.5/24"), IPv4Interface("192.0.0.2/30")])
    assert (len(targets), targets.specs) == (256, ("10.20.30.0/24", "192.0.0.0/30"))


def test_scope_without_targets_or_interface_is_refused() -> None:
    with pytest.raises(InputError, match="nothing to scan"):
        scope([], None)


def test_scope_with_a_missing_interface_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no such interface"):
        scope(["10.0.0.1"], "camscan-no-such-if0")
