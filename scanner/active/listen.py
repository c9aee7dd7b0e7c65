"""`camscan listen`: every frame of an interface through the Dispatcher, nothing sent."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any

from scanner.active.capture import FrameSink, RawCapture, open_raw
from scanner.active.pcapng import PcapNgWriter
from scanner.active.report import ScanResult, findings
from scanner.db import VendorDB
from scanner.db.types import Policy
from scanner.engine.core import Engine
from scanner.engine.dispatch import Dispatcher
from scanner.errors import RuntimeFailure

log = logging.getLogger(__name__)


def run_listen(
    interface: str, seconds: float, db: VendorDB, policy: Policy, pcap_out: Path | None = None
) -> ScanResult:
    """Passive listening on `interface` for `seconds`; RuntimeFailure without raw capture."""
    raw = open_raw(interface)
    if raw is None:
        raise RuntimeFailure(
            f"listening on {interface} needs raw-socket privileges (root or CAP_NET_RAW)"
        )
    engine = Engine(db, policy)
    dispatcher = Dispatcher(engine.feed, engine.sightings)
    dispatcher.input = engine.sightings.input = f"live:{interface}"
    writer = PcapNgWriter(pcap_out, interface, "camscan listen") if pcap_out else None
    sink = FrameSink(dispatcher, writer)
    capture = RawCapture(raw, sink)

    async def listen() -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(raw.fileno(), capture.drain)
        try:
            await asyncio.sleep(seconds)
        finally:
            loop.remove_reader(raw.fileno())
            capture.drain()

    try:
        asyncio.run(listen())
    except KeyboardInterrupt:
        log.info("listening stopped by the user; reporting what was heard")
    finally:
        capture.close()
        if writer is not None:
            writer.close()
    dispatcher.flush()
    stats = {
        "frames": sink.frames,
        "bytes": sink.octets,
        "decode_errors": dispatcher.decode_errors,
        "observations": engine.observations,
    }
    capabilities = {"root": os.geteuid() == 0, "raw_capture": True}
    return ScanResult(engine.devices(), stats, [], capabilities, {})


def listen_report(
    interface: str, seconds: float, db: VendorDB, policy: Policy, pcap_out: Path | None = None
) -> dict[str, Any]:
    """The findings document of passive listening on `interface`."""
    started = time.time()
    result = run_listen(interface, seconds, db, policy, pcap_out)
    report = findings(result, db, "listen", [f"live:{interface}"], policy, started)
    report["run"]["interface"] = interface
    return report
