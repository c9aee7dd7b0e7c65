"""The compiled capture path: scanner.sources._fastpath reads an uncompressed capture file and
drops its bulk frames in C; the Python reader takes over where the file needs it (damage, a new
pcapng section). Same frames, same dispatcher state, same report as the pure-Python path."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.sources import capture
from scanner.sources.capture import Position, ReadState
from scanner.wire import DECODED_LINKTYPES

if TYPE_CHECKING:
    from scanner.engine.dispatch import Dispatcher

Progress = Callable[[int, int], None]  # (bytes consumed, frames so far)
PROGRESS_EVERY = 1 << 16
DISABLE_ENV = "CAMSCAN_PURE_PYTHON"  # set (to anything) to read with the pure-Python path

_compiled: Any = None
try:
    from scanner.sources import _fastpath as _compiled  # type: ignore[attr-defined,no-redef]
except ImportError:  # built without a C compiler: the pure-Python reader does everything
    _compiled = None


def compiled() -> Any:
    """The compiled module (callers check available() first)."""
    return _compiled


def available() -> bool:
    """Whether the compiled reader is installed and not disabled by CAMSCAN_PURE_PYTHON."""
    return _compiled is not None and not os.environ.get(DISABLE_ENV)


def replay(
    path: Path, state: ReadState, dispatcher: Dispatcher, progress: Progress | None = None
) -> bool:
    """Feed every frame of `path` to `dispatcher`, compiled as far as the file allows; False
    (nothing read) when the compiled reader cannot take this file (gzip, a pipe, not built)."""
    if not available() or not _regular(path) or capture.is_compressed(path):
        return False
    at = capture.first_record(path, state)
    counts: list[int] = [0, 0, at.offset]
    state.position = lambda: counts[2]
    with open(path, "rb") as fh:
        try:
            stop, _frames, _bytes, _frame_no, links, _at_end = _compiled.replay(
                fh.fileno(), at.offset, at.pcapng, at.endian == ">", at.scale, at.linktype,
                list(at.links), dispatcher, dispatcher.frame_errors, progress, PROGRESS_EVERY,
                capture.MAX_FRAME, capture.MAX_BLOCK, capture.MAX_KEPT_BLOCK,
                dispatcher.frame_no, counts,
            )  # fmt: skip
        finally:
            state.frames += counts[0]
            state.bytes += counts[1]
            state.consumed = counts[2]
    for linktype, _scale, frames in links:  # pcapng: frames of link types camscan cannot read
        if frames and linktype not in DECODED_LINKTYPES:
            state.undecoded[linktype] = state.undecoded.get(linktype, 0) + frames
    if stop is None:
        if not at.pcapng:
            capture.pcap_undecoded(at.linktype, state)
        capture.summarise(state)
        return True
    # the Python reader continues where the file needs it
    resume = Position(stop, at.pcapng, at.endian, at.scale, at.linktype,
                      tuple((int(t), float(s)) for t, s, _ in links))  # fmt: skip
    frame = dispatcher.frame
    records = capture.read_records(path, state, resume)
    try:
        for n, (linktype, ts, data) in enumerate(records, state.frames + 1):
            frame(linktype, ts, data)
            if progress is not None and not n % PROGRESS_EVERY:
                progress(state.consumed, n)
    finally:
        records.close()
    return True


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
