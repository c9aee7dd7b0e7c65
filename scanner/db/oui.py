"""The dated IEEE MAC block registry: longest-prefix lookup, and installing a new snapshot."""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from scanner.db.userdata import data_dir
from scanner.errors import DatabaseError, InputError
from scanner.files import write_file

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
            blocks[int(width)][prefix] = _defused(organisation)
        return blocks
    for number, line in enumerate(rows, start=1):
        prefix, bits, organisation = _row(line, number)
        if prefix in blocks[bits]:
            raise ValueError(f"row {number}: duplicate prefix {prefix}")
        blocks[bits][prefix] = organisation
    return blocks


def _row(line: str, number: int) -> tuple[str, int, str]:
    fields = line.split("\t")
    if len(fields) != 3 or not _defused(fields[2]):
        raise ValueError(f"row {number}: expected prefix, bits, organisation: {line[:80]!r}")
    prefix, bits_text, organisation = fields
    bits = int(bits_text) if bits_text.isdigit() else 0
    if bits not in DIGITS or not re.fullmatch(f"[0-9A-F]{{{DIGITS[bits]}}}", prefix):
        raise ValueError(f"row {number}: bad prefix/bits {prefix!r}/{bits_text!r}")
    return prefix, bits, _defused(organisation)


def _has_header(text: str) -> bool:
    """Whether the first row that is not a comment is the registry header."""
    for line in io.StringIO(text):
        line = line.rstrip("\r\n")
        if line and not line.startswith("#"):
            return tuple(line.split("\t")) == HEADER
    return False


def registry_date(text: str, name: str) -> str | None:
    """Snapshot date stated in the first comment line ("as of YYYY-MM-DD") or in the file name."""
    first = text.split("\n", 1)[0]
    stated = re.search(r"as of (\d{4}-\d{2}-\d{2})", first) if first.startswith("#") else None
    if stated:
        return stated.group(1)
    named = _DATE.search(name)
    return named.group(0) if named else None


class OuiIndex:
    """The registry, read on the first lookup: lookups bisect its rows sorted as text (a few
    ms for 50k rows); the per-length tables (blocks()) are parsed only when asked for."""

    def __init__(self, read: Callable[[], str], where: str) -> None:
        self._read = read
        self._where = where
        self._blocks: Blocks | None = None
        self._rows: list[str] | None = None

    def _loaded(self) -> Blocks:
        if self._blocks is None:
            try:
                self._blocks = parse_registry(self._read(), strict=False)
            except (OSError, UnicodeError, ValueError, KeyError) as exc:
                raise DatabaseError(f"{self._where}: {exc}") from exc
        return self._blocks

    def _sorted_rows(self) -> list[str]:
        if self._rows is None:
            try:
                text = self._read()
            except (OSError, UnicodeError) as exc:
                raise DatabaseError(f"{self._where}: {exc}") from exc
            if not _has_header(text):
                self._loaded()  # parsing says what is wrong
            rows = text.replace("\r\n", "\n").split("\n")
            rows.sort()  # runs already sorted per prefix length: a few merges
            self._rows = rows
        return self._rows

    def _search(self, digits: str) -> tuple[str, int, str] | None:
        """lookup() by bisection of the sorted rows; a malformed or repeated row goes to the
        parsed tables (which say what is wrong, or let the last row of a prefix win)."""
        rows = self._sorted_rows()
        for bits, width in DIGITS.items():
            key = f"{digits[:width]}\t{bits}\t"
            at = bisect.bisect_left(rows, key)
            if at < len(rows) and rows[at].startswith(key):
                fields = rows[at].split("\t")
                repeated = at + 1 < len(rows) and rows[at + 1].startswith(key)
                if len(fields) != 3 or repeated:
                    return self._from_blocks(digits)
                return digits[:width], bits, _defused(fields[2])
        return None

    def load(self) -> None:
        """Read the registry now rather than at the first lookup."""
        self._sorted_rows()

    def lookup(self, mac: str) -> tuple[str, int, str] | None:
        """(prefix, bits, organisation) of the longest registered block holding a global MAC."""
        digits = normalise_mac(mac)
        # Multicast (I/G bit) and locally administered (U/L bit) addresses carry no OUI.
        if digits is None or int(digits[:2], 16) & 0x03:
            return None
        if self._blocks is None:
            return self._search(digits)
        return self._from_blocks(digits)

    def _from_blocks(self, digits: str) -> tuple[str, int, str] | None:
        blocks = self._loaded()
        for bits, width in DIGITS.items():
            organisation = blocks[bits].get(digits[:width])
            if organisation is not None:
                return digits[:width], bits, organisation
        return None

    def blocks(self) -> Blocks:
        """Every block: bits -> prefix -> organisation."""
        return self._loaded()

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


# --- updates in the user's data directory ------------------------------------------------------
MAX_REGISTRY_BYTES = 64 << 20  # the IEEE's MA-L CSV is ~6 MB; /dev/zero is not a registry
# The IEEE Registration Authority's published CSV files (oui.csv, mam.csv, oui36.csv).
IEEE_HEADER = ("Registry", "Assignment", "Organization Name", "Organization Address")
IEEE_REGISTRIES = {"MA-L": 24, "MA-M": 28, "MA-S": 36}
# Fewer assignments than this in one file is a cut download, not the registry (2026: 38,930
# MA-L, 6,262 MA-M and 6,893 MA-S blocks).
MIN_BLOCKS = {24: 10_000, 28: 1_000, 36: 1_000}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def user_registry_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where `camscan db update-oui` installs a registry: <data dir>/oui."""
    return data_dir(env) / "oui"


def user_registry(env: Mapping[str, str] | None = None) -> tuple[Path, str] | None:
    """The newest registry in the user's data directory and its date, if there is one."""
    found: list[tuple[str, Path]] = []
    try:
        for path in user_registry_dir(env).glob(REGISTRY_GLOB):
            stated = _DATE.search(path.name)
            if stated and path.is_file():
                found.append((stated.group(0), path))
    except OSError:
        return None  # a data directory this user cannot read: the bundled registry serves
    if not found:
        return None
    newest, where = max(found)
    return where, newest


def read_limited(path: Path, limit: int = MAX_REGISTRY_BYTES) -> str:
    """The UTF-8 text of `path` (a BOM dropped), read with a size limit; InputError otherwise."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > limit:
        raise InputError(f"{path} is larger than {limit >> 20} MiB: not a MAC block registry")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from exc


def parse_ieee_csv(text: str) -> tuple[int, dict[str, str]]:
    """(bits, prefix -> organisation) of one IEEE CSV file; ValueError for anything else."""
    rows = csv.reader(io.StringIO(text, newline=""))
    header = tuple(cell.strip() for cell in next(rows, []))
    if header != IEEE_HEADER:
        raise ValueError(f"first row must be the IEEE header {','.join(IEEE_HEADER)}")
    bits: int | None = None
    blocks: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) < 3:
            raise ValueError(f"row {number}: expected registry, assignment, organisation")
        registry, assignment, organisation = row[0].strip(), row[1].strip().upper(), row[2]
        if registry not in IEEE_REGISTRIES:
            raise ValueError(f"row {number}: unknown registry {registry[:20]!r}")
        if bits is None:
            bits = IEEE_REGISTRIES[registry]
        elif IEEE_REGISTRIES[registry] != bits:
            raise ValueError(f"row {number}: {registry} in a file of {_registry_of(bits)} rows")
        if not re.fullmatch(f"[0-9A-F]{{{DIGITS[bits]}}}", assignment):
            raise ValueError(f"row {number}: bad {registry} assignment {assignment[:20]!r}")
        name = clean_organisation(organisation)
        if not name:
            raise ValueError(f"row {number}: no organisation name")
        blocks[assignment] = name  # a repeated assignment keeps its last name, as the IEEE lists
    if bits is None:
        raise ValueError("no assignments")
    return bits, blocks


def _defused(name: str) -> str:
    """A registry name with control and format (bidi) characters made spaces, as written else."""
    return name.strip() if name.isprintable() else _CONTROL.sub(" ", name).strip()


def clean_organisation(name: str) -> str:
    """An organisation name on one line without control or format characters."""
    return " ".join(_CONTROL.sub(" ", name).split())


def _registry_of(bits: int) -> str:
    return next(name for name, width in IEEE_REGISTRIES.items() if width == bits)


def update_registry(
    sources: Sequence[Path],
    dest_dir: Path,
    current: Blocks,
    current_date: str,
    date: str | None = None,
    min_rows: int = 1000,
) -> tuple[Path, str]:
    """Install a registry built from `sources` in `dest_dir`; (path written, what it holds).

    Sources are the IEEE's CSV files (any of MA-L, MA-M, MA-S; a registry not given keeps the
    blocks of `current`) or one registry TSV as shipped. The snapshot date is `date`, else the
    TSV's own, else the newest modification date of the CSV files.
    """
    blocks, notes, newest = _merge(sources, current, current_date)
    rows = sum(len(table) for table in blocks.values())
    if rows < min_rows:
        raise InputError(f"only {rows} blocks; a full registry has tens of thousands")
    if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise InputError(f"--date {date!r} is not YYYY-MM-DD")
    date = date or newest
    dest = dest_dir / registry_name(date)
    head = (
        "# IEEE Registration Authority assignments (MA-L 24-bit, MA-M 28-bit, MA-S 36-bit "
        f"prefixes) as of {date}.\n# Written by camscan db update-oui: {'; '.join(notes)}.\n"
        + "\t".join(HEADER)
        + "\n"
    )
    body = "".join(
        f"{prefix}\t{bits}\t{org}\n"
        for bits in sorted(blocks)
        for prefix, org in sorted(blocks[bits].items())
    )
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {dest_dir}: {exc.strerror or exc}") from exc
    write_file(dest, (head + body).encode("utf-8"))
    for old in dest_dir.glob(REGISTRY_GLOB):
        if old != dest:
            old.unlink(missing_ok=True)
    return dest, "; ".join(notes)


def _merge(
    sources: Sequence[Path], current: Blocks, current_date: str
) -> tuple[Blocks, list[str], str]:
    texts = [(src, read_limited(src)) for src in sources]
    if (
        len(texts) == 1
        and texts[0][1].lstrip("#").find("prefix\tbits\torganisation") >= 0
        and (not texts[0][1].startswith("Registry"))
    ):
        src, text = texts[0]
        try:
            blocks = parse_registry(text)
        except ValueError as exc:
            raise InputError(f"{src}: not a usable MAC block registry: {exc}") from exc
        date = registry_date(text, src.name)
        if date is None:
            raise InputError(f"{src}: no snapshot date in the first comment or the file name")
        return blocks, [f"all blocks from {src.name}"], date
    blocks = {bits: dict(table) for bits, table in current.items()}
    given: dict[int, str] = {}
    for src, text in texts:
        try:
            bits, table = parse_ieee_csv(text)
        except ValueError as exc:
            raise InputError(f"{src}: not an IEEE registry CSV file: {exc}") from exc
        if bits in given:
            raise InputError(
                f"{src}: a second {_registry_of(bits)} file (the first: {given[bits]})"
            )
        if len(table) < MIN_BLOCKS[bits]:
            raise InputError(
                f"{src}: only {len(table)} {_registry_of(bits)} assignments; the registry has "
                f"more than {MIN_BLOCKS[bits]:,} (a download cut short?)"
            )
        given[bits] = src.name
        blocks[bits] = table
    notes = [f"{_registry_of(b)} from {name}" for b, name in sorted(given.items())]
    notes += [f"{_registry_of(b)} kept from the {current_date} snapshot" for b in sorted(DIGITS)
              if b not in given]  # fmt: skip
    mtimes = [datetime.fromtimestamp(src.stat().st_mtime, UTC) for src, _ in texts]
    return blocks, notes, max(mtimes).strftime("%Y-%m-%d")
