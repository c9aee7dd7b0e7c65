"""What the recorder stores per sighting, and its shortcut past the diff of an unchanged device."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.sweep.diff import changes
from scanner.sweep.record import _as_device, _unchanged, columns_of, pack, unpack

DEVICE: dict[str, Any] = {
    "id": "mac:44:19:b6:2a:3c:11", "mac": "44:19:b6:2a:3c:11", "ips": ["10.0.0.2"],
    "serial": None, "manufacturer": "hikvision", "brand": None, "kind": "camera",
    "model": "DS-2CD2043G2-I", "firmware": "V5.7.3", "verdict": "concern", "of_concern": True,
    "hostname": "Kamera Lager Süd", "confidence": 0.97, "services": [{"port": 80}],
}  # fmt: skip


def test_a_device_packs_and_unpacks_to_itself() -> None:
    assert unpack(pack(DEVICE)) == DEVICE


def test_a_lone_surrogate_from_undecodable_bytes_is_kept() -> None:
    device = {**DEVICE, "hostname": b"cam\xff".decode("utf-8", "surrogateescape")}
    assert unpack(pack(device)) == device


@pytest.mark.parametrize(
    "change",
    [
        {}, {"ips": ["10.0.0.3"]}, {"ips": []}, {"ips": None}, {"firmware": "V5.8.0"},
        {"verdict": "suspect"}, {"verdict": None}, {"model": None}, {"serial": "DS123"},
        {"hostname": "other"}, {"ips": ["10.0.0.2", "10.0.0.9"]},
    ],
)  # fmt: skip
def test_the_unchanged_shortcut_agrees_with_the_diff(change: dict[str, Any]) -> None:
    stored = columns_of(DEVICE)
    seen = {**DEVICE, **change}
    full = changes(_as_device(stored), seen)
    assert _unchanged(stored, columns_of(seen), seen) == (full == [])
