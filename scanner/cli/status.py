"""Exit statuses of the camscan command (DESIGN §3.1)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What the process exit code means."""

    OK = 0
    POLICY = 1  # --fail-on condition met (devices of concern, or new ones)
    USAGE = 2  # bad usage or unreadable input
    RUNTIME = 3  # the environment stopped the run (privileges, interface)
