"""Checking a report against the shipped `camscan.findings/1` schema and its own summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from scanner.errors import ScannerError

SCHEMA_RESOURCE = "schema/findings-1.schema.json"
MAX_LISTED = 5  # schema errors named in the message; the rest are counted
MAX_ERROR_CHARS = 200  # jsonschema quotes whole instances; keep each line readable


class ReportSchemaError(ScannerError):
    """A report does not conform to `camscan.findings/1` (a bug in whatever produced it)."""


@cache
def load_schema() -> dict[str, Any]:
    """The findings JSON Schema shipped in the package."""
    resource = files("scanner.output") / SCHEMA_RESOURCE
    schema: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return schema


def validate_report(report: Mapping[str, Any]) -> None:
    """Raise ReportSchemaError unless `report` matches the schema and its summary adds up."""
    try:
        import jsonschema  # type: ignore[import-untyped]  # dev dependency, no stubs
    except ImportError as exc:
        raise ReportSchemaError(
            "validating a report needs the jsonschema package: pip install 'camscan[dev]'"
        ) from exc
    cls = jsonschema.Draft202012Validator
    validator = cls(load_schema(), format_checker=cls.FORMAT_CHECKER)
    problems = [_describe(err) for err in validator.iter_errors(report)]
    if not problems:
        problems = _inconsistencies(report)
    if problems:
        raise ReportSchemaError(_message(sorted(problems)))


def _describe(err: Any) -> str:
    """One schema error as "at <path>: <reason>", bounded."""
    path = "/".join(str(part) for part in err.absolute_path) or "(top level)"
    return _bound(f"at {path}: {err.message}")


def _bound(line: str) -> str:
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


def _message(problems: list[str]) -> str:
    listed = problems[:MAX_LISTED]
    more = len(problems) - len(listed)
    tail = f"; and {more} more" if more else ""
    return "report does not conform to camscan.findings/1: " + "; ".join(listed) + tail


def _inconsistencies(report: Mapping[str, Any]) -> list[str]:
    """Rules the schema cannot state: summary counts, device order and unique ids."""
    devices: list[dict[str, Any]] = report["devices"]
    summary: dict[str, Any] = report["summary"]
    concern = [d for d in devices if d["of_concern"]]
    expected = {
        "devices": len(devices),
        "of_concern": len(concern),
        "suspect": sum(1 for d in devices if d["verdict"] == "suspect"),
        "remote": sum(1 for d in devices if d["location"] == "remote"),
        "by_manufacturer": dict(Counter(d["manufacturer"] for d in concern if d["manufacturer"])),
    }
    problems = [
        _bound(f"at summary/{key}: {summary[key]!r} but the devices give {want!r}")
        for key, want in expected.items()
        if summary[key] != want
    ]
    ids = [d["id"] for d in devices]
    if ids != sorted(set(ids)):
        problems.append("at devices: ids must be unique and sorted")
    return problems
