"""Local subnets decide what is remote: inferred from bindings, stated, and used by the engine."""

from __future__ import annotations

import socket

import pytest

from scanner.db import load_db
from scanner.engine.budget import Budget, Ledger
from scanner.engine.core import Device, Engine, device_id
from scanner.engine.subnets import LocalNets, parse_nets
from scanner.errors import InputError
from scanner.model import Kind, Meta, Observation

ROUTER_MAC, PC_MAC, CAM_MAC = "00:00:0c:00:00:01", "3c:a9:f4:00:00:02", "44:19:b6:00:00:03"


def nets(*stated: str) -> LocalNets:
    return LocalNets(parse_nets(stated), 100, Ledger(Budget.of()))


def engine(*stated: str) -> Engine:
    db = load_db()
    return Engine(db, db.policy("default"), local_nets=parse_nets(stated))


def meta(mac: str | None, ip: str | None, vlan: int | None = None) -> Meta:
    return Meta(input="t.pcap", frame=1, ts=1.0, vlan=vlan, src_mac=mac, src_ip=ip)


def see(e: Engine, mac: str, ip: str) -> None:
    e.sightings.see(None, bytes.fromhex(mac.replace(":", "")), socket.inet_aton(ip), 1.0, 1)


def bind(e: Engine, mac: str, ip: str, via: str = "arp", **extra: str) -> None:
    attrs = {"mac": mac, "ip": ip, "via": via, **extra}
    e.feed(Observation(Kind.MAC_IP, f"{mac} {ip}", meta(mac, None), attrs))


def web_ui(e: Engine, mac: str, ip: str) -> None:
    """A Hikvision web server's answer, carried by `mac` from `ip`."""
    see(e, mac, ip)
    e.feed(Observation(Kind.HTTP_SERVER, "App-webs/", meta(mac, ip)))


def by_id(e: Engine) -> dict[str, Device]:
    return {device_id(d): d for d in e.devices()}


def test_an_arp_address_makes_its_slash_24_local() -> None:
    n = nets()
    n.learn(None, "10.77.0.1")
    assert [n.is_remote(None, ip) for ip in ("10.77.0.200", "10.78.0.5", "8.8.8.8")] == [
        False,
        True,
        True,
    ]


def test_a_dhcp_mask_states_the_whole_subnet() -> None:
    n = nets()
    n.learn(None, "10.20.3.7", 16)
    assert (n.is_remote(None, "10.20.200.1"), n.is_remote(None, "10.21.0.1")) == (False, True)


def test_nothing_is_remote_in_a_family_without_known_subnets() -> None:
    n = nets()
    n.learn(None, "10.77.0.1")
    assert (n.is_remote(None, "2001:db8::5"), nets().is_remote(None, "10.78.0.5")) == (False, False)


def test_subnets_are_inferred_per_vlan_and_stated_ones_hold_on_every_vlan() -> None:
    n = nets("192.168.50.0/24")
    n.learn(10, "10.77.0.1")
    assert [
        n.is_remote(10, "10.77.0.9"),
        n.is_remote(20, "10.77.0.9"),
        n.is_remote(20, "192.168.50.3"),
    ] == [False, True, False]


def test_link_local_addresses_are_never_remote() -> None:
    n = nets("10.0.0.0/24", "2001:db8::/64")
    assert (n.is_remote(None, "169.254.3.4"), n.is_remote(None, "fe80::1")) == (False, False)


def test_a_bad_local_net_is_an_input_error() -> None:
    with pytest.raises(InputError, match="--local-net '10.0.0.0/33'"):
        parse_nets(["10.0.0.0/33"])


def test_one_private_host_behind_a_router_is_remote_not_the_router() -> None:
    e = engine()
    bind(e, ROUTER_MAC, "10.77.0.1")
    bind(e, PC_MAC, "10.77.0.2")
    see(e, ROUTER_MAC, "10.77.0.1")
    web_ui(e, ROUTER_MAC, "10.78.0.5")  # the only address the router carries for others
    devices = by_id(e)
    router, remote = devices[f"mac:{ROUTER_MAC}"], devices["ip:10.78.0.5"]
    assert (router.status, router.ips, router.evidence) == ("clear", {"10.77.0.1"}, [])
    assert (remote.status, remote.location, remote.mac) == ("concern", "remote", None)


def test_two_hosts_behind_a_router_are_two_remote_devices() -> None:
    e = engine()
    bind(e, ROUTER_MAC, "10.77.0.1")
    web_ui(e, ROUTER_MAC, "10.78.0.5")
    web_ui(e, ROUTER_MAC, "10.78.0.6")
    devices = by_id(e)
    assert {i: (d.status, d.location) for i, d in devices.items()} == {
        f"mac:{ROUTER_MAC}": ("clear", "lan"),
        "ip:10.78.0.5": ("concern", "remote"),
        "ip:10.78.0.6": ("concern", "remote"),
    }


def test_a_router_whose_own_address_never_appears_is_still_not_blamed() -> None:
    e = engine()
    bind(e, PC_MAC, "10.77.0.2")
    web_ui(e, ROUTER_MAC, "10.78.0.5")
    assert {i: d.status for i, d in by_id(e).items()} == {
        f"mac:{PC_MAC}": "clear",
        f"mac:{ROUTER_MAC}": "clear",
        "ip:10.78.0.5": "concern",
    }


def test_a_stated_local_net_makes_an_address_local() -> None:
    e = engine("10.76.0.0/14")
    bind(e, ROUTER_MAC, "10.77.0.1")
    web_ui(e, CAM_MAC, "10.78.0.5")
    assert by_id(e)[f"mac:{CAM_MAC}"].status == "concern"


def test_a_camera_on_its_factory_address_that_states_itself_stays_on_the_lan() -> None:
    e = engine()
    bind(e, PC_MAC, "10.77.0.2")
    stated = {"mac": CAM_MAC, "ip": "192.0.0.64", "model": "DS-2CD2385G1-I", "serial": "S1"}
    e.feed(Observation(Kind.SADP, "DS-2CD2385G1-I", meta(CAM_MAC, "192.0.0.64"), stated))
    bind(e, CAM_MAC, "192.0.0.64", via="sadp")
    web_ui(e, CAM_MAC, "192.0.0.64")
    camera = by_id(e)[f"mac:{CAM_MAC}"]
    assert (camera.location, camera.ips, camera.status) == ("lan", {"192.0.0.64"}, "concern")


def test_discovery_bindings_do_not_widen_the_local_subnets() -> None:
    e = engine()
    bind(e, PC_MAC, "10.77.0.2")
    bind(e, CAM_MAC, "192.0.0.64", via="sadp")
    assert e.nets.describe() == ["10.77.0.0/24"]
