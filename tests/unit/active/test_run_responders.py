"""Which addresses a scan counts as having answered discovery (the outside-the-subnet warning)."""

from __future__ import annotations

from ipaddress import IPv4Interface

import pytest

from scanner.active.run import Scan, ScanConfig
from scanner.active.targets import parse_targets
from scanner.model import Kind, Meta, Observation
from scanner.sources.live import FrameSink

SCANNER = "10.77.0.2/24"


@pytest.fixture
def scan() -> Scan:
    config = ScanConfig(parse_targets(["10.77.0.0/24"]), "lo", (IPv4Interface(SCANNER),))
    return Scan(config, FrameSink(None), lambda: (lambda *_: None, ()))


def sadp_reply(src_mac: str, src_ip: str, stated_mac: str, stated_ip: str) -> Observation:
    """A SADP ProbeMatch observation sent from (src_mac, src_ip) stating (stated_mac, stated_ip)."""
    meta = Meta(input="live:lo", frame=1, ts=1.0, src_mac=src_mac, src_ip=src_ip, proto="udp")
    attrs = {"model": "DS-2CD2043G2-I", "mac": stated_mac, "ip": stated_ip}
    return Observation(Kind.SADP, "DS-2CD2043G2-I", meta, attrs)


def test_a_reply_counts_its_source_address_not_the_one_it_states(scan: Scan) -> None:
    # a spoofer at .73 stating a camera at 192.0.0.98 that never sent anything
    scan.observe(sadp_reply("02:66:00:00:00:73", "10.77.0.73", "4c:bd:8f:77:00:98", "192.0.0.98"))
    assert scan.responders == {"10.77.0.73"}


def test_a_reply_from_outside_the_subnet_counts_its_source(scan: Scan) -> None:
    # a camera on its factory-default address, stating that address
    scan.observe(sadp_reply("4c:bd:8f:77:00:64", "192.0.0.64", "4c:bd:8f:77:00:64", "192.0.0.64"))
    assert scan.responders == {"192.0.0.64"}
