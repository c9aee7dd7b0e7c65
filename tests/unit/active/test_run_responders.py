"""Which addresses a scan counts as having answered discovery (the outside-the-subnet warning)."""

from __future__ import annotations

from ipaddress import IPv4Interface

import pytest

from scanner.active.run import ScanConfig, _Scan
from scanner.active.targets import parse_targets
from scanner.db import load_db
from scanner.model import Kind, Meta, Observation

SCANNER = "10.77.0.2/24"


@pytest.fixture
def scan() -> _Scan:
    db = load_db()
    config = ScanConfig(parse_targets(["10.77.0.0/24"]), "lo", (IPv4Interface(SCANNER),))
    return _Scan(config, db, db.policy("default"), None)


def sadp_reply(src_mac: str, src_ip: str, stated_mac: str, stated_ip: str) -> Observation:
    """A SADP ProbeMatch observation sent from (src_mac, src_ip) stating (stated_mac, stated_ip)."""
    meta = Meta(input="live:lo", frame=1, ts=1.0, src_mac=src_mac, src_ip=src_ip, proto="udp")
    attrs = {"model": "DS-2CD2043G2-I", "mac": stated_mac, "ip": stated_ip}
    return Observation(Kind.SADP, "DS-2CD2043G2-I", meta, attrs)


def test_a_reply_counts_its_source_address_not_the_one_it_states(scan: _Scan) -> None:
    # a spoofer at .73 stating a camera at 192.0.0.98 that never sent anything
    scan._observe(sadp_reply("02:66:00:00:00:73", "10.77.0.73", "4c:bd:8f:77:00:98", "192.0.0.98"))
    assert scan.responders == {"10.77.0.73"}


def test_a_reply_from_outside_the_subnet_counts_its_source(scan: _Scan) -> None:
    # a camera on its factory-default address, stating that address
    scan._observe(sadp_reply("4c:bd:8f:77:00:64", "192.0.0.64", "4c:bd:8f:77:00:64", "192.0.0.64"))
    assert scan.responders == {"192.0.0.64"}
