"""Payload builders for camscan's captures and lab emulators: documented real replies, lab values.

Pure functions returning bytes, standard library only (no scapy), so both the capture generators
(pcaps/lib_frames.py, which wraps them in frames) and the lab's emulator processes use them. Layouts
restate the real replies in ../shared/realcaps/fixtures/ (each restated body names its fixture) and
the facts in docs/protocols.md (section numbers beside each builder). Values such as MACs, IPs
and serials are substituted; field names, order and framing are kept.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence

# --- Hikvision SADP (docs/protocols.md §2.1), UDP 37020 on 239.255.255.250 --------------------------
SADP_PORT = 37020
SADP_GROUP = "239.255.255.250"

# Field order and values of fixtures/sadp_probematch_hikvision_DS-2CD2385G1-I.xml.
SADP_FIELDS = {
    "DeviceType": "141945",
    "DeviceDescription": "DS-2CD2385G1-I",
    "DeviceSN": "DS-2CD2385G1-I20200414AAWRE33842150",
    "CommandPort": "8000",
    "HttpPort": "80",
    "MAC": "58-50-ed-1f-e3-85",
    "IPv4Address": "192.168.124.40",
    "IPv4SubnetMask": "255.255.255.0",
    "IPv4Gateway": "192.168.124.1",
    "IPv6Address": "::",
    "IPv6Gateway": "::",
    "IPv6MaskLen": "64",
    "DHCP": "true",
    "AnalogChannelNum": "0",
    "DigitalChannelNum": "1",
    "SoftwareVersion": "V5.6.2build 190701",
    "DSPVersion": "V7.3 build 190626",
    "BootTime": "1970-01-15 02:44:11",
    "Encrypt": "true",
    "ResetAbility": "false",
    "DiskNumber": "0",
    "Activated": "true",
    "PasswordResetAbility": "true",
    "PasswordResetModeSecond": "true",
    "DetailOEMCode": "1",
    "SupportSecurityQuestion": "true",
    "SupportHCPlatform": "true",
    "HCPlatformEnable": "flase",  # sic: the real unit spells it this way
    "IsModifyVerificationCode": "true",
    "Salt": "d8eebc414effc857bed4c3cc203c8b4413f60b00a9f4acc410084358d5fd3f91",
    "DeviceLock": "flase",
    "SDKOverTLSPort": "8443",
    "SDKServerStatus": "true",
    "SDKOverTLSServerStatus": "true",
    "SupportMailBox": "true",
}


def sadp_probe(uuid: str) -> bytes:
    """SADP inquiry as SADPTool sends it (upper-case UUID, broadcast MAC element)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<Probe><Uuid>{uuid.upper()}</Uuid><MAC>ff-ff-ff-ff-ff-ff</MAC>"
        "<Types>inquiry</Types></Probe>"
    ).encode()


def sadp_probematch(uuid: str, **overrides: str) -> bytes:
    """ProbeMatch in the real unit's layout (tab-indented, one element per line, Uuid echoed)."""
    fields = dict(SADP_FIELDS)
    unknown = set(overrides) - set(fields)
    if unknown:
        raise ValueError(f"not SADP fields: {sorted(unknown)}")
    fields.update(overrides)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<ProbeMatch>"]
    lines += [f"\t<Uuid>{uuid.lower()}</Uuid>", "\t<Types>inquiry</Types>"]
    lines += [f"\t<{k}>{v}</{k}>" for k, v in fields.items()]
    lines.append("</ProbeMatch>")
    return ("\n".join(lines) + "\n").encode()


def sadp_mac(mac: str) -> str:
    """SADP writes MACs lower-case and dash-separated."""
    return mac.lower().replace(":", "-")


# --- ONVIF WS-Discovery (docs/protocols.md §8), UDP 3702 on 239.255.255.250 --------------------------
WSD_PORT = 3702
WSD_GROUP = "239.255.255.250"
_WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
_PROBE_MATCHES = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
_ANONYMOUS = _WSA + "/role/anonymous"


def wsd_probematch_hikvision(
    message_id: str, relates_to: str, mac: str, ip: str, model: str, ip6_ll: str
) -> bytes:
    """Hikvision ProbeMatch; the endpoint UUID ends in the device MAC, as on the real unit.

    Body restated from fixtures/wsd_probematch_body_hikvision_DS-2CD2385G1-I.xml; the header
    (MessageID/RelatesTo/To/Action/AppSequence) and the extra Hikvision namespaces from
    fixtures/wsd_probematch_hikvision_DS-2CD3955FWD-IWS_excerpt.xml. `relates_to` is the probe's
    MessageID exactly as the probe wrote it (urn:uuid:...).
    """
    bare = mac.replace(":", "").lower()
    addr = f"urn:uuid:{message_id[:24]}{bare}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:soapenc="http://www.w3.org/2003/05/soap-encoding" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:tt="http://www.onvif.org/ver10/schema" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        f'xmlns:wsadis="{_WSA}" '
        'xmlns:tnshik="http://www.hikvision.com/2011/event/topics" '
        'xmlns:hikwsd="http://www.onvifext.com/onvif/ext/ver10/wsdl" '
        'xmlns:hikxsd="http://www.onvifext.com/onvif/ext/ver10/schema">'
        "<env:Header>"
        f"<wsadis:MessageID>urn:uuid:{message_id}</wsadis:MessageID>"
        f"<wsadis:RelatesTo>{relates_to}</wsadis:RelatesTo>"
        f"<wsadis:To>{_ANONYMOUS}</wsadis:To>"
        f"<wsadis:Action>{_PROBE_MATCHES}</wsadis:Action>"
        '<d:AppSequence InstanceId="705289" MessageNumber="11682"/>'
        "</env:Header>"
        "<env:Body>\n"
        "\t<d:ProbeMatches>\n\t\t<d:ProbeMatch>\n\t\t\t<wsadis:EndpointReference>\n"
        f"\t\t\t\t<wsadis:Address>{addr}</wsadis:Address>\n"
        "\t\t\t</wsadis:EndpointReference>\n"
        "\t\t\t<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>\n"
        "\t\t\t<d:Scopes>onvif://www.onvif.org/type/video_encoder "
        "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/G "
        "onvif://www.onvif.org/Profile/T "
        f"onvif://www.onvif.org/MAC/{mac.lower()} onvif://www.onvif.org/hardware/{model} "
        f"onvif://www.onvif.org/name/HIKVISION%20{model} "
        "onvif://www.onvif.org/location/city/hangzhou</d:Scopes>\n"
        f"\t\t\t<d:XAddrs>http://{ip}/onvif/device_service "
        f"http://[{ip6_ll}]/onvif/device_service</d:XAddrs>\n"
        "\t\t\t<d:MetadataVersion>10</d:MetadataVersion>\n"
        "\t\t</d:ProbeMatch>\n\t</d:ProbeMatches>\n</env:Body>"
        "</env:Envelope>"
    ).encode()


# Envelope of fixtures/wsd_hello_dahua_IPC-HFW2228M-I1-V2.xml, up to the header's first element.
_ONVIF_ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>\n'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:sc="http://www.w3.org/2003/05/soap-encoding" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    f'xmlns:a="{_WSA}">\n'
    "  <s:Header>\n"
)


def _onvif_endpoint(address: str, types: str, scopes: Sequence[str], xaddrs: str) -> str:
    """The endpoint elements of a Hello or ProbeMatch, indented as in the Hello fixture."""
    return (
        f"      <a:EndpointReference>\n        <a:Address>{address}</a:Address>\n"
        "      </a:EndpointReference>\n"
        f"    <d:Types>{types}</d:Types>\n"
        f"    <d:Scopes>{' '.join(scopes)}</d:Scopes>\n"
        f"    <d:XAddrs>{xaddrs}</d:XAddrs>\n"
        "    <d:MetadataVersion>1</d:MetadataVersion>\n"
    )


def wsd_hello(
    message_id: str,
    address: str,
    scopes: Sequence[str],
    xaddrs: str,
    types: str = "dn:NetworkVideoTransmitter tds:Device",
) -> bytes:
    """ONVIF Hello; the envelope follows fixtures/wsd_hello_dahua_IPC-HFW2228M-I1-V2.xml."""
    return (
        _ONVIF_ENVELOPE + f"    <a:MessageID>uuid:{message_id}</a:MessageID>\n"
        "    <a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>\n"
        "    <a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</a:Action>\n"
        "  </s:Header>\n  <s:Body>\n    <d:Hello>\n"
        + _onvif_endpoint(address, types, scopes, xaddrs)
        + "    </d:Hello>\n  </s:Body>\n</s:Envelope>\n"
    ).encode()


def wsd_probematch(
    message_id: str, relates_to: str, address: str, scopes: Sequence[str], xaddrs: str
) -> bytes:
    """ProbeMatch in the envelope of fixtures/wsd_hello_dahua_IPC-HFW2228M-I1-V2.xml.

    Used for the Dahua, Axis and Hanwha units, whose scopes are restated from the Hello fixture
    and from the demo capture; `relates_to` is the probe's MessageID exactly as the probe wrote it.
    """
    types = "dn:NetworkVideoTransmitter tds:Device"
    return (
        _ONVIF_ENVELOPE + f"    <a:MessageID>uuid:{message_id}</a:MessageID>\n"
        f"    <a:RelatesTo>{relates_to}</a:RelatesTo>\n"
        f"    <a:To>{_ANONYMOUS}</a:To>\n"
        f"    <a:Action>{_PROBE_MATCHES}</a:Action>\n"
        "  </s:Header>\n  <s:Body>\n    <d:ProbeMatches>\n    <d:ProbeMatch>\n"
        + _onvif_endpoint(address, types, scopes, xaddrs)
        + "    </d:ProbeMatch>\n    </d:ProbeMatches>\n  </s:Body>\n</s:Envelope>\n"
    ).encode()


def wsd_probematch_generic_631ga(relates_to: str, ip: str) -> bytes:
    """fixtures/wsd_probematch_generic_631GA.xml with only RelatesTo and the XAddrs IP replaced.

    `relates_to` is the probe's MessageID exactly as the probe wrote it.
    """
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:wsa="{_WSA}" '
        'xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:vfdis="http://www.onvif.org/ver10/network/wsdl/RemoteDiscoveryBinding" '
        'xmlns:vfdis2="http://www.onvif.org/ver10/network/wsdl/DiscoveryLookupBinding" '
        'xmlns:tdn="http://www.onvif.org/ver10/network/wsdl">\n'
        "<SOAP-ENV:Header>\n"
        "    <wsa:MessageID>uuid:2419d68a-2dd2-21b2-a205-78A5DD0F9593</wsa:MessageID>\n"
        f"    <wsa:RelatesTo>{relates_to}</wsa:RelatesTo>\n"
        f'    <wsa:To SOAP-ENV:mustUnderstand="true">{_ANONYMOUS}</wsa:To>\n'
        f'    <wsa:Action SOAP-ENV:mustUnderstand="true">{_PROBE_MATCHES}</wsa:Action>\n'
        "</SOAP-ENV:Header>\n<SOAP-ENV:Body>\n    <wsdd:ProbeMatches>\n"
        "        <wsdd:ProbeMatch>\n            <wsa:EndpointReference>\n"
        "                <wsa:Address>urn:uuid:2419d68a-2dd2-21b2-a205-78A5DD0F9593"
        "</wsa:Address>\n"
        "                <wsa:ReferenceProperties/>\n                <wsa:ReferenceParameters/>\n"
        "                <wsa:PortType>ttl</wsa:PortType>\n"
        "            </wsa:EndpointReference>\n"
        "            <wsdd:Scopes>onvif://www.onvif.org/Profile/Streaming "
        "onvif://www.onvif.org/Model/631GA onvif://www.onvif.org/Name/IPCAM "
        "onvif://www.onvif.org/location/country/china</wsdd:Scopes>\n"
        f"            <wsdd:XAddrs>http://{ip}:80/onvif/device_service</wsdd:XAddrs>\n"
        "            <wsdd:MetadataVersion>1</wsdd:MetadataVersion>\n"
        "        </wsdd:ProbeMatch>\n    </wsdd:ProbeMatches>\n</SOAP-ENV:Body>\n"
        "</SOAP-ENV:Envelope>\n"
    ).encode()


_PROBE_NS = (
    'xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
    f'xmlns:wsa="{_WSA}" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"'
)


def wsd_probe(message_id: str, types: str = "wsdp:Device", extra_ns: str | None = None) -> bytes:
    """WS-Discovery 2005/04 Probe; Windows asks for wsdp:Device, VMS clients for NVTs.

    `extra_ns` replaces the namespace declaration chosen for the prefix of `types`.
    """
    if extra_ns is None:
        extra_ns = (
            'xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof"'
            if "wsdp:" in types
            else 'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"'
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope {_PROBE_NS} {extra_ns}>'
        "<soap:Header><wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action>"
        f"<wsa:MessageID>urn:uuid:{message_id}</wsa:MessageID></soap:Header><soap:Body>"
        f"<wsd:Probe><wsd:Types>{types}</wsd:Types></wsd:Probe></soap:Body></soap:Envelope>"
    ).encode()


def eui64_link_local(mac: str) -> str:
    """The IPv6 link-local address a device derives from its MAC (RFC 4291 modified EUI-64)."""
    b = bytearray(bytes.fromhex(mac.replace(":", "")))
    b[0] ^= 0x02
    w = bytes(b[:3]) + b"\xff\xfe" + bytes(b[3:])
    return "fe80::" + ":".join(w[i : i + 2].hex() for i in range(0, 8, 2))


# --- Dahua DHIP (docs/protocols.md §3.1), UDP 37810 on 239.255.255.251 and broadcast ----------------
DHIP_PORT = 37810
DHIP_GROUP = "239.255.255.251"
DHIP_HEADER = 32


def dhip(body: bytes) -> bytes:
    """32-byte DHIP header (length 0x20 LE, 'DHIP', zeros, body length twice) + body."""
    return struct.pack("<I4sQIIII", 0x20, b"DHIP", 0, len(body), 0, len(body), 0) + body


def dhip_search(uni: int = 1) -> bytes:
    """DHDiscover.search as DahuaConsole sends it."""
    body = {"method": "DHDiscover.search", "params": {"mac": "", "uni": uni}}
    return dhip(json.dumps(body).encode())


def dhip_notify(
    mac: str,
    ip: str,
    gateway: str,
    model: str,
    serial: str,
    vendor: str = "Private",
    version: str = "2.800.0000000.13.R",
    device_class: str = "IPC",
    *,
    manufacturer: str | None = None,
    machine_name: str | None = None,
) -> bytes:
    """client.notifyDevInfo in the key order of fixtures/dhip_notifyDevInfo_*.json.

    Manufacturer defaults to `vendor` and MachineName to `serial`, as on the fixture's unit.
    """
    info = {
        "AlarmInputChannels": 0,
        "AlarmOutputChannels": 0,
        "DeviceClass": device_class,
        "DeviceID": "",
        "DeviceType": model,
        "Find": "BC",
        "FindVersion": 1,
        "HttpPort": 80,
        "IPv4Address": {
            "DefaultGateway": gateway,
            "DhcpEnable": True,
            "IPAddress": ip,
            "SubnetMask": "255.255.255.0",
        },
        "IPv6Address": {
            "DefaultGateway": None,
            "DhcpEnable": False,
            "IPAddress": "/0",
            "LinkLocalAddress": f"{eui64_link_local(mac)}/64",
        },
        "Init": 2714,
        "MachineName": machine_name or serial,
        "Manufacturer": vendor if manufacturer is None else manufacturer,
        "Port": 37777,
        "RemoteVideoInputChannels": 0,
        "SerialNo": serial,
        "UnLoginFuncMask": 1,
        "Vendor": vendor,
        "Version": version,
        "VideoInputChannels": 1,
        "VideoOutputChannels": 0,
    }
    body = json.dumps(
        {"mac": mac.lower(), "method": "client.notifyDevInfo", "params": {"deviceInfo": info}},
        separators=(",", ":"),
    )
    return dhip(body.replace("/", "\\/").encode())  # the device escapes '/' as the fixture shows


def dhip_method(datagram: bytes) -> str | None:
    """The JSON `method` of a DHIP datagram, or None when it is not one."""
    if len(datagram) < DHIP_HEADER or datagram[4:8] != b"DHIP":
        return None
    (length,) = struct.unpack_from("<I", datagram, 16)
    try:
        body = json.loads(datagram[DHIP_HEADER : DHIP_HEADER + min(length, 65536)])
    except (ValueError, UnicodeError, RecursionError):
        return None
    method = body.get("method") if isinstance(body, dict) else None
    return method if isinstance(method, str) else None


# --- Dahua DVRIP (docs/protocols.md §3.3), TCP 37777 ----------------------------------------------------
DVRIP_PORT = 37777
DVRIP_REALM_REQUEST = b"\xa0\x01"
DVRIP_LOGINS = (b"\xa0\x00", b"\xa0\x05")  # 3DES login, login with hash: carry credentials


def dvrip_realm_request() -> bytes:
    """'Request realm' (a0 01 ..., trailer 05 02 01 01 00 00 a1 aa)."""
    return bytes.fromhex("a0010000") + bytes(20) + bytes.fromhex("05020101 0000a1aa")


def dvrip_realm_reply(serial: str, random: str = "123456789") -> bytes:
    """b0 01 header + 'Realm:Login to <serial>' and 'Random:' lines, sent before any login."""
    text = f"Realm:Login to {serial}\r\nRandom:{random}\r\n".encode()
    head = bytearray(32)
    head[0:2] = b"\xb0\x01"
    struct.pack_into("<I", head, 4, len(text))
    return bytes(head) + text


# --- Hikvision SDK port (docs/protocols.md §4), TCP 8000 ---------------------------------------------
HIK_SDK_PORT = 8000
HIK_SDK_REQUEST = bytes.fromhex("00000020 63000000") + bytes(24)
HIK_SDK_REPLY = bytes.fromhex("00000010 0000001e 0000001e 00000000")


# --- HTTP (docs/protocols.md §5) and RTSP (docs/protocols.md §6) ---------------------------------------------------------
def http_response(
    status: int,
    reason: str,
    headers: Sequence[tuple[str, str]],
    body: bytes = b"",
    content_length: str | None = "Content-Length",
) -> bytes:
    """Status line + headers exactly as given (case and order kept) + body."""
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers]
    if content_length:
        lines.append(f"{content_length}: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def rtsp_response(
    status: int,
    reason: str,
    cseq: int | str,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
) -> bytes:
    """RTSP status line, the client's CSeq echoed, the headers, then any body with its length."""
    lines = [f"RTSP/1.0 {status} {reason}", f"CSeq: {cseq}"] + [f"{k}: {v}" for k, v in headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# Bodies of the demo capture's units (Hikvision landing page and 401 page; Dahua
# XHTML landing page with the UTF-8 BOM and the t_username/@WebVersion@ login markers).
HIK_INDEX = (
    b'<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
    b'charset=utf-8" />\n<title></title>\n<script>\nwindow.location.href = '
    b'"/doc/page/login.asp?_" + (new Date()).getTime();\n</script>\n</head>\n<body>\n</body>\n'
    b"</html>\n"
)
HIK_401 = (
    b"<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head>\n"
    b"<body><h2>Access Error: 401 -- Unauthorized</h2>\n<p>Authentication Error</p>\n"
    b"</body>\n</html>\n"
)
# Web-UI script with the protocol switch Greenbone's Hikvision check looks for (docs/protocols.md §5.1).
HIK_INC_JS = (
    b"function protocolIndex(a){var b=0;"
    b'switch(a){case"HIKVISION":b=0;break;case"ONVIF":b=1;break}return b}\n'
)
HIK_404 = (
    b"<!DOCTYPE html>\n<html><head><title>Document Error: Page not found</title></head>\n"
    b"<body><h2>Access Error: 404 -- Not Found</h2>\n</body>\n</html>\n"
)


def dahua_index(title: str) -> bytes:
    """Dahua web root: UTF-8 BOM before an XHTML Strict doctype, Dahua login markers."""
    return (
        b'\xef\xbb\xbf<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        b'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        b"<title>" + title.encode() + b"</title>\n"
        b'<script src="jsBase/lib/jquery.js?version=@WebVersion@"></script>\n</head>\n'
        b'<body><div class="login"><input type="text" id="login_user" class="t_username" />'
        b'<a id="b_login" class="fn-btn">Login</a></div></body>\n</html>\n'
    )


# --- SSDP (UPnP 1.0) ----------------------------------------------------------------------------
SSDP_PORT = 1900
SSDP_GROUP = "239.255.255.250"


def ssdp_notify(server: str, location: str, nt: str, usn: str) -> bytes:
    """NOTIFY ssdp:alive (UPnP Device Architecture 1.0 §1.1.2)."""
    return (
        "NOTIFY * HTTP/1.1\r\n"
        "HOST: 239.255.255.250:1900\r\n"
        "CACHE-CONTROL: max-age=1800\r\n"
        f"LOCATION: {location}\r\n"
        f"NT: {nt}\r\n"
        "NTS: ssdp:alive\r\n"
        f"SERVER: {server}\r\n"
        f"USN: {usn}\r\n\r\n"
    ).encode()


def ssdp_search_reply(server: str, location: str, st: str, usn: str) -> bytes:
    """Unicast answer to an M-SEARCH (UPnP Device Architecture 1.0 §1.2.3)."""
    return (
        "HTTP/1.1 200 OK\r\n"
        "CACHE-CONTROL: max-age=1800\r\n"
        "EXT:\r\n"
        f"LOCATION: {location}\r\n"
        f"SERVER: {server}\r\n"
        f"ST: {st}\r\n"
        f"USN: {usn}\r\n\r\n"
    ).encode()
