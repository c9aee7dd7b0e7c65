"""Comparing a findings report with the roster, and reading what a scanner put on the wire."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from roster import CLEAR, CONCERN, OF_CONCERN, SCANNER_IP, SCANNER_MAC, Planted

Device = dict[str, Any]
IDENTITY = ("manufacturer", "brand", "model", "serial", "firmware")
ETHERNET, RAW_IPV4, RAW_IP = 1, 228, 101


def find(devices: list[Device], host: Planted, by_ip: bool = False) -> Device | None:
    """The report's device for `host`: by MAC id, or (when `by_ip`) any device holding its IP."""
    for dev in devices:
        if dev["id"] == host.id or dev.get("mac") == host.mac:
            return dev
    if by_ip:
        for dev in devices:
            if host.ip in dev.get("ips", []):
                return dev
    return None


def concern_problems(devices: list[Device], host: Planted, by_ip: bool = False) -> list[str]:
    """What is wrong with the report's entry for a planted device of concern ([] when right)."""
    dev = find(devices, host, by_ip)
    if dev is None:
        return [f"{host.name} ({host.mac}, {host.ip}) is missing from the report"]
    out = []
    if dev["verdict"] != "concern":
        out.append(f"{host.name}: verdict {dev['verdict']!r}, want 'concern'")
    if host.ip not in dev["ips"]:
        out.append(f"{host.name}: ips {dev['ips']} lack {host.ip}")
    for key in IDENTITY:
        want = getattr(host, key)
        if want is not None and dev.get(key) != want:
            out.append(f"{host.name}: {key} {dev.get(key)!r}, want {want!r}")
    return out


def clear_problems(devices: list[Device], host: Planted) -> list[str]:
    """A non-concern host must not be flagged (it may be absent: the silent host, unprivileged)."""
    dev = find(devices, host)
    if dev is None:
        return []
    out = []
    if dev["verdict"] != "clear":
        rules = sorted({e["rule"] for e in dev["evidence"]})
        out.append(f"{host.name}: verdict {dev['verdict']!r} ({dev['concern']}) from {rules}")
    if dev["manufacturer"] in OF_CONCERN:
        out.append(f"{host.name}: attributed to {dev['manufacturer']}")
    return out


def unexpected_concerns(devices: list[Device]) -> list[str]:
    """Devices flagged concern that are not planted devices of concern."""
    planted = {h.id for h in CONCERN}
    return [d["id"] for d in devices if d["verdict"] == "concern" and d["id"] not in planted]


def all_problems(devices: list[Device]) -> list[str]:
    """Every deviation of `devices` from the roster."""
    out = []
    for host in CONCERN:
        out += concern_problems(devices, host)
    for host in CLEAR:
        out += clear_problems(devices, host)
    return out + [f"unexpected concern: {i}" for i in unexpected_concerns(devices)]


# --- what the scanner sent ------------------------------------------------------------------------
def _ipv4_l4(packet: bytes) -> tuple[str, int, int, bytes] | None:
    """(src ip, ip proto, dst port, l4 payload) of an IPv4 packet, None when not one."""
    if len(packet) < 20 or packet[0] >> 4 != 4:
        return None
    ihl = (packet[0] & 0x0F) * 4
    proto = packet[9]
    src = ".".join(str(b) for b in packet[12:16])
    frag = struct.unpack_from("!H", packet, 6)[0] & 0x1FFF
    l4 = packet[ihl:]
    if frag or len(l4) < 8:
        return src, proto, -1, l4
    dport = struct.unpack_from("!H", l4, 2)[0]
    if proto == 6 and len(l4) >= 20:
        return src, proto, dport, l4[(l4[12] >> 4) * 4 :]
    if proto == 17:
        return src, proto, dport, l4[8:]
    return src, proto, dport, l4


def sent_frames(records: Iterator[tuple[int, float, bytes]]) -> Iterator[tuple[bytes, Any]]:
    """(frame, parsed IPv4 or None) of every frame the scanner sent."""
    for link, _ts, frame in records:
        if link == ETHERNET:
            if frame[6:12] != bytes.fromhex(SCANNER_MAC.replace(":", "")):
                continue
            ethertype = struct.unpack_from("!H", frame, 12)[0] if len(frame) >= 14 else 0
            yield frame, _ipv4_l4(frame[14:]) if ethertype == 0x0800 else None
        elif link in (RAW_IPV4, RAW_IP):
            parsed = _ipv4_l4(frame)
            if parsed and parsed[0] == SCANNER_IP:
                yield frame, parsed


def credential_problems(path: Path) -> tuple[int, list[str]]:
    """(frames the scanner sent, credential-looking content in them) from a capture file."""
    from scanner.sources.capture import ReadState, read_records

    sent, out = 0, []
    for frame, parsed in sent_frames(read_records(path, ReadState(str(path)))):
        sent += 1
        low = frame.lower()
        if b"authorization:" in low:
            out.append(f"frame {sent}: Authorization header")
        if b"admin" in low:
            out.append(f"frame {sent}: 'admin'")
        if parsed and parsed[1] == 6 and parsed[3][:2] in (b"\xa0\x00", b"\xa0\x05"):
            out.append(f"frame {sent}: DVRIP login opcode {parsed[3][:2].hex()} to {parsed[2]}")
    return sent, out


def logged_credentials(requests: list[dict[str, Any]]) -> list[str]:
    """Credential-looking requests the emulators received (their own logs)."""
    out = []
    for req in requests:
        text = req.get("text", "").lower()
        raw = bytes.fromhex(req.get("hex", ""))
        if "authorization:" in text or "admin" in text or b"admin" in raw.lower():
            out.append(f"{req['host']} port {req['port']}: {text[:80] or raw[:32].hex()}")
        if raw[:2] in (b"\xa0\x00", b"\xa0\x05"):
            out.append(f"{req['host']} port {req['port']}: DVRIP login {raw[:8].hex()}")
    return out
