"""The streaming capture reader: formats, compression and every kind of damage."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pytest

from scanner.errors import CaptureFormatError
from scanner.sources.capture import MAX_FRAME, ReadState, read_records

FRAME_A = bytes(range(60))
FRAME_B = b"\xff" * 42


def pcap_bytes(
    frames: list[bytes], linktype: int = 1, endian: str = "<", nano: bool = False
) -> bytes:
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)
    for i, frame in enumerate(frames):
        # ts = 1000 + i seconds, 500 units of fraction
        out += struct.pack(endian + "IIII", 1000 + i, 500, len(frame), len(frame)) + frame
    return out


def block(btype: int, body: bytes) -> bytes:
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def shb() -> bytes:
    # byte-order magic, version 1.0, section length -1 (unknown)
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(linktype: int, tsresol: int | None = None) -> bytes:
    body = struct.pack("<HHI", linktype, 0, 65535)
    if tsresol is not None:  # option 9 if_tsresol, 1 byte, padded to 4
        body += struct.pack("<HH", 9, 1) + bytes([tsresol]) + b"\0\0\0" + struct.pack("<HH", 0, 0)
    return block(1, body)


def epb(ifid: int, ticks: int, frame: bytes) -> bytes:
    pad = b"\0" * (-len(frame) % 4)
    body = struct.pack("<IIIII", ifid, ticks >> 32, ticks & 0xFFFFFFFF, len(frame), len(frame))
    return block(6, body + frame + pad)


def read_all(path: Path) -> tuple[list[tuple[int, float, bytes]], ReadState]:
    state = ReadState(path=str(path))
    return list(read_records(path, state)), state


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pcap_little_endian_microseconds(tmp_path: Path) -> None:
    records, state = read_all(write(tmp_path, "a.pcap", pcap_bytes([FRAME_A, FRAME_B])))
    assert records == [(1, 1000.0005, FRAME_A), (1, 1001.0005, FRAME_B)]
    assert (state.frames, state.bytes, state.warnings, state.damaged) == (2, 102, [], False)


def test_pcap_big_endian_nanoseconds_and_linktype(tmp_path: Path) -> None:
    data = pcap_bytes([FRAME_A], linktype=113, endian=">", nano=True)
    records, _ = read_all(write(tmp_path, "b.pcap", data))
    assert records == [(113, 1000.0000005, FRAME_A)]


def test_gzip_compressed_pcap(tmp_path: Path) -> None:
    data = gzip.compress(pcap_bytes([FRAME_A, FRAME_B]))
    records, _ = read_all(write(tmp_path, "c.pcap.gz", data))
    assert [r[2] for r in records] == [FRAME_A, FRAME_B]


def test_pcapng_two_interfaces_and_resolution(tmp_path: Path) -> None:
    # interface 0: Ethernet, microseconds; interface 1: raw IP, nanoseconds (if_tsresol = 9)
    data = shb() + idb(1) + idb(101, tsresol=9)
    data += epb(0, 2_000_000, FRAME_A) + block(0xBAD, b"\0" * 8) + epb(1, 3_000_000_000, FRAME_B)
    records, state = read_all(write(tmp_path, "d.pcapng", data))
    assert records == [(1, 2.0, FRAME_A), (101, 3.0, FRAME_B)]
    assert state.warnings == []


def test_pcapng_packet_for_unknown_interface_is_skipped_with_warning(tmp_path: Path) -> None:
    data = shb() + idb(1) + epb(5, 0, FRAME_A) + epb(0, 0, FRAME_B)
    records, state = read_all(write(tmp_path, "e.pcapng", data))
    assert [r[2] for r in records] == [FRAME_B]
    assert len(state.warnings) == 1 and "corrupt packet block" in state.warnings[0]


def test_truncated_pcap_keeps_frames_before_the_damage(tmp_path: Path) -> None:
    data = pcap_bytes([FRAME_A, FRAME_B])[:-10]
    records, state = read_all(write(tmp_path, "f.pcap", data))
    assert [r[2] for r in records] == [FRAME_A]
    assert state.damaged
    assert state.warnings == [
        f"{tmp_path / 'f.pcap'}: capture damaged at byte 100 after frame 1: record of 42 bytes "
        "cut short at 32; findings cover the frames before it"
    ]


def test_record_claiming_gigabytes_stops_without_allocating(tmp_path: Path) -> None:
    good = pcap_bytes([FRAME_A])
    bad = struct.pack("<IIII", 1, 0, 0xFFFFFFF0, 0xFFFFFFF0) + b"x" * 100
    records, state = read_all(write(tmp_path, "g.pcap", good + bad))
    assert [r[2] for r in records] == [FRAME_A]
    assert "record claims 4294967280 bytes" in state.warnings[0]
    assert MAX_FRAME < 0xFFFFFFF0


def test_gzip_cut_in_half_keeps_what_decompressed(tmp_path: Path) -> None:
    frames = [bytes([i]) * 1000 for i in range(200)]
    data = gzip.compress(pcap_bytes(frames), compresslevel=1)
    records, state = read_all(write(tmp_path, "h.pcap.gz", data[: len(data) // 2]))
    assert 0 < len(records) < 200
    assert [r[2] for r in records] == frames[: len(records)]
    assert state.damaged and "compressed data is damaged" in state.warnings[-1]


def test_header_only_pcap_yields_nothing_and_no_warning(tmp_path: Path) -> None:
    records, state = read_all(write(tmp_path, "i.pcap", pcap_bytes([])))
    assert (records, state.warnings) == ([], [])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty or too short to be a capture"),
        (b"hello world, not a capture", "not a pcap or pcapng capture (magic 68656c6c)"),
        (pcap_bytes([])[:10], "pcap header is truncated"),
        (b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x00\x00\x00\x00", "bad byte-order mark"),
    ],
)
def test_unreadable_files_raise_one_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "bad.bin", data)
    with pytest.raises(CaptureFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_all(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureFormatError, match="cannot open"):
        read_all(tmp_path / "nope.pcap")


def test_pcapng_block_with_impossible_length_stops_with_warning(tmp_path: Path) -> None:
    data = shb() + idb(1) + epb(0, 0, FRAME_A) + struct.pack("<II", 6, 7) + b"\0" * 32
    records, state = read_all(write(tmp_path, "j.pcapng", data))
    assert [r[2] for r in records] == [FRAME_A]
    assert "impossible length 7" in state.warnings[0]
