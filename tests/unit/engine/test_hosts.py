"""Router detection and IP ownership (scanner/engine/hosts.py resolve), one row per clause."""

from __future__ import annotations

import pytest

from scanner.engine.budget import MIN_BUDGET, Budget, Ledger
from scanner.engine.hosts import Binding, Sightings, pton, resolve
from scanner.engine.subnets import LocalNets

MAC = "00:00:0c:00:00:01"
OTHER = "3c:a9:f4:00:00:02"


def sightings(*ips: str, mac: str = MAC) -> Sightings:
    s = Sightings()
    for n, ip in enumerate(ips):
        s.see(None, bytes.fromhex(mac.replace(":", "")), pton(ip), float(n), n)
    return s


def bound(*ips: str, mac: str = MAC) -> dict[tuple[int | None, str], list[Binding]]:
    return {(None, ip): [Binding(mac, 0.0)] for ip in ips}


@pytest.mark.parametrize(
    ("sourced", "stated", "router"),
    [
        # a MAC sourcing unbound private IPv4 addresses: one is its own, two are forwarded
        pytest.param(["10.0.0.5"], [], False, id="one-unbound"),
        pytest.param(["10.0.0.5", "10.0.0.6"], [], True, id="two-unbound"),
        pytest.param(["10.0.0.1", "10.0.0.5"], ["10.0.0.1"], False, id="bound-and-one-unbound"),
        pytest.param(
            ["10.0.0.1", "10.0.1.5", "10.0.2.6"], ["10.0.0.1"], True, id="bound-and-two-unbound"
        ),
        pytest.param(["10.0.0.1", "10.0.0.2"], ["10.0.0.1", "10.0.0.2"], False, id="two-bound"),
        # a global address beside a private one is forwarded, even alone and unbound
        pytest.param(["10.0.0.1", "198.51.100.7"], ["10.0.0.1"], True, id="global-beside-own"),
        pytest.param(["10.0.0.5", "198.51.100.7"], [], True, id="global-beside-unbound"),
        pytest.param(["198.51.100.7"], [], False, id="global-alone"),
        pytest.param(["198.51.100.7"], ["10.0.0.1"], True, id="global-beside-stated"),
        # IPv6 addresses never count towards the threshold (SLAAC gives a host several)
        pytest.param(["2001:db8::5", "2001:db8::6", "fe80::1"], [], False, id="ipv6-only"),
        pytest.param(["10.0.0.5", "2001:db8::5"], [], False, id="one-v4-one-v6"),
    ],
)
def test_router_detection(sourced: list[str], stated: list[str], router: bool) -> None:
    hm = resolve(sightings(*sourced), bound(*stated))
    assert hm.is_router(None, MAC) is router


def test_global_bound_elsewhere_stays_one_device() -> None:
    hm = resolve(sightings("198.51.100.7"), bound("10.0.0.1", mac=OTHER))
    assert (hm.routers, hm.owner[(None, "198.51.100.7")]) == (set(), MAC)


@pytest.mark.parametrize(
    ("learnt", "sourced", "router"),
    [
        # with the LAN's subnet known, one unbound address outside it is forwarded
        pytest.param(["10.0.0.1"], ["10.0.0.1", "10.9.9.9"], True, id="one-outside"),
        pytest.param(["10.0.0.1"], ["10.0.0.1", "10.0.0.9"], False, id="one-inside"),
        pytest.param([], ["10.0.0.1", "10.9.9.9"], False, id="subnet-unknown"),
    ],
)
def test_router_detection_by_subnet(learnt: list[str], sourced: list[str], router: bool) -> None:
    nets = LocalNets((), 64, Ledger(Budget.of()))
    for ip in learnt:
        nets.learn(None, ip)
    hm = resolve(sightings(*sourced), bound("10.0.0.1"), nets.is_remote)
    assert hm.is_router(None, MAC) is router


def test_a_router_keeps_its_own_addresses_and_forwards_the_rest() -> None:
    s = sightings("10.0.0.1", "fe80::1", "198.51.100.7", "198.51.100.8")
    s.see(None, bytes.fromhex(OTHER.replace(":", "")), pton("10.0.0.20"), 5.0, 9)
    hm = resolve(s, bound("10.0.0.1") | bound("198.51.100.8", mac=OTHER))
    assert hm.routers == {(None, MAC)}
    assert hm.ips_of[(None, MAC)] == {"10.0.0.1", "fe80::1"}
    assert hm.via_router == {(None, "198.51.100.7")}  # .8 is stated by another MAC
    assert hm.owner == {
        (None, "10.0.0.1"): MAC,
        (None, "198.51.100.8"): OTHER,
        (None, "10.0.0.20"): OTHER,
    }
    assert hm.ips_of[(None, OTHER)] == {"10.0.0.20", "198.51.100.8"}
    assert hm.times[(None, MAC)] == [0.0, 3.0]
    assert hm.first_frame[(None, OTHER)] == ("", 9)


def test_the_latest_stated_binding_owns_the_address() -> None:
    stated = {(None, "10.0.0.9"): [Binding(OTHER, 5.0), Binding(MAC, 2.0)]}
    hm = resolve(sightings("10.0.0.1"), stated)
    assert hm.owner[(None, "10.0.0.9")] == OTHER
    assert hm.times[(None, MAC)] == [0.0, 2.0]


def test_one_mac_holds_at_most_a_quarter_of_the_sightings_table() -> None:
    s = Sightings(Ledger(Budget.of(MIN_BUDGET)))
    assert (s.cap, s.mac_cap) == (2171, 542)  # 32 MiB after the baseline, 0.22 of it, 3400 B
    router = bytes.fromhex("00000c000001")
    for n in range(600):
        s.see(None, router, pton(f"10.1.{n // 256}.{n % 256}"), float(n), n)
    s.see(None, router, pton("10.1.0.0"), 700.0, 700)  # a repeat moves its last time only
    camera = bytes.fromhex("4419b6000001")
    s.see(None, camera, pton("10.0.0.11"), 1.0, 1)
    assert (len(s.pairs), s.ledger.dropped) == (543, {"hosts": 58})
    assert s.pairs[(None, router, pton("10.1.0.0"))] == [0.0, 700.0, 0, ""]
    assert (None, camera, pton("10.0.0.11")) in s.pairs


def test_the_sightings_table_turns_newcomers_away_when_full() -> None:
    s = Sightings(Ledger(Budget.of(MIN_BUDGET)))
    for n in range(s.cap + 5):
        s.see(None, n.to_bytes(6, "big"), pton("10.0.0.1"), 0.0, n)
    assert (len(s.pairs), s.ledger.dropped) == (s.cap, {"hosts": 5})


def test_services_are_capped_per_address_and_in_all() -> None:
    s = Sightings(Ledger(Budget.of(MIN_BUDGET)))
    ip = pton("10.0.0.11")
    for port in range(300):
        s.service(None, ip, "tcp", port)
    assert len(s.services[(None, ip)]) == 256
    s.service_ip(None, None, "tcp", 80)
    s.service_ip(None, "10.0.0.12", "udp", 37020)
    assert s.services[(None, pton("10.0.0.12"))] == {("udp", 37020)}
    for n in range(s.service_cap):
        s.service(None, n.to_bytes(4, "big"), "tcp", 80)
    assert (len(s.services), s.ledger.dropped) == (s.service_cap, {"services": 2})
