"""Fuzzing the bounded tables: TCP reassembly, IP fragments, evidence and host tables.

Whatever sequence of segments, fragments and observations arrives, every table stays within the
cap its budget gives it and its own bookkeeping agrees with what it holds. Not collected by the
suite directly (no test_ prefix): these always run under an address-space limit
(fuzz_under_limit.py), so a table that grew without bound ends the run with a MemoryError rather
than the machine. `make test` runs them with the default hypothesis profile through
test_memory_limit.py; `make fuzz` with the long one.
"""

from __future__ import annotations

import struct

from hypothesis import given
from hypothesis import strategies as st

from scanner.db import load_db
from scanner.db.types import Rule
from scanner.engine.budget import (
    EVIDENCE_PER_RULE,
    EVIDENCE_PER_SUBJECT,
    MIN_BUDGET,
    Budget,
    Ledger,
)
from scanner.engine.core import Engine
from scanner.engine.dispatch import Dispatcher
from scanner.engine.evidence import EvidenceTable
from scanner.engine.flows import (
    MAX_DATAGRAM,
    MAX_DATAGRAMS,
    MAX_PARTS,
    MAX_PENDING,
    Direction,
    Fragments,
)
from scanner.engine.hosts import Sightings
from scanner.model import Kind, Meta, Observation
from scanner.wire import LT_ETHERNET

SMALL = Budget.of(MIN_BUDGET)
CLIENT_MAC, SERVER_MAC = bytes.fromhex("3ca9f4000010"), bytes.fromhex("0a6666000066")


def tcp(server: int, seq: int, flags: int, payload: bytes) -> bytes:
    """A frame from server 10.0.0.<server>:80 to the client, checksums zero."""
    head = struct.pack("!HHIIBBHHH", 80, 40000, seq & 0xFFFFFFFF, 1, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 1, 0x4000, 64, 6, 0,
                     bytes([10, 0, 0, server]), bytes([10, 0, 0, 200]))  # fmt: skip
    return CLIENT_MAC + SERVER_MAC + b"\x08\x00" + ip + head + payload


segments = st.lists(
    st.tuples(
        st.integers(1, 12),  # which server (direction)
        st.integers(-40_000, 70_000),  # sequence offset from the direction's start
        st.sampled_from((0x02, 0x10, 0x18, 0x11, 0x04)),  # SYN, ACK, PSH-ACK, FIN-ACK, RST
        st.integers(0, 9000),  # payload length
        st.sampled_from((b"HTTP/1.1 200 OK\r\n", b"\x16\x03\x01\x00\x10\x02", b"zz")),
    ),
    max_size=120,
)


@given(segments)
def test_fuzz_reassembly_stays_within_its_budget(
    script: list[tuple[int, int, int, int, bytes]],
) -> None:
    dispatcher = Dispatcher(lambda obs: None, Sightings(Ledger(SMALL)))
    dispatcher.max_stream_bytes = 40_000  # a few directions' worth: shedding happens often
    for n, (server, offset, flags, size, start) in enumerate(script):
        payload = (start * (size // len(start) + 1))[:size] if offset <= 0 else bytes(size)
        dispatcher.frame(LT_ETHERNET, float(n), tcp(server, 1000 + offset, flags, payload))
        live = list(dispatcher.live.values())
        assert dispatcher.stream_bytes == sum(d.held() for d in live)
        assert dispatcher.stream_bytes <= dispatcher.max_stream_bytes
        assert len(dispatcher.dirs) <= dispatcher.max_dirs
        for d in live:
            assert isinstance(d, Direction)
            assert len(d.pending) <= MAX_PENDING
            assert d.pending_bytes == sum(map(len, d.pending.values())) <= d.cap
            assert len(d.buf) <= d.cap


fragments = st.lists(
    st.tuples(
        st.integers(0, 300),  # datagram id
        st.integers(0, 8191),  # offset in 8-byte units
        st.booleans(),  # more fragments
        st.integers(0, 65_000),  # length
    ),
    max_size=150,
)


@given(fragments)
def test_fuzz_fragments_stay_within_their_cap(script: list[tuple[int, int, bool, int]]) -> None:
    table = Fragments(200_000, Ledger(SMALL))
    for ident, units, more, size in script:
        table.add((ident,), units * 8, more, bytes(size))
        held = [sum(map(len, parts.values())) for parts, _ in table.pending.values()]
        assert table.held == sum(held) <= table.cap
        assert len(table.pending) <= MAX_DATAGRAMS
        assert all(h <= MAX_DATAGRAM for h in held)
        assert all(len(parts) <= MAX_PARTS for parts, _ in table.pending.values())


evidence = st.lists(
    st.tuples(
        st.integers(0, 40),  # subject
        st.integers(0, 3),  # MAC of the subject
        st.integers(0, 12),  # rule
        st.integers(0, 20),  # value
        st.sampled_from((0.2, 0.35, 0.8, 0.95)),
    ),
    max_size=400,
)


@given(evidence, st.integers(1, 200))
def test_fuzz_evidence_table_respects_every_cap(
    script: list[tuple[int, int, int, int, float]], cap: int
) -> None:
    from scanner.engine.fuse import Evidence

    ledger = Ledger(SMALL)
    table = EvidenceTable(cap, ledger)
    meta = Meta(input="f", frame=1, ts=0.0)
    for subject_n, mac_n, rule_n, value_n, weight in script:
        subject = (None, f"02:00:00:00:00:{mac_n:02x}", f"10.0.{mac_n}.{subject_n}")
        rule = Rule(f"r{rule_n}", "http_server", weight, "http", {}, "fuzz")
        table.add(
            (subject, rule.id, f"v{value_n}"),
            lambda r=rule, v=value_n: Evidence(r, f"v{v}", {}, meta),
            0.0,
        )
        assert len(table) <= cap
        per_subject: dict[object, int] = {}
        per_rule: dict[object, int] = {}
        per_mac: dict[object, int] = {}
        for subj, rule_id, _ in table.items:
            per_subject[subj] = per_subject.get(subj, 0) + 1
            per_rule[(subj, rule_id)] = per_rule.get((subj, rule_id), 0) + 1
            per_mac[subj[1]] = per_mac.get(subj[1], 0) + 1
        assert max(per_subject.values(), default=0) <= EVIDENCE_PER_SUBJECT
        assert max(per_rule.values(), default=0) <= EVIDENCE_PER_RULE
        assert max(per_mac.values(), default=0) <= table.mac_cap
        assert sum(len(keys) for keys in table._by_weight.values()) == len(table)
        assert sum(len(keys) for keys in table._of_subject.values()) == len(table)


hosts = st.lists(
    st.tuples(
        st.sampled_from(("arp", "name", "sighting")), st.integers(0, 5000), st.integers(0, 3)
    ),
    max_size=300,
)


@given(hosts)
def test_fuzz_host_tables_respect_their_caps(script: list[tuple[str, int, int]]) -> None:
    db = load_db()
    budget = Budget(SMALL.total, {**SMALL.caps, "hosts": 50, "bindings": 40, "names": 30,
                                  "listed": 20, "nets": 8})  # fmt: skip
    engine = Engine(db, db.policy("default"), Ledger(budget))
    for what, n, vlan in script:
        mac, ip = f"02:00:00:00:{n >> 8:02x}:{n & 0xFF:02x}", f"10.{vlan}.{n >> 8}.{n & 0xFF}"
        meta = Meta(input="f", frame=1, ts=float(n), vlan=vlan or None, src_mac=mac, src_ip=ip)
        if what == "arp":
            engine.feed(Observation(Kind.MAC_IP, "x", meta, {"mac": mac, "ip": ip, "via": "arp"}))
        elif what == "name":
            engine.feed(Observation(Kind.DHCP_HOSTNAME, f"host-{n}", meta, {"mac": mac}))
        else:
            engine.sightings.see(vlan or None, bytes.fromhex(mac.replace(":", "")),
                                 bytes([10, vlan, n >> 8, n & 0xFF]), float(n), 1)  # fmt: skip
        assert len(engine.bindings) <= 40
        assert len(engine.hostnames) + len(engine.endpoints) <= 30
        assert len(engine.sightings.pairs) <= 50
    assert len(engine.devices()) <= 20
