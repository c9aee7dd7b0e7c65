"""camscan's data directory: history, and OUI registry updates that outrank the bundled copy."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

SYSTEM_DATA_HOME = Path("/var/lib")  # root's, and the systemd unit's and cron line's


def data_dir(env: Mapping[str, str] | None = None, root: bool | None = None) -> Path:
    """$XDG_DATA_HOME/camscan; without it, /var/lib/camscan for root, ~/.local/share/camscan
    for anyone else (the systemd unit and the cron line set XDG_DATA_HOME=/var/lib)."""
    env = os.environ if env is None else env
    if env.get("XDG_DATA_HOME"):
        return Path(env["XDG_DATA_HOME"]) / "camscan"
    if root is None:
        root = hasattr(os, "geteuid") and os.geteuid() == 0
    base = SYSTEM_DATA_HOME if root else Path.home() / ".local" / "share"
    return base / "camscan"
