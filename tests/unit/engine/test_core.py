"""Attribution and fusion in the engine, from hand-made observations."""

from __future__ import annotations

import socket

import pytest

from scanner.db import load_db
from scanner.engine.core import Device, Engine, device_id
from scanner.model import Kind, Meta, Observation

CAM_MAC, ROUTER_MAC, PC_MAC = "44:19:b6:00:00:01", "00:00:0c:00:00:01", "3c:a9:f4:00:00:02"


@pytest.fixture
def engine() -> Engine:
    db = load_db()
    return Engine(db, db.policy("default"))


def meta(src_mac: str | None, src_ip: str | None, ts: float = 1.0, **kw: object) -> Meta:
    return Meta(input="t.pcap", frame=1, ts=ts, src_mac=src_mac, src_ip=src_ip, **kw)  # type: ignore[arg-type]


def see(engine: Engine, mac: str, ip: str, vlan: int | None = None) -> None:
    engine.sightings.see(vlan, bytes.fromhex(mac.replace(":", "")), socket.inet_aton(ip), 1.0, 1)


def arp(engine: Engine, mac: str, ip: str, vlan: int | None = None) -> None:
    engine.feed(
        Observation(
            Kind.MAC_IP,
            f"{mac} {ip}",
            meta(mac, None, vlan=vlan),
            {"mac": mac, "ip": ip, "via": "arp"},
        )
    )


def by_id(engine: Engine) -> dict[str, Device]:
    return {device_id(d): d for d in engine.devices()}


def test_evidence_belongs_to_the_sender_not_the_client(engine: Engine) -> None:
    see(engine, CAM_MAC, "10.0.0.11")
    see(engine, PC_MAC, "10.0.0.100")
    engine.feed(Observation(Kind.HTTP_SERVER, "App-webs/", meta(CAM_MAC, "10.0.0.11")))
    devices = by_id(engine)
    assert devices[f"mac:{CAM_MAC}"].status == "concern"
    assert devices[f"mac:{PC_MAC}"].status == "clear"


def test_routed_evidence_goes_to_a_remote_device_not_the_router(engine: Engine) -> None:
    arp(engine, ROUTER_MAC, "10.0.0.1")
    see(engine, ROUTER_MAC, "10.0.0.1")
    see(engine, ROUTER_MAC, "198.51.100.7")
    engine.feed(Observation(Kind.HTTP_SERVER, "App-webs/", meta(ROUTER_MAC, "198.51.100.7")))
    devices = by_id(engine)
    router, remote = devices[f"mac:{ROUTER_MAC}"], devices["ip:198.51.100.7"]
    assert (router.status, router.ips, router.evidence) == ("clear", {"10.0.0.1"}, [])
    assert (remote.status, remote.location, remote.mac) == ("concern", "remote", None)


def test_cloud_evidence_is_never_pinned_on_a_remote_host(engine: Engine) -> None:
    arp(engine, ROUTER_MAC, "10.0.0.1")
    see(engine, ROUTER_MAC, "198.51.100.20")
    see(engine, ROUTER_MAC, "198.51.100.21")
    engine.feed(Observation(Kind.P2P, "PTCP", meta(ROUTER_MAC, "198.51.100.20")))
    assert "ip:198.51.100.20" not in by_id(engine)


def test_receiver_rules_attribute_a_request_path_to_the_server(engine: Engine) -> None:
    see(engine, CAM_MAC, "10.0.0.11")
    see(engine, PC_MAC, "10.0.0.100")
    request = meta(PC_MAC, "10.0.0.100", dst_mac=CAM_MAC, dst_ip="10.0.0.11")
    engine.feed(Observation(Kind.RTSP_REQUEST, "/Streaming/Channels/101", request))
    devices = by_id(engine)
    assert [e.rule.about for e in devices[f"mac:{CAM_MAC}"].evidence if e.rule.kind != "oui"] == [
        "receiver"
    ]
    assert devices[f"mac:{PC_MAC}"].evidence == []


def test_same_ip_on_two_vlans_is_two_devices(engine: Engine) -> None:
    other = "3c:ef:8c:00:00:50"
    see(engine, PC_MAC, "10.0.0.50")
    see(engine, other, "10.0.0.50", vlan=20)
    assert {device_id(d): d.vlan for d in engine.devices()} == {
        f"mac:{PC_MAC}": None,
        f"mac:{other}": 20,
    }


def test_mac_less_sightings_with_the_same_serial_merge_into_one_device(engine: Engine) -> None:
    attrs = {"model": "IPC-X", "serial": "SN1", "firmware": "2.800"}
    for ip, ts in (("198.51.100.5", 1.0), ("198.51.100.6", 2.0)):
        engine.feed(Observation(Kind.DHIP, "IPC-X", meta(None, ip, ts), dict(attrs)))
    devices = engine.devices()
    assert [(sorted(d.ips), d.verdict.fields.get("serial")) for d in devices] == [
        (["198.51.100.5", "198.51.100.6"], "SN1")
    ]


def test_a_merged_device_keeps_both_sightings_times_and_repeat_counts(engine: Engine) -> None:
    attrs = {"model": "IPC-X", "serial": "SN1", "firmware": "2.800"}
    for ip, ts in (("198.51.100.5", 5.0), ("198.51.100.6", 2.0), ("198.51.100.6", 9.0)):
        engine.feed(Observation(Kind.DHIP, "IPC-X", meta(None, ip, ts), dict(attrs)))
    (device,) = engine.devices()
    assert (device.first_seen, device.last_seen) == (2.0, 9.0)
    assert [(ev.value, ev.count, ev.meta.ts) for ev in device.evidence] == [("IPC-X", 3, 2.0)]


@pytest.mark.parametrize(
    ("known", "ip", "location"),
    [
        pytest.param([], "10.0.0.9", "lan", id="private-no-subnets-known"),
        pytest.param([], "203.0.113.9", "remote", id="global-no-subnets-known"),
        pytest.param([("10.0.0.5", PC_MAC)], "10.0.0.9", "lan", id="inside-a-known-subnet"),
        pytest.param([("10.0.0.5", PC_MAC)], "10.9.9.9", "remote", id="outside-known-subnets"),
    ],
)
def test_a_device_known_only_by_ip_is_remote_when_global_or_off_subnet(
    engine: Engine, known: list[tuple[str, str]], ip: str, location: str
) -> None:
    for bound_ip, mac in known:
        arp(engine, mac, bound_ip)
    engine.feed(Observation(Kind.HTTP_SERVER, "App-webs/", meta(None, ip)))
    assert by_id(engine)[f"ip:{ip}"].location == location


def _named(engine: Engine, kind: Kind, name: str) -> None:
    attrs = {"hostname": name} if kind is Kind.MDNS_SERVICE else {}
    value = "_http._tcp.local" if kind is Kind.MDNS_SERVICE else name
    engine.feed(Observation(kind, value, meta(PC_MAC, "10.0.0.100"), attrs))


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param([(Kind.MDNS_SERVICE, "pc.local"), (Kind.DHCP_HOSTNAME, "POS-1")], "POS-1",
                     id="dhcp-after-mdns-wins"),
        pytest.param([(Kind.DHCP_HOSTNAME, "POS-1"), (Kind.MDNS_SERVICE, "pc.local")], "POS-1",
                     id="dhcp-before-mdns-stays"),
        pytest.param([(Kind.DHCP_HOSTNAME, "POS-1"), (Kind.DHCP_HOSTNAME, "POS-2")], "POS-2",
                     id="a-later-dhcp-name-replaces"),
        pytest.param([(Kind.MDNS_SERVICE, "a.local"), (Kind.MDNS_SERVICE, "b.local")], "a.local",
                     id="the-first-mdns-name-stays"),
    ],
)  # fmt: skip
def test_a_dhcp_host_name_beats_an_mdns_one_and_the_latest_dhcp_name_counts(
    engine: Engine, names: list[tuple[Kind, str]], expected: str
) -> None:
    see(engine, PC_MAC, "10.0.0.100")
    for kind, name in names:
        _named(engine, kind, name)
    assert by_id(engine)[f"mac:{PC_MAC}"].hostname == expected


def test_oui_alone_is_a_suspect_not_a_concern(engine: Engine) -> None:
    see(engine, CAM_MAC, "10.0.0.11")
    device = by_id(engine)[f"mac:{CAM_MAC}"]
    assert (device.status, device.verdict.manufacturer, device.verdict.confidence) == (
        "suspect",
        "hikvision",
        0.35,
    )


def test_independent_signals_add_up_and_repeats_do_not(engine: Engine) -> None:
    see(engine, "02:00:00:00:00:01", "10.0.0.12")  # locally administered: no OUI evidence
    for ts in (1.0, 2.0, 3.0):
        engine.feed(
            Observation(Kind.HTTP_SERVER, "App-webs/", meta("02:00:00:00:00:01", "10.0.0.12", ts))
        )
    once = by_id(engine)["mac:02:00:00:00:00:01"]
    assert once.verdict.confidence == 0.8
    engine.feed(
        Observation(
            Kind.SDK_REPLY,
            "000000100000001e0000001e00000000",
            meta("02:00:00:00:00:01", "10.0.0.12"),
        )
    )
    assert by_id(engine)["mac:02:00:00:00:00:01"].verdict.confidence == 0.97


def test_discovery_reply_stating_another_mac_is_pinned_on_its_sender(engine: Engine) -> None:
    spoofer = "00:11:22:33:44:55"
    see(engine, spoofer, "10.0.0.66")
    stated = {"mac": CAM_MAC, "ip": "10.0.0.11", "model": "DS-2CD2385G1-I", "serial": "S1"}
    engine.feed(Observation(Kind.SADP, "DS-2CD2385G1-I", meta(spoofer, "10.0.0.66"), stated))
    binding = dict(stated, via="sadp")
    engine.feed(Observation(Kind.MAC_IP, "x", meta(spoofer, "10.0.0.66"), binding))
    devices = by_id(engine)
    assert list(devices) == [f"mac:{spoofer}"]
    assert (devices[f"mac:{spoofer}"].status, devices[f"mac:{spoofer}"].ips) == (
        "concern",
        {"10.0.0.66"},
    )


def test_discovery_reply_without_a_link_layer_is_believed(engine: Engine) -> None:
    stated = {"mac": CAM_MAC, "ip": "10.0.0.11", "model": "DS-2CD2385G1-I", "serial": "S1"}
    engine.feed(Observation(Kind.SADP, "DS-2CD2385G1-I", meta(None, "10.0.0.11"), stated))
    assert list(by_id(engine)) == [f"mac:{CAM_MAC}"]


def test_without_a_link_layer_a_reply_stating_another_ip_is_pinned_on_its_sender(
    engine: Engine,
) -> None:
    stated = {"mac": CAM_MAC, "ip": "10.0.0.11", "model": "DS-2CD2385G1-I", "serial": "S1"}
    engine.feed(Observation(Kind.SADP, "DS-2CD2385G1-I", meta(None, "10.0.0.73"), stated))
    assert list(by_id(engine)) == ["ip:10.0.0.73"]
