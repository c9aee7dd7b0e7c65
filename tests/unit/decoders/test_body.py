"""Tests for scanner.decoders.body and markup: what response bodies state about their sender.

Bodies are real replies from the corpus (tests/realworld/corpus), cited by source/item.
"""

from __future__ import annotations

from scanner.decoders import body, markup
from scanner.model import Kind, Meta, Observation

META = Meta("test", 1, 0.0, src_ip="10.0.0.64", dst_ip="10.0.0.2", proto="tcp", sport=80)

# hikvision-addons-issue-260/ds-kh6320y-wte2-deviceinfo (an indoor station), cut after OEMCode
ISAPI_DEVICE_INFO = (
    '<DeviceInfo version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">\n'
    "<deviceName>Interphone</deviceName>\n"
    "<deviceID>48414135-3038-3333-3239-bc5e3354e170</deviceID>\n"
    "<model>DS-KH6320Y-WTE2</model>\n"
    "<serialNumber>DS-KH6320Y-WTE20120230424WRAA5083329U</serialNumber>\n"
    "<macAddress>bc:5e:33:54:e1:70</macAddress>\n"
    "<firmwareVersion>V2.2.12</firmwareVersion>\n"
    "<firmwareReleasedDate>build 230408</firmwareReleasedDate>\n"
    "<deviceType>DVR</deviceType>\n"
    "<OEMCode>1</OEMCode>\n"
)
# rroller-dahua-code-comment/dahua-ipc-hdw5831r-ze-getsysteminfo (magicBox getSystemInfo)
DAHUA_SYSTEM_INFO = (
    "appAutoStart=true\r\ndeviceType=IPC-HDW5831R-ZE\r\nhardwareVersion=1.00\r\nprocessor=S3LM\r\n"
    "serialNumber=4X7C5A1ZAG21L3F\r\nupdateSerial=IPC-HDW5830R-Z\r\n"
)
# go2rtc-tests/dahua-onvif-getstreamuri (an ONVIF GetStreamUri answer)
DAHUA_STREAM_URI = (
    '<?xml version="1.0" encoding="utf-8" standalone="yes" ?><s:Envelope '
    'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema"'
    ' xmlns:trt="http://www.onvif.org/ver10/media/wsdl"><s:Header/><s:Body>'
    "<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>rtsp://192.168.1.123:554/cam/realmonitor?"
    "channel=1&amp;subtype=1&amp;unicast=true&amp;proto=Onvif</tt:Uri></trt:MediaUri>"
    "</trt:GetStreamUriResponse></s:Body></s:Envelope>"
)


def _by_kind(found: list[Observation]) -> dict[Kind, list[tuple[str, dict[str, str]]]]:
    out: dict[Kind, list[tuple[str, dict[str, str]]]] = {}
    for obs in found:
        out.setdefault(obs.kind, []).append((obs.value, dict(obs.attrs)))
    return out


def test_isapi_device_info_gives_namespace_fields_and_the_stated_mac() -> None:
    found = _by_kind(body.describe(ISAPI_DEVICE_INFO.encode(), META, {"status": "200"}))
    base = {"status": "200", "root": "DeviceInfo"}
    assert found == {
        Kind.XML_NAMESPACE: [("http://www.isapi.org/ver20/XMLSchema", base)],
        Kind.DEVICE_INFO: [
            (
                "DS-KH6320Y-WTE2",
                {
                    "schema": "xml", **base, "model": "DS-KH6320Y-WTE2",
                    "serial": "DS-KH6320Y-WTE20120230424WRAA5083329U",
                    "firmware": "V2.2.12 build 230408", "device_type": "DVR",
                    "device_name": "Interphone", "mac_address": "bc:5e:33:54:e1:70",
                },
            )
        ],
        Kind.STATED_MAC: [("bc:5e:33:54:e1:70", {"via": "xml"})],
    }  # fmt: skip


def test_dahua_cgi_lines_give_their_keys_and_device_fields() -> None:
    found = _by_kind(body.describe(DAHUA_SYSTEM_INFO.encode(), META, {}))
    assert found == {
        Kind.CGI_KEYS: [
            ("appAutoStart,deviceType,hardwareVersion,processor,serialNumber,updateSerial", {})
        ],
        Kind.DEVICE_INFO: [
            (
                "IPC-HDW5831R-ZE",
                {
                    "schema": "kv", "model": "IPC-HDW5831R-ZE", "serial": "4X7C5A1ZAG21L3F",
                    "hardware": "1.00", "processor": "S3LM",
                },
            )
        ],
    }  # fmt: skip


def test_a_numeric_device_type_is_not_a_model() -> None:
    # rroller-dahua-code-comment/lorex-nvr-dhi-nvr4108hs-8p-4ks2-getsysteminfo
    text = (
        b"deviceType=31\nprocessor=ST7108\nserialNumber=ND0219110NNNNN\n"
        b"updateSerial=DHI-NVR4108HS-8P-4KS2\n"
    )
    (info,) = [o for o in body.describe(text, META, {}) if o.kind is Kind.DEVICE_INFO]
    assert info.attrs["model"] == "DHI-NVR4108HS-8P-4KS2"


def test_onvif_stream_uri_gives_the_devices_own_path() -> None:
    found = _by_kind(body.describe(DAHUA_STREAM_URI.encode(), META, {}))
    assert found[Kind.MEDIA_URI] == [
        (
            "/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif",
            {"root": "Envelope", "scheme": "rtsp"},
        )
    ]


def test_the_first_part_of_a_multipart_event_stream_is_read() -> None:
    # ha-core-issue-82767 shape: an alert stream part carrying an ISAPI event
    stream = (
        b'--boundary\r\nContent-Type: application/xml; charset="UTF-8"\r\n\r\n'
        b'<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">'
        b"<macAddress>c0:6d:ed:02:d3:d9</macAddress>"
    )
    found = _by_kind(body.describe(stream, META, {}))
    assert found[Kind.STATED_MAC] == [("c0:6d:ed:02:d3:d9", {"via": "xml"})]


def test_html_pages_and_prose_give_nothing() -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head>"
    assert body.describe(page, META, {}) == []
    assert body.describe(b"Error\nInvalid Authority!", META, {}) == []


def test_a_body_declaring_a_dtd_is_not_read() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "DS-2CD2042WD-I">]>'
        b'<DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema"><model>&x;</model>'
    )
    assert body.describe(hostile, META, {}) == []


def test_leaves_read_cut_and_prefixed_xml_in_linear_time() -> None:
    text = '<a:Root xmlns:a="urn:x"><a:Model>M1</a:Model><Serial>S &amp; 1</Serial><Cut>par'
    assert (markup.root_name(text), markup.leaves(text)) == (
        "Root",
        {"model": "M1", "serial": "S & 1"},
    )
    assert markup.namespaces(text) == ["urn:x"]
    assert markup.leaves("<a " + "x" * 200_000) == {}


def test_closes_finds_the_end_tag_with_or_without_a_prefix() -> None:
    assert markup.closes("<d:ProbeMatch>..</d:ProbeMatch>", "ProbeMatch") is True
    assert markup.closes("<ProbeMatch><MAC>x</MAC>", "ProbeMatch") is False
