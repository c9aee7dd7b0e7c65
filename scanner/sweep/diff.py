"""What appeared, changed and disappeared between two sets of findings devices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Device = Mapping[str, Any]
# Fields whose change makes a device "changed" (the list); the IP is not identity.
TRACKED = ("ips", "firmware", "verdict", "model", "serial")
REMOVED_FIELDS = ("id", "mac", "ips", "manufacturer", "model")


@dataclass(frozen=True, slots=True)
class Diff:
    """Ids of new and changed devices of the newer set; removed devices as report objects."""

    new: tuple[str, ...]
    removed: tuple[dict[str, Any], ...]
    changed: tuple[str, ...]
    changes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The lists as they appear in a report's `sweep` object, with each change's fields."""
        return {
            "new": list(self.new),
            "removed": list(self.removed),
            "changed": list(self.changed),
            "changes": dict(self.changes),
        }


def identity_keys(device: Device) -> list[str]:
    """Keys that name the device across runs: MAC and serial; the report id only without both."""
    keys = []
    if device.get("mac"):
        keys.append(f"mac:{device['mac']}")
    if device.get("serial"):
        keys.append(f"serial:{device['serial']}")
    return keys or [str(device["id"])]


def changes(old: Device, new: Device) -> list[dict[str, Any]]:
    """Each tracked field that differs, as {"field", "old", "new"}, in TRACKED order."""
    return [
        {"field": name, "old": old.get(name), "new": new.get(name)}
        for name in TRACKED
        if _norm(name, old.get(name)) != _norm(name, new.get(name))
    ]


def _norm(name: str, value: Any) -> Any:
    return list(value or []) if name == "ips" else value


def removed_entry(device: Device, last_seen: str | None) -> dict[str, Any]:
    """The `removed` object for a device no longer seen."""
    entry = {name: device.get(name) for name in REMOVED_FIELDS}
    entry["ips"] = list(device.get("ips") or [])
    entry["last_seen"] = last_seen
    return entry


def diff_devices(old: Sequence[Device], new: Sequence[Device]) -> Diff:
    """Match devices by identity keys (never by IP) and sort them into new, removed, changed."""
    index = _index(old)
    matched: set[int] = set()
    new_ids: list[str] = []
    changed: dict[str, list[dict[str, Any]]] = {}
    for device in new:
        hit = _lookup(index, identity_keys(device), matched)
        if hit is None:
            new_ids.append(device["id"])
            continue
        matched.add(hit)
        diff = changes(old[hit], device)
        if diff:
            changed[device["id"]] = diff
    removed = [
        removed_entry(dev, dev.get("last_seen")) for n, dev in enumerate(old) if n not in matched
    ]
    return Diff(
        tuple(sorted(new_ids)), _sorted_removed(removed), tuple(sorted(changed)),
        dict(sorted(changed.items())),
    )  # fmt: skip


def _index(devices: Iterable[Device]) -> dict[str, int]:
    index: dict[str, int] = {}
    for n, device in enumerate(devices):
        for key in identity_keys(device):
            index.setdefault(key, n)
    return index


def _lookup(index: Mapping[str, int], keys: list[str], taken: set[int]) -> int | None:
    for key in keys:
        hit = index.get(key)
        if hit is not None and hit not in taken:
            return hit
    return None


def _sorted_removed(removed: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    return tuple(sorted(removed, key=lambda entry: str(entry["id"])))
