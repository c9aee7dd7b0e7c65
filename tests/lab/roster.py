"""The planted hosts of the lab segment and what `camscan scan` must report for each.

Addresses: the scanned subnet is 10.77.0.0/24 (scanner at 10.77.0.2, nothing else in its
namespace); one Hikvision camera sits on its factory-default 192.0.0.64/24 on the same segment.
MACs carry each maker's real OUI (docs/protocols.md §1; the Axis, Hanwha, Brother and Intel OUIs
are the registry's, as in the demo capture), with lab-only device bytes.

expect: "concern" hosts must be reported with verdict concern and the listed identity fields
(a field left None is not asserted); "clear" hosts must not be flagged (verdict clear and not
attributed to Hikvision or Dahua); "absent-ok" hosts may be missing from the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUBNET = "10.77.0.0/24"
SCANNER_IP = "10.77.0.2"
SCANNER_CIDR = f"{SCANNER_IP}/24"
SCANNER_MAC = "02:77:00:00:00:02"  # locally administered: no OUI evidence about the scanner
OF_CONCERN = ("hikvision", "dahua")


@dataclass(frozen=True)
class Planted:
    """One emulated host: where it lives, what it runs, what camscan must say about it."""

    name: str
    mac: str
    cidr: str
    profile: str
    expect: str  # concern | clear
    manufacturer: str | None = None
    brand: str | None = None
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None
    ident: dict[str, str] = field(default_factory=dict)
    in_subnet: bool = True
    what: str = ""

    @property
    def ip(self) -> str:
        return self.cidr.split("/")[0]

    @property
    def id(self) -> str:
        return f"mac:{self.mac}"

    def emulator_args(self) -> list[str]:
        """--set arguments carrying this host's identity to its emulator."""
        out = []
        for key, value in self.ident.items():
            out += ["--set", f"{key}={value}"]
        return out


HIK_CAM = Planted(
    "hik-cam", "44:19:b6:77:00:11", "10.77.0.11/24", "hik-camera", "concern",
    manufacturer="hikvision", model="DS-2CD2385G1-I",
    serial="DS-2CD2385G1-I20220118AAWRJ70011452", firmware="V5.6.2build 190701",
    ident={"serial": "DS-2CD2385G1-I20220118AAWRJ70011452", "realm": "IP Camera(K3721)"},
    what="Hikvision camera: SADP, ONVIF, HTTP App-webs/ 401, RTSP 401, TCP 8000",
)  # fmt: skip
HIK_NVR = Planted(
    "hik-nvr", "24:48:45:77:00:10", "10.77.0.10/24", "hik-nvr", "concern",
    manufacturer="hikvision", model="DS-7608NI-K2",
    serial="DS-7608NI-K20820200516CCRRE53187412WCVU", firmware="V4.30.085build 200916",
    what="Hikvision NVR: SADP, HTTP DNVRS-Webs 401, HTTPS DVRNVR cert, RTSP 401, TCP 8000",
)  # fmt: skip
LTS_DVR = Planted(
    "lts-dvr", "14:2f:fd:77:00:13", "10.77.0.13/24", "hik-relabel", "concern",
    manufacturer="hikvision", brand="lts",
    what="relabelled Hikvision DVR, LT Security OUI: TCP 8000 and HTTP DNVRS-Webs only",
)  # fmt: skip
DAHUA_CAM = Planted(
    "dahua-cam", "08:ed:ed:77:00:20", "10.77.0.20/24", "dahua-camera", "concern",
    manufacturer="dahua", model="IPC-HDW1431T1-S4", serial="6M0A2C1PAG7E5F9",
    firmware="2.800.0000000.13.R", ident={"serial": "6M0A2C1PAG7E5F9"},
    what="Dahua camera (DHIP Vendor Private): DHIP, ONVIF, TCP 37777, RTSP Login to <serial>",
)  # fmt: skip
AMCREST_CAM = Planted(
    "amcrest-cam", "9c:8e:cd:77:00:22", "10.77.0.22/24", "dahua-oem-http", "concern",
    manufacturer="dahua", brand="amcrest", serial="AMC07A3E9F41C2D870",
    ident={"serial": "AMC07A3E9F41C2D870"},
    what="Amcrest camera (Dahua platform): Dahua header shape, 401 realm Login to <serial>",
)  # fmt: skip
IMOU_CAM = Planted(
    "imou-cam", "1c:4d:89:77:00:31", "10.77.0.31/24", "imou-camera", "concern",
    manufacturer="dahua", brand="imou", serial="8C0A7E3PAJ92B11",
    ident={"serial": "8C0A7E3PAJ92B11"},
    what="Imou camera (Huacheng OUI): TCP 37777 DVRIP realm Login to <serial>",
)  # fmt: skip
HIK_DEFAULT = Planted(
    "hik-default", "4c:bd:8f:77:00:64", "192.0.0.64/24", "hik-camera", "concern",
    manufacturer="hikvision", model="DS-2CD1043G0-I",
    serial="DS-2CD1043G0-I20190712AAWRD55310628", firmware="V5.5.82build 190220",
    ident={
        "model": "DS-2CD1043G0-I", "serial": "DS-2CD1043G0-I20190712AAWRD55310628",
        "firmware": "V5.5.82build 190220", "activated": "false", "device_type": "131969",
    },
    in_subnet=False,
    what="Hikvision camera left on its factory-default 192.0.0.64/24: reachable by SADP only",
)  # fmt: skip
AXIS_CAM = Planted(
    "axis-cam",
    "00:40:8c:77:00:40",
    "10.77.0.40/24",
    "axis-camera",
    "clear",
    what="Axis camera: ONVIF, HTTP Apache 401 realm AXIS_<MAC>",
)
HANWHA_CAM = Planted(
    "hanwha-cam",
    "44:b4:23:77:00:41",
    "10.77.0.41/24",
    "hanwha-camera",
    "clear",
    what="Hanwha camera: ONVIF (XNV-6080R)",
)
GENERIC_CAM = Planted(
    "generic-cam",
    "78:a5:dd:77:00:43",
    "10.77.0.43/24",
    "generic-onvif",
    "clear",
    what="generic ONVIF camera (631GA fixture): location/country/china alone is not evidence",
)
WIN_PC = Planted(
    "win-pc",
    "3c:a9:f4:77:01:00",
    "10.77.0.100/24",
    "windows-pc",
    "clear",
    what="Windows PC: TCP 135 and 3389 open, the camera ports closed",
)
PRINTER = Planted(
    "printer",
    "30:05:5c:77:00:60",
    "10.77.0.60/24",
    "printer",
    "clear",
    what="Brother printer: SSDP NOTIFY and M-SEARCH answers, mDNS _ipp._tcp, TCP 631",
)
SILENT = Planted(
    "silent",
    "00:16:3e:77:00:70",
    "10.77.0.70/24",
    "silent",
    "clear",
    what="silent host: no service at all (the kernel answers ARP and resets TCP)",
)

# Not in ROSTER: test_lab_hostile.py plants it beside two cameras.
HOSTILE = Planted(
    "hostile", "02:66:00:00:00:66", "10.77.0.66/24", "hostile", "clear",
    what="hostile device: XML entity bomb and XXE, 50 KB-deep JSON, endless slow HTTP headers, "
    "unterminated RTSP, 1 MB on TCP 8000, an unterminated DVRIP realm",
)  # fmt: skip

# Not in ROSTER: test_lab_misbehaving.py plants them beside two cameras (misbehave.py).
MUTE = Planted(
    "mute", "02:66:00:00:00:67", "10.77.0.67/24", "mute", "clear",
    what="accepts TCP on 80, 443, 554, 8000 and 37777, then says nothing",
)  # fmt: skip
DRIP = Planted(
    "drip", "02:66:00:00:00:68", "10.77.0.68/24", "drip", "clear",
    what="a Hikvision-looking HTTP and RTSP 401, one byte a second",
)  # fmt: skip
ENDLESS = Planted(
    "endless", "02:66:00:00:00:69", "10.77.0.69/24", "endless", "concern",
    manufacturer="hikvision",  # its TCP 8000 stream starts with the SDK reply
    what="an HTTP body, a TCP 8000 stream and a DVRIP 'Login to' realm that never end",
)  # fmt: skip
CUTTER = Planted(
    "cutter", "02:66:00:00:00:71", "10.77.0.71/24", "cutter", "clear",
    what="hangs up mid-reply: half an HTTP/RTSP head, a cut TLS record, half an SDK/DVRIP/DHIP "
    "header, half a SADP ProbeMatch",
)  # fmt: skip
FLOOD = Planted(
    "flood", "02:66:00:00:00:72", "10.77.0.72/24", "flood", "concern",
    what="300 SADP, DHIP and WS-Discovery replies per probe, each naming another MAC and address",
)  # fmt: skip
SPOOFER = Planted(
    "spoofer", "02:66:00:00:00:73", "10.77.0.73/24", "spoofer", "concern",
    ident={"victim_mac": HIK_CAM.mac, "victim_ip": HIK_CAM.ip},
    what="discovery replies stating cameras that do not exist and the hik-cam's MAC and address",
)  # fmt: skip
MISBEHAVING = (MUTE, DRIP, ENDLESS, CUTTER, FLOOD, SPOOFER)

ROSTER: tuple[Planted, ...] = (
    HIK_CAM, HIK_NVR, LTS_DVR, DAHUA_CAM, AMCREST_CAM, IMOU_CAM, HIK_DEFAULT,
    AXIS_CAM, HANWHA_CAM, GENERIC_CAM, WIN_PC, PRINTER, SILENT,
)  # fmt: skip
CONCERN = tuple(h for h in ROSTER if h.expect == "concern")
CLEAR = tuple(h for h in ROSTER if h.expect == "clear")

# What a scan without raw sockets can still find: everything it reaches by TCP or UDP in the
# scanned subnet. (ARP, and with it the MACs of hosts that answer nothing, needs raw sockets;
# the kernel's neighbour table still learns the MAC of every host that answered.)
REACHABLE_WITHOUT_ROOT = tuple(h for h in CONCERN if h.in_subnet)
