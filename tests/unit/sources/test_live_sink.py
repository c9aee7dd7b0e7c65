"""The frame sink of live capture: counts, --pcap-out and the engine, in the order frames came."""

from __future__ import annotations

from pathlib import Path

from scanner.sources.capture import ReadState, read_records
from scanner.sources.live import FrameSink
from scanner.sources.pcapng import PcapNgWriter
from scanner.wire import LT_ETHERNET, LT_RAW

FRAMES = [(LT_ETHERNET, 1.0, b"\x01" * 60), (LT_RAW, 2.0, b"\x45" + b"\x00" * 27),
          (LT_ETHERNET, 3.0, b"\x02" * 64)]  # fmt: skip


def test_frames_before_the_engine_wait_in_order_and_are_written_at_once(tmp_path: Path) -> None:
    # an active scan's first probes go out while the engine loads: none may be lost or reordered
    seen: list[tuple[int, float, bytes]] = []
    writer = PcapNgWriter(tmp_path / "out.pcapng", "eth0", "test")
    sink = FrameSink(None, writer)
    for linktype, ts, data in FRAMES[:2]:
        sink(linktype, ts, data)
    assert (seen, sink.frames, sink.octets) == ([], 2, 88)
    sink.attach(lambda linktype, ts, data: seen.append((linktype, ts, data)))
    assert (seen, sink.pending) == (FRAMES[:2], [])
    sink(*FRAMES[2])
    writer.close()
    assert (seen, sink.frames, sink.octets) == (FRAMES, 3, 152)
    assert [
        data for _, _, data in read_records(tmp_path / "out.pcapng", ReadState("out.pcapng"))
    ] == [data for _, _, data in FRAMES]
