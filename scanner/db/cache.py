"""The vendor database's TOML files kept parsed between runs.

Parsing 44 TOML files and checking every regex for catastrophic backtracking is most of what
`camscan` does before it reads its first frame. A successful load leaves the parsed tables and the
regexes that passed the check in one file of the user's cache directory, stored with marshal (as
Python stores bytecode), beside the exact text of every TOML file and of the check's own source.
The next load reads every TOML file anyway and uses the cache only when all those texts, the
Python version and FORMAT are equal to what it was written from (a string comparison: no digest
to collide), so an edited rule or a changed check is never answered from it. A cache that is
missing, stale, unreadable or unwritable costs only the parse; a cache whose bytes changed after
it was written fails its CRC before marshal (which trusts the lengths it reads) decodes it, and
anything but a regular file at its path is not opened for reading.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import logging
import marshal
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from scanner.db.regex_safety import SOURCE as CHECK_SOURCE

log = logging.getLogger(__name__)

FORMAT = 2  # bump when what is stored changes shape
MAX_BYTES = 16 * 1024 * 1024  # a cache file larger than this is not read

Checked = frozenset[tuple[str, int]]  # (pattern, flags) that passed regex_safety.risk
_CRC = 4  # bytes of the CRC-32 that precedes the marshal data


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/camscan when it is an absolute path (the XDG spec ignores a relative
    one), else ~/.cache/camscan."""
    env = os.environ if env is None else env
    stated = Path(env.get("XDG_CACHE_HOME") or "")
    base = stated if stated.is_absolute() else Path.home() / ".cache"
    return base / "camscan"


def package_root() -> Traversable:
    """The vendor_db folder installed with the package."""
    try:
        return importlib.resources.files("vendor_db")
    except NotADirectoryError:
        # An editable install made before vendor_db/__init__.py existed exposes vendor_db as a
        # namespace package with a placeholder path entry; its real folder is still on __path__.
        import vendor_db

        for entry in vendor_db.__path__:
            if Path(entry).is_dir():
                return Path(entry)
        raise


def loads_cleanly(policy: str, root: Traversable | None = None, cache: Path | None = None) -> bool:
    """True when the cache (default: cache_file(root)) shows that the vendor_db at `root`
    (default: the packaged one) loaded and validated from exactly its current files and defines
    `policy`: loading it then cannot fail, so an active scan may send its first probes while
    it loads."""
    root = package_root() if root is None else root
    tables = TomlTables(root, cache_file(root) if cache is None else cache)
    if not tables.hit:
        return False
    try:
        policies = tables.load(root / "policies.toml").get("policy")
    except (OSError, ValueError):
        return False
    return isinstance(policies, dict) and policy in policies


def pack(data: bytes) -> bytes:
    """`data` as a cache file holds it: its CRC-32, then the bytes."""
    return zlib.crc32(data).to_bytes(_CRC, "big") + data


def unpack(raw: bytes) -> bytes | None:
    """The data of a cache file's bytes; None when they are not what `pack` wrote."""
    data = raw[_CRC:]
    if len(raw) < _CRC or zlib.crc32(data).to_bytes(_CRC, "big") != raw[:_CRC]:
        return None
    return data


def cache_file(root: Traversable, env: Mapping[str, str] | None = None) -> Path:
    """Where the parsed copy of the vendor_db at `root` is kept (one file per installation)."""
    tag = zlib.crc32(str(root).encode("utf-8", "surrogateescape"))
    return cache_dir(env) / f"vendor-db-{tag:08x}.marshal"


class TomlTables:
    """The TOML files under one vendor_db root, parsed once per change of their bytes."""

    def __init__(self, root: Traversable, cache: Path | None = None) -> None:
        self._root = str(root)
        self._texts = dict(_texts(root))
        self._cache = cache
        self._key = (FORMAT, sys.version, Path(CHECK_SOURCE).read_text(encoding="utf-8"))
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
            import tomllib  # only when the cache missed: a run that hits it never parses TOML

            table = self._tables[name] = tomllib.loads(text)
        return table

    def save(self, checked: Iterable[tuple[str, int]]) -> None:
        """Keep the tables and the regexes that passed, after a load that validated them all."""
        if self._cache is None or self.hit:
            return
        tables = {name: self._tables[name] for name in self._texts if name in self._tables}
        try:
            regexes = sorted((pattern, int(flags)) for pattern, flags in checked)
            data = marshal.dumps((*self._key, self._texts, tables, regexes))
        except ValueError as exc:  # a TOML value marshal cannot store (a date): no cache
            log.debug("vendor_db cache not written: %s", exc)
            return
        _write(self._cache, pack(data))

    def _name(self, node: Traversable) -> str:
        return str(node).removeprefix(self._root)

    def _read(self, cache: Path) -> bool:
        try:
            data = unpack(_read_regular(cache))
            if data is None:
                log.debug("vendor_db cache %s not used: not a cache camscan wrote", cache)
                return False
            stored = marshal.loads(data)
        except (OSError, ValueError, EOFError, TypeError) as exc:
            log.debug("vendor_db cache %s not used: %s", cache, exc)
            return False
        if not _valid(stored, self._key, self._texts):
            return False
        self._tables, checked = stored[-2:]
        self.checked = frozenset(checked)
        return True


def _read_regular(path: Path) -> bytes:
    """The bytes of the regular file at `path`, at most MAX_BYTES; OSError for anything else
    (opened without blocking: a FIFO there has no writer to wait for)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            raise OSError(f"not a regular file of at most {MAX_BYTES} bytes")
        return fh.read(MAX_BYTES)


def _valid(stored: object, key: tuple[object, ...], texts: dict[str, str]) -> bool:
    """Whether `stored` is (*key, texts, {name: table} for some of the texts' files,
    [(regex, flags)]): written from exactly these files by this check and this Python."""
    n = len(key)
    if not (isinstance(stored, tuple) and len(stored) == n + 3 and stored[:n] == key):
        return False
    stored_texts, tables, checked = stored[n:]
    return (
        stored_texts == texts
        and isinstance(tables, dict)
        and set(tables) <= set(texts)
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
    except BaseException as exc:  # Ctrl-C and SIGTERM too: no temporary file left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not isinstance(exc, OSError):
            raise
        log.debug("vendor_db cache not written: %s", exc)
