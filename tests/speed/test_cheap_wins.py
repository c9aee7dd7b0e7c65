"""The cheap wins of the capture path change nothing but the time taken: pure ACKs stop early,
mDNS queries are not decoded, announcements are remembered without their message ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner import app
from scanner.db import load_db
from scanner.decoders import dns, sadp, wsd
from scanner.engine import dispatch
from scanner.model import Meta

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "pcaps" / "demo" / "store-lan.pcapng"
PROBE_ID = "3f2a1c4e-0b6d-4e8f-9a7b-1c2d3e4f5a6b"
OTHER_ID = "9d8c7b6a-5f4e-4d3c-8b2a-190817263544"
META = Meta("t", 1, 0.0, src_ip="10.0.0.5", dst_ip="10.0.0.9", proto="udp", sport=3702,
            dport=50126)  # fmt: skip


def report(paths: list[Path]) -> str:
    db = load_db()
    pol = db.policy("default")
    run = app.analyse_files(paths, db, pol)
    run.started = run.finished = 0.0
    return json.dumps(app.findings(run, db, pol), sort_keys=True)


def test_memo_forms_and_silent_decoders_change_no_report(
    store_sample: Path, bench_sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [store_sample, bench_sample, DEMO]
    fast = report(paths)
    monkeypatch.setattr(dispatch, "MEMO_FORMS", {})
    monkeypatch.setattr(dispatch, "SILENT", {})
    assert report(paths) == fast


def probe_match(message_id: str, relates_to: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header>'
        f"<a:MessageID>uuid:{message_id}</a:MessageID>{extra}"
        f"<a:RelatesTo>urn:uuid:{relates_to}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches>"
        "<d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:ep-1</a:Address>"
        "</a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>"
        "<d:XAddrs>http://10.0.0.5/onvif/device_service</d:XAddrs></d:ProbeMatch>"
        "</d:ProbeMatches></s:Body></s:Envelope>"
    ).encode()


def test_wsd_memo_form_keeps_all_but_the_ids_and_states_them_as_decode_does() -> None:
    one, two = probe_match(PROBE_ID, OTHER_ID), probe_match(OTHER_ID, PROBE_ID)
    form_one, form_two = wsd.memo_form(one), wsd.memo_form(two)
    assert form_one is not None and form_two is not None
    assert form_one[0] == form_two[0]
    decoded = {o.attrs["message_id"] for o in wsd.decode(two, META)}
    assert (form_two[1], decoded) == (
        {"message_id": f"uuid:{OTHER_ID}", "relates_to": f"urn:uuid:{PROBE_ID}"},
        {f"uuid:{OTHER_ID}"},
    )


@pytest.mark.parametrize(
    "extra",
    [
        "<!-- <a:MessageID>uuid:00000000-0000-0000-0000-000000000000</a:MessageID> -->",
        "<a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID>",
        "<a:Note>&lt;</a:Note>",
        "<a:Note>MessageID</a:Note>",
    ],
)
def test_wsd_memo_form_refuses_what_it_cannot_be_sure_of(extra: str) -> None:
    assert wsd.memo_form(probe_match(PROBE_ID, OTHER_ID, extra)) is None


def test_sadp_memo_form_zeroes_the_uuid_it_never_reads() -> None:
    probe = f"<Probe><Uuid>{PROBE_ID.upper()}</Uuid><Types>inquiry</Types></Probe>".encode()
    form = sadp.memo_form(probe)
    assert form == (probe.replace(PROBE_ID.upper().encode(), wsd.UUID_MASK), {})


@pytest.mark.parametrize(
    ("payload", "ports", "silent"),
    [
        (bytes.fromhex("0000 0000 0001 0000 0000 0000") + b"\x05_http\x04_tcp\x05local\x00"
         b"\x00\x0c\x00\x01", (5353, 5353), True),  # an mDNS query
        (bytes.fromhex("0000 8400 0000 0001 0000 0000"), (5353, 5353), False),  # mDNS response
        (bytes.fromhex("1234 0100 0001 0000 0000 0000"), (51000, 53), False),  # a DNS query
        (bytes.fromhex("1234 2800 0001"), (51000, 53), True),  # too short
        (bytes.fromhex("1234 2800 0001 0000 0000 0000"), (51000, 53), True),  # an UPDATE
    ],
)  # fmt: skip
def test_dns_silent_only_where_decode_finds_nothing(
    payload: bytes, ports: tuple[int, int], silent: bool
) -> None:
    meta = Meta("t", 1, 0.0, src_ip="10.0.0.5", dst_ip="10.0.0.9", proto="udp",
                sport=ports[0], dport=ports[1])  # fmt: skip
    assert dns.silent(payload, *ports) is silent
    if silent:
        assert dns.decode(payload, meta) == []


def _observations(frames: list[bytes]) -> list[tuple[Any, ...]]:
    from scanner.engine.hosts import Sightings

    seen: list[Any] = []
    d = dispatch.Dispatcher(seen.append, Sightings())
    for n, frame in enumerate(frames):
        d.frame(1, float(n), frame)
    return [(o.kind, o.value, tuple(o.attrs.items()), o.meta.frame) for o in seen]


def test_a_remembered_probe_match_carries_each_frames_own_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import struct

    def frame(payload: bytes) -> bytes:
        udp = struct.pack("!HHHH", 3702, 50126, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                         bytes([10, 0, 0, 5]), bytes([10, 0, 0, 9]))  # fmt: skip
        return bytes.fromhex("b083fe2d1902 4419b6123456 0800") + ip + udp

    frames = [frame(probe_match(PROBE_ID, OTHER_ID)), frame(probe_match(OTHER_ID, PROBE_ID))]
    remembered = _observations(frames)
    monkeypatch.setattr(dispatch, "MEMO_FORMS", {})
    assert remembered == _observations(frames)
    assert {dict(o[2])["message_id"] for o in remembered} == {
        f"uuid:{PROBE_ID}",
        f"uuid:{OTHER_ID}",
    }
