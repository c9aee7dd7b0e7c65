"""The sweep configuration: a TOML file, overridden by command-line options."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.active.settings import ScanSettings
from scanner.errors import InputError

SOURCE_KINDS = ("pcap", "scan", "listen")
FAIL_ON = ("concern", "new", "never")
REPORT_FORMATS = ("json", "html", "md", "csv", "ndjson")
DEFAULT_LOCK_TIMEOUT = 60.0
TOP_KEYS = {"site", "policy", "db", "fail_on", "lock_timeout", "source", "reports"}
SOURCE_KEYS = {"kind", "paths", "targets", "iface", "seconds"}
SITE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """Where a sweep's findings come from: replayed captures, an active scan or listening."""

    kind: str
    paths: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    iface: str | None = None
    seconds: float | None = None
    scan: ScanSettings = ScanSettings()


@dataclass(frozen=True, slots=True)
class SweepConfig:
    """Everything one sweep needs; report paths may use {site}, {run_id} and {date}."""

    site: str
    source: SourceSpec
    db: Path
    policy: str = "default"
    fail_on: str = "concern"
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    reports: Mapping[str, str] = field(default_factory=dict)


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME/camscan/history.sqlite3, else ~/.local/share/camscan/history.sqlite3."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "camscan" / "history.sqlite3"


def load_file(path: Path) -> dict[str, Any]:
    """The raw TOML table of a config file, with unknown keys rejected."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError) as exc:
        raise InputError(f"cannot read sweep config {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"sweep config {path} is not valid TOML: {exc}") from exc
    _reject_unknown(data, TOP_KEYS, "sweep config")
    return data


def build(data: Mapping[str, Any], **overrides: Any) -> SweepConfig:
    """A checked SweepConfig from file data plus the options given (None = not given)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    site = given.get("site", data.get("site"))
    if not isinstance(site, str) or not SITE_PATTERN.match(site):
        raise InputError(
            "a sweep needs a site name (--site or site = ...): letters, digits, '.', '_', '-'"
        )
    pcaps = given.get("pcaps")
    source = SourceSpec("pcap", tuple(pcaps)) if pcaps else _source(data.get("source"))
    reports = _reports(data.get("reports", {}))
    if "output" in given:
        reports = {**reports, "json": str(given["output"])}
    return SweepConfig(
        site=site,
        source=source,
        db=Path(given.get("db", data.get("db") or default_db_path())).expanduser(),
        policy=_string(given.get("policy", data.get("policy", "default")), "policy"),
        fail_on=_choice(given.get("fail_on", data.get("fail_on", "concern")), FAIL_ON, "fail_on"),
        lock_timeout=_seconds(given.get("lock_timeout", data.get("lock_timeout"))),
        reports=reports,
    )


def report_path(template: str, site: str, run_id: str, date: str) -> Path:
    """A report path with its placeholders filled in."""
    try:
        return Path(template.format_map({"site": site, "run_id": run_id, "date": date}))
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(
            f"bad report path {template!r}: use only {{site}}, {{run_id}}, {{date}}"
        ) from exc


def _source(raw: Any) -> SourceSpec:
    if raw is None:
        raise InputError("a sweep needs a source: --pcap FILE or a [source] table in the config")
    if not isinstance(raw, dict):
        raise InputError("[source] must be a table with kind = 'pcap' | 'scan' | 'listen'")
    _reject_unknown(raw, SOURCE_KEYS, "[source]")
    kind = _choice(raw.get("kind"), SOURCE_KINDS, "source kind")
    paths = _strings(raw.get("paths", []), "source paths")
    if kind == "pcap" and not paths:
        raise InputError("a pcap source needs paths = [...]")
    seconds = raw.get("seconds")
    if seconds is not None and (not isinstance(seconds, int | float) or seconds <= 0):
        raise InputError("source seconds must be a positive number")
    iface = raw.get("iface")
    if iface is not None and not isinstance(iface, str):
        raise InputError("source iface must be a string")
    return SourceSpec(
        kind=kind,
        paths=tuple(paths),
        targets=tuple(_strings(raw.get("targets", []), "source targets")),
        iface=iface,
        seconds=None if seconds is None else float(seconds),
        scan=ScanSettings(listen_window=3.0 if seconds is None else float(seconds)),
    )


def _reports(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise InputError("[reports] must be a table of format = path")
    _reject_unknown(raw, set(REPORT_FORMATS), "[reports]")
    return {fmt: _string(path, f"reports.{fmt}") for fmt, path in raw.items()}


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
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError("lock_timeout must be a number of seconds >= 0")
    return float(value)
