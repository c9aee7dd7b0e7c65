"""Loading and checking the real-world corpus (tests/realworld/corpus/*.toml); see README.md.

Run as a script to check every file and print counts: python tests/realworld/corpus.py
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
FAMILY = frozenset({"hikvision", "dahua"})
UNCERTAIN = "unknown-oem"
SOURCE_KINDS = frozenset(
    {"issue-thread", "test-fixture", "fingerprint-collection", "documentation", "capture"}
)
FRAMINGS = frozenset({
    "http-response", "http-headers", "http-body", "rtsp-response", "rtsp-headers", "sdp",
    "onvif-response", "tls-certificate", "sadp", "dhip", "dahua-5050", "wsd", "ssdp",
    "sdk-reply", "dhcp", "dns-query",
})  # fmt: skip
CERT_FORMATS = frozenset({"rfc4514", "openssl-slash", "openssl-text"})
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
HELD_OUT_SHARE = 3  # one source in three is held out


@dataclass(frozen=True, slots=True)
class Item:
    """One real payload with what the source establishes about its sender."""

    source: str
    id: str
    maker: str
    framing: str
    payload: bytes
    provenance: str
    brand: str | None = None
    model: str | None = None
    kind: str | None = None
    request: str = ""
    port: int | None = None
    status: str = ""
    fmt: str = ""
    issuer: str = ""
    field: str = ""
    cut: bool = False  # the value stops before the end of the device's message

    @property
    def family(self) -> bool | None:
        """True for Hikvision/Dahua-made devices, False for others, None when uncertain."""
        if self.maker == UNCERTAIN:
            return None
        return self.maker in FAMILY

    @property
    def key(self) -> str:
        """Corpus-wide id: source/item."""
        return f"{self.source}/{self.id}"


@dataclass(frozen=True, slots=True)
class Source:
    """One independent source and its items."""

    id: str
    kind: str
    url: str
    ref: str
    cited_by_protocols_md: bool
    items: tuple[Item, ...]
    batch: str = ""  # the collection round that added the source (README, "Measurements")

    @property
    def split(self) -> str:
        """'train' or 'held-out', fixed by the id alone."""
        digest = hashlib.sha256(self.id.encode()).digest()
        return "held-out" if digest[0] % HELD_OUT_SHARE == 0 else "train"


class CorpusError(ValueError):
    """A corpus file breaks the README's rules."""


def _text(entry: dict[str, object], name: str, where: str, required: bool = True) -> str:
    value = entry.get(name, "")
    if not isinstance(value, str):
        raise CorpusError(f"{where}: {name} must be a string")
    if required and not value.strip():
        raise CorpusError(f"{where}: {name} is required")
    return value


def _payload(entry: dict[str, object], where: str) -> bytes:
    if "hex" in entry:
        raw = _text(entry, "hex", where)
        try:
            return bytes.fromhex(re.sub(r"\s+", "", raw))
        except ValueError as exc:
            raise CorpusError(f"{where}: hex is not hexadecimal: {exc}") from None
    value = _text(entry, "value", where)
    return value.encode("utf-8")


def _item(source: str, entry: dict[str, object]) -> Item:
    where = f"{source}/{entry.get('id', '?')}"
    ident = _text(entry, "id", where)
    maker = _text(entry, "maker", where)
    if not SLUG.fullmatch(maker):
        raise CorpusError(f"{where}: maker {maker!r} is not a slug")
    framing = _text(entry, "framing", where)
    if framing not in FRAMINGS:
        raise CorpusError(f"{where}: unknown framing {framing!r}")
    _text(entry, "maker_basis", where)
    brand = _text(entry, "brand", where, required=False) or None
    if maker not in FAMILY and maker != UNCERTAIN and brand and brand in ("ezviz", "imou"):
        raise CorpusError(f"{where}: brand {brand} is made by hikvision/dahua")
    fmt = _text(entry, "format", where, required=False)
    if framing == "tls-certificate" and fmt not in CERT_FORMATS:
        raise CorpusError(f"{where}: tls-certificate needs format in {sorted(CERT_FORMATS)}")
    if framing in ("http-body", "onvif-response") and not _text(entry, "request", where, False):
        raise CorpusError(f"{where}: {framing} needs request")
    if framing == "dhcp" and _text(entry, "field", where, False) not in (
        "hostname",
        "vendor_class",
    ):
        raise CorpusError(f"{where}: dhcp needs field = hostname | vendor_class")
    cut = entry.get("cut", False)
    if not isinstance(cut, bool):
        raise CorpusError(f"{where}: cut must be true or false")
    port = entry.get("port")
    if port is not None and not (isinstance(port, int) and 0 < port < 65536):
        raise CorpusError(f"{where}: port must be 1-65535")
    return Item(
        source=source, id=ident, maker=maker, framing=framing, payload=_payload(entry, where),
        provenance=_text(entry, "provenance", where), brand=brand,
        model=_text(entry, "model", where, False) or None,
        kind=_text(entry, "kind", where, False) or None,
        request=_text(entry, "request", where, False), port=port,  # type: ignore[arg-type]
        status=_text(entry, "status", where, False), fmt=fmt,
        issuer=_text(entry, "issuer", where, False), field=_text(entry, "field", where, False),
        cut=cut,
    )  # fmt: skip


def load_source(path: Path) -> Source:
    """One corpus file, checked; CorpusError names the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path.name}: {exc}") from None
    meta = data.get("source")
    if not isinstance(meta, dict):
        raise CorpusError(f"{path.name}: no [source] table")
    sid = _text(meta, "id", path.name)
    if sid != path.stem:
        raise CorpusError(f"{path.name}: source id {sid!r} differs from the file name")
    kind = _text(meta, "kind", sid)
    if kind not in SOURCE_KINDS:
        raise CorpusError(f"{sid}: unknown source kind {kind!r}")
    cited = meta.get("cited_by_protocols_md", False)
    if not isinstance(cited, bool):
        raise CorpusError(f"{sid}: cited_by_protocols_md must be true or false")
    batch = _text(meta, "batch", sid, required=False)
    items = tuple(_item(sid, e) for e in data.get("item", []))
    ids = Counter(i.id for i in items)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise CorpusError(f"{sid}: duplicate item ids {dup}")
    url, ref = _text(meta, "url", sid), _text(meta, "ref", sid)
    return Source(sid, kind, url, ref, cited, items, batch)


def load(corpus: Path = CORPUS) -> list[Source]:
    """Every source in the corpus folder, sorted by id."""
    return [load_source(p) for p in sorted(corpus.glob("*.toml"))]


def main() -> int:
    """Check every file; print counts per maker family, split and framing."""
    problems = 0
    sources: list[Source] = []
    for path in sorted(CORPUS.glob("*.toml")):
        try:
            sources.append(load_source(path))
        except CorpusError as exc:
            print(f"PROBLEM {exc}")
            problems += 1
    items = [i for s in sources for i in s.items]
    fam = Counter({True: "family", False: "other", None: "uncertain"}[i.family] for i in items)
    print(f"{len(sources)} sources, {len(items)} items: {dict(fam)}")
    for split in ("train", "held-out"):
        part = [i for s in sources if s.split == split for i in s.items]
        n_fam = sum(1 for i in part if i.family)
        print(f"  {split}: {sum(1 for s in sources if s.split == split)} sources, "
              f"{n_fam} family, {sum(1 for i in part if i.family is False)} other")  # fmt: skip
    by_framing = Counter((i.framing, bool(i.family)) for i in items)
    for (framing, family), n in sorted(by_framing.items()):
        print(f"  {framing:16} {'family' if family else 'other ':6} {n}")
    payloads = Counter((i.framing, i.payload) for i in items)
    dups = sum(n - 1 for n in payloads.values() if n > 1)
    if dups:
        print(f"note: {dups} items repeat another item's exact payload and framing")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
