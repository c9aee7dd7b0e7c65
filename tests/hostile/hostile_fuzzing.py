"""Shared pieces of the fuzz tests: seed captures, byte mutations, and the output invariants."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from pathlib import Path

from hypothesis import strategies as st

from scanner.model import Observation

SYNTHETIC = Path(__file__).resolve().parents[2] / "pcaps" / "synthetic"
# small real-shaped captures of every format the reader takes: pcap (both link layers we see
# most), pcapng with two interfaces, gzip
SEED_FILES = (
    "sadp.pcap", "dhip.pcap", "http_hikvision.pcap", "rtsp.pcap", "wsd_hikvision.pcap",
    "dns_ezviz.pcap", "sll.pcap", "sll2.pcap", "rawip.pcap", "vlan_qinq.pcap",
    "two_interfaces.pcapng", "sadp.pcap.gz", "dahua5050.pcap", "sdk8000.pcap",
)  # fmt: skip
# length-field values that have broken parsers before: zero, tiny, just over limits, huge
INTERESTING_U32 = (0, 1, 7, 12, 16, 0xFFFF, 0x10000, 256 * 1024 + 1, 0x7FFFFFFF, 0xFFFFFFFF)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_OBSERVED = 2048  # the longest value a decoder may emit (HTTP_BODY); others stop at 512
MAX_ATTRS = 64


def seed_bytes() -> dict[str, bytes]:
    """The seed captures by name."""
    return {name: (SYNTHETIC / name).read_bytes() for name in SEED_FILES}


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """`seed` with a few bytes flipped, inserted or deleted, a length overwritten, or a cut."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("flip", "insert", "delete", "u32", "cut")))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "u32" and len(data) >= 4:
            at = min(at, len(data) - 4)
            value = draw(st.sampled_from(INTERESTING_U32))
            struct.pack_into(draw(st.sampled_from(("<I", ">I"))), data, at, value)
        elif op == "cut":
            del data[at:]
    return bytes(data)


def assert_sane(observations: Iterable[Observation]) -> None:
    """Decoder output contract: bounded, printable strings, plain attrs, a bool truncated flag."""
    for obs in observations:
        assert isinstance(obs, Observation)
        assert len(obs.value) <= MAX_OBSERVED and not CONTROL.search(obs.value), obs
        assert len(obs.attrs) <= MAX_ATTRS, obs
        for key, value in obs.attrs.items():
            assert isinstance(key, str) and isinstance(value, str), obs
            assert len(value) <= MAX_OBSERVED and not CONTROL.search(value), obs
        assert isinstance(obs.truncated, bool)
