"""Generate pcaps/demo/store-lan.pcapng, its README.md table and expected.toml (deterministic).

A store LAN 10.20.30.0/24 behind a Cisco router, with Hikvision/Dahua equipment under several
labels, look-alikes that are not of concern, PCs running discovery tools, a second VLAN reusing
an IP, a DHCP address change, cloud call-home traffic and bulk video. Run:

    .venv/bin/python pcaps/demo/make_demo.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import lib_frames as lf  # noqa: E402
from lib_frames import Cursor, Host, TcpFlow  # noqa: E402
from payloads import HIK_401, HIK_INDEX, dahua_index  # noqa: E402

OUT = HERE / "store-lan.pcapng"
GW = "10.20.30.1"
MASK = "255.255.255.0"
T0 = lf.T0_US // 1_000_000


@dataclass(frozen=True)
class Planted:
    """One planted host and what camscan must say about it."""

    key: str
    host: Host
    what: str
    expect: str  # "concern", "clear" or "remote"
    manufacturer: str | None  # slug camscan should report (for "clear": the true maker)
    brand: str | None = None
    kind: str | None = None
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None
    digital_channels: int | None = None  # a recorder's stated channel count (none analogue)
    ips: tuple[str, ...] = ()
    signals: str = ""
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def device_id(self) -> str:
        if self.expect == "remote":
            return f"ip:{self.host.ip}"
        return f"mac:{self.host.mac}"

    @property
    def all_ips(self) -> tuple[str, ...]:
        return self.ips or (self.host.ip,)


ROUTER = Host("00:00:0c:20:30:01", GW)
NVR = Host("24:48:45:5e:71:0a", "10.20.30.10")
HIKCAM = Host("44:19:b6:2a:3c:11", "10.20.30.11")
HIKLAA = Host("02:3a:7c:41:90:12", "10.20.30.12")  # locally administered (bit 0x02 of octet 1)
LTSDVR = Host("14:2f:fd:63:08:13", "10.20.30.13")
DAHUA = Host("08:ed:ed:5b:21:40", "10.20.30.20")
DAHUA_NEW = Host(DAHUA.mac, "10.20.30.21")
AMCREST = Host("9c:8e:cd:0e:77:22", "10.20.30.22")
LOREX = Host("00:1f:54:3a:91:23", "10.20.30.23")
EZVIZ = Host("64:24:4d:1e:30:30", "10.20.30.30")
IMOU = Host("1c:4d:89:6f:02:31", "10.20.30.31")
AXIS = Host("00:40:8c:d2:4a:40", "10.20.30.40")
HANWHA = Host("44:b4:23:07:5c:41", "10.20.30.41")
BOSCH = Host("00:04:63:3b:12:42", "10.20.30.42")
GENERIC = Host("78:a5:dd:0f:95:43", "10.20.30.43")
XMDVR = Host("00:12:12:6a:3e:44", "10.20.30.44")
POSPC = Host("3c:d9:2b:71:a0:50", "10.20.30.50", ttl=128)
PRINTER = Host("30:05:5c:8e:14:60", "10.20.30.60")
SCALE = Host("40:2c:76:1a:0b:70", "10.20.30.70")
WINPC = Host("3c:a9:f4:52:6e:00", "10.20.30.100", ttl=128)
VMSPC = Host("b0:83:fe:2d:19:01", "10.20.30.101", ttl=128)
V20_DAHUA = Host("3c:ef:8c:44:a2:50", "10.20.30.50", vlan=20)
V20_LAPTOP = Host("8c:16:45:d3:7e:52", "10.20.30.52", vlan=20, ttl=128)

REMOTE_HIK = lf.behind(ROUTER, "203.0.113.50")
EZVIZ_CLOUD = lf.behind(ROUTER, "203.0.113.80")
P2P_CLOUD = lf.behind(ROUTER, "198.51.100.20")
P2P_RELAY = lf.behind(ROUTER, "198.51.100.21")
P2P_PEER = lf.behind(ROUTER, "198.51.100.22")
WEB = lf.behind(ROUTER, "198.51.100.10")
WEB2 = lf.behind(ROUTER, "198.51.100.30")

HIKCAM_SN = "DS-2CD2385G1-I20210305AAWRF41275530"
HIKCAM_FW = "V5.6.2build 190701"
NVR_MODEL = "DS-7608NI-K2"
NVR_SN = "DS-7608NI-K20820200516CCRRE53187412WCVU"
NVR_FW = "V4.30.085build 200916"
NVR_CHANNELS = 8  # digital channels the NVR states in its SADP reply; no analogue inputs
DAHUA_MODEL = "IPC-HDW1431T1-S4"
DAHUA_SN = "6J0BC11PAG4F2D8"
DAHUA_FW = "2.800.0000000.13.R"
AMCREST_SN = "AMC05C1F7E2A9B3D41"
LOREX_SN = "ND021811019863"
IMOU_SN = "8C0A7E3PAJ92B11"
V20_MODEL = "IPC-HFW2431S-S-S2"
V20_SN = "7K02E47PAZ5C1A9"
V20_FW = "2.800.0000016.0.R"

PLANTED = [
    Planted(
        "router",
        ROUTER,
        "store router, DHCP and DNS server (Cisco OUI)",
        "clear",
        "cisco",
        kind="router",
        signals="ARP, DHCP server, DNS answers, source MAC of all routed frames",
        notes="must be recognised as a router and inherit none of the routed IPs' evidence",
    ),
    Planted(
        "hik-nvr",
        NVR,
        "Hikvision NVR DS-7608NI-K2",
        "concern",
        "hikvision",
        kind="nvr",
        model=NVR_MODEL,
        serial=NVR_SN,
        firmware=NVR_FW,
        digital_channels=NVR_CHANNELS,
        signals="SADP ProbeMatch, HTTP Server DNVRS-Webs + 401, TLS cert CN=www.hikvision.com "
        "OU=DVRNVR, RTSP client of the cameras, RTP sink",
    ),
    Planted(
        "hik-cam",
        HIKCAM,
        "Hikvision DS-2CD2385G1-I camera",
        "concern",
        "hikvision",
        kind="camera",
        model="DS-2CD2385G1-I",
        serial=HIKCAM_SN,
        firmware=HIKCAM_FW,
        signals="SADP ProbeMatch, ONVIF ProbeMatch (hangzhou scope, UUID ends in MAC), "
        "HTTP App-webs/ 401 realm IP Camera(C2183), RTSP 401 same realm, TCP 8000 reply, "
        "RTSP-interleaved video to the NVR",
        notes="firmware build 190701 predates 210628 (CVE-2021-36260 basis)",
    ),
    Planted(
        "hik-laa",
        HIKLAA,
        "Hikvision firmware behind a locally administered MAC",
        "concern",
        "hikvision",
        kind="camera",
        signals="HTTP Server App-webs/ 200 and 401 realm IP Camera(C5654) only; RTP to NVR",
        notes="MAC 02:... carries no OUI evidence",
    ),
    Planted(
        "lts-dvr",
        LTSDVR,
        "relabelled Hikvision DVR with the LT Security (LTS) OUI",
        "concern",
        "hikvision",
        brand="lts",
        kind="dvr",
        signals="TCP 8000 16-byte Hikvision SDK reply; OUI 14:2F:FD = LT Security",
    ),
    Planted(
        "dahua-cam",
        DAHUA_NEW,
        "Dahua IPC-HDW1431T1-S4 (DHIP says Vendor Private); "
        "moves from .20 to .21 by DHCP mid-capture",
        "concern",
        "dahua",
        kind="camera",
        model=DAHUA_MODEL,
        serial=DAHUA_SN,
        firmware=DAHUA_FW,
        ips=("10.20.30.20", "10.20.30.21"),
        signals="DHIP notifyDevInfo (twice, from both IPs, same serial), RTSP 401 realm "
        f"Login to {DAHUA_SN}, TCP 37777 DVRIP realm reply, DHCP, Dahua OUI",
        notes="one device with both IPs; current IP 10.20.30.21",
    ),
    Planted(
        "amcrest-cam",
        AMCREST,
        "Amcrest camera (Dahua platform)",
        "concern",
        "dahua",
        brand="amcrest",
        kind="camera",
        serial=AMCREST_SN,
        signals="HTTP 200 with Dahua upper-case header shape, no Server header; "
        f"401 Digest realm Login to {AMCREST_SN}; Amcrest OUI",
    ),
    Planted(
        "lorex-nvr",
        LOREX,
        "Lorex NVR (Dahua platform)",
        "concern",
        "dahua",
        brand="lorex",
        kind="nvr",
        serial=LOREX_SN,
        signals=f"RTSP 401 Digest realm Login to {LOREX_SN}; Lorex OUI 00:1F:54",
    ),
    Planted(
        "ezviz-cam",
        EZVIZ,
        "EZVIZ camera (Hikvision consumer brand)",
        "concern",
        "hikvision",
        brand="ezviz",
        kind="camera",
        signals="DNS dev.ezvizlife.com and litedev.ezvizlife.com, TLS 1.3 to 203.0.113.80:8555 "
        "with SNI dev.ezvizlife.com; EZVIZ OUI",
    ),
    Planted(
        "imou-cam",
        IMOU,
        "Imou camera (Dahua consumer brand, Huacheng OUI)",
        "concern",
        "dahua",
        brand="imou",
        kind="camera",
        signals="DNS www.easy4ipcloud.com, DHGET/DHPOST to UDP 8800, PTCP datagrams, 44-byte "
        "inverted STUN (ff fe ff e7); Huacheng OUI",
        notes=f"serial {IMOU_SN} appears only inside a DHPOST path",
    ),
    Planted(
        "axis-cam",
        AXIS,
        "Axis camera",
        "clear",
        "axis",
        kind="camera",
        signals="ONVIF Hello with Axis scopes, HTTP Server Apache 401 realm AXIS_00408CD24A40",
    ),
    Planted(
        "hanwha-cam",
        HANWHA,
        "Hanwha Vision camera",
        "clear",
        "hanwha",
        kind="camera",
        signals="ONVIF Hello (hardware XNV-6080R), DHCP",
    ),
    Planted(
        "bosch-cam",
        BOSCH,
        "Bosch camera",
        "clear",
        "bosch",
        kind="camera",
        signals="ONVIF Hello, HTTP Server VCS-VideoJet-Webserver 401",
    ),
    Planted(
        "generic-cam",
        GENERIC,
        "generic Chinese ONVIF camera (631GA)",
        "clear",
        None,
        kind="camera",
        signals="ONVIF ProbeMatch from the 631GA fixture "
        "(location/country/china scope: not evidence by itself)",
    ),
    Planted(
        "xm-dvr",
        XMDVR,
        "Xiongmai DVR",
        "clear",
        "xiongmai",
        kind="dvr",
        signals="HTTP Server uc-httpd 1.0.0, TCP 34567 login reply (0xff header)",
    ),
    Planted(
        "pos-pc",
        POSPC,
        "POS PC on the untagged LAN at 10.20.30.50",
        "clear",
        None,
        kind="computer",
        signals="DHCP hostname POS-03, DNS, HTTPS",
    ),
    Planted(
        "printer",
        PRINTER,
        "Brother printer",
        "clear",
        "brother",
        kind="printer",
        signals="SSDP NOTIFY, mDNS _ipp._tcp, DHCP",
    ),
    Planted(
        "scale",
        SCALE,
        "retail scale, MAC in MA-M 40:2C:76:1 (Shanghai Dahua Scale Factory)",
        "clear",
        None,
        kind="scale",
        signals="DHCP hostname SCALE-DELI-01, vendor class udhcp 1.24.1",
        notes="a substring match on 'dahua' in the OUI organisation would misfire",
    ),
    Planted(
        "win-pc",
        WINPC,
        "Windows PC: WS-Discovery Probe/Resolve, web browsing",
        "clear",
        None,
        kind="computer",
        signals="WSD Probe (wsdp:Device and dn:NetworkVideoTransmitter) and Resolve, HTTP/RTSP "
        "client of cameras, HTTPS/DNS, receives the remote Hikvision page",
    ),
    Planted(
        "vms-pc",
        VMSPC,
        "VMS PC (iVMS-4200/SmartPSS): SADP Probe, DHIP search, SDK clients",
        "clear",
        None,
        kind="computer",
        signals="SADP Probe, DHIP DHDiscover.search, TCP 8000/37777/80/443 client",
    ),
    Planted(
        "v20-dahua",
        V20_DAHUA,
        "Dahua camera on VLAN 20 reusing 10.20.30.50",
        "concern",
        "dahua",
        kind="camera",
        model=V20_MODEL,
        serial=V20_SN,
        firmware=V20_FW,
        signals="802.1Q VLAN 20: ARP, DHIP notifyDevInfo (Vendor General)",
        notes="same IP as the POS PC on the untagged LAN: must stay a separate device",
    ),
    Planted(
        "v20-laptop",
        V20_LAPTOP,
        "laptop on VLAN 20 running a DHIP search",
        "clear",
        None,
        kind="computer",
        signals="VLAN 20 ARP, DHIP search",
    ),
    Planted(
        "remote-hik",
        REMOTE_HIK,
        "Hikvision web UI on the internet, seen through the router",
        "remote",
        "hikvision",
        kind="camera",
        signals="HTTP App-webs/ 200 /doc/page/login.asp and 401 realm IP Camera(C7788), "
        "Ethernet source = router MAC",
        notes="location remote, no MAC; neither the router nor the Windows PC is flagged",
    ),
]

INTERNET = [
    ("203.0.113.80", "EZVIZ cloud (TLS 1.3, no certificate visible)"),
    ("198.51.100.20", "easy4ipcloud P2P server (DHGET/DHPOST replies)"),
    ("198.51.100.21", "P2P relay (PTCP)"),
    ("198.51.100.22", "P2P peer (inverted STUN)"),
    ("198.51.100.10", "web site of the Windows PC (TLS 1.2, CN=www.example.com)"),
    ("198.51.100.30", "web site of the POS PC (TLS 1.2, CN=pos.example.net)"),
]


# ---------------------------------------------------------------------------------------------
# HTTP bodies and headers
# ---------------------------------------------------------------------------------------------


def hik_headers(t_s: int, server: str, ctype: str = "text/html") -> list[tuple[str, str]]:
    return [
        ("Date", lf.http_date(t_s)),
        ("Server", server),
        ("Content-Type", ctype),
        ("Connection", "close"),
    ]


def hik_401(t_s: int, server: str, realm: str, nonce_seed: str) -> bytes:
    nonce = lf.det_bytes(nonce_seed, 16).hex()
    hdrs = hik_headers(t_s, server) + [
        ("WWW-Authenticate", f'Digest qop="auth", realm="{realm}", nonce="{nonce}", stale="FALSE"')
    ]
    return lf.http_response(401, "Unauthorized", hdrs, HIK_401)


def dahua_200(body: bytes) -> bytes:
    """Dahua header shape: upper-case CONNECTION/CONTENT-LENGTH/CACHE-CONTROL, P3P, no Server."""
    hdrs = [
        ("CONNECTION", "close"),
        ("CONTENT-LENGTH", str(len(body))),
        ("CONTENT-TYPE", "text/html"),
        ("CACHE-CONTROL", "max-age=0"),
        ("ETag", '"2831125873:5e8b2c1d"'),
        ("P3P", "CP=CAO PSA OUR"),
    ]
    return lf.http_response(200, "OK", hdrs, body, content_length=None)


def dahua_401(realm: str, seed: str) -> bytes:
    hdrs = [
        (
            "WWW-Authenticate",
            f'Digest realm="{realm}", qop="auth", '
            f'nonce="{lf.det_int(seed, 31)}", '
            f'opaque="{lf.det_bytes(seed, 20).hex()}"',
        ),
        ("CONNECTION", "close"),
        ("CONTENT-LENGTH", "0"),
        ("CACHE-CONTROL", "max-age=0"),
    ]
    return lf.http_response(401, "Unauthorized", hdrs, content_length=None)


def rtsp_date(t_s: int) -> str:
    import time

    return time.strftime("%a, %b %d %Y %H:%M:%S GMT", time.gmtime(t_s))


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


def lan_bringup(tl: lf.Timeline) -> None:
    """DHCP for DHCP clients, then the router ARPs every LAN host."""
    cur = tl.at(0.2)
    dhcp = [
        (DAHUA, None, None),
        (WINPC, "BACKOFFICE-PC", "MSFT 5.0"),
        (VMSPC, "VMS-PC", "MSFT 5.0"),
        (EZVIZ, None, None),
        (IMOU, None, None),
        (POSPC, "POS-03", "MSFT 5.0"),
        (PRINTER, "BRN30055C8E1460", None),
        (HANWHA, None, None),
    ]
    for host, name, vendor in dhcp:
        lf.dhcp_dora(cur, ROUTER, host, name, vendor)
        cur.emit(lf.gratuitous_arp(host), 3000)
        cur.wait(40_000)
    cur = tl.at(2.0)
    for p in PLANTED:
        h = p.host
        if p.expect == "remote" or h is ROUTER or h.vlan is not None or h is DAHUA_NEW:
            continue
        lf.arp_exchange(cur, ROUTER, h)
    lf.arp_exchange(cur, ROUTER, DAHUA)
    for h in (WINPC, VMSPC, POSPC):
        cur.emit(lf.arp_request(h, GW), 5000)
        cur.emit(lf.arp_reply(ROUTER, h), 300)


def multicast_chatter(tl: lf.Timeline) -> None:
    """Printer SSDP/mDNS, ONVIF Hellos of the non-concern cameras, Windows SSDP search."""
    cur = tl.at(4.0)
    cur.emit(
        lf.ssdp_notify(
            PRINTER,
            "Brother-OS/1.0 UPnP/1.0 HL-L2350DW/1.0",
            f"http://{PRINTER.ip}:80/desc.xml",
            "upnp:rootdevice",
            "uuid:e3248000-80ce-11db-8000-30055c8e1460::upnp:rootdevice",
        ),
        1000,
    )
    cur.emit(
        lf.mdns_announce(
            PRINTER,
            "Brother HL-L2350DW series",
            "_ipp._tcp",
            "BRN30055C8E1460",
            631,
            [
                "txtvers=1",
                "qtotal=1",
                "ty=Brother HL-L2350DW series",
                "product=(Brother HL-L2350DW series)",
                "pdl=application/octet-stream,image/urf,image/pwg-raster",
            ],
        ),
        2000,
    )
    cur.emit(
        lf.ssdp_msearch(
            WINPC,
            50123,
            "urn:dial-multiscreen-org:service:dial:1",
            "Microsoft-Windows/10.0 UPnP/1.0",
        ),
        300_000,
    )
    hellos = [
        (
            AXIS,
            [
                "onvif://www.onvif.org/type/video_encoder",
                "onvif://www.onvif.org/Profile/Streaming",
                "onvif://www.onvif.org/Profile/G",
                "onvif://www.onvif.org/Profile/T",
                "onvif://www.onvif.org/hardware/M3106-L",
                "onvif://www.onvif.org/name/AXIS%20M3106-L",
                "onvif://www.onvif.org/location/",
            ],
        ),
        (
            HANWHA,
            [
                "onvif://www.onvif.org/type/video_encoder",
                "onvif://www.onvif.org/Profile/Streaming",
                "onvif://www.onvif.org/Profile/T",
                "onvif://www.onvif.org/hardware/XNV-6080R",
                "onvif://www.onvif.org/name/Hanwha%20Vision",
                "onvif://www.onvif.org/location/country/korea",
            ],
        ),
        (
            BOSCH,
            [
                "onvif://www.onvif.org/type/video_encoder",
                "onvif://www.onvif.org/Profile/Streaming",
                "onvif://www.onvif.org/Profile/T",
                "onvif://www.onvif.org/hardware/FLEXIDOME_IP_5000i",
                "onvif://www.onvif.org/name/Bosch%20FLEXIDOME",
                "onvif://www.onvif.org/location/",
            ],
        ),
    ]
    for host, scopes in hellos:
        addr = "urn:uuid:" + lf.det_uuid("ep/" + host.mac)
        body = lf.wsd_hello(
            lf.det_uuid("hello/" + host.mac), addr, scopes, f"http://{host.ip}/onvif/device_service"
        )
        cur.emit(lf.udp(host, lf.group(lf.WSD_GROUP), lf.WSD_PORT, lf.WSD_PORT, body), 150_000)
    axis_ep = "urn:uuid:" + lf.det_uuid("ep/" + AXIS.mac)
    cur.emit(
        lf.udp(
            WINPC,
            lf.group(lf.WSD_GROUP),
            50124,
            lf.WSD_PORT,
            lf.wsd_resolve(lf.det_uuid("resolve/win"), axis_ep),
        ),
        40_000,
    )


def wsd_probes(tl: lf.Timeline) -> None:
    """Windows Probe (wsdp:Device, nobody answers) and an NVT Probe answered by two cameras."""
    cur = tl.at(8.0)
    grp = lf.group(lf.WSD_GROUP)
    cur.emit(lf.udp(WINPC, grp, 50125, lf.WSD_PORT, lf.wsd_probe(lf.det_uuid("probe/dev"))), 0)
    nvt = lf.det_uuid("probe/nvt")
    cur.emit(
        lf.udp(WINPC, grp, 50126, lf.WSD_PORT, lf.wsd_probe(nvt, "dn:NetworkVideoTransmitter")),
        500_000,
    )
    match = lf.wsd_probematch_hikvision(
        lf.det_uuid("pm/hikcam"),
        nvt,
        HIKCAM.mac,
        HIKCAM.ip,
        "DS-2CD2385G1-I",
        lf.eui64_link_local(HIKCAM.mac),
    )
    cur.emit(lf.udp(HIKCAM, WINPC, lf.WSD_PORT, 50126, match), 35_000)
    cur.emit(
        lf.udp(
            GENERIC, WINPC, lf.WSD_PORT, 50126, lf.wsd_probematch_generic_631ga(nvt, GENERIC.ip)
        ),
        52_000,
    )


def sadp_and_dhip(tl: lf.Timeline) -> None:
    """VMS PC: SADP Probe (cam + NVR answer), DHIP search (Dahua camera answers)."""
    cur = tl.at(10.0)
    grp = lf.group(lf.SADP_GROUP)
    uuid = lf.det_uuid("sadp/vms")
    cur.emit(lf.udp(VMSPC, grp, lf.SADP_PORT, lf.SADP_PORT, lf.sadp_probe(uuid)), 0)
    cam = lf.sadp_probematch(
        uuid,
        DeviceSN=HIKCAM_SN,
        MAC=lf.sadp_mac(HIKCAM.mac),
        IPv4Address=HIKCAM.ip,
        IPv4Gateway=GW,
        BootTime="2026-11-20 07:12:31",
        Salt=lf.det_bytes("salt/cam", 32).hex(),
    )
    cur.emit(lf.udp(HIKCAM, grp, lf.SADP_PORT, lf.SADP_PORT, cam), 21_000)
    # NVR values are ours; DeviceType is a made-up number (the real code is not documented).
    nvr = lf.sadp_probematch(
        uuid,
        DeviceType="8453",
        DeviceDescription=NVR_MODEL,
        DeviceSN=NVR_SN,
        MAC=lf.sadp_mac(NVR.mac),
        IPv4Address=NVR.ip,
        IPv4Gateway=GW,
        DHCP="false",
        DigitalChannelNum=str(NVR_CHANNELS),
        SoftwareVersion=NVR_FW,
        DSPVersion="V5.0, build 200827",
        BootTime="2026-11-02 03:40:10",
        DiskNumber="1",
        Salt=lf.det_bytes("salt/nvr", 32).hex(),
    )
    cur.emit(lf.udp(NVR, grp, lf.SADP_PORT, lf.SADP_PORT, nvr), 9_000)
    cur.wait(1_000_000)
    dhip_round(cur, VMSPC, DAHUA)


def dhip_round(
    cur: Cursor,
    asker: Host,
    cam: Host,
    model: str = DAHUA_MODEL,
    serial: str = DAHUA_SN,
    vendor: str = "Private",
    fw: str = DAHUA_FW,
) -> None:
    grp = lf.group(lf.DHIP_GROUP, asker.vlan)
    cur.emit(lf.udp(asker, grp, 58000 + (asker.vlan or 0), lf.DHIP_PORT, lf.dhip_search()), 1000)
    body = lf.dhip_notify(
        cam.mac, cam.ip, GW, model, serial, vendor=vendor, manufacturer=vendor, version=fw
    )
    cur.emit(lf.udp(cam, grp, lf.DHIP_PORT, lf.DHIP_PORT, body), 18_000)


def sdk_ports(tl: lf.Timeline) -> None:
    """VMS PC opens the SDK ports: Hikvision 8000 (camera, LTS DVR) and Dahua 37777."""
    cur = tl.at(14.0)
    for i, dev in enumerate((HIKCAM, LTSDVR)):
        lf.tcp_conversation(
            cur, VMSPC, dev, 51000 + i, 8000, [(lf.HIK_SDK_REQUEST, lf.HIK_SDK_REPLY)]
        )
        cur.wait(200_000)
    lf.tcp_conversation(
        cur,
        VMSPC,
        DAHUA,
        51010,
        37777,
        [(lf.dvrip_realm_request(), lf.dvrip_realm_reply(DAHUA_SN))],
    )


def hik_web(tl: lf.Timeline) -> None:
    """HTTP to the Hikvision camera, NVR and LAA unit; HTTPS to the NVR."""
    cur = tl.at(16.0)
    isapi = lf.http_request(
        "GET", "/ISAPI/System/deviceInfo", HIKCAM.ip, agent="iVMS-4200/3.9.1 (Windows)"
    )
    lf.tcp_conversation(
        cur,
        VMSPC,
        HIKCAM,
        51020,
        80,
        [(isapi, hik_401(T0 + 16, "App-webs/", "IP Camera(C2183)", "n/cam"))],
    )
    cur.wait(300_000)
    root = lf.http_request("GET", "/", NVR.ip, agent="iVMS-4200/3.9.1 (Windows)")
    page = lf.http_response(200, "OK", hik_headers(T0 + 17, "DNVRS-Webs"), HIK_INDEX)
    nvr_isapi = lf.http_request(
        "GET", "/ISAPI/System/deviceInfo", NVR.ip, agent="iVMS-4200/3.9.1 (Windows)"
    )
    lf.tcp_conversation(
        cur,
        VMSPC,
        NVR,
        51021,
        80,
        [(root, page), (nvr_isapi, hik_401(T0 + 17, "DNVRS-Webs", "hikvision", "n/nvr"))],
    )
    cur.wait(300_000)
    cert = lf.self_signed_cert(
        lf.HIKVISION_NVR_SUBJECT, "190612000000Z", "290609000000Z", 0x5DE0A3C1, "nvr-cert"
    )
    lf.tls_session(cur, VMSPC, NVR, 51022, 443, None, cert, app_records=6)
    cur = tl.at(18.5)
    lf.tcp_conversation(
        cur,
        WINPC,
        HIKLAA,
        52000,
        80,
        [
            (
                lf.http_request("GET", "/", HIKLAA.ip),
                lf.http_response(200, "OK", hik_headers(T0 + 18, "App-webs/"), HIK_INDEX),
            ),
            (
                lf.http_request("GET", "/ISAPI/Security/userCheck", HIKLAA.ip),
                hik_401(T0 + 18, "App-webs/", "IP Camera(C5654)", "n/laa"),
            ),
        ],
    )


def dahua_web(tl: lf.Timeline) -> None:
    """Amcrest HTTP (Dahua shape), Lorex RTSP realm, Xiongmai/Bosch/Axis web look-alikes."""
    cur = tl.at(20.0)
    lf.tcp_conversation(
        cur,
        WINPC,
        AMCREST,
        52010,
        80,
        [
            (lf.http_request("GET", "/", AMCREST.ip), dahua_200(dahua_index("WEB SERVICE"))),
            (
                lf.http_request("GET", "/cgi-bin/magicBox.cgi?action=getSystemInfo", AMCREST.ip),
                dahua_401(f"Login to {AMCREST_SN}", "amc"),
            ),
        ],
    )
    cur = tl.at(22.0)
    url = f"rtsp://{LOREX.ip}:554/cam/realmonitor?channel=1&subtype=0"
    public = (
        "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER"
    )
    lf.tcp_conversation(
        cur,
        WINPC,
        LOREX,
        52011,
        554,
        [
            (
                lf.rtsp_request("OPTIONS", url, 2),
                lf.rtsp_response(200, "OK", 2, [("Server", "Rtsp Server/3.0"), ("Public", public)]),
            ),
            (
                lf.rtsp_request("DESCRIBE", url, 3, [("Accept", "application/sdp")]),
                lf.rtsp_response(
                    401,
                    "Unauthorized",
                    3,
                    [
                        (
                            "WWW-Authenticate",
                            f'Digest realm="Login to {LOREX_SN}", '
                            f'nonce="{lf.det_bytes("lorex", 16).hex()}"',
                        )
                    ],
                ),
            ),
        ],
        by_server=False,
    )
    cur = tl.at(35.0)
    xm_page = (
        b"<html><head><title>NETSurveillance WEB</title></head><body>"
        b'<object id="ocx" classid="clsid:ED4D1A0E-4D3F-4A1C-9F52-1D7E0C8A7F10">'
        b"</object></body></html>\n"
    )
    lf.tcp_conversation(
        cur,
        WINPC,
        XMDVR,
        52020,
        80,
        [
            (
                lf.http_request("GET", "/", XMDVR.ip),
                lf.http_response(
                    200,
                    "OK",
                    [("Server", "uc-httpd 1.0.0"), ("Content-Type", "text/html")],
                    xm_page,
                ),
            ),
        ],
    )
    lf.tcp_conversation(
        cur,
        WINPC,
        XMDVR,
        52021,
        34567,
        [(lf.xm_login_request(), lf.xm_login_reply())],
        by_server=False,
    )
    cur.wait(200_000)
    lf.tcp_conversation(
        cur,
        WINPC,
        BOSCH,
        52022,
        80,
        [
            (
                lf.http_request("GET", "/", BOSCH.ip),
                lf.http_response(
                    401,
                    "Unauthorized",
                    [
                        ("Server", "VCS-VideoJet-Webserver"),
                        (
                            "WWW-Authenticate",
                            'Digest realm="Bosch", qop="auth", '
                            f'nonce="{lf.det_bytes("bosch", 16).hex()}"',
                        ),
                        ("Content-Type", "text/html"),
                    ],
                    b"<html><body>401 Unauthorized</body></html>\n",
                ),
            ),
        ],
    )
    cur.wait(200_000)
    lf.tcp_conversation(
        cur,
        WINPC,
        AXIS,
        52023,
        80,
        [
            (
                lf.http_request("GET", "/axis-cgi/basicdeviceinfo.cgi", AXIS.ip),
                lf.http_response(
                    401,
                    "Unauthorized",
                    [
                        ("Date", lf.http_date(T0 + 35)),
                        ("Server", "Apache"),
                        (
                            "WWW-Authenticate",
                            'Digest realm="AXIS_00408CD24A40", '
                            f'nonce="{lf.det_bytes("axis", 24).hex()}", algorithm=MD5, '
                            'qop="auth"',
                        ),
                        ("Content-Type", "text/html; charset=iso-8859-1"),
                    ],
                    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
                    b"<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n"
                    b"</body></html>\n",
                ),
            ),
        ],
    )


def rtsp_video(tl: lf.Timeline) -> None:
    """NVR pulls video: Hikvision camera over RTSP-interleaved TCP, LAA unit over UDP RTP;
    the NVR also probes the Dahua camera's RTSP (401 Login to <serial>)."""
    cur = tl.at(24.0)
    base = f"rtsp://{HIKCAM.ip}:554/Streaming/Channels/101"
    agent = "HikvisionNVR RTSP Client/1.0"
    realm = "IP Camera(C2183)"
    nonce = lf.det_bytes("rtsp/cam", 16).hex()
    auth = (
        f'Digest username="admin", realm="{realm}", nonce="{nonce}", uri="{base}", '
        f'response="{lf.det_bytes("resp/cam", 16).hex()}"'
    )
    sdp = (
        f"v=0\r\no=- 1109162014219182 1109162014219192 IN IP4 {HIKCAM.ip}\r\n"
        "s=Media Presentation\r\ne=NONE\r\nb=AS:5050\r\nt=0 0\r\na=control:*\r\n"
        "m=video 0 RTP/AVP 96\r\nb=AS:5000\r\na=control:trackID=1\r\n"
        "a=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=420029; packetization-mode=1\r\n"
        "a=Media_header:MEDIAINFO=494D4B48010300000400000100000000000000000000000000000000;\r\n"
    ).encode()
    flow = TcpFlow(cur, NVR, HIKCAM, 40100, 554).open()
    date = rtsp_date(T0 + 24)
    steps = [
        (
            lf.rtsp_request("DESCRIBE", base, 3, [("Accept", "application/sdp")], agent=agent),
            lf.rtsp_response(
                401,
                "Unauthorized",
                3,
                [
                    ("WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce}", stale="FALSE"'),
                    ("Date", " " + date),
                ],
            ),
        ),  # two spaces after "Date:", as on real units [I]
        (
            lf.rtsp_request(
                "DESCRIBE",
                base,
                4,
                [("Accept", "application/sdp"), ("Authorization", auth)],
                agent=agent,
            ),
            lf.rtsp_response(
                200,
                "OK",
                4,
                [
                    ("Content-Type", "application/sdp"),
                    ("Content-Base", base + "/"),
                    ("Date", " " + date),
                ],
                sdp,
            ),
        ),
        (
            lf.rtsp_request(
                "SETUP",
                base + "/trackID=1",
                5,
                [("Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"), ("Authorization", auth)],
                agent=agent,
            ),
            lf.rtsp_response(
                200,
                "OK",
                5,
                [
                    ("Session", "1273654987;timeout=60"),
                    ("Transport", 'RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=2a3c1101;mode="play"'),
                    ("Date", " " + date),
                ],
            ),
        ),
        (
            lf.rtsp_request(
                "PLAY",
                base + "/",
                6,
                [("Session", "1273654987"), ("Range", "npt=0.000-"), ("Authorization", auth)],
                agent=agent,
            ),
            lf.rtsp_response(
                200,
                "OK",
                6,
                [
                    ("Session", "1273654987"),
                    ("RTP-Info", f"url={base}/trackID=1;seq=9721;rtptime=0"),
                    ("Date", " " + date),
                ],
            ),
        ),
    ]
    for req, resp in steps:
        flow.client(req)
        flow.server(resp)
    seq, ts = 9721, 0
    for f in range(120):
        count = 6 if f % 25 == 0 else 2
        for i in range(count):
            size = 1380 if i < count - 1 else 200 + (f * 53) % 1000
            rtp = lf.rtp_packet(
                seq,
                ts,
                0x2A3C1101,
                lf.h264_fua(f"il/{f}/{i}", size, i == 0, i == count - 1),
                marker=i == count - 1,
            )
            flow.server(
                lf.interleaved(0, rtp),
                ack=(i == count - 1 and f % 4 == 0),
                gap_us=40_000 if i == 0 else 90,
            )
            seq += 1
        ts += 3600
    flow.close()

    lf.rtp_stream(tl.at(24.5), HIKLAA, NVR, 8216, 40200, 0x41901201, 120, "laa-rtp")

    cur = tl.at(25.0)
    durl = f"rtsp://{DAHUA.ip}:554/cam/realmonitor?channel=1&subtype=0"
    lf.tcp_conversation(
        cur,
        NVR,
        DAHUA,
        40110,
        554,
        [
            (
                lf.rtsp_request("DESCRIBE", durl, 2, [("Accept", "application/sdp")], agent=agent),
                lf.rtsp_response(
                    401,
                    "Unauthorized",
                    2,
                    [
                        (
                            "WWW-Authenticate",
                            f'Digest realm="Login to {DAHUA_SN}", '
                            f'nonce="{lf.det_bytes("dahua-rtsp", 16).hex()}"',
                        )
                    ],
                ),
            ),
        ],
        by_server=False,
    )


def cloud(tl: lf.Timeline) -> None:
    """EZVIZ and Imou call-home: DNS, TLS, DHGET/DHPOST, PTCP, inverted STUN."""
    cur = tl.at(26.0)
    lf.dns_lookup(cur, EZVIZ, ROUTER, "dev.ezvizlife.com", EZVIZ_CLOUD.ip)
    lf.dns_lookup(cur, EZVIZ, ROUTER, "litedev.ezvizlife.com", "203.0.113.81")
    lf.tls_session(
        cur,
        EZVIZ,
        EZVIZ_CLOUD,
        41500,
        8555,
        "dev.ezvizlife.com",
        None,
        tls13=True,
        app_records=3,
        app_size=400,
    )
    cur = tl.at(30.0)
    lf.dns_lookup(cur, IMOU, ROUTER, "www.easy4ipcloud.com", P2P_CLOUD.ip)
    sport = 36912
    req1 = lf.dh_p2p_request("DHGET", "/probe/p2psrv", 1, IMOU_SN, "imou/1")
    cur.emit(lf.udp(IMOU, P2P_CLOUD, sport, lf.P2P_PORT, req1), 20_000)
    cur.emit(lf.udp(P2P_CLOUD, IMOU, lf.P2P_PORT, sport, lf.dh_p2p_response(1)), 45_000)
    body = (
        f"<body><DevSN>{IMOU_SN}</DevSN><Version>4.3</Version>"
        "<LocalAddr>10.20.30.31:36912</LocalAddr></body>"
    )
    req2 = lf.dh_p2p_request("DHPOST", f"/online/p2psrv/{IMOU_SN}", 2, IMOU_SN, "imou/2", body)
    cur.emit(lf.udp(IMOU, P2P_CLOUD, sport, lf.P2P_PORT, req2), 30_000)
    resp = "<body><US>198.51.100.21:8800</US><Keepalive>60</Keepalive></body>"
    cur.emit(lf.udp(P2P_CLOUD, IMOU, lf.P2P_PORT, sport, lf.dh_p2p_response(2, resp)), 45_000)
    for i in range(2):
        cur.emit(lf.udp(IMOU, P2P_PEER, sport, 51888, lf.inverted_stun(f"imou/stun/{i}")), 100_000)
    sent = recv = 0
    for i in range(6):
        body_out = (
            b""
            if i == 0
            else b"\x00\x03\x01\x00"
            if i == 1
            else lf.det_bytes(f"ptcp/{i}", 64 + 16 * i)
        )
        cur.emit(
            lf.udp(
                IMOU, P2P_RELAY, sport, 8800, lf.ptcp(sent, recv, 0x0000FFFF - i, i, i, body_out)
            ),
            60_000,
        )
        sent += len(body_out)
        reply = lf.det_bytes(f"ptcp/r/{i}", 32) if i > 1 else b""
        cur.emit(
            lf.udp(
                P2P_RELAY, IMOU, 8800, sport, lf.ptcp(recv, sent, 0x0000FFFF - i, i + 1, i, reply)
            ),
            35_000,
        )
        recv += len(reply)


def pcs_and_remote(tl: lf.Timeline) -> None:
    """PC web traffic, the remote Hikvision page through the router, POS PC browsing."""
    cur = tl.at(40.0)
    lf.dns_lookup(cur, WINPC, ROUTER, "www.example.com", WEB.ip)
    cert = lf.self_signed_cert(
        (("C", "US"), ("O", "Example Org"), ("CN", "www.example.com")),
        "260101000000Z",
        "270101000000Z",
        0x0A11,
        "web",
    )
    lf.tls_session(cur, WINPC, WEB, 53000, 443, "www.example.com", cert, app_records=8)
    cur = tl.at(42.0)
    lf.tcp_conversation(
        cur,
        WINPC,
        REMOTE_HIK,
        53010,
        80,
        [
            (
                lf.http_request("GET", "/doc/page/login.asp", REMOTE_HIK.ip),
                lf.http_response(
                    200,
                    "OK",
                    hik_headers(T0 + 42, "App-webs/"),
                    b"<!DOCTYPE html>\n<html><head><title></title>"
                    b'<script src="../script/inc.js"></script></head>'
                    b'<body><div id="login"></div></body></html>\n',
                ),
            ),
            (
                lf.http_request("GET", "/ISAPI/Security/userCheck", REMOTE_HIK.ip),
                hik_401(T0 + 42, "App-webs/", "IP Camera(C7788)", "n/remote"),
            ),
        ],
    )
    cur = tl.at(45.0)
    lf.dns_lookup(cur, POSPC, ROUTER, "pos.example.net", WEB2.ip)
    cert2 = lf.self_signed_cert(
        (("C", "US"), ("O", "Example POS"), ("CN", "pos.example.net")),
        "260301000000Z",
        "270301000000Z",
        0x0B22,
        "pos",
    )
    lf.tls_session(cur, POSPC, WEB2, 53100, 443, "pos.example.net", cert2, app_records=5)
    cur = tl.at(47.0)
    lf.dns_lookup(cur, VMSPC, ROUTER, "update.example.org", "198.51.100.40")
    lf.tls_session(
        cur,
        VMSPC,
        lf.behind(ROUTER, "198.51.100.40"),
        51100,
        443,
        "update.example.org",
        lf.self_signed_cert(
            (("C", "US"), ("CN", "update.example.org")),
            "260101000000Z",
            "270101000000Z",
            0x0C33,
            "upd",
        ),
        app_records=3,
    )


def vlan20(tl: lf.Timeline) -> None:
    """VLAN 20: a laptop ARPs and runs a DHIP search; a Dahua camera at 10.20.30.50 answers."""
    cur = tl.at(46.0)
    cur.emit(lf.gratuitous_arp(V20_LAPTOP), 0)
    lf.arp_exchange(cur, V20_LAPTOP, V20_DAHUA)
    dhip_round(cur, V20_LAPTOP, V20_DAHUA, V20_MODEL, V20_SN, "General", V20_FW)


def scale(tl: lf.Timeline) -> None:
    cur = tl.at(50.0)
    lf.dhcp_dora(cur, ROUTER, SCALE, "SCALE-DELI-01", "udhcp 1.24.1")
    cur.emit(lf.gratuitous_arp(SCALE), 2000)


def dahua_moves(tl: lf.Timeline) -> None:
    """The Dahua camera reboots, gets 10.20.30.21 by DHCP, and answers DHIP from there."""
    cur = tl.at(60.0)
    lf.dhcp_dora(cur, ROUTER, DAHUA_NEW)
    cur.emit(lf.gratuitous_arp(DAHUA_NEW), 3000)
    lf.arp_exchange(cur, ROUTER, DAHUA_NEW)
    cur.wait(2_000_000)
    dhip_round(cur, VMSPC, DAHUA_NEW)
    lf.rtp_stream(tl.at(64.0), DAHUA_NEW, NVR, 8222, 40300, 0x5B214001, 60, "dahua-rtp")


def build() -> lf.Timeline:
    tl = lf.Timeline()
    for step in (
        lan_bringup,
        multicast_chatter,
        wsd_probes,
        sadp_and_dhip,
        sdk_ports,
        hik_web,
        dahua_web,
        rtsp_video,
        cloud,
        pcs_and_remote,
        vlan20,
        scale,
        dahua_moves,
    ):
        step(tl)
    return tl


# ---------------------------------------------------------------------------------------------
# README table and expected.toml
# ---------------------------------------------------------------------------------------------


def _toml_str(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expected_toml() -> str:
    lines = [
        "# What camscan must report for pcaps/demo/store-lan.pcapng. Generated by make_demo.py;",
        "# edit PLANTED there, not this file. expect: concern | clear | remote.",
        "# concern/remote hosts: manufacturer, brand, model, serial, firmware are what camscan",
        "# must report; a key that is absent means camscan cannot know it from this capture.",
        "# clear hosts: assert only that they are not of concern and not hikvision/dahua;",
        "# `maker` is who really made them (informative; camscan may or may not name it).",
        "# planted_kind is what the host really is (informative; often not inferable).",
        "",
        'capture = "store-lan.pcapng"',
        "",
    ]
    for p in PLANTED:
        lines.append("[[hosts]]")
        lines.append(f"name = {_toml_str(p.key)}")
        lines.append(f"id = {_toml_str(p.device_id)}")
        if p.expect != "remote":
            lines.append(f"mac = {_toml_str(p.host.mac)}")
        lines.append("ips = [" + ", ".join(_toml_str(i) for i in p.all_ips) + "]")
        if p.host.vlan is not None:
            lines.append(f"vlan = {p.host.vlan}")
        lines.append(f"expect = {_toml_str(p.expect)}")
        if p.expect == "clear":
            if p.manufacturer:
                lines.append(f"maker = {_toml_str(p.manufacturer)}")
        else:
            for key in ("manufacturer", "brand", "model", "serial", "firmware"):
                val = getattr(p, key)
                if val:
                    lines.append(f"{key} = {_toml_str(val)}")
        if p.kind:
            lines.append(f"planted_kind = {_toml_str(p.kind)}")
        if p.digital_channels is not None:
            n = p.digital_channels
            lines.append(
                f'channels = {{ analog = 0, digital = {n}, total = {n}, source = "stated" }}'
                "  # its SADP DigitalChannelNum"
            )
        lines.append(f"what = {_toml_str(p.what)}")
        lines.append("")
    lines.append(
        "# Internet endpoints (not store devices; no vendor evidence is sent BY them except"
    )
    lines.append("# the routed Hikvision page above).")
    for ip, what in INTERNET:
        lines += ["[[internet]]", f"ip = {_toml_str(ip)}", f"what = {_toml_str(what)}", ""]
    return "\n".join(lines)


def readme(frames: int, size: int) -> str:
    head = f"""# Demo capture: store LAN

`store-lan.pcapng` ({frames} frames, {size:,} bytes) is generated by `make_demo.py`
(`.venv/bin/python pcaps/demo/make_demo.py`; deterministic, byte-identical on every run).
Capture start 2026-11-27T09:00:00Z, about 66 s. Everything in it is synthetic: addresses are
private/documentation ranges, payloads restate the shapes in `docs/protocols.md`
and the real replies in `../../../shared/realcaps/fixtures/` with our own values. `expected.toml`
holds the same facts machine-readable (generated from the same table).

LAN 10.20.30.0/24 untagged, gateway 10.20.30.1; VLAN 20 reuses 10.20.30.0/24 (802.1Q tag 20).

"""
    cols = (
        "host",
        "ip",
        "mac",
        "vlan",
        "what it is",
        "camscan must report",
        "manufacturer (true maker for clear hosts)",
        "brand",
        "model",
        "serial",
        "planted signals",
    )
    rows = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for p in PLANTED:
        mac = "— (router's MAC on the wire)" if p.expect == "remote" else p.host.mac
        rows.append(
            "| "
            + " | ".join(
                [
                    p.key,
                    ", ".join(p.all_ips),
                    mac,
                    str(p.host.vlan or ""),
                    p.what,
                    p.expect,
                    p.manufacturer or "",
                    p.brand or "",
                    p.model or "",
                    p.serial or "",
                    p.signals + (f" — {p.notes}" if p.notes else ""),
                ]
            )
            + " |"
        )
    tail = "\n\nInternet endpoints (reached through the router; not store devices):\n\n"
    tail += "\n".join(f"- {ip}: {what}" for ip, what in INTERNET)
    tail += """

Hard cases planted on purpose:
- the router's MAC is the Ethernet source of every routed frame, including the remote Hikvision
  page from 203.0.113.50: the router and the Windows PC that asked must stay clear;
- 10.20.30.50 is a POS PC on the untagged LAN and a Dahua camera on VLAN 20;
- the Dahua camera changes IP by DHCP (10.20.30.20 -> 10.20.30.21) and repeats its serial in DHIP;
- Vendor/Manufacturer in the Dahua camera's DHIP reply say "Private" (as on the real unit);
- the Hikvision unit with MAC 02:3a:7c:41:90:12 has a locally administered address;
- relabels carry their own OUIs (LT Security, Amcrest, Lorex) or consumer-brand OUIs
  (EZVIZ, Huacheng);
- the scale's MAC is in the MA-M block of "Shanghai Dahua Scale Factory", not Dahua;
- the VMS PC sends SADP Probe, DHIP search and SDK-port requests: it is a client, not a device;
- the generic ONVIF camera has a `location/country/china` scope but is neither Hikvision nor Dahua;
- SADP and ONVIF ProbeMatch replies are larger than one Ethernet frame (the real SADP reply body is
  ~1.6 KB), so they travel as two IPv4 fragments, as on a real wire: decoding them needs IP
  reassembly.
"""
    return head + "\n".join(rows) + tail


def main() -> None:
    tl = build()
    frames = tl.write(OUT)
    size = OUT.stat().st_size
    (HERE / "expected.toml").write_text(expected_toml())
    (HERE / "README.md").write_text(readme(frames, size))
    print(f"{OUT.name}: {frames} frames, {size} bytes")


if __name__ == "__main__":
    main()
