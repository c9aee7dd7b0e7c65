"""Scan and listen results as `camscan.findings/1` documents."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from scanner.db import VendorDB
from scanner.db.types import Policy
from scanner.engine.core import Device
from scanner.engine.report import build_report


@dataclass(slots=True)
class ScanResult:
    """Devices plus what the run counted, lost and warned about."""

    devices: list[Device]
    stats: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    capabilities: dict[str, bool] = field(default_factory=dict)
    phases: dict[str, dict[str, int]] = field(default_factory=dict)


def findings(
    result: ScanResult, db: VendorDB, mode: str, inputs: list[str], policy: Policy, started: float
) -> dict[str, Any]:
    """The findings document of a live run that started at `started` and ends now."""
    return build_report(
        result.devices, db, mode=mode, inputs=inputs, policy=policy.name, started=started,
        finished=time.time(), stats=result.stats, warnings=result.warnings,
        capabilities=result.capabilities,
    )  # fmt: skip
