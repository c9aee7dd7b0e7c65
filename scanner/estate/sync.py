"""Store-and-forward: a store pushes every run the centre has not acknowledged, oldest first.

Each run is one transaction at the centre: a push cut anywhere leaves the centre with whole runs.
The centre stores a run once (site + run id), so a run pushed twice, or by two processes at once,
is stored once. The local history remembers what the centre acknowledged; a run the centre stored
but never acknowledged (the link dropped after COMMIT) is acknowledged on the next push.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scanner.errors import InputError, ScannerError
from scanner.estate.urls import check_url, target_key
from scanner.sweep.history import History, is_url, open_history, opened


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """What one push did: runs stored now, runs the centre had already, runs still waiting."""

    target: str
    stored: int
    already: int
    waiting: int
    error: str | None = None


def push(local: Path | str, url: str) -> SyncOutcome:
    """Forward every unacknowledged run of the local history to the centre at `url`."""
    check_url(url)
    if is_url(local):
        raise InputError("sync forwards a store's local history file: give --db a file path")
    target = target_key(url)
    with opened(local, write=True) as history:
        pending = history.pending(target)
        if not pending:
            return SyncOutcome(target, 0, 0, 0)
        centre = open_history(url, write=True)
        try:
            return _push_all(history, centre, target, pending)
        finally:
            centre.close()


def _push_all(
    history: History, centre: History, target: str, pending: list[tuple[str, str]]
) -> SyncOutcome:
    stored = already = 0
    for site, run_id in pending:
        findings, status = history.findings(site, run_id)
        if centre.forward(site, run_id, findings, status):
            stored += 1
        else:
            already += 1
        history.ack(target, site, run_id)
    return SyncOutcome(target, stored, already, 0)


def push_safely(local: Path | str, url: str) -> SyncOutcome:
    """push(), but a failure is reported in the outcome (the runs wait) instead of raised."""
    try:
        return push(local, url)
    except ScannerError as exc:
        return SyncOutcome(target_key(url), 0, 0, waiting(local, url), str(exc))


def waiting(local: Path | str, url: str) -> int:
    """How many local runs the centre has not acknowledged (0 if the history cannot be read)."""
    if is_url(local) or not os.path.isfile(local):
        return 0
    try:
        with opened(local, write=False) as history:
            return len(history.pending(target_key(url)))
    except ScannerError:
        return 0
