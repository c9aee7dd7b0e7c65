"""The scan knobs: one set of checks for `camscan scan` and the sweep config."""

from __future__ import annotations

import math

import pytest

from scanner.active.settings import (
    DISCOVERY,
    PROBES,
    ScanSettings,
    build,
    parse_ports,
    parse_probes,
    probes_for,
)
from scanner.active.targets import parse_targets
from scanner.errors import InputError


def test_parse_ports_keeps_order_and_drops_duplicates() -> None:
    assert parse_ports("554, 80,554,,8000") == (554, 80, 8000)


def test_parse_ports_takes_a_list_of_numbers() -> None:
    assert parse_ports([80, 8000, 80]) == (80, 8000)


@pytest.mark.parametrize("text", ["0", "65536", "-1", "80-90", "", ","])
def test_parse_ports_refuses_out_of_range_ranges_and_nothing(text: str) -> None:
    with pytest.raises(InputError):
        parse_ports(text)


@pytest.mark.parametrize("value", [[True], [80.5], ["http"]])
def test_parse_ports_refuses_non_integers_in_a_list(value: list[object]) -> None:
    with pytest.raises(InputError, match="is not a port number"):
        parse_ports(value)


def test_parse_probes_accepts_every_family_in_any_case() -> None:
    assert parse_probes("ARP, wsd,tcp") == frozenset({"arp", "wsd", "tcp"})


@pytest.mark.parametrize("text", ["onvif", "arp,icmp", ","])
def test_parse_probes_refuses_unknown_families_and_nothing(text: str) -> None:
    with pytest.raises(InputError):
        parse_probes(text)


def test_build_keeps_defaults_for_knobs_not_given() -> None:
    assert build(rate=None, timeout=None) == ScanSettings()


def test_build_stores_integers_as_integers() -> None:
    assert build(concurrency=64.0).concurrency == 64


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("rate", math.nan, "--rate must be between 1 and 10000"),
        ("rate", math.inf, "--rate must be between 1 and 10000"),
        ("tcp_rate", 0, "--tcp-rate must be between 1 and 100000"),
        ("timeout", True, "--timeout must be a number"),
        ("concurrency", 2.5, "--concurrency must be an integer"),
        ("listen_window", "3", "--listen-window must be a number"),
        ("max_duration", -1, "--max-duration must be between 1 and 604800"),
        ("connect_timeout", 0.0, "--connect-timeout must be between 0.05 and 60"),
    ],
)
def test_build_refuses_bad_numbers(name: str, value: object, message: str) -> None:
    with pytest.raises(InputError) as caught:
        build(**{name: value})
    assert str(caught.value).startswith(message)


def test_build_names_config_keys_when_asked() -> None:
    with pytest.raises(InputError, match=r"^\[source\] tcp_rate must be between"):
        build(keys=True, tcp_rate=math.nan)


def test_no_discovery_leaves_arp_and_tcp() -> None:
    assert build(no_discovery=True).probes == frozenset({"arp", "tcp"})


def test_no_discovery_contradicting_probes_is_refused() -> None:
    with pytest.raises(InputError, match="--no-discovery contradicts --probes sadp,wsd"):
        build(probes="arp,wsd,sadp", no_discovery=True)


def test_a_network_target_gets_every_probe_by_default() -> None:
    targets = parse_targets(["10.0.0.0/24"])
    assert probes_for(ScanSettings(), targets.single_hosts) == frozenset(PROBES)


def test_single_addresses_get_no_multicast_discovery_by_default() -> None:
    targets = parse_targets(["10.0.0.5", "10.0.0.9/32", "10.0.0.7-10.0.0.7"])
    assert probes_for(ScanSettings(), targets.single_hosts) == frozenset(PROBES) - DISCOVERY


def test_single_addresses_get_the_discovery_they_ask_for() -> None:
    chosen = parse_probes("arp,sadp,tcp")
    targets = parse_targets(["10.0.0.5"])
    assert probes_for(ScanSettings(probes=chosen), targets.single_hosts) == chosen


def test_a_range_of_two_is_not_a_single_host() -> None:
    assert parse_targets(["10.0.0.5-6"]).single_hosts is False
