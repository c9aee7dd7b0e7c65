"""Tests for scanner.decoders.wsd: WS-Discovery announcements versus client queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.decoders import wsd
from scanner.model import Kind, Meta, Observation

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "realcaps" / "fixtures"
META = Meta("test", 1, 0.0, src_ip="10.20.30.11", dst_ip="239.255.255.250", proto="udp", dport=3702)
D2005 = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
A2004 = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
D2009 = "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01"
A2005 = "http://www.w3.org/2005/08/addressing"


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"real device replies not present at {FIXTURES}")
    return path.read_bytes()


def envelope(fragment: bytes) -> bytes:
    """Put a fixture excerpt (its namespace declarations trimmed) back in a SOAP envelope."""
    start = (
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"'
        f' xmlns:d="{D2005}" xmlns:wsadis="{A2004}">'
    )
    return start.encode() + fragment + b"</env:Envelope>"


def soap(body: str, header: str = "", d: str = D2005, a: str = A2004) -> bytes:
    """A SOAP 1.2 envelope with discovery prefix d: and addressing prefix a:."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"'
        f' xmlns:d="{d}" xmlns:a="{a}" xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof">'
        f"<s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    ).encode()


# A real WS-Discovery Resolve sent by a Windows PC (ntop/nDPI tests/cfgs/default/pcap/upnp.pcap)
WINDOWS_RESOLVE = (
    b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope'
    b' xmlns:soap="http://www.w3.org/2003/05/soap-envelope"'
    b' xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"'
    b' xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"><soap:Header>'
    b"<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
    b"<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Resolve</wsa:Action>"
    b"<wsa:MessageID>urn:uuid:3f42dc9a-24ce-48d1-88f9-16b96a137d71</wsa:MessageID>"
    b"</soap:Header><soap:Body><wsd:Resolve><wsa:EndpointReference>"
    b"<wsa:Address>urn:uuid:e3248000-80ce-11db-8000-001ba99ec956</wsa:Address>"
    b"</wsa:EndpointReference></wsd:Resolve></soap:Body></soap:Envelope>"
)
# Windows-style Probe for wsdp:Device that also names a scope: still only a client query
WINDOWS_PROBE = soap(
    "<d:Probe><d:Types>wsdp:Device</d:Types>"
    "<d:Scopes>onvif://www.onvif.org/location/city/hangzhou</d:Scopes></d:Probe>",
    "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>"
    "<a:MessageID>urn:uuid:0a6d2a5f-1c1e-4b8e-9f6a-000000000001</a:MessageID>",
)


def test_dahua_hello_fixture_reports_endpoint_types_scopes_and_xaddr() -> None:
    attrs = {"action": "Hello", "message_id": "uuid:7dffd1ac-a95b-4479-ae60-0128450c7104"}
    scopes = [
        "onvif://www.onvif.org/location/country/china",
        "onvif://www.onvif.org/name/Dahua",
        "onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2",
        "onvif://www.onvif.org/Profile/Streaming",
        "onvif://www.onvif.org/type/Network_Video_Transmitter",
        "onvif://www.onvif.org/extension/unique_identifier",
    ]
    assert wsd.decode(fixture("wsd_hello_dahua_IPC-HFW2228M-I1-V2.xml"), META) == [
        Observation(Kind.WSD_ENDPOINT, "uuid:503b687a-b9d7-474f-a2d0-a18c8b25a464", META, attrs),
        Observation(Kind.WSD_TYPES, "dn:NetworkVideoTransmitter tds:Device", META, attrs),
        *[Observation(Kind.WSD_SCOPE, s, META, attrs) for s in scopes],
        Observation(Kind.WSD_XADDR, "http://192.168.1.45/onvif/device_service", META, attrs),
    ]


def test_hikvision_probematch_fixture_scopes_are_percent_decoded() -> None:
    body = fixture("wsd_probematch_body_hikvision_DS-2CD2385G1-I.xml")
    found = wsd.decode(envelope(body), META)
    assert [(o.kind, o.value) for o in found] == [
        (Kind.WSD_ENDPOINT, "urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385"),
        (Kind.WSD_TYPES, "dn:NetworkVideoTransmitter tds:Device"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/type/video_encoder"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/Profile/Streaming"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/Profile/G"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/Profile/T"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/MAC/58:50:ed:1f:e3:85"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/hardware/DS-2CD2385G1-I"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/name/HIKVISION DS-2CD2385G1-I"),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/location/city/hangzhou"),
        (Kind.WSD_XADDR, "http://192.168.124.40/onvif/device_service"),
        (Kind.WSD_XADDR, "http://[fe80::5a50:edff:fe1f:e385]/onvif/device_service"),
    ]
    assert {tuple(o.attrs.items()) for o in found} == {(("action", "ProbeMatch"),)}


def test_hikvision_probematch_excerpt_carries_message_ids() -> None:
    excerpt = fixture("wsd_probematch_hikvision_DS-2CD3955FWD-IWS_excerpt.xml")
    endpoint = wsd.decode(envelope(excerpt), META)[0]
    assert endpoint == Observation(
        Kind.WSD_ENDPOINT,
        "urn:uuid:18ec6401-3aa0-11b5-83f6-b4a3820fd92d",
        META,
        {
            "action": "ProbeMatch",
            "message_id": "urn:uuid:18ec6401-3aa0-11b5-83f6-b4a3820fd92d",
            "relates_to": "uuid:bfe8bb88-03a2-4e1a-904a-59a7d2882649",
        },
    )


def test_generic_probematch_without_types_reports_no_types() -> None:
    found = wsd.decode(fixture("wsd_probematch_generic_631GA.xml"), META)
    assert [o.kind for o in found] == [Kind.WSD_ENDPOINT] + [Kind.WSD_SCOPE] * 4 + [Kind.WSD_XADDR]


def test_windows_resolve_yields_only_a_probe() -> None:
    assert wsd.decode(WINDOWS_RESOLVE, META) == [
        Observation(
            Kind.WSD_PROBE,
            "urn:uuid:e3248000-80ce-11db-8000-001ba99ec956",
            META,
            {"action": "Resolve", "message_id": "urn:uuid:3f42dc9a-24ce-48d1-88f9-16b96a137d71"},
        )
    ]


def test_windows_probe_yields_only_a_probe_never_scopes() -> None:
    assert wsd.decode(WINDOWS_PROBE, META) == [
        Observation(
            Kind.WSD_PROBE,
            "wsdp:Device",
            META,
            {"action": "Probe", "message_id": "urn:uuid:0a6d2a5f-1c1e-4b8e-9f6a-000000000001"},
        )
    ]


def test_empty_probe_has_empty_types() -> None:
    assert [(o.kind, o.value) for o in wsd.decode(soap("<d:Probe/>"), META)] == [
        (Kind.WSD_PROBE, "")
    ]


def test_bye_reports_the_leaving_endpoint() -> None:
    bye = soap(
        "<d:Bye><a:EndpointReference><a:Address>urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385"
        "</a:Address></a:EndpointReference></d:Bye>"
    )
    assert wsd.decode(bye, META) == [
        Observation(
            Kind.WSD_ENDPOINT,
            "urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385",
            META,
            {"action": "Bye"},
        )
    ]


def test_resolve_matches_are_announcements() -> None:
    message = soap(
        "<d:ResolveMatches><d:ResolveMatch><a:EndpointReference><a:Address>urn:uuid:1"
        "</a:Address></a:EndpointReference><d:XAddrs>http://10.20.30.11/onvif/device_service"
        "</d:XAddrs></d:ResolveMatch></d:ResolveMatches>",
        "<a:RelatesTo>urn:uuid:2</a:RelatesTo>",
    )
    attrs = {"action": "ResolveMatch", "relates_to": "urn:uuid:2"}
    assert wsd.decode(message, META) == [
        Observation(Kind.WSD_ENDPOINT, "urn:uuid:1", META, attrs),
        Observation(Kind.WSD_XADDR, "http://10.20.30.11/onvif/device_service", META, attrs),
    ]


def test_2009_namespace_hello_is_understood() -> None:
    hello = soap(
        "<d:Hello><a:EndpointReference><a:Address>urn:uuid:3</a:Address></a:EndpointReference>"
        "<d:Types>wsdp:Device</d:Types></d:Hello>",
        d=D2009,
        a=A2005,
    )
    assert [(o.kind, o.value) for o in wsd.decode(hello, META)] == [
        (Kind.WSD_ENDPOINT, "urn:uuid:3"),
        (Kind.WSD_TYPES, "wsdp:Device"),
    ]


def test_probe_matches_are_bounded() -> None:
    match = (
        "<d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:4</a:Address>"
        "</a:EndpointReference></d:ProbeMatch>"
    )
    message = soap("<d:ProbeMatches>" + match * 40 + "</d:ProbeMatches>")
    assert len(wsd.decode(message, META)) == wsd.MAX_MATCHES


def test_entity_declarations_are_refused() -> None:
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>'
    assert wsd.decode(bomb, META) == []


def test_unknown_declared_encoding_yields_nothing() -> None:
    declared = WINDOWS_RESOLVE.replace(b'encoding="utf-8"', b'encoding="x-no-such-codec"')
    assert wsd.decode(declared, META) == []


def test_oversized_document_is_not_parsed() -> None:
    padded = WINDOWS_RESOLVE.replace(b"<soap:Body>", b"<soap:Body>" + b" " * wsd.MAX_XML)
    assert wsd.decode(padded, META) == []


def test_unknown_message_yields_nothing() -> None:
    assert wsd.decode(soap("<d:Something/>"), META) == []


def test_truncated_xml_yields_nothing() -> None:
    assert wsd.decode(WINDOWS_RESOLVE[:300], META) == []


# realworld:haicam-discovery: a ProbeMatches body quoted without the Envelope that declared its
# prefixes (env, d, wsadis), so it is not namespace-well-formed XML
BARE_BODY = b"""<env:Body><d:ProbeMatches><d:ProbeMatch>
<wsadis:EndpointReference><wsadis:Address>urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385</wsadis:Address></wsadis:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>
<d:Scopes>onvif://www.onvif.org/hardware/DS-2CD2385G1-I onvif://www.onvif.org/name/HIKVISION%20DS-2CD2385G1-I</d:Scopes>
<d:XAddrs>http://192.168.124.40/onvif/device_service</d:XAddrs>
</d:ProbeMatch></d:ProbeMatches></env:Body>"""


def test_a_whole_match_with_unbound_prefixes_is_read() -> None:
    attrs = {"action": "ProbeMatch"}
    assert [(o.kind, o.value, dict(o.attrs)) for o in wsd.decode(BARE_BODY, META)] == [
        (Kind.WSD_ENDPOINT, "urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385", attrs),
        (Kind.WSD_TYPES, "dn:NetworkVideoTransmitter tds:Device", attrs),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/hardware/DS-2CD2385G1-I", attrs),
        (Kind.WSD_SCOPE, "onvif://www.onvif.org/name/HIKVISION DS-2CD2385G1-I", attrs),
        (Kind.WSD_XADDR, "http://192.168.124.40/onvif/device_service", attrs),
    ]


def test_a_cut_match_is_not_read() -> None:
    assert wsd.decode(BARE_BODY[:300], META) == []
