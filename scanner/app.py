"""The application layer: one entry point per source, each returning one `Run`.

Captures, live listening and active scans all feed frames through one Session (an Engine and its
Dispatcher); `findings` turns any Run into the `camscan.findings/1` document. The CLI, sweeps and
tests call these functions and nothing below them.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.engine.budget import Budget, Ledger, cap_lines
from scanner.errors import CaptureFormatError

# The engine, the vendor DB and the capture readers are imported where they are used: an active
# scan sends its first probes before it needs them (scan(early=True) loads them meanwhile).
if TYPE_CHECKING:
    from scanner.active.run import Progress as ScanProgress
    from scanner.active.run import ScanConfig
    from scanner.active.settings import ScanSettings
    from scanner.db import VendorDB
    from scanner.db.types import Policy
    from scanner.engine.core import Device
    from scanner.engine.dispatch import Dispatcher
    from scanner.engine.subnets import Network
    from scanner.model import Observation
    from scanner.sources import parallel
    from scanner.sources.capture import ReadState

log = logging.getLogger(__name__)
# (index of the input, offset in it as stored or None for a stream, frames of it so far)
FileProgress = Callable[[int, int | None, int], None]
PROGRESS_EVERY = 1 << 16


@dataclass(slots=True)
class Run:
    """What one run found and how it went, whatever its source."""

    mode: str
    inputs: list[str]
    started: float
    finished: float = 0.0
    devices: list[Device] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # inputs that gave nothing, one line each
    capabilities: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # mode-specific `run` fields
    unlisted: dict[str, int] = field(default_factory=dict)  # verdict/"remote" -> not listed
    unlisted_makers: dict[str, int] = field(default_factory=dict)  # of concern, not listed
    interrupted: bool = False  # Ctrl-C ended the run early; its report covers what came before

    def interrupt(self, what: str) -> None:
        """Record that Ctrl-C stopped the run after `what`."""
        self.interrupted = True
        self.warnings.append(
            f"interrupted by the user (Ctrl-C) after {what}: this report is partial"
        )


def is_root() -> bool:
    """Whether the process runs with root's user id."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True, slots=True)
class Limits:
    """What bounds a run's view of the network: its memory budget and the LAN's stated subnets."""

    budget: Budget = field(default_factory=Budget.of)
    local_nets: tuple[Network, ...] = ()


class Session:
    """An Engine and its Dispatcher wired together; `observer`, when set, sees every observation."""

    def __init__(
        self, db: VendorDB, policy: Policy, input_name: str = "", limits: Limits | None = None
    ) -> None:
        from scanner.engine.core import Engine
        from scanner.engine.dispatch import Dispatcher

        limits = limits or Limits()
        self.ledger = Ledger(limits.budget)
        self.engine = Engine(db, policy, self.ledger, limits.local_nets)
        self.observer: Callable[[Observation], None] | None = None
        self.dispatcher = Dispatcher(self._observe, self.engine.sightings)
        self.name(input_name)

    def _observe(self, obs: Observation) -> None:
        self.engine.feed(obs)
        if self.observer is not None:
            self.observer(obs)

    def name(self, input_name: str) -> None:
        """Name the input the next frames come from (frame numbers restart at 1)."""
        self.dispatcher.input = self.engine.sightings.input = input_name
        self.dispatcher.frame_no = 0

    def close(self, run: Run, frames: int, octets: int) -> Run:
        """Flush pending streams, resolve devices into `run` and add the session's counts."""
        self.dispatcher.flush()
        engine = self.engine
        run.devices = engine.devices()
        run.stats = {
            "frames": frames,
            "bytes": octets,
            "decode_errors": self.dispatcher.decode_errors,
            "observations": engine.observations,
            **run.stats,
        }
        run.unlisted, run.unlisted_makers = engine.unlisted, engine.unlisted_makers
        if run.unlisted:
            run.stats["devices_unlisted"] = sum(
                n for verdict, n in run.unlisted.items() if verdict != "remote"
            )
        run.warnings = cap_lines(run.warnings, self.ledger) + self.ledger.warnings()
        run.capabilities = {"root": is_root(), **run.capabilities}
        run.finished = time.time()
        return run


def analyse_files(
    paths: Sequence[Path],
    db: VendorDB,
    policy: Policy,
    progress: FileProgress | None = None,
    limits: Limits | None = None,
    jobs: int = 1,
) -> Run:
    """Stream every capture through one session; unreadable files are reported, not fatal.

    With `jobs` > 1, worker processes read the captures (a large one in parts) and the report is
    the serial one (scanner/sources/parallel.py); where that cannot be ensured, it runs serially.
    """
    from scanner.sources import parallel

    if parallel.available(jobs):
        try:
            return _analyse(paths, db, policy, progress, limits, jobs)
        except parallel.Abandoned as why:
            log.info("parallel reading abandoned (%s): reading serially", why)
    return _analyse(paths, db, policy, progress, limits, 1)


def _analyse(
    paths: Sequence[Path],
    db: VendorDB,
    policy: Policy,
    progress: FileProgress | None,
    limits: Limits | None,
    jobs: int,
) -> Run:
    from scanner.sources import parallel
    from scanner.sources.capture import STDIN, ReadState, display_name

    run = Run("pcap", [str(p) for p in paths], time.time())
    session = Session(db, policy, limits=limits)
    names = ["stdin" if str(p) == STDIN else p.name for p in paths]
    workers = (
        parallel.Readers(list(paths), jobs, session.ledger.budget, names) if jobs > 1 else None
    )
    frames = octets = 0
    try:
        for index, path in enumerate(paths):
            name = display_name(path)
            state = ReadState(path=name)
            session.name(names[index])
            try:
                _replay(session.dispatcher, path, state, progress, index, workers)
            except CaptureFormatError as exc:
                run.unreadable.append(str(exc))
                continue
            except KeyboardInterrupt:
                run.warnings.extend(state.warnings)
                run.interrupt(f"frame {state.frames} of {name}")
                break
            finally:
                frames += state.frames
                octets += state.bytes
            if state.damaged and not state.frames:
                # damage before the first frame: nothing to show; the damage is the last warning
                run.unreadable.append(state.warnings[-1])
                continue
            run.warnings.extend(state.warnings)
            if not state.frames:
                run.warnings.append(f"{name}: the capture holds no frames")
            session.dispatcher.flush()
    finally:
        if workers is not None:
            workers.close()
    return session.close(run, frames, octets)


def _replay(
    dispatcher: Dispatcher,
    path: Path,
    state: ReadState,
    progress: FileProgress | None,
    index: int = 0,
    workers: parallel.Readers | None = None,
) -> None:
    from scanner.sources import fast
    from scanner.sources.capture import read_records

    if workers is not None and workers.replay(index, path, state, dispatcher, _at(progress, index)):
        return  # read in worker processes, merged here
    if fast.replay(path, state, dispatcher, _at(progress, index)):
        return  # compiled: bulk frames dropped in C, the rest given to the dispatcher
    frame = dispatcher.frame
    records = read_records(path, state)
    try:
        if progress is None:
            for linktype, ts, data in records:
                frame(linktype, ts, data)
            return
        for n, (linktype, ts, data) in enumerate(records, 1):
            frame(linktype, ts, data)
            if not n % PROGRESS_EVERY:
                progress(index, state.position(), n)
    finally:
        records.close()  # the reader publishes its counters even when Ctrl-C stops the loop


def _at(progress: FileProgress | None, index: int) -> Callable[[int, int], None] | None:
    """The compiled reader's (offset, frames) progress as the file progress of input `index`."""
    if progress is None:
        return None
    return lambda offset, frames: progress(index, offset, frames)


def listen(
    interface: str,
    seconds: float,
    db: VendorDB,
    policy: Policy,
    pcap_out: Path | None = None,
    limits: Limits | None = None,
) -> Run:
    """Passive listening on `interface` for `seconds`; RuntimeFailure without raw capture.

    The interface's own subnets join the stated ones: they are the LAN being listened to.
    """
    from scanner.active.targets import check_interface, interface_networks
    from scanner.sources import live
    from scanner.sources.pcapng import PcapNgWriter

    check_interface(interface)
    name = f"live:{interface}"
    run = Run("listen", [name], time.time(), details={"interface": interface})
    raw = live.require_raw(interface)
    limits = limits or Limits()
    own = tuple(n.network for n in interface_networks(interface))
    session = Session(db, policy, name, Limits(limits.budget, limits.local_nets + own))
    writer = PcapNgWriter(pcap_out, interface, "camscan listen") if pcap_out else None
    sink = live.FrameSink(session.dispatcher.frame, writer)
    try:
        if live.pump(raw, sink, seconds):
            run.interrupt(f"{time.time() - run.started:.0f} s of the {seconds:g} s")
    finally:
        if writer is not None:
            writer.close()
    run.capabilities = {"raw_capture": True}
    return session.close(run, sink.frames, sink.octets)


def scan_config(
    targets: Sequence[str],
    iface: str | None,
    allow_large: bool = False,
    settings: ScanSettings | None = None,
    **options: Any,
) -> ScanConfig:
    """A ScanConfig for the given targets and/or interface (its own subnets when alone).

    InputError for bad targets; RuntimeFailure for a missing interface or one without IPv4.
    `options` are ScanConfig's pcap_out and raw.
    """
    from scanner.active.run import ScanConfig
    from scanner.active.settings import ScanSettings
    from scanner.active.targets import scope

    chosen, interface, networks = scope(list(targets), iface, allow_large)
    return ScanConfig(chosen, interface, networks, settings or ScanSettings(), **options)


def scan(
    config: ScanConfig,
    load: Callable[[], tuple[VendorDB, Policy]],
    progress: ScanProgress | None = None,
    limits: Limits | None = None,
    early: bool = False,
) -> Run:
    """Scan `config.targets` from `config.interface`; every frame goes through one session.

    `load` gives the vendor DB and policy. With `early` it runs in a worker thread while the
    first probes go out (a scan waits a second for SSDP's answers anyway); the caller passes
    `early` only when the load cannot fail (scanner.db.cache.loads_cleanly). The interface's
    subnets are the LAN: an answer from outside them is a remote device.
    """
    from scanner.active.run import Scan, ScanOutcome, run_scan
    from scanner.sources.live import FrameSink
    from scanner.sources.pcapng import PcapNgWriter

    specs = list(config.targets.specs)
    details = {"targets": specs, "interface": config.interface}
    run = Run("scan", specs, time.time(), details=details)
    limits = limits or Limits()
    own = tuple(n.network for n in config.networks)
    writer = (
        PcapNgWriter(config.pcap_out, config.interface, "camscan scan") if config.pcap_out else None
    )
    sink = FrameSink(None, writer)
    sessions: list[Session] = []

    def prepare() -> tuple[Callable[[int, float, bytes], None], tuple[str, ...]]:
        from scanner.active import banners

        db, policy = load()
        session = Session(
            db, policy, f"live:{config.interface}", Limits(limits.budget, limits.local_nets + own)
        )
        session.observer = active.observe
        sessions.append(session)
        # a path that a fingerprint reads as a client's request is evidence about the server
        # asked: camscan's own request for it would count as evidence, so it is never asked
        paths = tuple(
            p for p in banners.HTTP_PATHS if db.match("http_request", f"GET {p}", None) is None
        )
        return session.dispatcher.frame, paths

    def rehearse() -> None:
        # what the end of the scan needs, done while it waits: the OUI registry and the recorder
        # model tables read, and the report built and written once for an empty run
        from scanner.db import channels
        from scanner.output.render import render

        engine = sessions[0].engine
        engine.db.load_oui()
        for table in channels.GROUPS:
            channels.rules(table)
        render(findings(Run("scan", [], time.time()), engine.db, engine.policy), "json")

    active = Scan(config, sink, prepare, progress, early, rehearse)
    try:
        outcome = run_scan(active)
    except KeyboardInterrupt:
        outcome = ScanOutcome(active.warnings, active.capabilities, active.phases)
        run.interrupt(f"{sink.frames} frames")
    finally:
        if writer is not None:
            writer.close()
    if not sessions:  # Ctrl-C came before the engine was loaded
        prepare()
    if sink.frame is None:  # ... or before frames flowed to it
        sink.attach(sessions[0].dispatcher.frame)
    run.warnings[:0] = outcome.warnings
    run.capabilities = outcome.capabilities
    run.details["phases"] = outcome.phases
    run.stats = {"targets": len(config.targets)}
    return sessions[0].close(run, sink.frames, sink.octets)


def findings(run: Run, db: VendorDB, policy: Policy) -> dict[str, Any]:
    """The `camscan.findings/1` document of a run; unreadable inputs are listed as warnings."""
    from scanner.output.report import build_report

    report = build_report(
        run.devices, db, mode=run.mode, inputs=run.inputs, policy=policy.name,
        started=run.started, finished=run.finished, stats=run.stats,
        warnings=run.warnings + run.unreadable, capabilities=run.capabilities,
    )  # fmt: skip
    report["run"].update(run.details)
    _count_unlisted(report["summary"], run)
    return report


def _count_unlisted(summary: dict[str, Any], run: Run) -> None:
    """Add the devices found but not listed (memory budget) to the summary's counts."""
    if not run.unlisted:
        return
    summary["devices"] += sum(n for verdict, n in run.unlisted.items() if verdict != "remote")
    summary["of_concern"] += run.unlisted.get("concern", 0)
    summary["suspect"] += run.unlisted.get("suspect", 0)
    summary["remote"] += run.unlisted.get("remote", 0)
    makers = summary["by_manufacturer"]
    for maker, n in run.unlisted_makers.items():
        makers[maker] = makers.get(maker, 0) + n
    summary["by_manufacturer"] = dict(sorted(makers.items()))
