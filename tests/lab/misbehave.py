"""Misbehaving lab devices: silent, dripping, endless, cut-off, flooding and spoofing answers.

Used by emulator.py for the profiles mute, drip, endless, cutter, flood and spoofer
(test_lab_misbehaving.py). Every connection a misbehaving service holds ends by itself after
HOLD_SECONDS, so a scanner that never hangs up cannot keep an emulator busy forever.
"""

from __future__ import annotations

import asyncio
import struct
import uuid
from collections.abc import Callable
from typing import Protocol

import replies as r

HOLD_SECONDS = 30.0
DRIP_LIMIT = 120  # bytes a dripping service sends at most (one a second)
ENDLESS_CHUNK = 64 * 1024
FLOOD = 300  # replies per discovery probe

# What the spoofer states in its discovery replies: MACs and addresses that never send a frame.
# (MAC, IPv4, model, serial)
SPOOF_SADP_INSIDE = ("44:19:b6:77:00:99", "10.77.0.99", "DS-2CD2043G2-I", "DS-2CD2043G2-ISPOOF99")
SPOOF_SADP_OUTSIDE = ("4c:bd:8f:77:00:98", "192.0.0.98", "DS-2CD1023G0-I", "DS-2CD1023G0-ISPOOF98")
SPOOF_DHIP = ("08:ed:ed:77:00:97", "10.77.0.97", "IPC-HFW1230S", "7A0SPOOF97")
SPOOF_HIJACK = ("DS-SPOOFED-MODEL", "DS-SPOOFED-MODEL2023SPOOFHIJACK")  # stated for the victim


def flood_mac(prefix: str, i: int) -> str:
    """The i-th MAC a flood reply states: `prefix` (three octets) and two octets of `i`."""
    return f"{prefix}:78:{i >> 8:02x}:{i & 0xFF:02x}"


def flood_ip(i: int) -> str:
    """The i-th address a flood reply states: 10.78.0.0/16, outside the scanned subnet."""
    return f"10.78.{i >> 8}.{i & 0xFF}"


class Host(Protocol):
    """What an answer needs to know about the emulated device."""

    mac: str
    ip: str
    ident: dict[str, str]


# --- UDP discovery -------------------------------------------------------------------------------
def _sadp_uuid(data: bytes) -> str | None:
    if b"<Probe>" not in data or b"inquiry" not in data:
        return None
    a, b = data.find(b"<Uuid>"), data.find(b"</Uuid>")
    return data[a + 6 : b].decode("ascii", "replace") if 0 <= a < b else str(uuid.uuid4())


def _sadp(probe: str, mac: str, ip: str, model: str, serial: str) -> bytes:
    return r.sadp_probematch(
        probe, DeviceDescription=model, DeviceSN=serial, MAC=r.sadp_mac(mac), IPv4Address=ip
    )


def _dhip(mac: str, ip: str, model: str, serial: str) -> bytes:
    gateway = ip.rsplit(".", 1)[0] + ".1"
    return r.dhip_notify(mac, ip, gateway, model, serial, "Private", "2.800.0000000.13.R")


def _wsd_relates(data: bytes) -> str | None:
    if b"Probe>" not in data and b"Probe/>" not in data:
        return None
    a = data.find(b"MessageID>")
    b = data.find(b"</", a)
    return data[a + 10 : b].decode("ascii", "replace").strip() if 0 <= a < b else ""


def _wsd(relates: str, mac: str, ip: str, model: str) -> bytes:
    own = str(uuid.uuid4())[:24] + mac.replace(":", "")
    return r.wsd_probematch_hikvision(own, relates, mac, ip, model, r.eui64_link_local(mac))


def sadp_cut(dev: Host, data: bytes) -> list[bytes] | None:
    """The first half of a ProbeMatch: the datagram ends inside an element."""
    probe = _sadp_uuid(data)
    if probe is None:
        return None
    whole = _sadp(probe, dev.mac, dev.ip, "DS-2CD2385G1-I", "DS-2CD2385G1-I2023CUT")
    return [whole[: len(whole) // 2]]


def dhip_cut(dev: Host, data: bytes) -> list[bytes] | None:
    """Half a DHIP header (16 of its 32 bytes) and nothing else."""
    if r.dhip_method(data) != "DHDiscover.search":
        return None
    return [_dhip(dev.mac, dev.ip, "IPC-HDW1431T1-S4", "6C01CUT")[:16]]


def sadp_flood(dev: Host, data: bytes) -> list[bytes] | None:
    """FLOOD ProbeMatches, each stating another Hikvision MAC, address and serial."""
    probe = _sadp_uuid(data)
    if probe is None:
        return None
    return [
        _sadp(probe, flood_mac("44:19:b6", i), flood_ip(i), "DS-2CD2385G1-I", f"DS-FLOOD{i:05d}")
        for i in range(FLOOD)
    ]


def dhip_flood(dev: Host, data: bytes) -> list[bytes] | None:
    """FLOOD notifyDevInfo replies, each stating another Dahua MAC, address and serial."""
    if r.dhip_method(data) != "DHDiscover.search":
        return None
    return [
        _dhip(flood_mac("08:ed:ed", i), flood_ip(i), "IPC-HDW1431T1-S4", f"FLOOD{i:05d}")
        for i in range(FLOOD)
    ]


def wsd_flood(dev: Host, data: bytes) -> list[bytes] | None:
    """FLOOD Hikvision-shaped ProbeMatches, endpoint UUIDs ending in other Hikvision MACs."""
    relates = _wsd_relates(data)
    if relates is None:
        return None
    return [_wsd(relates, flood_mac("44:19:b6", i), flood_ip(i), "DS-2CD2385G1-I")
            for i in range(FLOOD)]  # fmt: skip


def sadp_spoof(dev: Host, data: bytes) -> list[bytes] | None:
    """ProbeMatches for two Hikvision cameras that do not exist, and one stating the victim's
    MAC and address (--set victim_mac/victim_ip) with another model and serial."""
    probe = _sadp_uuid(data)
    if probe is None:
        return None
    out = [_sadp(probe, *SPOOF_SADP_INSIDE), _sadp(probe, *SPOOF_SADP_OUTSIDE)]
    victim_mac, victim_ip = dev.ident.get("victim_mac"), dev.ident.get("victim_ip")
    if victim_mac and victim_ip:
        out.append(_sadp(probe, victim_mac, victim_ip, *SPOOF_HIJACK))
    return out


def dhip_spoof(dev: Host, data: bytes) -> list[bytes] | None:
    """notifyDevInfo for a Dahua camera that does not exist."""
    if r.dhip_method(data) != "DHDiscover.search":
        return None
    return [_dhip(*SPOOF_DHIP)]


def wsd_spoof(dev: Host, data: bytes) -> list[bytes] | None:
    """A Hikvision-shaped ProbeMatch whose endpoint UUID and XAddrs name the phantom camera."""
    relates = _wsd_relates(data)
    if relates is None:
        return None
    mac, ip, model, _ = SPOOF_SADP_INSIDE
    return [_wsd(relates, mac, ip, model)]


UdpAnswer = Callable[[Host, bytes], "list[bytes] | None"]
# name: (port, group joined, answer, reply to the group (True) or to the asker)
UDP: dict[str, tuple[int, str, UdpAnswer, bool]] = {
    "sadp-cut": (r.SADP_PORT, r.SADP_GROUP, sadp_cut, True),
    "dhip-cut": (r.DHIP_PORT, r.DHIP_GROUP, dhip_cut, True),
    "sadp-flood": (r.SADP_PORT, r.SADP_GROUP, sadp_flood, True),
    "dhip-flood": (r.DHIP_PORT, r.DHIP_GROUP, dhip_flood, True),
    "wsd-flood": (r.WSD_PORT, r.WSD_GROUP, wsd_flood, False),
    "sadp-spoof": (r.SADP_PORT, r.SADP_GROUP, sadp_spoof, True),
    "dhip-spoof": (r.DHIP_PORT, r.DHIP_GROUP, dhip_spoof, True),
    "wsd-spoof": (r.WSD_PORT, r.WSD_GROUP, wsd_spoof, False),
}


# --- TCP -----------------------------------------------------------------------------------------
def _dripped(kind: str) -> bytes:
    """A complete, honest-looking Hikvision reply, to be sent one byte a second."""
    auth = 'Digest realm="IP Camera(D1234)", nonce="0123456789abcdef"'
    if kind == "rtsp-drip":
        return r.rtsp_response(401, "Unauthorized", "1", [("WWW-Authenticate", auth)])
    hdrs = [("Server", "App-webs/"), ("WWW-Authenticate", auth), ("Connection", "close")]
    return r.http_response(401, "Unauthorized", hdrs, b"")


def _dvrip_head(length: int) -> bytes:
    head = bytearray(32)
    head[0:2] = b"\xb0\x01"
    struct.pack_into("<I", head, 4, length)
    return bytes(head)


# What a cut-off service sends before it closes: every reply ends in the middle.
CUT: dict[str, bytes] = {
    "http-cut": b"HTTP/1.1 401 Unauthorized\r\nServer: App-we",
    "rtsp-cut": b'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="IP Cam',
    # a TLS handshake record header announcing 4 KiB, then 15 bytes of a ServerHello
    "tls-cut": b"\x16\x03\x03\x10\x00\x02\x00\x0f\xfc\x03\x03" + bytes(12),
    "sdk-cut": r.HIK_SDK_REPLY[:8],
    "dvrip-half": r.dvrip_realm_reply("6C01CUT")[:16],
}
TCP_KINDS = frozenset({"mute", "http-drip", "rtsp-drip", "http-endless", "sdk-endless",
                       "dvrip-endless", *CUT})  # fmt: skip


async def _first(reader: asyncio.StreamReader) -> bytes:
    """The first chunk the client sends (b"" when it says nothing within two seconds)."""
    try:
        return await asyncio.wait_for(reader.read(8192), 2.0)
    except TimeoutError:
        return b""


async def _until_closed(reader: asyncio.StreamReader) -> None:
    """Wait (at most HOLD_SECONDS) until the client hangs up; ignore what it sends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HOLD_SECONDS
    while (left := deadline - loop.time()) > 0:
        try:
            if not await asyncio.wait_for(reader.read(8192), left):
                return
        except TimeoutError:
            return


def _gone(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    """True once the client hung up (writes to it would go nowhere)."""
    return reader.at_eof() or writer.is_closing()


async def _endless(kind: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Write forever (HOLD_SECONDS at most) after a plausible start."""
    if kind == "http-endless":
        head = b"HTTP/1.1 200 OK\r\nServer: lab-endless\r\nContent-Type: text/html\r\n\r\n"
        writer.write(head + b"<html><head><title>")
        chunk = b"A" * ENDLESS_CHUNK
    elif kind == "dvrip-endless":
        # a realm line that never ends, behind a header claiming 4 GiB of body
        writer.write(_dvrip_head(0xFFFFFFFF) + b"Realm:Login to ")
        chunk = b"7" * ENDLESS_CHUNK
    else:
        writer.write(r.HIK_SDK_REPLY)
        chunk = bytes(range(256)) * (ENDLESS_CHUNK // 256)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HOLD_SECONDS
    while loop.time() < deadline and not _gone(reader, writer):
        writer.write(chunk)
        await writer.drain()


async def _drip(kind: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    for byte in _dripped(kind)[:DRIP_LIMIT]:
        if _gone(reader, writer):
            return
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(1.0)


async def serve(
    kind: str,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    log: Callable[[bytes], None],
) -> None:
    """Serve one connection of misbehaving service `kind`; log the client's first chunk."""
    log(await _first(reader))
    if kind == "mute":
        await _until_closed(reader)
    elif kind in CUT:
        writer.write(CUT[kind])
        await writer.drain()
    elif kind.endswith("-drip"):
        await _drip(kind, reader, writer)
    else:
        await _endless(kind, reader, writer)
