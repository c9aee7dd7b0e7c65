"""Running captures through the dispatcher and engine: the `camscan pcap` job without the CLI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scanner.db import VendorDB
from scanner.db.types import Policy
from scanner.engine.core import Device, Engine
from scanner.engine.dispatch import Dispatcher
from scanner.errors import CaptureFormatError
from scanner.sources.capture import ReadState, read_records

Progress = Callable[[int, int], None]  # (bytes consumed in this file, frames so far)
PROGRESS_EVERY = 1 << 16


@dataclass(slots=True)
class RunResult:
    """Devices found plus what the run counted and warned about."""

    devices: list[Device]
    stats: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def analyse_captures(
    paths: Sequence[Path], db: VendorDB, policy: Policy, progress: Progress | None = None
) -> RunResult:
    """Stream every capture through one engine; unreadable files are reported, not fatal."""
    engine = Engine(db, policy)
    dispatcher = Dispatcher(engine.feed, engine.sightings)
    stats = {"frames": 0, "bytes": 0, "decode_errors": 0}
    warnings: list[str] = []
    unreadable: list[str] = []
    for path in paths:
        state = ReadState(path=str(path))
        dispatcher.input = engine.sightings.input = path.name
        dispatcher.frame_no = 0
        try:
            _replay(dispatcher, path, state, progress)
        except CaptureFormatError as exc:
            unreadable.append(str(exc))
            continue
        finally:
            stats["frames"] += state.frames
            stats["bytes"] += state.bytes
        if state.damaged and not state.frames:
            # damage before the first frame: nothing to show; the damage is the last warning
            unreadable.append(state.warnings[-1])
            continue
        warnings.extend(state.warnings)
        if not state.frames:
            warnings.append(f"{path}: the capture holds no frames")
        dispatcher.flush()
    stats["decode_errors"] = dispatcher.decode_errors
    stats["observations"] = engine.observations
    if engine.sightings.dropped or engine.evidence_dropped:
        warnings.append(
            f"bookkeeping limits reached: {engine.sightings.dropped} sightings and "
            f"{engine.evidence_dropped} evidence items were not stored"
        )
    return RunResult(engine.devices(), stats, warnings, unreadable)


def _replay(
    dispatcher: Dispatcher, path: Path, state: ReadState, progress: Progress | None
) -> None:
    frame = dispatcher.frame
    if progress is None:
        for linktype, ts, data in read_records(path, state):
            frame(linktype, ts, data)
        return
    for n, (linktype, ts, data) in enumerate(read_records(path, state), 1):
        frame(linktype, ts, data)
        if not n % PROGRESS_EVERY:
            progress(state.consumed, n)
