"""The sweep configuration: a TOML file, overridden by command-line options."""

from __future__ import annotations

import math
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scanner.active.settings import RANGES, ScanSettings
from scanner.active.settings import build as scan_settings
from scanner.db.userdata import data_dir
from scanner.errors import InputError

SOURCE_KINDS = ("pcap", "scan", "listen")
FAIL_ON = ("concern", "suspect", "new", "never")
REPORT_FORMATS = ("json", "html", "md", "csv", "ndjson")
DEFAULT_LOCK_TIMEOUT = 60.0
MAX_SECONDS = 7 * 86400.0  # longer than any sweep may wait or listen
TOP_KEYS = {"site", "policy", "db", "sync", "fail_on", "lock_timeout", "source", "reports"}
SOURCE_KEYS = {"kind", "paths", "targets", "iface", "seconds"}
# every knob of `camscan scan`, under the option's name with "_" for "-"
SCAN_KEYS = {*RANGES, "ports", "probes", "no_discovery", "allow_large"}
SITE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # the whole name: fullmatch
PLACEHOLDERS = ("site", "run_id", "date")
MAX_CONFIG_BYTES = 1 << 20  # a sweep config is a few hundred bytes; /dev/zero is not one


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """Where a sweep's findings come from: replayed captures, an active scan or listening."""

    kind: str
    paths: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    iface: str | None = None
    seconds: float | None = None
    scan: ScanSettings = ScanSettings()
    allow_large: bool = False


@dataclass(frozen=True, slots=True)
class SweepConfig:
    """Everything one sweep needs; report paths may use {site}, {run_id} and {date}."""

    site: str
    source: SourceSpec
    db: Path | str  # a file, or a postgresql:// URL without a password
    policy: str = "default"
    fail_on: str = "concern"
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    reports: Mapping[str, str] = field(default_factory=dict)
    sync: str | None = None  # the centre's postgresql:// URL, pushed to after each run


def default_db_path(env: Mapping[str, str] | None = None, root: bool | None = None) -> Path:
    """history.sqlite3 in camscan's data directory (see scanner.db.userdata.data_dir)."""
    return data_dir(env, root) / "history.sqlite3"


def load_file(path: Path) -> dict[str, Any]:
    """The raw TOML table of a config file (at most MAX_CONFIG_BYTES), unknown keys rejected."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise InputError(f"sweep config {path} is larger than {MAX_CONFIG_BYTES} bytes")
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeError) as exc:
        raise InputError(
            f"cannot read sweep config {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"sweep config {path} is not valid TOML: {exc}") from exc
    except RecursionError:
        raise InputError(f"sweep config {path} nests arrays or tables too deeply") from None
    _reject_unknown(data, TOP_KEYS, "sweep config")
    return data


def build(data: Mapping[str, Any], **overrides: Any) -> SweepConfig:
    """A checked SweepConfig from file data plus the options given (None = not given)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    site = given.get("site", data.get("site"))
    if not isinstance(site, str) or not SITE_PATTERN.fullmatch(site):
        raise InputError(
            "a sweep needs a site name (--site or site = ...): letters, digits, '.', '_', '-'"
        )
    source = _cli_source(given, data.get("source"))
    reports = _reports(data.get("reports", {}))
    if "reports" in given:
        reports = {**reports, **{fmt: str(path) for fmt, path in given["reports"].items()}}
    db = history_location(given.get("db", data.get("db")))
    sync = _sync(given.get("sync", data.get("sync")))
    if sync is not None and not isinstance(db, Path):
        raise InputError("sync forwards a store's local history: give db a file path, not a URL")
    return SweepConfig(
        site=site,
        source=source,
        db=db,
        policy=_string(given.get("policy", data.get("policy", "default")), "policy"),
        fail_on=_choice(given.get("fail_on", data.get("fail_on", "concern")), FAIL_ON, "fail_on"),
        lock_timeout=_seconds(given.get("lock_timeout", data.get("lock_timeout"))),
        reports=reports,
        sync=sync,
    )


def history_location(value: Any) -> Path | str:
    """A --db or `db =` value: a PostgreSQL URL (checked for secrets) or a file path."""
    if value is None:
        return default_db_path()
    if isinstance(value, str) and value.startswith(("postgresql://", "postgres://")):
        from scanner.estate.urls import check_url

        return check_url(value)
    if not isinstance(value, str | Path) or not str(value):
        raise InputError("db must be a file path or a postgresql:// URL")
    return _db_path(value)


def _sync(value: Any) -> str | None:
    if value is None:
        return None
    location = history_location(value)
    if not isinstance(location, str):
        raise InputError("sync must be a postgresql:// URL of the central history")
    return location


def report_path(template: str, site: str, run_id: str, date: str) -> Path:
    """A report path with its placeholders filled in; InputError for any other placeholder."""
    check_template(template)
    return Path(template.format_map({"site": site, "run_id": run_id, "date": date}))


def check_template(template: str) -> None:
    """InputError unless every placeholder of `template` is a bare {site}, {run_id} or {date}
    (no attribute, index, conversion or format spec: "{site.upper}" would name a method)."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise InputError(f"bad report path {template!r}: {exc}") from None
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise InputError(
                f"bad report path {template!r}: use only {{site}}, {{run_id}}, {{date}}"
            )


def _db_path(value: Any) -> Path:
    """The history file: a path to a file (existing or not), never a directory."""
    if value is None:
        return default_db_path()
    if not isinstance(value, str | Path) or not str(value):
        raise InputError("db must be the path of a history file")
    path = Path(value).expanduser()
    if not path.name or path.is_dir():
        raise InputError(f"db {value} is a directory; give the path of a history file")
    return path


def _cli_source(given: Mapping[str, Any], raw: Any) -> SourceSpec:
    """The source the options state (--pcap, or --scan/--iface), else the config's [source].

    --scan and --iface replace a scan source's targets and interface and keep its knobs.
    """
    pcaps, targets, iface = given.get("pcaps"), given.get("scan_targets"), given.get("iface")
    if pcaps and (targets or iface):
        raise InputError("choose one source: --pcap, or --scan/--iface")
    if pcaps:
        return SourceSpec("pcap", tuple(pcaps))
    if not (targets or iface):
        return _source(raw)
    base = _source(raw) if raw is not None else SourceSpec("scan")
    if base.kind != "scan":
        base = SourceSpec("scan")
    return replace(
        base, targets=tuple(targets or base.targets), iface=iface if iface else base.iface
    )


def _source(raw: Any) -> SourceSpec:
    if raw is None:
        raise InputError(
            "a sweep needs a source: --pcap FILE, --scan CIDR/--iface IF or a [source] table "
            "in the config"
        )
    if not isinstance(raw, dict):
        raise InputError("[source] must be a table with kind = 'pcap' | 'scan' | 'listen'")
    _reject_unknown(raw, SOURCE_KEYS | SCAN_KEYS, "[source]")
    kind = _choice(raw.get("kind"), SOURCE_KINDS, "source kind")
    paths = _strings(raw.get("paths", []), "source paths")
    if kind == "pcap" and not paths:
        raise InputError("a pcap source needs paths = [...]")
    seconds = raw.get("seconds")
    if seconds is not None and not _finite_in(seconds, 0.0, MAX_SECONDS, low_open=True):
        raise InputError(f"source seconds must be a positive number, at most {MAX_SECONDS:g}")
    iface = raw.get("iface")
    if iface is not None and not isinstance(iface, str):
        raise InputError("source iface must be a string")
    knobs = {key: raw[key] for key in SCAN_KEYS & set(raw)}
    if knobs and kind != "scan":
        raise InputError(f"[source] {', '.join(sorted(knobs))}: only a scan source takes these")
    allow_large = knobs.pop("allow_large", False)
    no_discovery = knobs.pop("no_discovery", False)
    if not isinstance(allow_large, bool) or not isinstance(no_discovery, bool):
        raise InputError("[source] allow_large and no_discovery must be true or false")
    for key in ("ports", "probes"):
        if key in knobs and not isinstance(knobs[key], str | list):
            raise InputError(f"[source] {key} must be a list or a comma-separated string")
    if kind == "scan" and seconds is not None:
        # before the scan knobs existed, a scan source's `seconds` was its listen window
        knobs.setdefault("listen_window", seconds)
    return SourceSpec(
        kind=kind,
        paths=tuple(paths),
        targets=tuple(_strings(raw.get("targets", []), "source targets")),
        iface=iface,
        seconds=None if seconds is None else float(seconds),
        scan=scan_settings(keys=True, no_discovery=no_discovery, **knobs),
        allow_large=allow_large,
    )


def _reports(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise InputError("[reports] must be a table of format = path")
    _reject_unknown(raw, set(REPORT_FORMATS), "[reports]")
    reports = {fmt: _string(path, f"reports.{fmt}") for fmt, path in raw.items()}
    for template in reports.values():
        check_template(template)
    return reports


def _reject_unknown(data: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"unknown key(s) in {where}: {', '.join(unknown)}")


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{name} must be a non-empty string")
    return value


def _strings(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(f"{name} must be a list of strings")
    return list(value)


def _choice(value: Any, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _seconds(value: Any) -> float:
    if value is None:
        return DEFAULT_LOCK_TIMEOUT
    if not _finite_in(value, 0.0, MAX_SECONDS):
        raise InputError(f"lock_timeout must be a number of seconds from 0 to {MAX_SECONDS:g}")
    return float(value)


def _finite_in(value: Any, low: float, high: float, low_open: bool = False) -> bool:
    """Whether `value` is a real number (not bool, NaN or infinite) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if not math.isfinite(value) or value > high:
        return False
    return value > low if low_open else value >= low
