"""Fuzzing the passive path: capture reader, dispatcher and the whole analysis on mutated input.

Budgets come from the hypothesis profile (tests/conftest.py): `default` in the normal suite,
`long` under `make fuzz`.
"""

from __future__ import annotations

import json
import logging
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_fuzzing import assert_sane, mutated, seed_bytes
from hypothesis import given
from hypothesis import strategies as st

from scanner import app
from scanner.db import load_db
from scanner.decoders import dhcp, dhip, dns, sadp, sdk, ssdp, wsd
from scanner.engine.dispatch import Dispatcher
from scanner.engine.hosts import Sightings
from scanner.errors import CaptureFormatError
from scanner.model import Observation
from scanner.output import jsonout
from scanner.output.validate import validate_report
from scanner.sources.capture import MAX_FRAME, ReadState, read_records

SEEDS = seed_bytes()
DB = load_db()
POLICY = DB.policy("default")
LINK_TYPES = (0, 1, 101, 108, 113, 228, 229, 276)
UDP_PORTS = (
    *dns.UDP_PORTS, *dhcp.UDP_PORTS, *ssdp.UDP_PORTS, *wsd.UDP_PORTS, *sadp.UDP_PORTS,
    *dhip.UDP_PORTS, *dhip.UDP_PORTS_5050, 9999,
)  # fmt: skip
TCP_PORTS = (80, 443, 554, 8080, 8443, *sorted(sdk.SDK_PORTS), 5000, 9999)
BANNERS = (b"HTTP/1.1 200 OK\r\n", b"RTSP/1.0 200 OK\r\n", b"GET / HTTP/1.1\r\n",
           b"\x16\x03\x03", dhip.DHIP_MAGIC, b"")  # fmt: skip
_SCRATCH = Path(tempfile.mkdtemp(prefix="camscan-fuzz-"))


class _Collect(logging.Handler):
    """Keeps every record it is handed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def decoder_failures() -> Iterator[list[logging.LogRecord]]:
    """Records of decoders that raised inside the dispatcher (which swallows and counts them)."""
    handler = _Collect()
    logger = logging.getLogger("scanner.engine.dispatch")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def write(name: str, data: bytes) -> Path:
    path = _SCRATCH / name
    path.write_bytes(data)
    return path


@st.composite
def mutated_capture(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    return name, draw(mutated(SEEDS[name]))


# -- the reader --------------------------------------------------------------------------------


@given(mutated_capture())
def test_fuzz_reader_raises_only_capture_format_error(case: tuple[str, bytes]) -> None:
    name, data = case
    path = write("reader-" + name, data)
    state = ReadState(path=str(path))
    count = 0
    try:
        for linktype, ts, frame in read_records(path, state):
            assert isinstance(linktype, int) and isinstance(ts, float)
            assert len(frame) <= MAX_FRAME
            count += 1
    except CaptureFormatError as exc:
        assert str(exc).startswith(str(path))
    assert state.frames == count
    assert all(w.startswith(f"{path}: ") for w in state.warnings)


# -- the dispatcher ----------------------------------------------------------------------------


def ipv4(proto: int, l4: bytes, src: bytes = b"\xc0\xa8\x01\x42") -> bytes:
    """Ethernet + IPv4 header (DF, no options) around `l4`."""
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, proto, 0, src,
                     b"\xc0\xa8\x01\x0a")  # fmt: skip
    return b"\x00\x11\x22\x33\x44\x55\x0a\x66\x66\x00\x00\x66\x08\x00" + ip + l4


def tcp(sport: int, dport: int, seq: int, flags: int, payload: bytes) -> bytes:
    return ipv4(
        6, struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 0x50, flags, 65535, 0, 0) + payload
    )


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return ipv4(17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)


@st.composite
def tcp_stream(draw: st.DrawFn) -> list[bytes]:
    """SYN, SYN-ACK, then segments of a banner-led payload at drawn (often wrong) offsets."""
    port = draw(st.sampled_from(TCP_PORTS))
    data = draw(st.sampled_from(BANNERS)) + draw(st.binary(max_size=3000))
    isn = draw(st.integers(0, 0xFFFFFFFF))
    frames = [tcp(50000, port, 100, 0x02, b""), tcp(port, 50000, isn, 0x12, b"")]
    pos = 0
    while pos < len(data):
        size = draw(st.integers(1, 1460))
        seq = (isn + 1 + pos + draw(st.sampled_from((0, 0, 0, -1, 7, 1 << 31)))) & 0xFFFFFFFF
        frames.append(
            tcp(port, 50000, seq, draw(st.sampled_from((0x18, 0x19, 0x14))), data[pos : pos + size])
        )
        pos += size
    return frames


def udp_frame() -> st.SearchStrategy[bytes]:
    port = st.sampled_from(UDP_PORTS)
    return st.builds(udp, port, port, st.binary(max_size=2000))


def mid_stream_segment() -> st.SearchStrategy[bytes]:
    """A TCP segment of a stream whose handshake the capture missed."""
    payload = st.builds(bytes.__add__, st.sampled_from(BANNERS), st.binary(max_size=1460))
    port = st.sampled_from(TCP_PORTS)
    return st.builds(tcp, port, port, st.integers(0, 0xFFFFFFFF), st.integers(0, 0xFF), payload)


def dispatch(linktype: int, frames: list[bytes]) -> tuple[Dispatcher, list[Observation]]:
    seen: list[Observation] = []
    dispatcher = Dispatcher(seen.append, Sightings())
    for frame in frames:
        dispatcher.frame(linktype, 0.0, frame)
    dispatcher.flush()
    return dispatcher, seen


@given(
    linktype=st.sampled_from(LINK_TYPES) | st.integers(0, 0xFFFF),
    frames=st.lists(st.binary(max_size=1600), max_size=16),
)
def test_fuzz_dispatcher_on_random_frames_never_raises(
    linktype: int, frames: list[bytes], decoder_failures: list[logging.LogRecord]
) -> None:
    dispatcher, seen = dispatch(linktype, frames)
    assert 0 <= dispatcher.decode_errors <= len(frames)
    assert_sane(seen)
    assert decoder_failures == []


@given(
    singles=st.lists(udp_frame() | mid_stream_segment(), max_size=8),
    streams=st.lists(tcp_stream(), max_size=3),
)
def test_fuzz_dispatcher_on_structured_udp_and_tcp_never_raises(
    singles: list[bytes], streams: list[list[bytes]], decoder_failures: list[logging.LogRecord]
) -> None:
    frames = singles + [frame for stream in streams for frame in stream]
    dispatcher, seen = dispatch(1, frames)
    assert dispatcher.decode_errors == 0  # every frame is well-formed up to its payload
    assert_sane(seen)
    assert decoder_failures == []


def test_truncated_ipv4_header_counts_one_decode_error() -> None:
    frame = ipv4(17, b"")[: 14 + 9]  # Ethernet, then 9 of the 20 IPv4 header bytes
    dispatcher, seen = dispatch(1, [frame])
    assert (dispatcher.decode_errors, seen) == (1, [])


# -- the whole analysis ------------------------------------------------------------------------


@given(st.lists(mutated_capture(), min_size=1, max_size=3))
def test_fuzz_analyse_captures_gives_a_valid_report(cases: list[tuple[str, bytes]]) -> None:
    paths = [write(f"full-{i}-{name}", data) for i, (name, data) in enumerate(cases)]
    run = app.analyse_files(paths, DB, POLICY)
    assert len(run.unreadable) <= len(paths)
    report = app.findings(run, DB, POLICY)
    validate_report(report)
    assert json.loads(jsonout.dumps(report))["schema"] == report["schema"]
