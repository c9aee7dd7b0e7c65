"""The project's committed captures, as the speed tests replay them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PCAPS = sorted(p for p in (ROOT / "pcaps").rglob("*") if p.suffix in (".pcap", ".pcapng", ".gz"))
DEMO = ROOT / "pcaps" / "demo" / "store-lan.pcapng"
