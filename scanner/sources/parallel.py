"""--jobs: captures read in worker processes and merged into the report the serial path gives.

Each capture is a unit, and a large one is cut into parts at record boundaries. A worker reads a
part with the compiled reader into a dispatcher of its own, after warming it up on the WARM_UP
bytes before the part (whose output it throws away), and notes, for every TCP direction,
fragmented datagram and request line the part looks at, the state it had when the part first
looked. The parent takes the parts in file order. It merges a part when each of those states
equals the one the serial run holds at that point (the parent keeps it: the dispatcher state of
every part it merged or read) and no table could have overflowed: sightings and services go
through the same Sightings calls, observations are fed to the engine in their order, and the
part's changes to the dispatcher state are folded into the parent's. Otherwise the parent reads
that part itself, from the state it holds, exactly as the serial path would. A part that needs
the Python reader (damage, a new pcapng section) stops there and the parent reads the rest of
that file itself.

Only the engine consumes observations, in the parent, in file and frame order; so the report
is byte-identical to the serial one (tests/speed), and the speed-up is what the workers read
and classify in parallel minus what the parent merges.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import signal
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.engine.budget import Budget, Ledger
from scanner.engine.dispatch import Dispatcher
from scanner.engine.flows import MAX_DATAGRAMS, Direction, Fragments
from scanner.engine.hosts import SERVICES_PER_IP, Sightings
from scanner.model import Kind, Meta, Observation
from scanner.sources import capture, fast
from scanner.sources.capture import Position, ReadState
from scanner.wire import DECODED_LINKTYPES

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)
SPLIT_MIN = 64 << 20  # a capture smaller than this is one part
MAX_PART_OBSERVATIONS = 1 << 18  # more in a part: the parent reads it (workers stay small)
MIN_PARALLEL = 32 << 20  # less than this in all: read serially, a fork costs more than it saves
WARM_UP = 4 << 20  # bytes read before a part to rebuild the streams and fragments open at its start
PARTS_PER_JOB = 2  # parts per worker process: the parent merges one while the next are read
DISPATCH_TABLES = ("directions", "stream_bytes", "fragment_bytes")
Progress = Callable[[int, int], None]  # (offset in the file, frames so far)


_KINDS = {kind.value: kind for kind in Kind}


class Abandoned(Exception):
    """A merge found a table the serial run would have overflowed: run serially instead."""


@dataclass(frozen=True, slots=True)
class Part:
    """Bytes [start, end) of input `index` (start None: from the first record; end: records
    that start before it)."""

    index: int
    path: str
    start: int | None
    end: int


@dataclass(slots=True)
class Result:
    """What a worker read from one part, and what the parent needs to check it."""

    part: Part
    start: int = -1  # where the worker started (-1: it found no record boundary)
    stop: int | None = None  # where it stopped (None: a clean end of the file)
    at_end: bool = False  # stopped at the part's end (else the Python reader must go on)
    frames: int = 0
    nbytes: int = 0
    decode_errors: int = 0
    links_start: tuple[tuple[int, float], ...] = ()
    links_end: tuple[tuple[int, float, int], ...] = ()
    metas: list[tuple[Any, ...]] = field(default_factory=list)
    observations: list[tuple[Any, ...]] = field(default_factory=list)
    sightings: list[tuple[tuple[Any, ...], float, float, int]] = field(default_factory=list)
    services: list[tuple[Any, ...]] = field(default_factory=list)
    warm_frames: int = 0  # frames read before the part to warm up (numbered before its own)
    before_dirs: dict[tuple[Any, ...], tuple[Any, Any]] = field(default_factory=dict)
    before_fragments: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    before_requests: dict[tuple[Any, ...], str | None] = field(default_factory=dict)
    grew_dirs: int = 0  # the most entries the part added to the stream table at once
    grew_stream: int = 0  # ... bytes to the stream buffers
    grew_fragment_bytes: int = 0
    grew_datagrams: int = 0
    requests_added: int = 0
    dirs: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # touched keys at the end
    live: list[tuple[tuple[Any, ...], Direction]] = field(default_factory=list)
    stream_delta: int = 0
    pending: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # touched, at the end
    fragment_delta: int = 0
    requests: dict[tuple[Any, ...], str | None] = field(default_factory=dict)  # None: removed
    drops: dict[str, int] = field(default_factory=dict)
    kept_live: set[tuple[Any, ...]] = field(default_factory=set)  # live all along, in place
    spoilt: bool = False  # the stream table was emptied, or a table filled, while recording


# -- the worker side -----------------------------------------------------------------------------


class _Dirs(dict[tuple[Any, ...], Any]):
    """The stream table; while `recording`, each key's state when first looked at is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.live: dict[tuple[Any, ...], Direction] = {}  # the dispatcher's, set after creation
        self.recording = False
        self.before: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self.live_at_start: dict[tuple[Any, ...], Direction] = {}
        self.base = self.peak = 0

    def _look(self, key: Any) -> None:
        if self.recording and key not in self.before:
            self.before[key] = copy.deepcopy((super().get(key), self.live.get(key)))

    def start(self) -> None:
        """Record from now on (the warm-up is over)."""
        self.recording, self.base, self.peak = True, len(self), len(self)
        self.live_at_start = dict(self.live)

    def get(self, key: Any, default: Any = None) -> Any:
        self._look(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._look(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._look(key)
        return super().__contains__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._look(key)
        super().__setitem__(key, value)
        self.peak = max(self.peak, len(self))

    def pop(self, key: Any, *default: Any) -> Any:
        self._look(key)
        return super().pop(key, *default)


class _Requests(dict[tuple[Any, ...], str]):
    """Request lines by direction; while `recording`, what each looked-up key held first."""

    def __init__(self) -> None:
        super().__init__()
        self.recording = False
        self.before: dict[tuple[Any, ...], str | None] = {}
        self.changed: set[tuple[Any, ...]] = set()
        self.added = 0

    def _look(self, key: Any) -> None:
        if self.recording and key not in self.before:
            self.before[key] = super().get(key)

    def pop(self, key: Any, *default: Any) -> Any:
        self._look(key)
        if self.recording:
            self.changed.add(key)
        return super().pop(key, *default)

    def get(self, key: Any, default: Any = None) -> Any:
        self._look(key)
        return super().get(key, default)

    def __setitem__(self, key: Any, value: str) -> None:
        self._look(key)
        if self.recording:
            self.added += 1
            self.changed.add(key)
        super().__setitem__(key, value)

    def clear(self) -> None:
        if self.recording:
            self.added += 1 << 30  # a clear: the serial run's table differs, never merged
        super().clear()


class _Fragments(Fragments):
    """Fragment reassembly; while `recording`, each key's entry when first added to."""

    __slots__ = ("base", "before", "count_base", "peak_bytes", "peak_count", "recording")

    def __init__(self, cap: int, ledger: Ledger) -> None:
        super().__init__(cap, ledger)
        self.recording = False
        self.before: dict[tuple[object, ...], Any] = {}
        self.base = self.count_base = self.peak_bytes = self.peak_count = 0

    def start(self) -> None:
        """Record from now on."""
        self.recording = True
        self.base = self.peak_bytes = self.held
        self.count_base = self.peak_count = len(self.pending)

    def add(self, key: tuple[object, ...], offset: int, more: bool, data: bytes) -> bytes | None:
        if self.recording and key not in self.before:
            self.before[key] = copy.deepcopy(self.pending.get(key))
        self.peak_bytes = max(self.peak_bytes, self.held + len(data))
        self.peak_count = max(self.peak_count, len(self.pending) + 1)
        return super().add(key, offset, more, data)


class _Sightings(Sightings):
    """Sightings in first-seen order, services in the order stated; `full` once either table
    reached its cap (the parent applies the caps when it merges, and cannot merge that)."""

    __slots__ = ("full", "stated")

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        self.stated: dict[tuple[Any, ...], None] = {}
        self.full = False

    def see(self, vlan: Any, mac: bytes, ip: bytes, ts: float, frame: int) -> None:
        seen = self.pairs.get((vlan, mac, ip))
        if seen is not None:
            seen[1] = ts
        elif len(self.pairs) < self.cap:
            self.pairs[(vlan, mac, ip)] = [ts, ts, frame, self.input]
        else:
            self.full = True

    def service(self, vlan: Any, ip: bytes, proto: str, port: int) -> None:
        if len(self.stated) < self.service_cap * SERVICES_PER_IP:
            self.stated.setdefault((vlan, ip, proto, port), None)
        else:
            self.full = True


class _TooMany(Exception):
    """A part gave more observations than a worker holds: the parent reads it itself."""


def _bounded(found: list[Observation], sightings: _Sightings) -> Callable[[Observation], None]:
    """found.append, up to MAX_PART_OBSERVATIONS (then the part is spoilt, and reading stops)."""

    def sink(obs: Observation) -> None:
        if len(found) >= MAX_PART_OBSERVATIONS:
            sightings.full = True
            raise _TooMany
        found.append(obs)

    return sink


class _Dispatcher(Dispatcher):
    """A dispatcher whose stream buffers note their peak."""

    peak_stream = 0
    flushed = False

    def flush(self) -> None:
        if isinstance(self.dirs, _Dirs) and self.dirs.recording:
            self.flushed = True
        super().flush()

    @property
    def stream_bytes(self) -> int:
        return self._stream_bytes

    @stream_bytes.setter
    def stream_bytes(self, value: int) -> None:
        self._stream_bytes = value
        self.peak_stream = max(self.peak_stream, value)


def _links_at_start(fd: int, at: Position) -> tuple[tuple[int, float], ...]:
    """The interfaces a pcapng file describes before its first packet block."""
    if not at.pcapng:
        return ()
    links: list[tuple[int, float]] = []
    offset = at.offset
    head = struct.Struct(at.endian + "II")
    while True:
        raw = os.pread(fd, 8, offset)
        if len(raw) < 8:
            break
        btype, blen = head.unpack(raw)
        if btype != 1 or blen < 12 or blen > capture.MAX_KEPT_BLOCK:
            break
        links.append(capture.interface_of(os.pread(fd, blen - 8, offset + 8), at.endian))
        offset += blen
    return tuple(links)


def _work(part: Part, budget: Budget, input_name: str) -> Result:
    """Read one part into a fresh dispatcher (warmed up on the bytes before it)."""
    result = Result(part)
    ledger = Ledger(budget)
    found: list[Observation] = []
    sightings = _Sightings(ledger)
    sightings.input = input_name
    d = _Dispatcher(_bounded(found, sightings), sightings)
    dirs, requests = _Dirs(), _Requests()
    frags = _Fragments(budget.cap("fragment_bytes"), ledger)
    d.dirs, d.requests, d.fragments, d.input = dirs, requests, frags, input_name
    dirs.live = d.live
    d.frame = d._fast_path()  # noqa: SLF001 - the closure must see the recording tables
    path = Path(part.path)
    at = capture.first_record(path, ReadState(part.path))
    with open(path, "rb") as fh:
        fd = fh.fileno()
        start, links = at.offset, tuple[tuple[int, float], ...]()
        if part.start is not None:
            found_at = _sync(fd, at, part.start)
            warm = _sync(fd, at, part.start - WARM_UP) if part.start - WARM_UP > at.offset else None
            if found_at is None or (warm is not None and warm >= found_at):
                return result
            start, links = found_at, _links_at_start(fd, at)
            begin = at.offset if warm is None else warm
            stop, frames, _, _, _, at_end = _replay(fd, at, begin, links, d, start)
            if stop != start or not at_end:
                return result  # the warm-up did not reach the part's first record
            result.warm_frames = frames
            # what the warm-up left in the tables stays: the parent compares every entry the
            # part looks at with the serial state, so a wrong one costs speed, never identity
            found.clear()
            sightings.pairs.clear()
            sightings.stated.clear()
            d.decode_errors = 0
        dirs.start()
        frags.start()
        requests.recording = True
        stream_base = d.peak_stream = d.stream_bytes
        stop, frames, nbytes, _, links_end, at_end = _replay(fd, at, start, links, d, part.end)
    result.start, result.stop, result.at_end = start, stop, bool(at_end)
    result.frames, result.nbytes, result.decode_errors = frames, nbytes, d.decode_errors
    result.links_start = links
    result.links_end = tuple((int(t), float(s), int(n)) for t, s, n in links_end)
    result.metas, result.observations = _compact(found)
    result.sightings = [(k, *v[:3]) for k, v in sightings.pairs.items()]  # type: ignore[misc]
    result.services = list(sightings.stated)
    result.before_dirs, result.before_fragments = dirs.before, frags.before
    result.before_requests = requests.before
    result.grew_dirs, result.grew_stream = dirs.peak - dirs.base, d.peak_stream - stream_base
    result.grew_fragment_bytes = frags.peak_bytes - frags.base
    result.grew_datagrams = frags.peak_count - frags.count_base
    result.requests_added = requests.added
    touched = dirs.before
    result.dirs = {k: dict.get(dirs, k) for k in touched}
    result.live = [(k, v) for k, v in d.live.items() if k in touched]
    result.kept_live = {k for k, v in dirs.live_at_start.items() if d.live.get(k) is v}
    result.spoilt = d.flushed or sightings.full
    result.stream_delta = d.stream_bytes - stream_base
    result.pending = {k: frags.pending.get(k) for k in frags.before}
    result.fragment_delta = frags.held - frags.base
    result.requests = {k: dict.get(requests, k) for k in requests.changed}
    result.drops = {t: n for t, n in ledger.dropped.items() if t in DISPATCH_TABLES}
    return result


def _sync(fd: int, at: Position, offset: int) -> int | None:
    found: int | None = fast.compiled().sync(
        fd, max(offset, at.offset), at.pcapng, at.endian == ">", at.scale < 1e-6,
        capture.MAX_FRAME, capture.MAX_KEPT_BLOCK,
    )  # fmt: skip
    return found


def _replay(
    fd: int, at: Position, start: int, links: tuple[tuple[int, float], ...], d: Dispatcher,
    end: int,
) -> Any:  # fmt: skip
    counts = [0, 0, start]
    return fast.compiled().replay(
        fd, start, at.pcapng, at.endian == ">", at.scale, at.linktype, list(links), d,
        d.frame_errors, None, 0, capture.MAX_FRAME, capture.MAX_BLOCK, capture.MAX_KEPT_BLOCK,
        d.frame_no, counts, end,
    )  # fmt: skip


def _compact(found: list[Observation]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Observations as tuples, each distinct Meta once (the frames they came from)."""
    index: dict[int, int] = {}
    metas: list[tuple[Any, ...]] = []
    rows: list[tuple[Any, ...]] = []
    for obs in found:
        m = obs.meta
        at = index.get(id(m))
        if at is None:
            at = index[id(m)] = len(metas)
            metas.append((m.input, m.frame, m.ts, m.vlan, m.src_mac, m.dst_mac, m.src_ip,
                          m.dst_ip, m.proto, m.sport, m.dport))  # fmt: skip
        rows.append((obs.kind.value, obs.value, obs.attrs, obs.truncated, at))
    return metas, rows


# -- the parent side -----------------------------------------------------------------------------


def plan(paths: list[Path], jobs: int, split_min: int | None = None) -> list[Part]:
    """The parts the workers read: every regular, uncompressed capture, cut when large."""
    split_min = SPLIT_MIN if split_min is None else split_min
    parts: list[Part] = []
    for index, path in enumerate(paths):
        try:
            info = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or capture.is_compressed(path):
            continue
        size = info.st_size
        pieces = max(1, min(jobs * PARTS_PER_JOB, size // split_min)) if size >= split_min else 1
        cuts = [size * n // pieces for n in range(pieces)] + [size + 1]
        for n in range(pieces):
            parts.append(Part(index, str(path), None if n == 0 else cuts[n], cuts[n + 1]))
    return parts


class Readers:
    """Worker processes reading the planned parts ahead of the parent's merge, in file order.

    Part n goes to worker n % jobs, which sends its results in order through its own pipe; a
    worker blocks on a result until the parent takes it, so at most one waits per worker. A
    worker that fails or dies costs only speed: the parent reads its parts itself.
    """

    def __init__(self, paths: list[Path], jobs: int, budget: Budget, names: list[str],
                 split_min: int | None = None) -> None:  # fmt: skip
        self.parts = plan(paths, jobs, split_min)
        self.by_input: dict[int, list[Part]] = {}
        self.workers: list[tuple[BaseProcess, Connection]] = []
        self.taken = 0  # results received (or given up on) so far, in part order
        self.merged = self.read_here = 0  # parts merged from workers / read by the parent
        total = sum(part.end - (part.start or 0) for part in self.parts)
        if len(self.parts) < 2 or total < MIN_PARALLEL:
            self.parts = []  # forking would cost more than it saves
            return
        for part in self.parts:
            self.by_input.setdefault(part.index, []).append(part)
        import multiprocessing  # here: only a parallel run pays for importing it

        ctx = multiprocessing.get_context("fork")
        jobs = min(jobs, len(self.parts))
        for w in range(jobs):
            tasks = [(p, budget, names[p.index]) for p in self.parts[w::jobs]]
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_serve, args=(tasks, send), daemon=True)
            proc.start()
            send.close()
            self.workers.append((proc, receive))

    def close(self) -> None:
        """Stop the workers (also when a merge or the user gave up half way)."""
        if self.workers:
            log.info("--jobs: %d parts of %d merged, %d read in the parent", self.merged,
                     len(self.parts), self.read_here)  # fmt: skip
        for proc, receive in self.workers:
            receive.close()
            if proc.is_alive():
                proc.terminate()
            proc.join()
        self.workers = []

    def _result(self, part: Part) -> Result:
        """The worker's result for `part` (results of parts skipped before it are dropped)."""
        while self.taken < len(self.parts):
            n, self.taken = self.taken, self.taken + 1
            _, receive = self.workers[n % len(self.workers)]
            try:
                result: Result = receive.recv()
            except (EOFError, OSError):
                result = Result(self.parts[n])  # the worker is gone: read here
            if self.parts[n] == part:
                return result
        return Result(part)

    def replay(self, index: int, path: Path, state: ReadState, dispatcher: Dispatcher,
               progress: Progress | None) -> bool:  # fmt: skip
        """Merge (or read here) every part of input `index`; False if it has no parts."""
        parts = self.by_input.get(index)
        if not parts or not self.workers:
            return False
        at = capture.first_record(path, state)
        next_offset, links = at.offset, _links_known(at)
        for part in parts:
            result = self._result(part)
            why = "no record boundary" if result.start != next_offset else None
            why = why or _misfit(result, dispatcher, links)
            if why is None:
                _merge(result, dispatcher, state)
                self.merged += 1
                stop, at_end, links = result.stop, result.at_end, result.links_end
            else:
                stop, at_end, links = _read_here(path, at, next_offset, links, part.end, state,
                                                 dispatcher)  # fmt: skip
                self.read_here += 1
                log.debug("%s from offset %d read here: %s", path.name, next_offset, why)
            if progress is not None:
                progress(stop if stop is not None else state.consumed, state.frames)
            if stop is None:
                break
            if not at_end:  # the Python reader continues to the end of the file
                _python_rest(path, at, stop, links, state, dispatcher)
                return True
            next_offset = stop
            links = tuple((t, s, 0) for t, s, _ in links)
        _finish(at, state)  # the last part ends at the file's end: nothing is left to read
        return True


def _serve(tasks: list[tuple[Part, Budget, str]], send: Connection) -> None:
    """A worker: read each part, send the results in order; Ctrl-C is the parent's to handle,
    and the parent's SIGTERM ends a worker at once, with no handler of the CLI's (inherited)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for part, budget, name in tasks:
        try:
            result = _work(part, budget, name)
        except Exception:  # the parent reads the part itself and meets the error as serially
            result = Result(part)
        try:
            send.send(result)
        except (BrokenPipeError, OSError):
            return  # the parent stopped listening
    send.close()


def _links_known(at: Position) -> tuple[tuple[int, float, int], ...]:
    return tuple((t, s, 0) for t, s in at.links)


def _misfit(r: Result, d: Dispatcher, links: tuple[tuple[int, float, int], ...]) -> str | None:
    """Why the part, read from the worker's state, may not do what the serial run does from
    `d`'s; None when it does the same."""
    if r.part.start is not None and r.links_start != tuple((t, s) for t, s, _ in links):
        return "other interfaces"
    if r.drops or r.spoilt:
        return "a table overflowed in the worker"
    shift = d.frame_no - r.warm_frames
    for key, (held, live) in r.before_dirs.items():
        if not (_same(held, d.dirs.get(key), shift) and _same(live, d.live.get(key), shift)):
            return "a TCP direction open at the part's start"
    for key, entry in r.before_fragments.items():
        if entry != d.fragments.pending.get(key):
            return "a datagram in fragments at the part's start"
    for key, line in r.before_requests.items():
        if line != d.requests.get(key):
            return "a request line at the part's start"
    if not (
        len(d.dirs) + r.grew_dirs < d.max_dirs
        and d.stream_bytes + r.grew_stream <= d.max_stream_bytes
        and d.fragments.held + r.grew_fragment_bytes <= d.fragments.cap
        and len(d.fragments.pending) + r.grew_datagrams <= MAX_DATAGRAMS
        and len(d.requests) + r.requests_added < d.max_requests
    ):
        return "a table would have overflowed"
    return None


def _same(worker: Any, serial: Any, shift: int) -> bool:
    """Whether a stream table entry behaves the same (a direction: the same bytes and state)."""
    if not isinstance(worker, Direction) or not isinstance(serial, Direction):
        return worker is serial or (worker is None and serial is None)
    meta = worker.meta
    if meta is not None:
        meta = dataclasses.replace(meta, frame=meta.frame + shift)
    return meta == serial.meta and all(
        getattr(worker, name) == getattr(serial, name)
        for name in ("next_seq", "cap", "decided", "buf", "pending", "pending_bytes", "lost")
    )


def _merge(r: Result, d: Dispatcher, state: ReadState) -> None:
    """Apply a checked part to the parent's sightings, engine and dispatcher state."""
    shift = d.frame_no - r.warm_frames
    sightings = d.sightings
    for key, first, last, frame in r.sightings:
        sightings.see(key[0], key[1], key[2], first, frame + shift)
        entry = sightings.pairs.get(key)
        if entry is None:
            raise Abandoned("the host table would have been full")
        entry[1] = last
    for vlan, ip, proto, port in r.services:
        sightings.service(vlan, ip, proto, port)
        if (vlan, ip) not in sightings.services:
            raise Abandoned("the service table would have been full")
    metas = [Meta(m[0], m[1] + shift, *m[2:]) for m in r.metas]
    sink, kinds = d.sink, _KINDS
    for kind, value, attrs, truncated, at in r.observations:
        sink(Observation(kinds[kind], value, metas[at], attrs, truncated))
    shifted: set[int] = set()
    for held in [*r.dirs.values(), *(live for _, live in r.live)]:
        if isinstance(held, Direction) and held.meta is not None and id(held) not in shifted:
            shifted.add(id(held))
            held.meta = dataclasses.replace(held.meta, frame=held.meta.frame + shift)
    for key, held in r.dirs.items():
        if held is None:
            d.dirs.pop(key, None)
        else:
            d.dirs[key] = held
    now_live = dict(r.live)
    for key in r.dirs:
        if key not in now_live:
            d.live.pop(key, None)
    for key, live in r.live:  # in place when it was live all along (its age is kept), else last
        if key not in r.kept_live:
            d.live.pop(key, None)
        d.live[key] = live
    d.stream_bytes += r.stream_delta
    for fkey, entry in r.pending.items():
        if entry is None:
            d.fragments.pending.pop(fkey, None)
        else:
            d.fragments.pending[fkey] = entry
    d.fragments.held += r.fragment_delta
    for rkey, line in r.requests.items():
        if line is None:
            d.requests.pop(rkey, None)
        else:
            d.requests[rkey] = line
    d.decode_errors += r.decode_errors
    d.frame_no = shift + r.warm_frames + r.frames
    state.frames += r.frames
    state.bytes += r.nbytes
    state.consumed = r.stop if r.stop is not None else state.consumed
    _undecoded(r.links_end, state)


def _undecoded(links: tuple[tuple[int, float, int], ...], state: ReadState) -> None:
    for linktype, _scale, frames in links:
        if frames and linktype not in DECODED_LINKTYPES:
            state.undecoded[linktype] = state.undecoded.get(linktype, 0) + frames


def _read_here(
    path: Path,
    at: Position,
    start: int,
    links: tuple[tuple[int, float, int], ...],
    end: int,
    state: ReadState,
    d: Dispatcher,
) -> tuple[int | None, bool, tuple[tuple[int, float, int], ...]]:
    """Read [start, end) with the parent's own dispatcher, as the serial path does."""
    counts = [0, 0, start]
    with open(path, "rb") as fh:
        try:
            stop, _, _, _, found, at_end = fast.compiled().replay(
                fh.fileno(), start, at.pcapng, at.endian == ">", at.scale, at.linktype,
                [(t, s) for t, s, _ in links], d, d.frame_errors, None, 0, capture.MAX_FRAME,
                capture.MAX_BLOCK, capture.MAX_KEPT_BLOCK, d.frame_no, counts, end,
            )  # fmt: skip
        finally:
            state.frames += counts[0]
            state.bytes += counts[1]
            state.consumed = counts[2]
    known = tuple((int(t), float(s), int(n)) for t, s, n in found)
    _undecoded(known, state)
    return stop, bool(at_end), known


def _python_rest(
    path: Path,
    at: Position,
    stop: int,
    links: tuple[tuple[int, float, int], ...],
    state: ReadState,
    d: Dispatcher,
) -> None:
    """The Python reader from `stop` to the end of the file (damage, a new section)."""
    resume = Position(stop, at.pcapng, at.endian, at.scale, at.linktype,
                      tuple((t, s) for t, s, _ in links))  # fmt: skip
    records = capture.read_records(path, state, resume)
    try:
        for linktype, ts, data in records:
            d.frame(linktype, ts, data)
    finally:
        records.close()


def _finish(at: Position, state: ReadState) -> None:
    if not at.pcapng:
        capture.pcap_undecoded(at.linktype, state)
    capture.summarise(state)


def available(jobs: int) -> bool:
    """Whether --jobs `jobs` can run in parallel here (the compiled reader, fork, 2+ jobs)."""
    return jobs > 1 and fast.available() and hasattr(os, "fork")
