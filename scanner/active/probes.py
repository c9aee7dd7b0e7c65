"""Request builders for every active probe: pure functions from parameters to bytes.

Each request restates a documented probe (its docs/protocols.md section in the docstring). None
of them carries a credential, and none asks a device to change anything.
"""

from __future__ import annotations

import json
import struct

from scanner import __version__
from scanner.active.frames import ETH_BROADCAST, arp_frame
from scanner.decoders import dhip, http, ssdp, tls
from scanner.decoders.arp import ARP_REQUEST

USER_AGENT = f"camscan/{__version__}"
# WS-Discovery 2005/04 as ONVIF devices speak it (docs/protocols.md §8); Types namespaces follow.
WSD_TO = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
WSD_PROBE_ACTION = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
WSD_NAMESPACES = {
    "dn": "http://www.onvif.org/ver10/network/wsdl",
    "tds": "http://www.onvif.org/ver10/device/wsdl",
}
WSD_TYPES = ("dn:NetworkVideoTransmitter", "tds:Device")
SSDP_PORT = ssdp.UDP_PORTS[0]
SSDP_GROUP = ssdp.MULTICAST_V4
SSDP_MX = 1  # seconds a device may wait before answering; 1 is the least UPnP 1.1 allows
# DNS-SD types camscan asks for: the service list, and the web/RTSP/ONVIF services of cameras.
MDNS_QUESTIONS = (
    "_services._dns-sd._udp.local",
    "_http._tcp.local",
    "_rtsp._tcp.local",
    "_onvif._tcp.local",
    "_device-info._tcp.local",
)
DNS_PTR, DNS_IN_QU = 12, 0x8001  # PTR; class IN with the unicast-response bit (RFC 6762 §5.4)


def sadp_inquiry(uuid: str) -> bytes:
    """SADP <Probe> of Types inquiry with an upper-case Uuid (docs/protocols.md §2.1)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<Probe><Uuid>{uuid.upper()}</Uuid><MAC>ff-ff-ff-ff-ff-ff</MAC>"
        "<Types>inquiry</Types></Probe>"
    ).encode()


def dhip_search() -> bytes:
    """DHIP DHDiscover.search: 32-byte header (length 0x20, "DHIP", body length twice) + JSON."""
    body = json.dumps(
        {"method": dhip.SEARCH_METHOD, "params": {"mac": "", "uni": 1}}, separators=(",", ":")
    ).encode()
    return struct.pack("<I4sQIIII", dhip.HEADER_LEN, b"DHIP", 0, len(body), 0, len(body), 0) + body


def dahua_legacy_search() -> bytes:
    """Legacy UDP 5050 search (docs/protocols.md §3.2): a3 01 00 01, 02 00 00 00 at offset 16."""
    packet = bytearray(32)
    packet[0:4] = b"\xa3\x01\x00\x01"
    packet[16:20] = b"\x02\x00\x00\x00"
    return bytes(packet)


def wsd_probe(types: str, message_id: str) -> bytes:
    """WS-Discovery Probe for one ONVIF type ("dn:NetworkVideoTransmitter" or "tds:Device")."""
    prefix = types.split(":", 1)[0]
    ns = WSD_NAMESPACES[prefix]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        f'xmlns:{prefix}="{ns}"><s:Header>'
        f"<a:Action>{WSD_PROBE_ACTION}</a:Action>"
        f"<a:MessageID>urn:uuid:{message_id}</a:MessageID>"
        f"<a:To>{WSD_TO}</a:To></s:Header><s:Body>"
        f"<d:Probe><d:Types>{types}</d:Types></d:Probe></s:Body></s:Envelope>"
    ).encode()


def ssdp_msearch(search_target: str = "ssdp:all", mx: int = SSDP_MX) -> bytes:
    """SSDP M-SEARCH to the UPnP group (UPnP Device Architecture 1.1 §1.3.2)."""
    return (
        "M-SEARCH * HTTP/1.1\r\n"
        f"HOST: {SSDP_GROUP}:{SSDP_PORT}\r\n"
        'MAN: "ssdp:discover"\r\n'
        f"MX: {mx}\r\n"
        f"ST: {search_target}\r\n"
        f"USER-AGENT: {USER_AGENT}\r\n\r\n"
    ).encode()


def mdns_query(names: tuple[str, ...] = MDNS_QUESTIONS) -> bytes:
    """One mDNS query of PTR questions with the unicast-response bit (RFC 6762 §5.4)."""
    out = bytearray(struct.pack("!6H", 0, 0, len(names), 0, 0, 0))
    for name in names:
        for label in name.split("."):
            out += bytes([len(label)]) + label.encode()
        out += b"\0" + struct.pack("!HH", DNS_PTR, DNS_IN_QU)
    return bytes(out)


def hik_sdk_probe() -> bytes:
    """00 00 00 20 63, 27 zeros, to TCP 8000; a device answers 16 bytes (docs/protocols.md §4)."""
    return b"\x00\x00\x00\x20\x63" + bytes(27)


def dvrip_realm_request() -> bytes:
    """DVRIP realm request: a0 01, 22 zeros, 05 02 01 01 00 00 a1 aa (docs/protocols.md §3.3)."""
    return b"\xa0\x01\x00\x00" + bytes(20) + b"\x05\x02\x01\x01\x00\x00\xa1\xaa"


def http_get(host: str, port: int, path: str) -> bytes:
    """A plain HTTP/1.1 GET without credentials or cookies; the server closes after answering."""
    authority = host if port in (http.HTTP_PORT, tls.HTTPS_PORT) else f"{host}:{port}"
    return (
        f"GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode()


def rtsp_request(method: str, host: str, port: int, cseq: int) -> bytes:
    """RTSP OPTIONS or DESCRIBE of the server root, without credentials (RFC 2326 §10)."""
    if method not in ("OPTIONS", "DESCRIBE"):
        raise ValueError(f"camscan sends only OPTIONS and DESCRIBE, not {method}")
    accept = "Accept: application/sdp\r\n" if method == "DESCRIBE" else ""
    return (
        f"{method} rtsp://{host}:{port}/ RTSP/1.0\r\nCSeq: {cseq}\r\n"
        f"User-Agent: {USER_AGENT}\r\n{accept}\r\n"
    ).encode()


def arp_request(src_mac: bytes, src_ip: str, target_ip: str) -> bytes:
    """Broadcast Ethernet frame with an ARP who-has for `target_ip`, padded to 60 bytes."""
    return arp_frame(ARP_REQUEST, src_mac, src_ip, bytes(6), target_ip, ETH_BROADCAST)
