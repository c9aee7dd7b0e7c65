"""The compiled capture path gives byte-identical reports to the pure-Python path: on every
capture of pcaps/, the damaged and hostile corpus, the third-party captures, samples of both
benchmark captures, and containers built here to make the compiled reader hand over to the
Python reader (damage, a second section, corrupt or oversized blocks) at every kind of place."""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bundled import DEMO, PCAPS, ROOT, report

from scanner import app
from scanner.db import load_db
from scanner.sources import fast
from scanner.sources.capture import ReadState, read_records

pytestmark = pytest.mark.usefixtures("compiled")


def assert_identical(paths: list[Path]) -> None:
    compiled, pure = report(paths, False), report(paths, True)
    assert compiled == pure


def test_the_compiled_reader_is_used_for_a_plain_file(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = fast._compiled.replay  # noqa: SLF001

    def spy(*args: object) -> object:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(fast._compiled, "replay", spy)  # noqa: SLF001
    report([DEMO], False)
    assert calls == [1]


@pytest.mark.parametrize("path", PCAPS, ids=lambda p: str(p.relative_to(ROOT / "pcaps")))
def test_every_bundled_capture(path: Path) -> None:
    assert_identical([path])


def test_all_bundled_captures_in_one_run() -> None:
    assert_identical(PCAPS)


def test_the_damaged_and_hostile_corpus(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "hostile"))
    import make_corpus

    corpus = make_corpus.build(tmp_path)
    for path in sorted(corpus.values()):
        assert_identical([path])


def test_the_third_party_captures(realcaps: Path) -> None:
    files = sorted(p for p in realcaps.rglob("*") if p.suffix in (".pcap", ".pcapng", ".cap"))
    for path in files:
        assert_identical([path])


def test_benchmark_samples(store_sample: Path, bench_sample: Path) -> None:
    assert_identical([store_sample, bench_sample])


# -- containers that make the compiled reader hand over ------------------------------------------


def demo_records() -> list[tuple[int, float, bytes]]:
    """The demo capture's frames: real content, so the reports have devices and evidence."""
    return list(read_records(DEMO, ReadState(str(DEMO))))


def pcap_file(records: list[tuple[int, float, bytes]], endian: str = "<", nano: bool = False,
              linktype: int = 1) -> bytes:  # fmt: skip
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = bytearray(struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype))
    for _, ts, data in records:  # a bytearray grows in place; bytes += copies it every frame
        sec = int(ts)
        frac = round((ts - sec) * (1e9 if nano else 1e6))
        out += struct.pack(endian + "IIII", sec, frac, len(data), len(data)) + data
    return bytes(out)


def block(btype: int, body: bytes, endian: str = "<") -> bytes:
    body += b"\0" * (-len(body) % 4)
    size = 12 + len(body)
    return struct.pack(endian + "II", btype, size) + body + struct.pack(endian + "I", size)


def shb(endian: str = "<") -> bytes:
    return block(0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1), endian)


def idb(endian: str = "<", tsresol: int | None = None, linktype: int = 1) -> bytes:
    body = struct.pack(endian + "HHI", linktype, 0, 262144)
    if tsresol is not None:
        body += struct.pack(endian + "HH", 9, 1) + bytes([tsresol, 0, 0, 0])
        body += struct.pack(endian + "HH", 0, 0)
    return block(1, body, endian)


def epb(data: bytes, ts: float, endian: str = "<", ifid: int = 0, per_s: int = 10**6,
        caplen: int | None = None) -> bytes:  # fmt: skip
    t = round(ts * per_s)
    n = len(data) if caplen is None else caplen
    return block(6, struct.pack(endian + "IIIII", ifid, t >> 32, t & 0xFFFFFFFF, n, len(data))
                 + data, endian)  # fmt: skip


def opb(data: bytes, ts: float, endian: str = "<") -> bytes:
    t = round(ts * 10**6)
    head = struct.pack(endian + "HHIIII", 0, 0, t >> 32, t & 0xFFFFFFFF, len(data), len(data))
    return block(2, head + data, endian)


def spb(data: bytes, endian: str = "<") -> bytes:
    return block(3, struct.pack(endian + "I", len(data)) + data, endian)


def pcapng_file(records: list[tuple[int, float, bytes]], endian: str = "<",
                middle: Callable[[int], bytes] | None = None) -> bytes:  # fmt: skip
    """Two interfaces (µs and ns), frames alternating between EPB, OPB and SPB blocks."""
    out = shb(endian) + idb(endian) + idb(endian, tsresol=9)
    for n, (_, ts, data) in enumerate(records):
        kind = n % 5
        if kind == 0:
            out += epb(data, ts, endian, 1, 10**9)
        elif kind == 1:
            out += opb(data, ts, endian)
        elif kind == 2:
            out += spb(data, endian)
        else:
            out += epb(data, ts, endian)
        if middle is not None:
            out += middle(n)
    return out


CASES: dict[str, Callable[[list[tuple[int, float, bytes]]], bytes]] = {
    "pcap-big-endian": lambda r: pcap_file(r, ">"),
    "pcap-nanoseconds": lambda r: pcap_file(r, "<", nano=True),
    "pcap-cut-mid-record": lambda r: pcap_file(r)[:-37],
    "pcap-cut-in-a-header": lambda r: pcap_file(r) + b"\x01\x02\x03\x04\x05",
    "pcap-absurd-length-half-way": lambda r: (
        pcap_file(r[: len(r) // 2]) + struct.pack("<IIII", 1, 2, 10**7, 10**7) + b"x" * 64
    ),
    "pcap-raw-ip-linktype": lambda r: pcap_file([(1, ts, d[14:]) for _, ts, d in r], linktype=101),
    "pcapng-three-block-kinds": lambda r: pcapng_file(r),
    "pcapng-big-endian": lambda r: pcapng_file(r, ">"),
    "pcapng-small-unknown-blocks": lambda r: pcapng_file(
        r, middle=lambda n: block(0x80000001, b"custom" * (n % 7)) if n % 3 == 0 else b""
    ),  # fmt: skip
    "pcapng-unknown-block-larger-than-the-buffer": lambda r: pcapng_file(
        r, middle=lambda n: block(5, bytes(5 << 20)) if n == len(r) // 3 else b""
    ),  # fmt: skip
    "pcapng-corrupt-epb-half-way": lambda r: pcapng_file(
        r, middle=lambda n: epb(b"\0" * 20, 1.0, ifid=7) if n == len(r) // 2 else b""
    ),  # fmt: skip
    "pcapng-second-section": lambda r: (
        pcapng_file(r[: len(r) // 2]) + pcapng_file(r[len(r) // 2 :], ">")
    ),
    "pcapng-cut-mid-block": lambda r: pcapng_file(r)[:-10],
    "pcapng-impossible-length": lambda r: (
        pcapng_file(r[:40]) + struct.pack("<II", 6, 13) + b"x" * 9
    ),
    "pcapng-epb-before-any-interface": lambda r: (
        shb() + epb(r[0][2], 1.0) + idb() + b"".join(epb(d, ts) for _, ts, d in r[1:])
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_containers_that_hand_over_to_the_python_reader(case: str, tmp_path: Path) -> None:
    path = tmp_path / (case + (".pcapng" if "pcapng" in case else ".pcap"))
    path.write_bytes(CASES[case](demo_records()))
    assert_identical([path])


def test_progress_is_reported_every_65536_frames(tmp_path: Path) -> None:
    frame = bytes.fromhex("ffffffffffff 0011223344f0 0800") + bytes(46)
    path = tmp_path / "many.pcap"
    path.write_bytes(pcap_file([(1, 1.0 + n / 1e4, frame) for n in range(140_000)]))
    seen: list[tuple[int, int]] = []
    db = load_db()
    session = app.Session(db, db.policy("default"))
    state = ReadState(str(path))
    assert fast.replay(path, state, session.dispatcher,
                       lambda consumed, frames: seen.append((consumed, frames)))  # fmt: skip
    record = 16 + len(frame)
    assert (seen, state.frames, state.bytes) == (
        [(24 + 65536 * record, 65536), (24 + 131072 * record, 131072)], 140_000, 140_000 * 60,
    )  # fmt: skip
