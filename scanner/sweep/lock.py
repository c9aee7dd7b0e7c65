"""One sweep per site at a time: an advisory flock on a lock file beside the history database."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from scanner.errors import RuntimeFailure

POLL_SECONDS = 0.1


def lock_path(db: Path, site: str) -> Path:
    """The lock file of `site` for the database at `db`."""
    # Site names are already restricted to a safe alphabet; the digest keeps names that differ
    # only in case apart on case-insensitive file systems.
    digest = hashlib.sha256(site.encode()).hexdigest()[:8]
    return db.with_name(f"{db.name}.{site}.{digest}.lock")


@contextlib.contextmanager
def site_lock(db: Path, site: str, timeout: float) -> Iterator[Path]:
    """Hold the site's lock for the block; RuntimeFailure when it stays taken for `timeout` s."""
    path = lock_path(db, site)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise RuntimeFailure(f"cannot open lock file {path}: {exc.strerror or exc}") from exc
    try:
        _acquire(fd, path, site, timeout)
        yield path
    finally:
        # Closing the descriptor releases the lock; the file stays so no racer locks a new inode.
        os.close(fd)


def _acquire(fd: int, path: Path, site: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise RuntimeFailure(
                    f"another sweep of site {site!r} still holds {path} after {timeout:g} s; "
                    "giving up (raise --lock-timeout to wait longer)"
                ) from None
            time.sleep(POLL_SECONDS)
