"""The flat records every sensor produces: packet context (Meta) and Observation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What an observation is; also the vendor_db fingerprint kind it is matched under."""

    MAC_IP = "mac_ip"  # a binding of MAC to IP stated on the wire; attrs: mac, ip, via
    DHCP_HOSTNAME = "dhcp_hostname"  # value: option 12 host name
    DHCP_VENDOR_CLASS = "dhcp_vendor_class"  # value: option 60 vendor class id
    DNS_NAME = "dns_name"  # value: a name the sender asked for (lower case, no trailing dot)
    MDNS_SERVICE = "mdns_service"  # value: service type or instance name the sender announced
    MDNS_TXT = "mdns_txt"  # value: one "key=value" TXT string the sender announced
    SSDP_SERVER = "ssdp_server"  # value: SERVER header of a NOTIFY or M-SEARCH reply
    SSDP_USN = "ssdp_usn"  # value: USN header
    SSDP_SEARCH = "ssdp_search"  # value: ST of an M-SEARCH (the sender is a client)
    WSD_SCOPE = "wsd_scope"  # value: one scope URI from Hello/ProbeMatch
    WSD_TYPES = "wsd_types"  # value: Types of Hello/ProbeMatch
    WSD_ENDPOINT = "wsd_endpoint"  # value: EndpointReference address (urn:uuid:...)
    WSD_XADDR = "wsd_xaddr"  # value: one XAddrs URL
    WSD_PROBE = "wsd_probe"  # value: Probe/Resolve types (the sender is a client, not a device)
    SADP = "sadp"  # value: model (DeviceDescription); attrs: model serial firmware mac ip ...
    SADP_LEGACY = "sadp_legacy"  # value: query type name of an EtherType 0x8033 frame
    SADP_PROBE = "sadp_probe"  # value: Types of a <Probe> (the sender is a client)
    DHIP = "dhip"  # value: DeviceType (model); attrs: model serial firmware mac ip vendor ...
    DHIP_SEARCH = "dhip_search"  # value: method of a DHIP request (the sender is a client)
    DAHUA_5050 = "dahua_5050"  # value: device name/model; attrs as DHIP
    HTTP_SERVER = "http_server"  # value: Server header of a response
    HTTP_AUTH = "http_www_authenticate"  # value: one WWW-Authenticate header value
    HTTP_TITLE = "http_title"  # value: <title> text
    HTTP_HEADERS = "http_header_names"  # value: response header names as sent, joined by ","
    HTTP_BODY = "http_body"  # value: start of the response body (bounded)
    HTTP_LOCATION = "http_location"  # value: Location header
    HTTP_REQUEST = "http_request"  # value: "METHOD path" of a request (about the receiver)
    DEVICE_INFO = "device_info"  # value: maker, model or serial a body states; attrs: the fields
    XML_NAMESPACE = "xml_namespace"  # value: a namespace URI a response body declares; attrs: root
    CGI_KEYS = "cgi_keys"  # value: keys of a key=value response body, joined by ","
    STATED_MAC = "stated_mac"  # value: a MAC a device states as its own (realm, DeviceInfo); via
    MEDIA_URI = "media_uri"  # value: path?query of a stream/service URI a device states as its own
    RTSP_SERVER = "rtsp_server"  # value: Server header of an RTSP response
    RTSP_AUTH = "rtsp_www_authenticate"  # value: one WWW-Authenticate value of an RTSP response
    RTSP_PUBLIC = "rtsp_public"  # value: Public header (method list)
    RTSP_HEADERS = "rtsp_header_names"  # value: response header names as sent, joined by ","
    RTSP_SDP = "rtsp_sdp"  # value: SDP body of a DESCRIBE reply, lines joined by "\n" (bounded)
    RTSP_REQUEST = "rtsp_request"  # value: path of an RTSP request URL (about the receiver)
    TLS_SUBJECT = "tls_subject"  # value: leaf certificate subject, RFC 4514 order "CN=..,O=.."
    TLS_ISSUER = "tls_issuer"  # value: leaf certificate issuer, same form
    SDK_REPLY = "sdk_reply"  # value: hex of the first bytes a server sent on a TCP port
    DVRIP_REALM = "dvrip_realm"  # value: realm text of a DVRIP reply ("Login to ...")
    P2P = "p2p"  # value: P2P/cloud message form ("PTCP", "DHGET /path", "inverted-stun")
    OUI = "oui"  # value: registry organisation of a MAC (made by the engine, not decoders)


@dataclass(frozen=True, slots=True)
class Meta:
    """Where and when a packet (or the first packet of a TCP stream direction) was seen."""

    input: str
    frame: int
    ts: float
    vlan: int | None = None
    src_mac: str | None = None
    dst_mac: str | None = None
    src_ip: str | None = None
    dst_ip: str | None = None
    proto: str = "eth"  # "eth", "udp", "tcp", "icmpv6"
    sport: int | None = None
    dport: int | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """One fact seen on the wire, about the sender of `meta` unless its rule says otherwise."""

    kind: Kind
    value: str
    meta: Meta
    attrs: Mapping[str, str] = field(default_factory=dict)
    truncated: bool = False
