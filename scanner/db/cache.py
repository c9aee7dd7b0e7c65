"""The vendor database's TOML files kept parsed between runs.

Parsing 44 TOML files and checking every regex for catastrophic backtracking is most of what
`camscan` does before it reads its first frame. A successful load leaves the parsed tables and the
regexes that passed the check in one file of the user's cache directory, stored with marshal (as
Python stores bytecode). The next load reads every TOML file anyway: the cache is used only when a
hash over their bytes, the regex check's own source, the Python version and FORMAT is the one it
was written with, so an edited rule or a changed check can never be answered from it. A cache
that is missing, stale, unreadable or unwritable costs only the parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from scanner.db.regex_safety import SOURCE as CHECK_SOURCE

log = logging.getLogger(__name__)

FORMAT = 1  # bump when what is stored changes shape
MAX_BYTES = 16 * 1024 * 1024  # a cache file larger than this is not read

Checked = frozenset[tuple[str, int]]  # (pattern, flags) that passed regex_safety.risk


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/camscan, else ~/.cache/camscan."""
    env = os.environ if env is None else env
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "camscan"


def cache_file(root: Traversable, env: Mapping[str, str] | None = None) -> Path:
    """Where the parsed copy of the vendor_db at `root` is kept (one file per installation)."""
    tag = hashlib.blake2b(str(root).encode(), digest_size=6).hexdigest()
    return cache_dir(env) / f"vendor-db-{tag}.marshal"


class TomlTables:
    """The TOML files under one vendor_db root, parsed once per change of their bytes."""

    def __init__(self, root: Traversable, cache: Path | None = None) -> None:
        self._root = str(root)
        self._texts = dict(_texts(root))
        self._cache = cache
        self._key = _key(self._texts)
        self._tables: dict[str, dict[str, Any]] = {}
        self.checked: Checked = frozenset()
        self.hit = cache is not None and self._read(cache)

    def load(self, node: Traversable) -> dict[str, Any]:
        """`node` parsed (tomllib's exceptions as tomllib raises them)."""
        name = self._name(node)
        table = self._tables.get(name)
        if table is None:
            text = self._texts.get(name)
            if text is None:
                text = node.read_text(encoding="utf-8")
            table = self._tables[name] = tomllib.loads(text)
        return table

    def save(self, checked: Iterable[tuple[str, int]]) -> None:
        """Keep the tables and the regexes that passed, after a load that validated them all."""
        if self._cache is None or self.hit:
            return
        tables = {name: self._tables[name] for name in self._texts if name in self._tables}
        try:
            regexes = sorted((pattern, int(flags)) for pattern, flags in checked)
            data = marshal.dumps((FORMAT, self._key, tables, regexes))
        except ValueError as exc:  # a TOML value marshal cannot store (a date): no cache
            log.debug("vendor_db cache not written: %s", exc)
            return
        _write(self._cache, data)

    def _name(self, node: Traversable) -> str:
        return str(node).removeprefix(self._root)

    def _read(self, cache: Path) -> bool:
        try:
            with cache.open("rb") as fh:
                data = fh.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                return False
            stored = marshal.loads(data)
        except (OSError, ValueError, EOFError, TypeError) as exc:
            log.debug("vendor_db cache %s not used: %s", cache, exc)
            return False
        if not _valid(stored, self._key, set(self._texts)):
            return False
        _, _, self._tables, checked = stored
        self.checked = frozenset(checked)
        return True


def _valid(stored: object, key: str, names: set[str]) -> bool:
    """Whether `stored` is (FORMAT, key, {name: table} for some of `names`, [(regex, flags)])."""
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[:2] == (FORMAT, key)):
        return False
    tables, checked = stored[2], stored[3]
    return (
        isinstance(tables, dict)
        and set(tables) <= names
        and all(isinstance(table, dict) for table in tables.values())
        and isinstance(checked, list)
        and all(
            isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], str) and type(c[1]) is int
            for c in checked
        )
    )


def _texts(root: Traversable) -> Iterable[tuple[str, str]]:
    """(name under root, text) of every TOML file, in a stable order."""
    prefix = str(root)
    stack = [root]
    while stack:
        folder = stack.pop()
        for node in sorted(folder.iterdir(), key=str):
            if node.is_dir():
                stack.append(node)
            elif node.name.endswith(".toml"):
                try:
                    yield str(node).removeprefix(prefix), node.read_text(encoding="utf-8")
                except (OSError, UnicodeError):
                    continue  # the loader meets it again and says what is wrong


def _key(texts: Mapping[str, str]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT}\0{sys.version}\0".encode())
    digest.update(Path(CHECK_SOURCE).read_bytes())
    for name in sorted(texts):
        digest.update(f"\0{name}\0{len(texts[name])}\0".encode())
        digest.update(texts[name].encode())
    return digest.hexdigest()


def _write(dest: Path, data: bytes) -> None:
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=".marshal")
    except OSError as exc:
        log.debug("vendor_db cache not written: %s", exc)
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, dest)
    except OSError as exc:
        log.debug("vendor_db cache not written: %s", exc)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
