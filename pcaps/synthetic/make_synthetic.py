"""Generate one small capture per protocol / hard case in pcaps/synthetic/ and pcaps/MANIFEST.tsv.

Deterministic: fixed timestamps from 2026-11-27T09:00:00Z, no unseeded randomness, so a re-run
writes byte-identical files. Run:

    .venv/bin/python pcaps/synthetic/make_synthetic.py
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
PCAPS = HERE.parent
sys.path.insert(0, str(PCAPS))

import lib_frames as lf  # noqa: E402
from lib_frames import Host, TcpFlow, Timeline  # noqa: E402
from payloads import HIK_401  # noqa: E402

T0 = lf.T0_US // 1_000_000
GEN = "synthetic/make_synthetic.py"
FIXTURES = PCAPS.parent.parent / "shared" / "realcaps" / "fixtures"

# The devices the real fixtures came from: frames use their own MAC/IP so the bodies are verbatim.
FIX_HIKCAM = Host("58:50:ed:1f:e3:85", "192.168.124.40")
FIX_DAHUA = Host("08:ed:ed:87:42:7a", "192.168.124.17")
FIX_PC = Host("b0:83:fe:2d:19:01", "192.168.124.10", ttl=128)
FIX_GW = "192.168.124.1"

ROUTER = Host("00:00:0c:20:30:01", "10.20.30.1")
PC = Host("3c:a9:f4:52:6e:00", "10.20.30.100", ttl=128)
HIKCAM = Host("44:19:b6:2a:3c:11", "10.20.30.11")
DAHUA = Host("3c:e3:6b:1d:55:20", "10.20.30.20")

MANIFEST: list[tuple[str, str, str]] = []  # (file, contents, expect)


def out(name: str, contents: str, expect: str) -> Path:
    MANIFEST.append((f"synthetic/{name}", contents, expect))
    return HERE / name


def fixture_check(name: str, built: bytes) -> None:
    """When the shared fixtures are present, insist that a verbatim restatement matches."""
    path = FIXTURES / name
    if path.exists() and path.read_bytes().rstrip(b"\n") != built.rstrip(b"\n"):
        raise SystemExit(f"restated body differs from fixture {name}")


# ---------------------------------------------------------------------------------------------
# Discovery protocols
# ---------------------------------------------------------------------------------------------

SADP_UUID = "e8ecfe09-90e4-44c0-842b-703f46b58c81"  # the Uuid echoed in the real ProbeMatch


def sadp_exchange(
    tl: Timeline, pc: Host, cam: Host, gap_s: float = 0.0, svlan: int | None = None
) -> None:
    cur = tl.at(0.1 + gap_s)
    grp = lf.group(lf.SADP_GROUP, pc.vlan, svlan)
    lf.arp_exchange(cur, pc, cam)
    cur.emit(lf.udp(pc, grp, lf.SADP_PORT, lf.SADP_PORT, lf.sadp_probe(SADP_UUID)), 5000)
    body = lf.sadp_probematch(SADP_UUID)  # the fixture's values, verbatim
    if cam.mac == FIX_HIKCAM.mac:
        fixture_check("sadp_probematch_hikvision_DS-2CD2385G1-I.xml", body)
    else:
        body = lf.sadp_probematch(SADP_UUID, MAC=lf.sadp_mac(cam.mac), IPv4Address=cam.ip)
    cur.emit(lf.udp(cam, grp, lf.SADP_PORT, lf.SADP_PORT, body), 23_000)


def sadp() -> None:
    tl = Timeline()
    sadp_exchange(tl, FIX_PC, FIX_HIKCAM)
    path = out(
        "sadp.pcap",
        "ARP; SADP Probe from a PC to 239.255.255.250:37020; the real "
        "DS-2CD2385G1-I ProbeMatch (fixture body verbatim, 1593 bytes, so two IPv4 fragments) "
        "on the group",
        "1 concern: mac:58:50:ed:1f:e3:85 hikvision DS-2CD2385G1-I serial "
        "DS-2CD2385G1-I20200414AAWRE33842150 firmware V5.6.2build 190701 (CVE-2021-36260 "
        "basis); the PC 192.168.124.10 is clear (it only probes)",
    )
    tl.write(path)
    gz = out(
        "sadp.pcap.gz",
        "gzip of sadp.pcap (gzip header mtime 0, no name)",
        "same report as sadp.pcap",
    )
    lf.gzip_copy(path, gz)


def sadp_legacy() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    tool = Host("b0:83:fe:2d:19:01", "192.0.0.128", ttl=128)
    dev = Host("4c:bd:8f:3a:10:64", "192.0.0.64")
    cur.emit(
        lf.sadp_legacy(
            tool.mac,
            tool.ip,
            lf.BROADCAST_MAC,
            "0.0.0.0",
            "255.255.255.0",
            response=False,
            counter=0x2A,
            query=0x03,
        ),
        0,
    )
    ipv6 = bytes.fromhex("fe80000000000000" + "4ebd8ffffe3a1064")
    cur.emit(
        lf.sadp_legacy(
            dev.mac,
            dev.ip,
            tool.mac,
            tool.ip,
            "255.255.255.0",
            response=True,
            counter=0x2A,
            query=0x04,
            payload=ipv6 + bytes(16),
        ),
        18_000,
    )
    tl.write(
        out(
            "sadp_legacy.pcap",
            "legacy SADP over EtherType 0x8033: Inquiry (0x03) broadcast "
            "from the tool, InquiryResponse (0x04) from 4c:bd:8f:3a:10:64 at 192.0.0.64",
            "1 concern: mac:4c:bd:8f:3a:10:64 hikvision (no model/serial in this frame); the "
            "tool is clear",
        )
    )


def dhip() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    lf.arp_exchange(cur, FIX_PC, FIX_DAHUA)
    cur.emit(lf.udp(FIX_PC, lf.group(lf.DHIP_GROUP), 58000, lf.DHIP_PORT, lf.dhip_search()), 4000)
    body = lf.dhip_notify(
        FIX_DAHUA.mac, FIX_DAHUA.ip, "192.168.124.1", "IPC-HDW1431T1-S4", "6C01E93PAG69A7D"
    )
    fixture_check("dhip_notifyDevInfo_dahua_IPC-HDW1431T1-S4.json", body[32:])
    cur.emit(lf.udp(FIX_DAHUA, lf.group(lf.DHIP_GROUP), lf.DHIP_PORT, lf.DHIP_PORT, body), 15_000)
    tl.write(
        out(
            "dhip.pcap",
            "ARP; DHIP DHDiscover.search to 239.255.255.251:37810; the real "
            "IPC-HDW1431T1-S4 client.notifyDevInfo (fixture JSON verbatim, Vendor Private) "
            "behind the 32-byte DHIP header",
            "1 concern: mac:08:ed:ed:87:42:7a dahua IPC-HDW1431T1-S4 serial 6C01E93PAG69A7D "
            "firmware 2.800.0000000.13.R (Vendor 'Private' ignored); the PC is clear",
        )
    )


def dahua5050() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    dev = Host("e0:50:8b:2c:41:08", "192.168.1.108")
    pc = Host("b0:83:fe:2d:19:01", "192.168.1.10", ttl=128)
    lf.arp_exchange(cur, pc, dev)
    cur.emit(lf.udp(pc, lf.group("255.255.255.255"), 5050, 5050, lf.dahua5050_request()), 3000)
    reply = lf.dahua5050_reply(
        dev.mac,
        dev.ip,
        "255.255.255.0",
        "192.168.1.1",
        "NVR5216",
        "DHI-NVR5216-16P-4KS2",
        "4K01C2DPAZ7E3F1",
    )
    cur.emit(lf.udp(dev, pc, 5050, 5050, reply), 12_000)
    tl.write(
        out(
            "dahua5050.pcap",
            "legacy Dahua discovery: 32-byte a3 01 request broadcast to "
            "UDP 5050; b3 00 reply from 192.168.1.108 (binary block: ports 80/443/37777/37778, "
            "then MAC string and Name:/Device:/IPv6Addr:/SerialNo: text)",
            "1 concern: mac:e0:50:8b:2c:41:08 dahua DHI-NVR5216-16P-4KS2 serial "
            "4K01C2DPAZ7E3F1; the PC is clear",
        )
    )


def wsd_hikvision() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    lf.arp_exchange(cur, FIX_PC, FIX_HIKCAM)
    probe_id = "bfe8bb88-03a2-4e1a-904a-59a7d2882649"
    cur.emit(
        lf.udp(
            FIX_PC,
            lf.group(lf.WSD_GROUP),
            50126,
            lf.WSD_PORT,
            lf.wsd_probe(probe_id, "dn:NetworkVideoTransmitter"),
        ),
        5000,
    )
    # MessageID chosen so the endpoint UUID is the real one (aa85c000-6324-11b3-819e-5850ed1fe385).
    body = lf.wsd_probematch_hikvision(
        "aa85c000-6324-11b3-819e-000000000000",
        probe_id,
        FIX_HIKCAM.mac,
        FIX_HIKCAM.ip,
        "DS-2CD2385G1-I",
        "fe80::5a50:edff:fe1f:e385",
    )
    cur.emit(lf.udp(FIX_HIKCAM, FIX_PC, lf.WSD_PORT, 50126, body), 31_000)
    tl.write(
        out(
            "wsd_hikvision.pcap",
            "ONVIF Probe (NetworkVideoTransmitter) from a PC; the real "
            "DS-2CD2385G1-I ProbeMatch body (hangzhou scope, MAC scope, UUID ending in MAC) in "
            "a full envelope, unicast back as two IPv4 fragments",
            "1 concern: mac:58:50:ed:1f:e3:85 hikvision DS-2CD2385G1-I; the PC is clear",
        )
    )


def wsd_windows_probe() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    grp = lf.group(lf.WSD_GROUP)
    lf.arp_exchange(cur, PC, ROUTER)
    cur.emit(lf.udp(PC, grp, 50125, lf.WSD_PORT, lf.wsd_probe(lf.det_uuid("w/1"))), 4000)
    cur.emit(lf.udp(PC, grp, 50125, lf.WSD_PORT, lf.wsd_probe(lf.det_uuid("w/2"))), 200_000)
    cur.emit(
        lf.udp(
            PC,
            grp,
            50125,
            lf.WSD_PORT,
            lf.wsd_resolve(lf.det_uuid("w/3"), "urn:uuid:" + lf.det_uuid("w/ep")),
        ),
        300_000,
    )
    tl.write(
        out(
            "wsd_windows_probe.pcap",
            "a Windows PC's WS-Discovery Probe (wsdp:Device, twice) "
            "and Resolve on UDP 3702; nobody answers",
            "0 of concern; no camera (port 3702 and Probe/Resolve are client traffic)",
        )
    )


# ---------------------------------------------------------------------------------------------
# TCP banners and handshakes
# ---------------------------------------------------------------------------------------------

HIK_INDEX = (
    b"<!DOCTYPE html>\n<html>\n<head>\n<title></title>\n<script>\nwindow.location.href = "
    b'"/doc/page/login.asp?_" + (new Date()).getTime();\n</script>\n</head>\n'
    b"<body>\n</body>\n</html>\n"
)


def hik_resp(status: int, t_s: int, realm: str | None = None, body: bytes = HIK_INDEX) -> bytes:
    hdrs = [
        ("Date", lf.http_date(t_s)),
        ("Server", "App-webs/"),
        ("Content-Type", "text/html"),
        ("Connection", "close"),
    ]
    if realm:
        nonce = lf.det_bytes("nonce/" + realm, 16).hex()
        hdrs.append(
            (
                "WWW-Authenticate",
                f'Digest qop="auth", realm="{realm}", nonce="{nonce}", stale="FALSE"',
            )
        )
        return lf.http_response(401, "Unauthorized", hdrs, HIK_401)
    return lf.http_response(status, "OK", hdrs, body)


def http_hikvision() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    lf.arp_exchange(cur, PC, HIKCAM)
    lf.tcp_conversation(
        cur,
        PC,
        HIKCAM,
        52000,
        80,
        [
            (lf.http_request("GET", "/", HIKCAM.ip), hik_resp(200, T0)),
            (
                lf.http_request("GET", "/ISAPI/Security/userCheck", HIKCAM.ip),
                hik_resp(401, T0, "IP Camera(C2183)"),
            ),
        ],
    )
    tl.write(
        out(
            "http_hikvision.pcap",
            "HTTP from a PC to 10.20.30.11: 200 redirecting to "
            "/doc/page/login.asp, then /ISAPI/Security/userCheck 401; Server App-webs/, "
            'Digest realm="IP Camera(C2183)"',
            "1 concern: mac:44:19:b6:2a:3c:11 hikvision (no model/serial); the PC is clear",
        )
    )


def dahua_index() -> bytes:
    return (
        b'\xef\xbb\xbf<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        b'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<title>WEB SERVICE</title>\n'
        b'<script src="jsBase/lib/jquery.js?version=@WebVersion@"></script>\n</head>\n'
        b'<body><input type="text" class="t_username" /><a class="fn-btn">Login</a></body>\n'
        b"</html>\n"
    )


def http_dahua() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    serial = "5E04B2FPAG1A3C7"
    lf.arp_exchange(cur, PC, DAHUA)
    body = dahua_index()
    ok = lf.http_response(
        200,
        "OK",
        [
            ("CONNECTION", "close"),
            ("CONTENT-LENGTH", str(len(body))),
            ("CONTENT-TYPE", "text/html"),
            ("CACHE-CONTROL", "max-age=0"),
            ("ETag", '"3314652717:1c3f9a02"'),
            ("P3P", "CP=CAO PSA OUR"),
        ],
        body,
        content_length=None,
    )
    login = json.dumps(
        {
            "method": "global.login",
            "params": {
                "userName": "admin",
                "password": "",
                "clientType": "Web3.0",
                "loginType": "Direct",
            },
            "id": 1,
        }
    ).encode()
    challenge = json.dumps(
        {
            "error": {"code": 268632079, "message": "Component error: login challenge!"},
            "id": 1,
            "params": {
                "authorization": lf.det_bytes("auth/" + serial, 20).hex(),
                "encryption": "Default",
                "mac": DAHUA.mac.replace(":", "").upper(),
                "random": "1684329011",
                "realm": f"Login to {serial}",
            },
            "result": False,
            "session": lf.det_bytes("sess/" + serial, 16).hex(),
        }
    ).encode()
    rpc = lf.http_response(
        200,
        "OK",
        [
            ("CONNECTION", "close"),
            ("CONTENT-LENGTH", str(len(challenge))),
            ("CONTENT-TYPE", "application/json; charset=UTF-8"),
            ("CACHE-CONTROL", "max-age=0"),
        ],
        challenge,
        content_length=None,
    )
    unauth = lf.http_response(
        401,
        "Unauthorized",
        [
            (
                "WWW-Authenticate",
                f'Digest realm="Login to {serial}", qop="auth", '
                f'nonce="{lf.det_int("n/" + serial, 31)}", '
                f'opaque="{lf.det_bytes("o/" + serial, 20).hex()}"',
            ),
            ("CONNECTION", "close"),
            ("CONTENT-LENGTH", "0"),
            ("CACHE-CONTROL", "max-age=0"),
        ],
        content_length=None,
    )
    lf.tcp_conversation(
        cur,
        PC,
        DAHUA,
        52010,
        80,
        [
            (lf.http_request("GET", "/", DAHUA.ip), ok),
            (
                lf.http_request(
                    "POST",
                    "/RPC2_Login",
                    DAHUA.ip,
                    [("Content-Type", "application/x-www-form-urlencoded")],
                    login,
                ),
                rpc,
            ),
            (
                lf.http_request("GET", "/cgi-bin/magicBox.cgi?action=getSystemInfo", DAHUA.ip),
                unauth,
            ),
        ],
    )
    tl.write(
        out(
            "http_dahua.pcap",
            "HTTP to a Dahua camera: 200 with no Server header, upper-case "
            "CONNECTION/CONTENT-LENGTH/CACHE-CONTROL, P3P, BOM + XHTML Strict page with "
            "t_username; /RPC2_Login global.login challenge (realm Login to <serial>); "
            "magicBox.cgi 401 Digest realm Login to 5E04B2FPAG1A3C7",
            "1 concern: mac:3c:e3:6b:1d:55:20 dahua serial 5E04B2FPAG1A3C7; the PC is clear",
        )
    )


def rtsp() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    lf.arp_exchange(cur, PC, HIKCAM)
    lf.arp_exchange(cur, PC, DAHUA)
    hurl = f"rtsp://{HIKCAM.ip}:554/Streaming/Channels/101"
    date = "Fri, Nov 27 2026 09:00:00 GMT"
    lf.tcp_conversation(
        cur,
        PC,
        HIKCAM,
        53000,
        554,
        [
            (
                lf.rtsp_request("OPTIONS", hurl, 2),
                lf.rtsp_response(
                    200,
                    "OK",
                    2,
                    [
                        (
                            "Public",
                            "OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, "
                            "GET_PARAMETER",
                        ),
                        ("Date", " " + date),
                    ],
                ),
            ),
            (
                lf.rtsp_request("DESCRIBE", hurl, 3, [("Accept", "application/sdp")]),
                lf.rtsp_response(
                    401,
                    "Unauthorized",
                    3,
                    [
                        (
                            "WWW-Authenticate",
                            'Digest realm="IP Camera(C2183)", '
                            f'nonce="{lf.det_bytes("rn/h", 16).hex()}", stale="FALSE"',
                        ),
                        ("Date", " " + date),
                    ],
                ),
            ),
        ],
        by_server=False,
    )
    serial = "5E04B2FPAG1A3C7"
    durl = f"rtsp://{DAHUA.ip}:554/cam/realmonitor?channel=1&subtype=0"
    lf.tcp_conversation(
        cur,
        PC,
        DAHUA,
        53001,
        554,
        [
            (
                lf.rtsp_request("OPTIONS", durl, 2),
                lf.rtsp_response(
                    200,
                    "OK",
                    2,
                    [
                        ("Server", "Dahua Rtsp Server"),
                        (
                            "Public",
                            "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, PAUSE, TEARDOWN, "
                            "GET_PARAMETER, SET_PARAMETER",
                        ),
                    ],
                ),
            ),
            (
                lf.rtsp_request("DESCRIBE", durl, 3, [("Accept", "application/sdp")]),
                lf.rtsp_response(
                    401,
                    "Unauthorized",
                    3,
                    [
                        (
                            "WWW-Authenticate",
                            f'Digest realm="Login to {serial}", '
                            f'nonce="{lf.det_bytes("rn/d", 16).hex()}"',
                        )
                    ],
                ),
            ),
        ],
        by_server=False,
    )
    tl.write(
        out(
            "rtsp.pcap",
            "RTSP OPTIONS/DESCRIBE from a PC (VLC) to a Hikvision camera "
            "(8-method Public, 401 Digest realm IP Camera(C2183), 'Date:  ' with two spaces) "
            "and a Dahua camera (Server: Dahua Rtsp Server, 401 realm Login to <serial>)",
            "2 concern: mac:44:19:b6:2a:3c:11 hikvision; mac:3c:e3:6b:1d:55:20 dahua serial "
            "5E04B2FPAG1A3C7; the PC is clear",
        )
    )


def tls_hikvision() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    nvr = Host("24:48:45:5e:71:0a", "10.20.30.10")
    lf.arp_exchange(cur, PC, nvr)
    cert = lf.self_signed_cert(
        lf.HIKVISION_NVR_SUBJECT, "190612000000Z", "290609000000Z", 0x5DE0A3C1, "nvr-cert"
    )
    lf.tls_session(cur, PC, nvr, 54000, 443, None, cert)
    tl.write(
        out(
            "tls_hikvision.pcap",
            "TLS 1.2 to an NVR on 443: ServerHello + self-signed "
            "certificate subject=issuer CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,"
            "ST=ZheJiang,C=CN (handshake record spans several TCP segments), app data",
            "1 concern: mac:24:48:45:5e:71:0a hikvision (kind nvr/dvr); the PC is clear",
        )
    )


def sdk8000() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    dev = Host("c0:56:e3:44:08:00", "10.20.30.15")
    web = Host("00:15:5d:01:02:03", "10.20.30.16")  # Microsoft Hyper-V OUI: a web app on 8000
    lf.arp_exchange(cur, PC, dev)
    lf.arp_exchange(cur, PC, web)
    lf.tcp_conversation(cur, PC, dev, 51000, 8000, [(lf.HIK_SDK_REQUEST, lf.HIK_SDK_REPLY)])
    lf.tcp_conversation(
        cur,
        PC,
        web,
        51001,
        8000,
        [
            (
                lf.http_request("GET", "/", web.ip),
                lf.http_response(
                    200, "OK", [("Server", "nginx/1.24.0"), ("Content-Type", "text/plain")], b"ok\n"
                ),
            )
        ],
    )
    tl.write(
        out(
            "sdk8000.pcap",
            "Hikvision SDK port: 32-byte 00 00 00 20 63 00... request, 16-byte "
            "00 00 00 10 00 00 00 1e 00 00 00 1e 00 00 00 00 reply from 10.20.30.15; plus an "
            "nginx web app on TCP 8000 at 10.20.30.16",
            "1 concern: mac:c0:56:e3:44:08:00 hikvision; 10.20.30.16 (HTTP on 8000) and the PC "
            "are clear",
        )
    )


def dvrip37777() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    lf.arp_exchange(cur, PC, DAHUA)
    lf.tcp_conversation(
        cur,
        PC,
        DAHUA,
        51010,
        37777,
        [(lf.dvrip_realm_request(), lf.dvrip_realm_reply("5E04B2FPAG1A3C7"))],
    )
    tl.write(
        out(
            "dvrip37777.pcap",
            "DVRIP on TCP 37777: a0 01 realm request (trailer 05 02 01 01 "
            "00 00 a1 aa), b0 01 reply with Realm:Login to 5E04B2FPAG1A3C7 / Random:123456789",
            "1 concern: mac:3c:e3:6b:1d:55:20 dahua serial 5E04B2FPAG1A3C7; the PC is clear",
        )
    )


# ---------------------------------------------------------------------------------------------
# Cloud, routing, OUI traps
# ---------------------------------------------------------------------------------------------


def p2p_imou() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    cam = Host("1c:4d:89:6f:02:31", "10.20.30.31")
    cloud, relay, peer = (
        lf.behind(ROUTER, ip) for ip in ("198.51.100.20", "198.51.100.21", "198.51.100.22")
    )
    serial = "8C0A7E3PAJ92B11"
    lf.arp_exchange(cur, ROUTER, cam)
    lf.dns_lookup(cur, cam, ROUTER, "www.easy4ipcloud.com", cloud.ip)
    sport = 36912
    cur.emit(
        lf.udp(
            cam,
            cloud,
            sport,
            lf.P2P_PORT,
            lf.dh_p2p_request("DHGET", "/probe/p2psrv", 1, serial, "s/1"),
        ),
        20_000,
    )
    cur.emit(lf.udp(cloud, cam, lf.P2P_PORT, sport, lf.dh_p2p_response(1)), 40_000)
    body = f"<body><DevSN>{serial}</DevSN><Version>4.3</Version></body>"
    cur.emit(
        lf.udp(
            cam,
            cloud,
            sport,
            lf.P2P_PORT,
            lf.dh_p2p_request("DHPOST", f"/online/p2psrv/{serial}", 2, serial, "s/2", body),
        ),
        30_000,
    )
    cur.emit(lf.udp(cloud, cam, lf.P2P_PORT, sport, lf.dh_p2p_response(2)), 40_000)
    for i in range(2):
        cur.emit(lf.udp(cam, peer, sport, 51888, lf.inverted_stun(f"s/stun/{i}")), 90_000)
    for i in range(4):
        cur.emit(
            lf.udp(
                cam,
                relay,
                sport,
                8800,
                lf.ptcp(16 * i, 0, 0xFFFF - i, i, 0, lf.det_bytes(f"p/{i}", 16)),
            ),
            50_000,
        )
        cur.emit(
            lf.udp(relay, cam, 8800, sport, lf.ptcp(0, 16 * (i + 1), 0xFFFF - i, i, i)), 30_000
        )
    tl.write(
        out(
            "p2p_imou.pcap",
            "Imou camera (Huacheng OUI) through a router: DNS "
            "www.easy4ipcloud.com, DHGET /probe/p2psrv and DHPOST /online/p2psrv/<SN> to UDP "
            "8800, two 44-byte inverted-STUN datagrams (ff fe ff e7), PTCP datagrams",
            "1 concern: mac:1c:4d:89:6f:02:31 dahua brand imou; router and internet hosts clear",
        )
    )


def dns_ezviz() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    cam = Host("64:24:4d:1e:30:30", "10.20.30.30")
    cloud = lf.behind(ROUTER, "203.0.113.80")
    lf.arp_exchange(cur, ROUTER, cam)
    lf.dns_lookup(cur, cam, ROUTER, "dev.ezvizlife.com", cloud.ip)
    lf.dns_lookup(cur, cam, ROUTER, "litedev.ezvizlife.com", "203.0.113.81")
    lf.tls_session(
        cur,
        cam,
        cloud,
        41500,
        8555,
        "dev.ezvizlife.com",
        None,
        tls13=True,
        app_records=2,
        app_size=300,
    )
    tl.write(
        out(
            "dns_ezviz.pcap",
            "EZVIZ camera: DNS for dev.ezvizlife.com and "
            "litedev.ezvizlife.com via the router, then TLS 1.3 with SNI dev.ezvizlife.com "
            "to 203.0.113.80:8555",
            "1 concern: mac:64:24:4d:1e:30:30 hikvision brand ezviz; router and 203.0.113.80 clear",
        )
    )


def router_remote() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    remote = lf.behind(ROUTER, "203.0.113.50")
    lf.arp_exchange(cur, PC, ROUTER)
    lf.arp_exchange(cur, ROUTER, PC)
    lf.dns_lookup(cur, PC, ROUTER, "www.example.com", "198.51.100.10")
    lf.tcp_conversation(
        cur,
        PC,
        remote,
        53010,
        80,
        [
            (lf.http_request("GET", "/doc/page/login.asp", remote.ip), hik_resp(200, T0)),
            (
                lf.http_request("GET", "/ISAPI/Security/userCheck", remote.ip),
                hik_resp(401, T0, "IP Camera(C7788)"),
            ),
        ],
    )
    lf.tls_session(
        cur,
        PC,
        lf.behind(ROUTER, "198.51.100.10"),
        53011,
        443,
        "www.example.com",
        lf.self_signed_cert(
            (("C", "US"), ("CN", "www.example.com")),
            "260101000000Z",
            "270101000000Z",
            0x0A11,
            "web",
        ),
        app_records=2,
    )
    tl.write(
        out(
            "router_remote.pcap",
            "a router (Cisco OUI) forwarding a Hikvision web UI (App-webs/, "
            "realm IP Camera(C7788)) from 203.0.113.50 to a PC, plus ordinary HTTPS; every "
            "routed frame has the router's MAC as source",
            "ip:203.0.113.50 hikvision location remote (no MAC); the router "
            "00:00:0c:20:30:01 and the PC are NOT of concern",
        )
    )


def scale_ma_m() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    scale = Host("40:2c:76:1a:0b:70", "10.20.30.70")
    lf.dhcp_dora(cur, ROUTER, scale, "SCALE-DELI-01", "udhcp 1.24.1")
    cur.emit(lf.gratuitous_arp(scale), 2000)
    lf.arp_exchange(cur, ROUTER, scale)
    tl.write(
        out(
            "scale_ma_m.pcap",
            "DHCP (hostname SCALE-DELI-01, vendor class udhcp 1.24.1) and "
            "ARP from 40:2c:76:1a:0b:70, in MA-M block 40:2C:76:1 = Shanghai Dahua Scale "
            "Factory",
            "0 of concern: the scale is not Dahua (longest-prefix OUI match, no substring "
            "match on 'dahua')",
        )
    )


# ---------------------------------------------------------------------------------------------
# Link types and container formats
# ---------------------------------------------------------------------------------------------


def vlan_qinq() -> None:
    tl = Timeline()
    pc = Host(FIX_PC.mac, FIX_PC.ip, vlan=20, svlan=100, ttl=128)
    cam = Host(FIX_HIKCAM.mac, FIX_HIKCAM.ip, vlan=20, svlan=100)
    sadp_exchange(tl, pc, cam, svlan=100)
    tl.write(
        out(
            "vlan_qinq.pcap",
            "the sadp.pcap exchange (ARP + SADP) double-tagged: 802.1ad outer "
            "tag 100 (EtherType 0x88a8) + 802.1Q inner tag 20",
            "1 concern: mac:58:50:ed:1f:e3:85 hikvision DS-2CD2385G1-I (VLAN 20 inner tag); the "
            "PC is clear",
        )
    )


def _dhip_frames() -> list:
    search = lf.udp(FIX_PC, lf.group(lf.DHIP_GROUP), 58000, lf.DHIP_PORT, lf.dhip_search())
    body = lf.dhip_notify(
        FIX_DAHUA.mac, FIX_DAHUA.ip, FIX_GW, "IPC-HDW1431T1-S4", "6C01E93PAG69A7D"
    )
    reply = lf.udp(FIX_DAHUA, lf.group(lf.DHIP_GROUP), lf.DHIP_PORT, lf.DHIP_PORT, body)
    return [search, reply]


def _place(tl: Timeline, frames: list, start: float = 0.1, gap_us: int = 15_000) -> None:
    cur = tl.at(start)
    for f in frames:
        cur.emit(f, gap_us)


def linktypes() -> None:
    tl = Timeline()
    _place(tl, [lf.cooked(f) for f in _dhip_frames()])
    tl.write(
        out(
            "sll.pcap",
            "Linux cooked capture v1 (linktype 113): DHIP search and the real "
            "notifyDevInfo reply (source MAC in the SLL header)",
            "1 concern: 08:ed:ed:87:42:7a / 192.168.124.17 dahua IPC-HDW1431T1-S4 serial "
            "6C01E93PAG69A7D",
        )
    )

    tl = Timeline()
    flow_tl = Timeline()
    cur = flow_tl.at(0.1)
    lf.tcp_conversation(
        cur,
        PC,
        HIKCAM,
        52000,
        80,
        [
            (
                lf.http_request("GET", "/ISAPI/Security/userCheck", HIKCAM.ip),
                hik_resp(401, T0, "IP Camera(C2183)"),
            )
        ],
    )
    for pkt in flow_tl.packets():
        tl.put(int(pkt.time * 1_000_000), lf.cooked(pkt, v2=True))
    tl.write(
        out(
            "sll2.pcap",
            "Linux cooked capture v2 (linktype 276): HTTP 401 App-webs/ realm "
            "IP Camera(C2183) from 10.20.30.11",
            "1 concern: 44:19:b6:2a:3c:11 / 10.20.30.11 hikvision",
        )
    )

    tl = Timeline()
    sadp_tl = Timeline()
    sadp_exchange(sadp_tl, FIX_PC, FIX_HIKCAM)
    for pkt in sadp_tl.packets():
        if pkt.haslayer("IP"):
            tl.put(int(pkt.time * 1_000_000), pkt["IP"].copy())
    tl.write(
        out(
            "rawip.pcap",
            "raw IP (linktype 101, no link header): SADP Probe and the real "
            "DS-2CD2385G1-I ProbeMatch",
            "1 concern: 192.168.124.40 hikvision DS-2CD2385G1-I (MAC only as stated in the "
            "SADP body: 58:50:ed:1f:e3:85)",
        ),
        linktype=101,
    )

    tl = Timeline()
    _place(tl, [f["IP"].copy() for f in _dhip_frames()])
    tl.write(
        out(
            "rawip_ipv4.pcap",
            "LINKTYPE_IPV4 (228): DHIP search and the real notifyDevInfo",
            "1 concern: 192.168.124.17 dahua IPC-HDW1431T1-S4 serial 6C01E93PAG69A7D (MAC "
            "08:ed:ed:87:42:7a only as stated in the DHIP body)",
        ),
        linktype=228,
    )

    tl = Timeline()
    sadp_exchange(tl, FIX_PC, FIX_HIKCAM)
    cur = tl.at(1.0)
    for f in _dhip_frames():
        pkt = lf.cooked(f)
        pkt.sniffed_on = "any"  # second pcapng interface
        cur.emit(pkt, 15_000)
    tl.write(
        out(
            "two_interfaces.pcapng",
            "pcapng with two interfaces: #0 Ethernet (ARP + SADP "
            "exchange), #1 Linux cooked v1 named 'any' (DHIP exchange)",
            "2 concern: mac:58:50:ed:1f:e3:85 hikvision DS-2CD2385G1-I; 08:ed:ed:87:42:7a dahua "
            "IPC-HDW1431T1-S4",
        )
    )


def tcp_reorder() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    lf.arp_exchange(cur, PC, HIKCAM)
    flow = TcpFlow(cur, PC, HIKCAM, 52100, 80).open()
    flow.client(lf.http_request("GET", "/ISAPI/Security/userCheck", HIKCAM.ip))
    # Five small segments so that the Server header and the realm straddle boundaries; segments
    # 1 and 2 are swapped and segment 0 is retransmitted at the end.
    flow.server(hik_resp(401, T0, "IP Camera(C2183)"), pieces=5, reorder=True, retransmit=True)
    flow.close(by_server=True)
    tl.write(
        out(
            "tcp_reorder.pcap",
            "HTTP 401 (App-webs/, realm IP Camera(C2183)) split into 5 TCP "
            "segments: the 2nd and 3rd arrive swapped and the 1st is retransmitted after the "
            "rest; headers straddle segment boundaries",
            "1 concern: mac:44:19:b6:2a:3c:11 hikvision with the Server and realm evidence "
            "intact (reassembly by sequence number)",
        )
    )


def ipv6_ndp() -> None:
    tl = Timeline()
    cur = tl.at(0.1)
    router = Host(ROUTER.mac, ROUTER.ip, ip6="fe80::20c:29ff:fe20:3001")
    cam = Host(HIKCAM.mac, HIKCAM.ip, ip6="2001:db8:20:30::11")
    cam_ll = Host(HIKCAM.mac, HIKCAM.ip, ip6="fe80::4619:b6ff:fe2a:3c11")
    pc = Host(PC.mac, PC.ip, ttl=128, ip6="2001:db8:20:30::100")
    cur.emit(lf.ndp_ra(router, "2001:db8:20:30::"), 0)
    cur.emit(lf.ndp_ns(pc, cam.ip6), 20_000)
    cur.emit(lf.ndp_na(cam, pc), 400)
    flow = TcpFlow(cur, pc, cam, 52200, 80, mss=1428, v6=True).open()
    flow.client(lf.http_request("GET", "/ISAPI/Security/userCheck", f"[{cam.ip6}]"))
    flow.server(hik_resp(401, T0, "IP Camera(C2183)"))
    flow.close(by_server=True)
    body = lf.wsd_probematch_hikvision(
        "aa85c000-6324-11b3-819e-000000000000",
        "bfe8bb88-03a2-4e1a-904a-59a7d2882649",
        cam.mac,
        cam.ip,
        "DS-2CD2385G1-I",
        cam_ll.ip6 or "",
    )
    probe = lf.wsd_probe("bfe8bb88-03a2-4e1a-904a-59a7d2882649", "dn:NetworkVideoTransmitter")
    cur.emit(
        lf.udp6(pc, lf.ipv6_multicast_mac("ff02::c"), "ff02::c", 50126, lf.WSD_PORT, probe), 100_000
    )
    cur.emit(lf.udp6(cam_ll, pc.mac, "fe80::3ea9:f4ff:fe52:6e00", lf.WSD_PORT, 50126, body), 30_000)
    tl.write(
        out(
            "ipv6_ndp.pcap",
            "IPv6 only: RA from the router, NS/NA binding 44:19:b6:2a:3c:11 to "
            "2001:db8:20:30::11, HTTP 401 App-webs/ over IPv6, ONVIF Probe to ff02::c and a "
            "Hikvision ProbeMatch from the camera's link-local address",
            "1 concern: mac:44:19:b6:2a:3c:11 hikvision DS-2CD2385G1-I with IPv6 addresses "
            "2001:db8:20:30::11 (and fe80::4619:b6ff:fe2a:3c11); the PC and router are clear",
        )
    )


STEPS: list[Callable[[], None]] = [
    sadp,
    sadp_legacy,
    dhip,
    dahua5050,
    wsd_hikvision,
    wsd_windows_probe,
    http_hikvision,
    http_dahua,
    rtsp,
    tls_hikvision,
    sdk8000,
    dvrip37777,
    p2p_imou,
    dns_ezviz,
    router_remote,
    scale_ma_m,
    vlan_qinq,
    linktypes,
    tcp_reorder,
    ipv6_ndp,
]

DEMO_ROW = (
    "demo/store-lan.pcapng",
    "demo/make_demo.py",
    "store LAN with 23 planted hosts (Hikvision/Dahua under several labels, look-alikes, "
    "PCs, VLAN 20, DHCP IP change, cloud call-home, routed remote page, bulk video)",
    "see demo/expected.toml and demo/README.md",
)


def write_manifest() -> None:
    rows = [
        "# Synthetic captures generated by the scripts named here; re-running them gives "
        "byte-identical files.",
        "# Columns: file (relative to pcaps/), generator, what it contains, what camscan must "
        "report.",
        "file\tgenerator\tcontents\texpect",
        "\t".join(DEMO_ROW),
    ]
    rows += [f"{f}\t{GEN}\t{c}\t{e}" for f, c, e in MANIFEST]
    (PCAPS / "MANIFEST.tsv").write_text("\n".join(rows) + "\n")


def main() -> None:
    for step in STEPS:
        step()
    write_manifest()
    for name, _, _ in MANIFEST:
        path = PCAPS / name
        print(f"{name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
