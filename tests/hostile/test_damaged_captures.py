"""Damaged captures: what was read before the damage is reported, with a warning naming where.

Exit codes of `camscan pcap`: 0 (with warnings) when some frames were readable, 2 with one
`camscan: <file>: <reason>` line per unreadable file on stderr when nothing was; never a traceback.
"""

from __future__ import annotations

import gzip
import json
import random
import struct
from pathlib import Path
from typing import Any

import make_corpus as mc
import pytest
from hostile_support import analyse, by_id, measure, run_cli

from scanner.sources.capture import ReadState, read_records

SYN = mc.SYNTHETIC
HONEST_ID = f"mac:{mc.HONEST.mac}"
# generous bounds: the cases below take milliseconds and a few MB on a laptop
SECONDS = 5.0
RSS_KB = 20 * 1024


def devices(report: dict[str, Any]) -> dict[str, tuple[str | None, str]]:
    """id -> (manufacturer, verdict): what a cut must not change for the frames before it."""
    return {i: (d["manufacturer"], d["verdict"]) for i, d in by_id(report).items()}


def cut_block(data: bytes, offset: int) -> tuple[int, int, int]:
    """(start, size, packets before it) of the pcapng block that `offset` falls in."""
    packets = 0
    for start, size, btype in mc.pcapng_blocks(data):
        if start <= offset < start + size:
            return start, size, packets
        packets += btype == 6
    raise AssertionError(f"offset {offset} is past the end")


def assert_clean_exit(proc: Any) -> None:
    assert b"Traceback" not in proc.stderr and b"Traceback" not in proc.stdout


# -- truncation --------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [120_000, 400_000, 655_555, 989_990])
def test_demo_cut_mid_block_reports_the_devices_before_the_cut(tmp_path: Path, offset: int) -> None:
    data = mc.DEMO.read_bytes()
    start, size, packets = cut_block(data, offset)
    cut, prefix = tmp_path / "cut.pcapng", tmp_path / "prefix.pcapng"
    cut.write_bytes(data[:offset])
    prefix.write_bytes(data[:start])  # the same capture ending cleanly before the damaged block
    report = analyse(cut)
    assert devices(report) == devices(analyse(prefix))
    assert report["run"]["stats"]["frames"] == packets
    assert report["run"]["warnings"] == [
        f"{cut}: capture damaged at byte {start} after frame {packets}: block of {size} bytes "
        "cut short; findings cover the frames before it"
    ]


def test_demo_cut_inside_a_block_header_names_the_block_start(tmp_path: Path) -> None:
    data = mc.DEMO.read_bytes()
    start, _size, packets = cut_block(data, 500_000)
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(data[: start + 5])
    assert analyse(cut)["run"]["warnings"] == [
        f"{cut}: capture damaged at byte {start} after frame {packets}: block header cut short; "
        "findings cover the frames before it"
    ]


def test_demo_cut_late_still_finds_most_devices_of_concern(tmp_path: Path) -> None:
    data = mc.DEMO.read_bytes()
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(data[:655_555])
    full, damaged = analyse(mc.DEMO), analyse(cut)
    assert damaged["summary"]["of_concern"] >= 8
    assert set(by_id(damaged)) <= set(by_id(full))


def test_every_cut_of_a_pcap_keeps_whole_records_and_names_the_damaged_one(tmp_path: Path) -> None:
    data = (SYN / "http_hikvision.pcap").read_bytes()
    records = list(mc.pcap_records(data))
    path = tmp_path / "cut.pcap"
    for length in range(24, len(data)):
        path.write_bytes(data[:length])
        state = ReadState(path=str(path))
        frames = list(read_records(path, state))
        whole = [r for r in records if r[0] + r[1] <= length]
        assert len(frames) == state.frames == len(whole)
        if length == 24 or any(r[0] + r[1] == length for r in records):
            assert (state.warnings, state.damaged) == ([], False)
            continue
        start, size = records[len(whole)]
        why = (
            "record header cut short"
            if length - start < 16
            else f"record of {size - 16} bytes cut short at {length - start - 16}"
        )
        tail = "findings cover the frames before it" if whole else "no frame could be read"
        assert state.warnings == [
            f"{path}: capture damaged at byte {start} after frame {len(whole)}: {why}; {tail}"
        ]


def test_cli_on_a_cut_capture_exits_0_with_the_warning_and_the_devices(tmp_path: Path) -> None:
    data = mc.DEMO.read_bytes()
    start, size, packets = cut_block(data, 655_555)
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(data[:655_555])
    proc = run_cli("pcap", cut, "--format", "json")
    assert_clean_exit(proc)
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    assert devices(report) == devices(analyse(cut))
    assert report["run"]["warnings"] == [
        f"{cut}: capture damaged at byte {start} after frame {packets}: block of {size} bytes "
        "cut short; findings cover the frames before it"
    ]
    assert f"warning: {cut}: capture damaged at byte {start}".encode() in proc.stderr


def test_cli_table_prints_the_damage_warning_once(tmp_path: Path) -> None:
    data = mc.DEMO.read_bytes()
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(data[:400_000])
    proc = run_cli("pcap", cut)
    assert_clean_exit(proc)
    assert proc.returncode == 0
    assert proc.stdout.count(b"warning: ") == 1
    assert b"capture damaged at byte" in proc.stdout


# -- flipped bytes -----------------------------------------------------------------------------


def packet_data_start(data: bytes) -> int:
    """Offset of the first byte after the demo's section and interface headers."""
    return next(start for start, _size, btype in mc.pcapng_blocks(data) if btype == 6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flipped_bytes_inside_frames_keep_every_frame_and_never_fail(
    tmp_path: Path, seed: int
) -> None:
    data = mc.DEMO.read_bytes()
    flipped = bytearray(data)
    blocks = [(s, n) for s, n, t in mc.pcapng_blocks(data) if t == 6]
    rng = random.Random(seed)
    for _ in range(200):
        start, size = rng.choice(blocks)
        (caplen,) = struct.unpack_from("<I", data, start + 20)
        flipped[start + 28 + rng.randrange(caplen)] ^= rng.randrange(1, 256)
    path = tmp_path / "flipped.pcapng"
    path.write_bytes(bytes(flipped))
    cost = measure(path)
    assert (cost["stats"]["frames"], cost["warnings"], cost["unreadable"]) == (len(blocks), [], [])
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB


@pytest.mark.parametrize("seed", range(8))
def test_flipped_bytes_anywhere_still_give_a_valid_report(tmp_path: Path, seed: int) -> None:
    data = (SYN / "wsd_hikvision.pcap").read_bytes()
    path = tmp_path / "flipped.pcap"
    path.write_bytes(mc.flip_bytes(data, seed, 12))
    report = analyse(path)  # raises nothing; validate_report checks the schema
    warnings = report["run"]["warnings"]
    assert all(w.startswith(f"{path}: ") for w in warnings)


def test_flipped_record_length_stops_with_warning_at_that_record(tmp_path: Path) -> None:
    data = bytearray((SYN / "http_hikvision.pcap").read_bytes())
    start, size = list(mc.pcap_records(bytes(data)))[5]
    struct.pack_into("<I", data, start + 8, 0x00FF0000 | (size - 16))
    path = tmp_path / "flipped.pcap"
    path.write_bytes(bytes(data))
    report = analyse(path)
    assert report["run"]["stats"]["frames"] == 5
    assert report["run"]["warnings"] == [
        f"{path}: capture damaged at byte {start} after frame 5: record claims "
        f"{0x00FF0000 | (size - 16)} bytes; findings cover the frames before it"
    ]


# -- absurd lengths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "claim"),
    [("record_claims_gigabytes.pcap", mc.GIGABYTES), ("record_claims_50mb.pcap", mc.FIFTY_MB)],
)
def test_record_claiming_huge_length_is_refused_without_allocating_it(
    corpus: dict[str, Path], name: str, claim: int
) -> None:
    path = corpus[name]
    at = len(mc.pcap(mc.honest_frames() * 3))
    cost = measure(path)
    assert cost["warnings"] == [
        f"{path}: capture damaged at byte {at} after frame 3: record claims {claim} bytes; "
        "findings cover the frames before it"
    ]
    assert cost["devices"] == [mc.HONEST.mac]
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB


def test_pcapng_block_claiming_2_gib_is_refused(corpus: dict[str, Path]) -> None:
    path = corpus["block_claims_2gib.pcapng"]
    at = len(mc.pcapng(mc.honest_frames() * 2))
    cost = measure(path)
    assert cost["warnings"] == [
        f"{path}: capture damaged at byte {at} after frame 2: block of type 6 has impossible "
        "length 2147483632; findings cover the frames before it"
    ]
    assert cost["devices"] == [mc.HONEST.mac]
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB


def test_16_mb_unknown_block_is_skipped_in_bounded_memory(corpus: dict[str, Path]) -> None:
    # regression: the block used to be read whole (three copies: ~50 MB of peak RSS)
    cost = measure(corpus["big_unknown_block.pcapng.gz"])
    assert (cost["stats"]["frames"], cost["warnings"]) == (2, [])
    assert cost["devices"] == [mc.HONEST.mac]
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < 12 * 1024


def test_dhip_header_claiming_4_gib_body_is_ignored(corpus: dict[str, Path]) -> None:
    report = analyse(corpus["dhip_claims_4gib.pcap"])
    assert [d["id"] for d in report["devices"] if d["evidence"]] == [HONEST_ID]


# -- files with nothing readable ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.pcap", "empty or too short to be a capture"),
        ("two_bytes.pcap", "empty or too short to be a capture"),
        ("not_a_capture.pcap", "not a pcap or pcapng capture (magic 54686973)"),
        ("pcap_header_cut.pcap", "pcap header is truncated"),
        (
            "first_record_cut.pcap",
            "capture damaged at byte 24 after frame 0: record of 590 bytes cut short at 14; "
            "no frame could be read",
        ),
        (
            "gzip_cut_before_first_frame.pcap.gz",
            "capture damaged at byte 24 after frame 0: compressed data is damaged (compressed "
            "file ended before the end of the stream); no frame could be read",
        ),
        (
            "gzip_garbage.pcap.gz",
            "compressed data is damaged (Error -3 while decompressing data: invalid block type)",
        ),
    ],
)
def test_unreadable_file_exits_2_with_one_stderr_line(
    corpus: dict[str, Path], name: str, reason: str
) -> None:
    path = corpus[name]
    proc = run_cli("pcap", path)
    assert_clean_exit(proc)
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr.decode() == f"camscan: {path}: {reason}\n"


def test_unreadable_file_with_a_long_path_stays_on_one_line(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a_rather_long_directory_name"] * 8)  # > 200 columns
    deep.mkdir(parents=True)
    path = deep / "empty.pcap"
    path.write_bytes(b"")
    proc = run_cli("pcap", path)
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"camscan: {path}: empty or too short to be a capture\n"


def test_good_and_unreadable_files_report_the_good_one_and_exit_2(
    corpus: dict[str, Path],
) -> None:
    good, bad = corpus["sadp_xxe_file.pcap"], corpus["empty.pcap"]
    proc = run_cli("pcap", good, bad, "--format", "json")
    assert_clean_exit(proc)
    assert proc.returncode == 2
    assert HONEST_ID in by_id(json.loads(proc.stdout))
    assert f"camscan: {bad}: empty or too short to be a capture\n".encode() in proc.stderr


@pytest.mark.parametrize("name", ["header_only.pcap", "header_only.pcapng"])
def test_capture_with_a_header_and_no_frames_exits_0_with_a_warning(
    corpus: dict[str, Path], name: str
) -> None:
    path = corpus[name]
    proc = run_cli("pcap", path, "--format", "json")
    assert_clean_exit(proc)
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    assert (report["devices"], report["run"]["stats"]["frames"]) == ([], 0)
    assert report["run"]["warnings"] == [f"{path}: the capture holds no frames"]


# -- gzip and pcapng structure -----------------------------------------------------------------


def test_gzip_cut_in_half_reports_the_frames_decompressed_before_the_cut(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    path = corpus["gzip_cut_in_half.pcapng.gz"]
    report = analyse(path)
    frames = report["run"]["stats"]["frames"]
    data = gzip.decompress(mc.gz(mc.DEMO.read_bytes()))
    blocks = [b for b in mc.pcapng_blocks(data) if b[2] == 6]
    at = blocks[frames][0]  # the first block that could not be decompressed whole
    prefix = tmp_path / "prefix.pcapng"
    prefix.write_bytes(data[:at])
    assert frames > 500 and devices(report) == devices(analyse(prefix))
    assert report["run"]["warnings"] == [
        f"{path}: capture damaged at byte {at} after frame {frames}: compressed data is "
        "damaged (compressed file ended before the end of the stream); findings cover the "
        "frames before it"
    ]


def test_pcapng_unknown_blocks_are_skipped_and_corrupt_packets_named(
    corpus: dict[str, Path],
) -> None:
    path = corpus["unknown_and_corrupt_blocks.pcapng"]
    data = path.read_bytes()
    corrupt = [s for s, _n, t in mc.pcapng_blocks(data) if t in (2, 6)][1:4]
    report = analyse(path)
    assert report["run"]["stats"]["frames"] == 2
    assert report["run"]["warnings"] == [
        f"{path}: skipped a corrupt packet block at byte {at}" for at in corrupt
    ]
    assert by_id(report)[HONEST_ID]["model"] == mc.HONEST_MODEL


def test_damaged_second_section_header_keeps_the_first_section(corpus: dict[str, Path]) -> None:
    # regression: this raised CaptureFormatError after the frames, so the CLI exited 2 and
    # dropped the devices already found
    path = corpus["later_section_damaged.pcapng"]
    at = len(mc.pcapng(mc.honest_frames() * 2))
    proc = run_cli("pcap", path, "--format", "json")
    assert_clean_exit(proc)
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    assert list(by_id(report)) == [HONEST_ID]
    assert report["run"]["warnings"] == [
        f"{path}: capture damaged at byte {at} after frame 2: a later section header is "
        "damaged; findings cover the frames before it"
    ]


def test_corrupt_block_then_damage_before_any_frame_is_one_stderr_line(tmp_path: Path) -> None:
    # found by fuzzing: the skipped-block warning used to be listed as a second unreadable line
    orphan = mc.ng_epb(mc.honest_frames()[0], 0, ifid=3)  # no interface was described
    data = mc.ng_shb() + orphan + mc.ng_idb() + mc.ng_epb(mc.honest_frames()[0], 1)[:40]
    path = tmp_path / "f.pcapng"
    path.write_bytes(data)
    at = len(mc.ng_shb() + orphan + mc.ng_idb())
    size = len(mc.ng_epb(mc.honest_frames()[0], 1))
    proc = run_cli("pcap", path)
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr.decode() == (
        f"camscan: {path}: capture damaged at byte {at} after frame 0: block of {size} bytes "
        "cut short; no frame could be read\n"
    )
