"""The dated IEEE MAC block registry: longest-prefix lookup, and installing a new snapshot."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from scanner.errors import DatabaseError, InputError

REGISTRY_GLOB = "ieee-mac-blocks-*.tsv"
HEADER = ("prefix", "bits", "organisation")
DIGITS = {36: 9, 28: 7, 24: 6}  # MA-S, MA-M, MA-L: bits -> hex digits, longest first
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAC_SEPARATORS = re.compile(r"[:\-.\s]")
_HEX12 = re.compile(r"[0-9A-F]{12}")

Blocks = dict[int, dict[str, str]]  # bits -> prefix -> organisation


def registry_name(date: str) -> str:
    """File name of the registry snapshot taken on `date` (YYYY-MM-DD)."""
    return f"ieee-mac-blocks-{date}.tsv"


def normalise_mac(mac: str) -> str | None:
    """Twelve upper-case hex digits of `mac` in any usual notation, or None if it is not a MAC."""
    digits = _MAC_SEPARATORS.sub("", mac).upper()
    return digits if _HEX12.fullmatch(digits) else None


def parse_registry(text: str, strict: bool = True) -> Blocks:
    """Blocks of a registry TSV ('#' comments, header row, prefix/bits/organisation rows).

    strict=False is the start-up path for the bundled file, which build_registry() validated
    when it was written: it checks only the shape of each row, not every prefix's digits.
    """
    blocks: Blocks = {bits: {} for bits in DIGITS}
    rows = (line for line in text.splitlines() if line and not line.startswith("#"))
    if tuple(next(rows, "").split("\t")) != HEADER:
        raise ValueError(f"first row must be the header {'/'.join(HEADER)}")
    if not strict:
        for line in rows:
            prefix, width, organisation = line.split("\t")
            blocks[int(width)][prefix] = organisation.strip()
        return blocks
    for number, line in enumerate(rows, start=1):
        prefix, bits, organisation = _row(line, number)
        if prefix in blocks[bits]:
            raise ValueError(f"row {number}: duplicate prefix {prefix}")
        blocks[bits][prefix] = organisation
    return blocks


def _row(line: str, number: int) -> tuple[str, int, str]:
    fields = line.split("\t")
    if len(fields) != 3 or not fields[2].strip():
        raise ValueError(f"row {number}: expected prefix, bits, organisation: {line[:80]!r}")
    prefix, bits_text, organisation = fields
    bits = int(bits_text) if bits_text.isdigit() else 0
    if bits not in DIGITS or not re.fullmatch(f"[0-9A-F]{{{DIGITS[bits]}}}", prefix):
        raise ValueError(f"row {number}: bad prefix/bits {prefix!r}/{bits_text!r}")
    return prefix, bits, organisation.strip()


def registry_date(text: str, name: str) -> str | None:
    """Snapshot date stated in the first comment line ("as of YYYY-MM-DD") or in the file name."""
    first = text.split("\n", 1)[0]
    stated = re.search(r"as of (\d{4}-\d{2}-\d{2})", first) if first.startswith("#") else None
    if stated:
        return stated.group(1)
    named = _DATE.search(name)
    return named.group(0) if named else None


class OuiIndex:
    """Registry blocks indexed per prefix length, read and parsed on the first lookup."""

    def __init__(self, read: Callable[[], str], where: str) -> None:
        self._read = read
        self._where = where
        self._blocks: Blocks | None = None

    def _loaded(self) -> Blocks:
        if self._blocks is None:
            try:
                self._blocks = parse_registry(self._read(), strict=False)
            except (OSError, UnicodeError, ValueError, KeyError) as exc:
                raise DatabaseError(f"{self._where}: {exc}") from exc
        return self._blocks

    def lookup(self, mac: str) -> tuple[str, int, str] | None:
        """(prefix, bits, organisation) of the longest registered block holding a global MAC."""
        digits = normalise_mac(mac)
        # Multicast (I/G bit) and locally administered (U/L bit) addresses carry no OUI.
        if digits is None or int(digits[:2], 16) & 0x03:
            return None
        blocks = self._loaded()
        for bits, width in DIGITS.items():
            organisation = blocks[bits].get(digits[:width])
            if organisation is not None:
                return digits[:width], bits, organisation
        return None

    def organisations(self) -> frozenset[str]:
        """Every organisation name in the registry."""
        return frozenset(org for table in self._loaded().values() for org in table.values())


def build_registry(src: Path, dest_dir: Path, *, min_rows: int = 1000) -> Path:
    """Validate registry TSV `src`, install it in `dest_dir`, record its date in ../meta.toml."""
    try:
        text = src.read_text(encoding="utf-8")
        blocks = parse_registry(text)
    except (OSError, UnicodeError, ValueError) as exc:
        raise InputError(f"{src}: not a usable MAC block registry: {exc}") from exc
    rows = sum(len(table) for table in blocks.values())
    if rows < min_rows:
        raise InputError(f"{src}: only {rows} blocks; a full registry has tens of thousands")
    date = registry_date(text, src.name)
    if date is None:
        raise InputError(f"{src}: no snapshot date in the first comment or the file name")
    dest = dest_dir / registry_name(date)
    _write_atomic(dest, text)
    _record_date(dest_dir.parent / "meta.toml", date)
    for old in dest_dir.glob(REGISTRY_GLOB):
        if old != dest:
            old.unlink()
    return dest


def _record_date(meta: Path, date: str) -> None:
    try:
        text = meta.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatabaseError(f"{meta}: cannot read: {exc}") from exc
    line = re.compile(r'^oui_registry\s*=\s*"[^"]*"', re.MULTILINE)
    if not line.search(text):
        raise DatabaseError(f"{meta}: has no oui_registry line to update")
    _write_atomic(meta, line.sub(f'oui_registry = "{date}"', text, count=1))


def _write_atomic(dest: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=dest.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
