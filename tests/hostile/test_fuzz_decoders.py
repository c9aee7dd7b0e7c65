"""Fuzzing every decoder with random bytes and with mutations of the payloads it really sees.

Seeds are harvested by running the synthetic captures through a Dispatcher that records what it
hands each decoder, so every decoder is fuzzed from inputs shaped like its protocol.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hostile_fuzzing import SYNTHETIC, assert_sane, mutated
from hypothesis import given
from hypothesis import strategies as st

from scanner.decoders import (
    arp,
    body,
    dhcp,
    dhip,
    dns,
    http,
    ndp,
    p2p,
    rtsp,
    sadp,
    sdk,
    ssdp,
    tls,
    wsd,
)
from scanner.engine.dispatch import Decoder, Dispatcher
from scanner.engine.hosts import Sightings
from scanner.model import Meta, Observation
from scanner.sources.capture import ReadState, read_records

DECODERS: dict[str, Decoder] = {
    "arp": arp.decode, "ndp": ndp.decode, "dhcp": dhcp.decode, "dns": dns.decode,
    "ssdp": ssdp.decode, "wsd": wsd.decode, "sadp": sadp.decode,
    "sadp_legacy": sadp.decode_legacy, "dhip": dhip.decode, "dhip_5050": dhip.decode_5050,
    "p2p": p2p.decode, "http": http.decode, "rtsp": rtsp.decode, "tls": tls.decode,
    "sdk": sdk.decode,
    "body": lambda payload, meta: body.describe(payload, meta, {"status": "200"}),
}  # fmt: skip
REALWORLD = Path(__file__).resolve().parents[1] / "realworld" / "corpus"
# framings whose values reach body.describe (response bodies)
BODY_FRAMINGS = frozenset({"http-body", "onvif-response"})
# ports that make decoders take their port-specific paths (mDNS vs DNS, SDK banners)
PORTS = (53, 5353, 80, 554, 8000, 37777, 34567, 443, 40000)


class _Recorder(Dispatcher):
    """A Dispatcher that keeps every (decoder, payload) it routes."""

    def __init__(self) -> None:
        super().__init__(lambda obs: None, Sightings())
        self.seen: dict[Callable[..., object], list[bytes]] = defaultdict(list)

    def _decode(self, decoder: Decoder, payload: bytes, meta: Meta) -> Iterable[Observation]:
        self.seen[decoder].append(payload)
        return super()._decode(decoder, payload, meta)


def _harvest() -> dict[str, list[bytes]]:
    recorder = _Recorder()
    for path in [
        *sorted(SYNTHETIC.glob("*.pcap*")),
        SYNTHETIC.parent / "demo" / "store-lan.pcapng",
    ]:
        for linktype, ts, frame in read_records(path, ReadState(path=str(path))):
            recorder.frame(linktype, ts, frame)
        recorder.flush()
    by_name = {name: recorder.seen.get(decoder, []) for name, decoder in DECODERS.items()}
    # body.describe is reached through http: seed it with real bodies from the corpus
    by_name["body"] = _realworld_bodies()
    return {name: sorted(set(payloads))[:40] for name, payloads in by_name.items()}


def _realworld_bodies() -> list[bytes]:
    bodies = []
    for path in sorted(REALWORLD.glob("*.toml")):
        for item in tomllib.loads(path.read_text(encoding="utf-8")).get("item", []):
            if item["framing"] in BODY_FRAMINGS and "value" in item:
                bodies.append(item["value"].encode())
    return bodies


SEEDS = _harvest()


def test_every_decoder_has_seed_payloads() -> None:
    assert sorted(name for name, payloads in SEEDS.items() if not payloads) == []


@st.composite
def payload_for(draw: st.DrawFn, name: str) -> bytes:
    seeds = SEEDS[name]
    if not seeds or draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=4096))
    return draw(mutated(draw(st.sampled_from(seeds))))


def meta_for(sport: int, dport: int) -> Meta:
    return Meta(
        input="fuzz", frame=1, ts=0.0, src_mac="0a:66:66:00:00:66", dst_mac="3c:a9:f4:00:00:10",
        src_ip="192.168.1.66", dst_ip="192.168.1.10", proto="udp", sport=sport, dport=dport,
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted(DECODERS))
@given(data=st.data())
def test_fuzz_decoder_returns_bounded_clean_observations(name: str, data: st.DataObject) -> None:
    payload = data.draw(payload_for(name), label="payload")
    meta = meta_for(data.draw(st.sampled_from(PORTS)), data.draw(st.sampled_from(PORTS)))
    assert_sane(DECODERS[name](payload, meta))
