"""Byte builders for the lab emulators' replies: pcaps/payloads.py, plus the lab's own probe.

Pure functions, standard library only (no scapy), so an emulator process stays small; the builders
are the capture generators' own (pcaps/payloads.py), so the lab's devices answer exactly as the
devices in the committed captures do.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The emulator runs as a script inside network namespaces, so find pcaps/ by path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "pcaps"))

import payloads  # noqa: E402
from payloads import *  # noqa: E402, F403

# The reference client's probe declares the ONVIF device namespace as well.
_DN_TDS = (
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"'
)


def wsd_probe(message_id: str, types: str = "dn:NetworkVideoTransmitter") -> bytes:
    """WS-Discovery 2005/04 Probe as the lab's own reference client sends it."""
    return payloads.wsd_probe(message_id, types, extra_ns=_DN_TDS)
