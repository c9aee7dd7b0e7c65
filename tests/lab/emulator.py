"""Emulated lab device: one asyncio program answering as a camera, NVR, PC or printer would.

Usage (inside the device's network namespace):
    emulator.py --profile NAME --iface IF [--set KEY=VALUE ...] [--log FILE] [--tls-cert PEM]
                [--reply-delay S]

The interface's own MAC and IPv4 address are the device's; identity values (model, serial,
firmware, realm, ...) default per profile and can be overridden with --set. Every request the
device receives is appended to --log as one JSON line, so tests can check from the device's side
what a scanner asked. "READY" is printed on stdout once every listener is bound. Replies restate
documented real replies (see replies.py); nothing here ever sends a credential or opens an
outbound connection: UDP answers go to the asker or to the protocol's multicast group.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import random
import signal
import socket
import ssl
import struct
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import misbehave as mb  # noqa: E402
import replies as r  # noqa: E402

SIOCGIFADDR = 0x8915
SIOCGIFNETMASK = 0x891B
SIOCGIFHWADDR = 0x8927
READ_LIMIT = 8192
READ_TIMEOUT = 5.0

HIK_IPC_PUBLIC = "OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER"
RTSP_PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, PAUSE"


@dataclass(frozen=True)
class Profile:
    """What one kind of device runs: its listeners and its default identity."""

    udp: tuple[str, ...] = ()
    tcp: tuple[tuple[str, int], ...] = ()
    ident: dict[str, str] = field(default_factory=dict)


PROFILES: dict[str, Profile] = {
    "hik-camera": Profile(
        udp=("sadp", "wsd-hikvision"),
        tcp=(("http-hikvision", 80), ("rtsp-hikvision", 554), ("hik-sdk", 8000)),
        ident={
            "model": "DS-2CD2385G1-I",
            "serial": "DS-2CD2385G1-I20200414AAWRE33842150",
            "firmware": "V5.6.2build 190701",
            "server": "App-webs/",
            "realm": "IP Camera(C2183)",
            "device_type": "141945",
            "activated": "true",
        },
    ),
    "hik-nvr": Profile(
        udp=("sadp",),
        tcp=(
            ("http-hikvision", 80),
            ("https-hikvision", 443),
            ("rtsp-hikvision-dvr", 554),
            ("hik-sdk", 8000),
        ),
        ident={
            "model": "DS-7608NI-K2",
            "serial": "DS-7608NI-K20820200516CCRRE53187412WCVU",
            "firmware": "V4.30.085build 200916",
            "server": "DNVRS-Webs",
            "realm": "hikvision",
            "device_type": "238",
            "activated": "true",
        },
    ),
    # A relabelled Hikvision DVR: only the SDK port and the DVR web server give it away.
    "hik-relabel": Profile(
        tcp=(("http-hikvision", 80), ("hik-sdk", 8000)),
        ident={"server": "DNVRS-Webs", "realm": "DVR"},
    ),
    "dahua-camera": Profile(
        udp=("dhip", "wsd-dahua"),
        tcp=(("http-dahua", 80), ("rtsp-dahua", 554), ("dvrip", 37777)),
        ident={
            "model": "IPC-HDW1431T1-S4",
            "serial": "6C01E93PAG69A7D",
            "firmware": "2.800.0000000.13.R",
            "vendor": "Private",
            "title": "WEB SERVICE",
        },
    ),
    "dahua-oem-http": Profile(
        tcp=(("http-dahua", 80),),
        ident={"serial": "AMC05C1F7E2A9B3D41", "title": "WEB SERVICE"},
    ),
    "imou-camera": Profile(tcp=(("dvrip", 37777),), ident={"serial": "8C0A7E3PAJ92B11"}),
    "axis-camera": Profile(
        udp=("wsd-axis",),
        tcp=(("http-axis", 80),),
        ident={"model": "M3106-L"},
    ),
    "hanwha-camera": Profile(udp=("wsd-hanwha",), ident={"model": "XNV-6080R"}),
    "generic-onvif": Profile(udp=("wsd-631ga",)),
    "windows-pc": Profile(tcp=(("hold", 135), ("hold", 3389))),
    "printer": Profile(
        udp=("ssdp", "mdns"),
        tcp=(("http-printer", 80), ("hold", 631)),
        ident={"model": "HL-L2350DW"},
    ),
    "silent": Profile(),
    # Malicious or broken answers on every port a scanner asks (DESIGN §5, hostile input).
    "hostile": Profile(
        udp=("sadp-hostile", "dhip-hostile", "wsd-hostile"),
        tcp=(("http-slow", 80), ("rtsp-garbage", 554), ("sdk-flood", 8000), ("dvrip-cut", 37777)),
    ),
    # Misbehaving devices (misbehave.py): accept and say nothing; a byte a second; never stop;
    # hang up mid-reply; hundreds of discovery replies per probe; replies naming other devices.
    "mute": Profile(tcp=tuple(("mute", p) for p in (80, 443, 554, 8000, 37777))),
    "drip": Profile(tcp=(("http-drip", 80), ("rtsp-drip", 554))),
    "endless": Profile(tcp=(("http-endless", 80), ("sdk-endless", 8000), ("dvrip-endless", 37777))),
    "cutter": Profile(
        udp=("sadp-cut", "dhip-cut"),
        tcp=(
            ("http-cut", 80),
            ("tls-cut", 443),
            ("rtsp-cut", 554),
            ("sdk-cut", 8000),
            ("dvrip-half", 37777),
        ),
    ),
    "flood": Profile(udp=("sadp-flood", "dhip-flood", "wsd-flood")),
    "spoofer": Profile(udp=("sadp-spoof", "dhip-spoof", "wsd-spoof")),
}


# --- interface facts ---------------------------------------------------------------------------
def _ifreq(sock: socket.socket, request: int, iface: str) -> bytes:
    return fcntl.ioctl(sock.fileno(), request, struct.pack("256s", iface.encode()[:15]))


def iface_facts(iface: str) -> tuple[str, str, str]:
    """(mac, ipv4, netmask) of `iface` in this network namespace."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        hw = _ifreq(s, SIOCGIFHWADDR, iface)[18:24]
        ip = socket.inet_ntoa(_ifreq(s, SIOCGIFADDR, iface)[20:24])
        mask = socket.inet_ntoa(_ifreq(s, SIOCGIFNETMASK, iface)[20:24])
    return ":".join(f"{b:02x}" for b in hw), ip, mask


# --- the device ----------------------------------------------------------------------------------
class Device:
    """One emulated device: identity, request log and the reply logic of each service."""

    def __init__(self, profile: str, iface: str, ident: dict[str, str], log: Path | None):
        self.profile = profile
        self.iface = iface
        self.mac, self.ip, self.mask = iface_facts(iface)
        self.ident = {**PROFILES[profile].ident, **ident}
        self.log_path = log
        self.transports: list[asyncio.BaseTransport] = []
        self.servers: list[asyncio.AbstractServer] = []
        self.endpoint = f"{uuid.uuid5(uuid.NAMESPACE_OID, self.mac)}"
        self.reply_delay = 0.0  # longest random wait before a WS-Discovery or SSDP answer

    def log(self, proto: str, port: int, peer: str, data: bytes) -> None:
        """Append one received request to the log (text when printable, hex otherwise)."""
        if self.log_path is None:
            return
        try:
            body: dict[str, Any] = {"text": data[:4096].decode("utf-8")}
        except UnicodeDecodeError:
            body = {"hex": data[:4096].hex()}
        rec = {"t": time.time(), "proto": proto, "port": port, "peer": peer, **body}
        with self.log_path.open("a") as f:
            f.write(json.dumps(rec) + "\n")

    @property
    def gateway(self) -> str:
        """A plausible gateway: .1 of the device's subnet."""
        net = struct.unpack("!I", socket.inet_aton(self.ip))[0]
        mask = struct.unpack("!I", socket.inet_aton(self.mask))[0]
        return socket.inet_ntoa(struct.pack("!I", (net & mask) + 1))

    # -- UDP discovery replies --------------------------------------------------------------
    def sadp_reply(self, data: bytes) -> bytes | None:
        """ProbeMatch for an inquiry <Probe>, echoing its Uuid."""
        if b"<Probe>" not in data or b"inquiry" not in data:
            return None
        probe_uuid = _between(data, b"<Uuid>", b"</Uuid>") or str(uuid.uuid4())
        i = self.ident
        return r.sadp_probematch(
            probe_uuid,
            DeviceType=i["device_type"],
            DeviceDescription=i["model"],
            DeviceSN=i["serial"],
            MAC=r.sadp_mac(self.mac),
            IPv4Address=self.ip,
            IPv4SubnetMask=self.mask,
            IPv4Gateway=self.gateway,
            SoftwareVersion=i["firmware"],
            Activated=i["activated"],
        )

    def wsd_reply(self, kind: str, data: bytes) -> bytes | None:
        """ProbeMatch for a WS-Discovery Probe that asks for an NVT, a device, or anything."""
        if b"Probe>" not in data and b"Probe/>" not in data:
            return None
        types = _between(data, b"Types>", b"</") or ""
        if types and not any(t in types for t in ("NetworkVideoTransmitter", "Device")):
            return None
        relates = _between(data, b"MessageID>", b"</") or ""
        mac, ip, model = self.mac, self.ip, self.ident.get("model", "")
        xaddrs = f"http://{ip}/onvif/device_service"
        if kind == "wsd-hikvision":
            # The unit's own MessageID is its endpoint UUID, which ends in its MAC (fixtures).
            own = self.endpoint[:24] + mac.replace(":", "")
            ll = r.eui64_link_local(mac)
            return r.wsd_probematch_hikvision(own, relates, mac, ip, model, ll)
        if kind == "wsd-631ga":
            return r.wsd_probematch_generic_631ga(relates, ip)
        scopes = WSD_SCOPES[kind](self)
        own = str(uuid.uuid4())
        return r.wsd_probematch(own, relates, f"uuid:{self.endpoint}", scopes, xaddrs)

    def dhip_reply(self, data: bytes) -> bytes | None:
        """client.notifyDevInfo for DHDiscover.search."""
        if r.dhip_method(data) != "DHDiscover.search":
            return None
        i = self.ident
        return r.dhip_notify(
            self.mac, self.ip, self.gateway, i["model"], i["serial"], i["vendor"], i["firmware"]
        )

    def ssdp_reply(self, data: bytes) -> bytes | None:
        """Answer an M-SEARCH for everything, root devices or printers."""
        if not data.startswith(b"M-SEARCH"):
            return None
        st = _header(data, b"ST") or ""
        if st not in ("ssdp:all", "upnp:rootdevice") and "Printer" not in st:
            return None
        server, location, usn = self.ssdp_identity()
        return r.ssdp_search_reply(server, location, "upnp:rootdevice", usn)

    def ssdp_identity(self) -> tuple[str, str, str]:
        """(SERVER, LOCATION, USN) of the printer, as in the demo capture."""
        model = self.ident["model"]
        bare = self.mac.replace(":", "")
        return (
            f"Brother-OS/1.0 UPnP/1.0 {model}/1.0",
            f"http://{self.ip}:80/desc.xml",
            f"uuid:e3248000-80ce-11db-8000-{bare}::upnp:rootdevice",
        )

    # -- TCP services ---------------------------------------------------------------------------
    def http_reply(self, kind: str, req: bytes) -> bytes:
        """The response a device of `kind` gives to one request, before any login."""
        path = _request_path(req)
        i = self.ident
        if kind == "http-axis":
            realm = "AXIS_" + self.mac.replace(":", "").upper()
            auth = f'Digest realm="{realm}", nonce="{uuid.uuid4().hex}", algorithm=MD5, qop="auth"'
            hdrs = [("Server", "Apache"), ("WWW-Authenticate", auth), ("Content-Type", "text/html")]
            return r.http_response(401, "Unauthorized", hdrs, b"")
        if kind == "http-dahua":
            return _dahua_http(path, i)
        if kind == "http-printer":
            return _printer_http(path, self)
        hdrs = [
            ("Date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())),
            ("Server", i["server"]),
            ("Content-Type", "text/html"),
            ("Connection", "close"),
        ]
        if path in ("/", "/index.asp", "/doc/page/login.asp"):
            return r.http_response(200, "OK", hdrs, r.HIK_INDEX)
        if path == "/doc/script/inc.js":
            js = [(k, "application/javascript" if k == "Content-Type" else v) for k, v in hdrs]
            return r.http_response(200, "OK", js, r.HIK_INC_JS)
        if path.startswith(("/ISAPI", "/SDK", "/PSIA", "/onvif", "/System")):
            nonce = uuid.uuid4().hex
            auth = f'Digest qop="auth", realm="{i["realm"]}", nonce="{nonce}", stale="FALSE"'
            return r.http_response(
                401, "Unauthorized", hdrs + [("WWW-Authenticate", auth)], r.HIK_401
            )
        return r.http_response(404, "Not Found", hdrs, r.HIK_404)

    def rtsp_reply(self, kind: str, req: bytes) -> bytes:
        """OPTIONS answers 200; anything else asks for credentials with the device's realm."""
        method = req.split(b" ", 1)[0].decode("ascii", "replace")
        cseq = _header(req, b"CSeq") or "0"
        nonce = uuid.uuid4().hex
        if kind == "rtsp-dahua":
            server = [("Server", "Rtsp Server/3.0")]
            if method == "OPTIONS":
                return r.rtsp_response(200, "OK", cseq, server + [("Public", RTSP_PUBLIC)])
            realm = f"Login to {self.ident['serial']}"
            auth = [("WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce}"')]
            return r.rtsp_response(401, "Unauthorized", cseq, server + auth)
        if method == "OPTIONS":
            public = HIK_IPC_PUBLIC if kind == "rtsp-hikvision" else RTSP_PUBLIC
            return r.rtsp_response(200, "OK", cseq, [("Public", public)])
        if kind == "rtsp-hikvision-dvr":
            auth = [
                ("WWW-Authenticate", f'Digest realm="Hikvision", nonce="{nonce}", stale="FALSE"'),
                ("WWW-Authenticate", 'Basic realm="/"'),
            ]
        else:
            realm = self.ident["realm"]
            auth = [("WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce}", stale="FALSE"')]
        return r.rtsp_response(401, "Unauthorized", cseq, auth)


WSD_SCOPES: dict[str, Callable[[Device], list[str]]] = {
    # Restated from fixtures/wsd_hello_dahua_IPC-HFW2228M-I1-V2.xml with the unit's model.
    "wsd-dahua": lambda d: [
        "onvif://www.onvif.org/location/country/china",
        "onvif://www.onvif.org/name/Dahua",
        f"onvif://www.onvif.org/hardware/{d.ident['model']}",
        "onvif://www.onvif.org/Profile/Streaming",
        "onvif://www.onvif.org/type/Network_Video_Transmitter",
        "onvif://www.onvif.org/extension/unique_identifier",
    ],
    # Axis and Hanwha scopes as in the demo capture's Hello messages (pcaps/demo/make_demo.py).
    "wsd-axis": lambda d: [
        "onvif://www.onvif.org/type/video_encoder",
        "onvif://www.onvif.org/Profile/Streaming",
        "onvif://www.onvif.org/Profile/G",
        "onvif://www.onvif.org/Profile/T",
        f"onvif://www.onvif.org/hardware/{d.ident['model']}",
        f"onvif://www.onvif.org/name/AXIS%20{d.ident['model']}",
        "onvif://www.onvif.org/location/",
    ],
    "wsd-hanwha": lambda d: [
        "onvif://www.onvif.org/type/video_encoder",
        "onvif://www.onvif.org/Profile/Streaming",
        "onvif://www.onvif.org/Profile/T",
        f"onvif://www.onvif.org/hardware/{d.ident['model']}",
        "onvif://www.onvif.org/name/Hanwha%20Vision",
        "onvif://www.onvif.org/location/country/korea",
    ],
}


def _dahua_http(path: str, ident: dict[str, str]) -> bytes:
    """Dahua web service: no Server header, upper-case header names (docs/protocols.md §5.2)."""
    if path in ("/", "/index.html"):
        body = r.dahua_index(ident["title"])
        hdrs = [
            ("CONNECTION", "close"),
            ("CONTENT-LENGTH", str(len(body))),
            ("CONTENT-TYPE", "text/html"),
            ("CACHE-CONTROL", "max-age=0"),
            ("ETag", '"2831125873:5e8b2c1d"'),
            ("P3P", "CP=CAO PSA OUR"),
        ]
        return r.http_response(200, "OK", hdrs, body, content_length=None)
    if path.startswith(("/cgi-bin", "/RPC2", "/onvif", "/ISAPI")):
        realm = f"Login to {ident['serial']}"
        auth = f'Digest realm="{realm}", qop="auth", nonce="{uuid.uuid4().int % 10**10}"'
        hdrs = [
            ("WWW-Authenticate", auth),
            ("CONNECTION", "close"),
            ("CONTENT-LENGTH", "0"),
            ("CACHE-CONTROL", "max-age=0"),
        ]
        return r.http_response(401, "Unauthorized", hdrs, content_length=None)
    hdrs = [("CONNECTION", "close"), ("CONTENT-LENGTH", "0"), ("CACHE-CONTROL", "max-age=0")]
    return r.http_response(404, "Not Found", hdrs, content_length=None)


def _printer_http(path: str, dev: Device) -> bytes:
    """A printer's embedded web server: the UPnP description named in its SSDP LOCATION."""
    hdrs = [("Server", "debut/1.30"), ("Connection", "close")]
    model = dev.ident["model"]
    if path == "/desc.xml":
        body = (
            '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>'
            "<deviceType>urn:schemas-upnp-org:device:Printer:1</deviceType>"
            f"<friendlyName>Brother {model}</friendlyName><manufacturer>Brother</manufacturer>"
            f"<modelName>{model}</modelName></device></root>"
        ).encode()
        return r.http_response(200, "OK", hdrs + [("Content-Type", "text/xml")], body)
    if path == "/":
        body = f"<html><head><title>Brother {model}</title></head><body></body></html>".encode()
        return r.http_response(200, "OK", hdrs + [("Content-Type", "text/html")], body)
    return r.http_response(404, "Not Found", hdrs, b"")


def _between(data: bytes, start: bytes, end: bytes) -> str | None:
    """Text between the first `start` and the next `end`, or None."""
    a = data.find(start)
    if a < 0:
        return None
    a += len(start)
    b = data.find(end, a)
    return data[a:b].decode("utf-8", "replace").strip() if b > a else None


def _header(msg: bytes, name: bytes) -> str | None:
    """First header `name` of an HTTP-like message, case-insensitive."""
    for line in msg.split(b"\r\n")[1:]:
        key, sep, value = line.partition(b":")
        if sep and key.strip().lower() == name.lower():
            return value.strip().decode("utf-8", "replace")
    return None


def _request_path(req: bytes) -> str:
    parts = req.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode("utf-8", "replace").split("?")[0] if len(parts) > 1 else ""


# --- sockets -----------------------------------------------------------------------------------
class _Udp(asyncio.DatagramProtocol):
    """Hands each datagram to `answer`; sends the reply to the asker or to `reply_to`."""

    def __init__(
        self,
        dev: Device,
        name: str,
        port: int,
        answer: Callable[[bytes], bytes | list[bytes] | None],
        reply_to: tuple[str, int] | None,
        delay: float = 0.0,
    ):
        self.dev, self.name, self.port = dev, name, port
        self.answer, self.reply_to = answer, reply_to
        self.delay = delay  # answers wait a random 0..delay s (WS-Discovery, SSDP)
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if addr[0] == self.dev.ip:
            return  # our own multicast looped back
        self.dev.log(self.name, self.port, addr[0], data)
        reply = self.answer(data)
        if reply is None or self.transport is None:
            return
        replies = [reply] if isinstance(reply, bytes) else reply
        if self.delay > 0:
            wait = random.uniform(0.0, self.delay)
            asyncio.get_running_loop().call_later(wait, self._send, replies, addr)
        else:
            self._send(replies, addr)

    def _send(self, replies: list[bytes], addr: tuple[str, int]) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        for one in replies:
            self.transport.sendto(one, self.reply_to or addr)


def udp_socket(dev: Device, port: int, group: str | None) -> socket.socket:
    """UDP socket on `port` (any address: unicast, broadcast and the joined group)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(dev.ip))
    s.bind(("", port))
    if group:
        mreq = socket.inet_aton(group) + socket.inet_aton(dev.ip)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s.setblocking(False)
    return s


async def start_udp(dev: Device, name: str) -> None:
    """Bind the discovery responder `name`."""
    loop = asyncio.get_running_loop()
    if name == "sadp":
        # Hikvision units answer on the group, so SADPTool on another subnet still hears them.
        spec = (r.SADP_PORT, r.SADP_GROUP, dev.sadp_reply, (r.SADP_GROUP, r.SADP_PORT))
    elif name == "dhip":
        spec = (r.DHIP_PORT, r.DHIP_GROUP, dev.dhip_reply, (r.DHIP_GROUP, r.DHIP_PORT))
    elif name == "sadp-hostile":
        spec = (r.SADP_PORT, r.SADP_GROUP, hostile_sadp, (r.SADP_GROUP, r.SADP_PORT))
    elif name == "dhip-hostile":
        spec = (r.DHIP_PORT, r.DHIP_GROUP, hostile_dhip, (r.DHIP_GROUP, r.DHIP_PORT))
    elif name == "wsd-hostile":
        spec = (r.WSD_PORT, r.WSD_GROUP, hostile_wsd, None)
    elif name in mb.UDP:
        mport, mgroup, manswer, to_group = mb.UDP[name]
        back = (mgroup, mport) if to_group else None
        spec = (mport, mgroup, lambda d, a=manswer: a(dev, d), back)
    elif name == "ssdp":
        spec = (r.SSDP_PORT, r.SSDP_GROUP, dev.ssdp_reply, None)
    elif name.startswith("wsd-"):
        spec = (r.WSD_PORT, r.WSD_GROUP, lambda d, k=name: dev.wsd_reply(k, d), None)
    else:
        raise ValueError(name)
    port, group, answer, reply_to = spec
    sock = udp_socket(dev, port, group)
    # WS-Discovery (APP_MAX_DELAY) and SSDP (MX) ask devices to answer after a random delay
    delay = dev.reply_delay if name == "ssdp" or name.startswith("wsd-") else 0.0
    proto = _Udp(dev, name, port, answer, reply_to, delay)
    transport, _ = await loop.create_datagram_endpoint(lambda: proto, sock=sock)
    dev.transports.append(transport)
    if name == "ssdp":
        asyncio.get_running_loop().create_task(_ssdp_alive(dev, sock))


async def _ssdp_alive(dev: Device, sock: socket.socket) -> None:
    """NOTIFY ssdp:alive now and every few seconds, as printers do."""
    server, location, usn = dev.ssdp_identity()
    msg = r.ssdp_notify(server, location, "upnp:rootdevice", usn)
    while True:
        sock.sendto(msg, (r.SSDP_GROUP, r.SSDP_PORT))
        await asyncio.sleep(3.0)


async def start_mdns(dev: Device) -> Any:
    """Register the printer's _ipp._tcp service with zeroconf on the device's address only."""
    from zeroconf import ServiceInfo
    from zeroconf.asyncio import AsyncZeroconf

    model = dev.ident["model"]
    name = f"Brother {model} series"
    host = "BRN" + dev.mac.replace(":", "").upper() + ".local."
    info = ServiceInfo(
        "_ipp._tcp.local.",
        f"{name}._ipp._tcp.local.",
        addresses=[socket.inet_aton(dev.ip)],
        port=631,
        properties={"txtvers": "1", "ty": name, "product": f"({name})", "pdl": "image/urf"},
        server=host,
    )
    zc = AsyncZeroconf(interfaces=[dev.ip])
    await zc.async_register_service(info)
    return zc


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def tcp_handler(dev: Device, kind: str, port: int) -> Handler:
    """The connection handler for service `kind` on `port`."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")[0]
        try:
            await _serve(dev, kind, port, peer, reader, writer)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    return handle


async def _read_message(reader: asyncio.StreamReader, timeout: float) -> bytes:
    """Up to READ_LIMIT bytes ending at a blank line, or what arrived before `timeout`."""
    buf = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while b"\r\n\r\n" not in buf and len(buf) < READ_LIMIT:
        left = deadline - loop.time()
        if left <= 0:
            break
        try:
            chunk = await asyncio.wait_for(reader.read(READ_LIMIT - len(buf)), left)
        except TimeoutError:
            break
        if not chunk:
            break
        buf += chunk
    return buf


# --- hostile answers ------------------------------------------------------------------------------
_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)


def hostile_sadp(data: bytes) -> bytes | None:
    """A ProbeMatch whose model is a billion-laughs entity expansion."""
    if b"<Probe>" not in data:
        return None
    return (_BOMB + "<ProbeMatch><Types>inquiry</Types><DeviceDescription>&i;"
            "</DeviceDescription><DeviceSN>&i;</DeviceSN></ProbeMatch>").encode()  # fmt: skip


def hostile_dhip(data: bytes) -> bytes | None:
    """A DHIP frame claiming a 2 GiB body that holds 40,000 nested JSON arrays."""
    if r.dhip_method(data) != "DHDiscover.search":
        return None
    head = bytearray(r.dhip(b""))
    struct.pack_into("<I", head, 16, 0x7FFFFFFF)
    struct.pack_into("<I", head, 24, 0x7FFFFFFF)
    return bytes(head) + b"[" * 40_000


def hostile_wsd(data: bytes) -> bytes | None:
    """A ProbeMatch with an external entity (XXE) and 1,400 scopes (about 60 KB)."""
    if b"Probe" not in data:
        return None
    relates = _between(data, b"MessageID>", b"</") or ""
    scopes = [f"onvif://www.onvif.org/hardware/X{i:05d}" for i in range(1400)]
    body = r.wsd_probematch(str(uuid.uuid4()), relates, "uuid:hostile", scopes, "&xxe;")
    xxe = b'<!DOCTYPE s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return body.replace(b"?>\n", b"?>\n" + xxe, 1)


async def _serve_hostile(kind: str, writer: asyncio.StreamWriter) -> None:
    """Endless slow headers, unterminated text, a megabyte of noise; bounded at two minutes."""
    if kind == "http-slow":
        writer.write(b"HTTP/1.1 200 OK\r\nServer: lab-hostile\r\n")
        for i in range(2400):  # one header every 50 ms, never a blank line
            writer.write(f"X-Pad-{i}: {'a' * 60}\r\n".encode())
            await writer.drain()
            await asyncio.sleep(0.05)
    elif kind == "rtsp-garbage":
        writer.write(
            b'RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm="' + b"A" * 262_144
        )
    elif kind == "sdk-flood":
        writer.write(bytes(range(255, -1, -1)) * 4096)
    elif kind == "dvrip-cut":
        writer.write(
            b"\xb0\x01\x00\x00\xff\xff\xff\xff" + bytes(24) + b"Realm:Login to " + b"A" * 100_000
        )
    await writer.drain()
    await asyncio.sleep(5)


async def _serve(
    dev: Device,
    kind: str,
    port: int,
    peer: str,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> None:
    if kind == "hold":
        data = await _read_message(reader, 2.0)
        if data:
            dev.log(kind, port, peer, data)
        return
    if kind in mb.TCP_KINDS:
        await mb.serve(kind, reader, writer, lambda data: dev.log(kind, port, peer, data))
        return
    if kind in ("http-slow", "rtsp-garbage", "sdk-flood", "dvrip-cut"):
        first = await _read_message(reader, 2.0)
        dev.log(kind, port, peer, first)
        await _serve_hostile(kind, writer)
        return
    if kind in ("hik-sdk", "dvrip"):
        # Binary SDK ports: answer the first message (or silence, as nmap's NULL probe).
        try:
            data = await asyncio.wait_for(reader.read(1024), 2.0)
        except TimeoutError:
            data = b""
        dev.log(kind, port, peer, data)
        if kind == "hik-sdk":
            writer.write(r.HIK_SDK_REPLY)
        elif data.startswith(r.DVRIP_REALM_REQUEST):
            writer.write(r.dvrip_realm_reply(dev.ident["serial"]))
        await writer.drain()
        return
    for _ in range(4):  # HTTP and RTSP: a few requests per connection at most
        req = await _read_message(reader, READ_TIMEOUT)
        if not req:
            return
        dev.log(kind, port, peer, req)
        if kind.startswith("rtsp"):
            writer.write(dev.rtsp_reply(kind, req))
        else:
            writer.write(dev.http_reply(kind.replace("https", "http"), req))
            await writer.drain()
            return  # HTTP answers carry Connection: close
        await writer.drain()


async def run(dev: Device, tls_cert: Path | None) -> None:
    """Bind every listener of the profile, say READY, then serve until cancelled."""
    prof = PROFILES[dev.profile]
    zc = None
    for name in prof.udp:
        if name == "mdns":
            zc = await start_mdns(dev)
        else:
            await start_udp(dev, name)
    for kind, port in prof.tcp:
        ctx = None
        if kind.startswith("https"):
            if tls_cert is None:
                continue
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            # TLS 1.2, as on the NVR firmware of the demo: the certificate crosses the wire in
            # clear, so a passive replay of the exchange sees it too.
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(tls_cert)
        server = await asyncio.start_server(
            tcp_handler(dev, kind, port), dev.ip, port, ssl=ctx, reuse_address=True
        )
        dev.servers.append(server)
    print("READY", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        if zc is not None:
            await zc.async_close()
        for server in dev.servers:
            server.close()
        for transport in dev.transports:
            transport.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", required=True, choices=sorted(PROFILES))
    parser.add_argument("--iface", required=True)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--log", type=Path)
    parser.add_argument("--tls-cert", type=Path, help="PEM with certificate and key (HTTPS)")
    parser.add_argument(
        "--reply-delay", type=float, default=0.0, metavar="S",
        help="answer WS-Discovery and SSDP searches after a random 0..S s, as real devices do",
    )  # fmt: skip
    args = parser.parse_args(argv)
    ident = dict(kv.split("=", 1) for kv in args.set)
    dev = Device(args.profile, args.iface, ident, args.log)
    dev.reply_delay = args.reply_delay
    asyncio.run(run(dev, args.tls_cert))
    return 0


if __name__ == "__main__":
    sys.exit(main())
