"""What a device says about itself in a response body: XML (ISAPI, PSIA, ONVIF SOAP, UPnP),
CGI `key=value` lines, and the URIs it states as its own.

Bodies arrive cut at a buffer's end, so everything is read with tolerant scans (markup.py):
a DeviceInfo missing its closing tags still names its model.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from scanner.decoders import markup
from scanner.decoders._text import MAX_VALUE, text, was_cut
from scanner.decoders.arp import mac_from_text
from scanner.model import Kind, Meta, Observation

MAX_BODY = 16 * 1024  # characters of a body read for structure
MAX_KEYS = 32  # CGI keys kept in the CGI_KEYS value
MAX_URIS = 8
MAX_SCOPES = 32
NAMESPACES_LIMIT = 2048  # characters of the space-joined namespace URIs
# local element name (lower case) -> attr; the first listed wins when several are present.
# Never "mac" or "ip": those attrs name an observation's subject (engine.core).
XML_FIELDS = (
    ("manufacturer", "manufacturer"), ("vendor", "manufacturer"),
    ("model", "model"), ("modelname", "model"), ("devicedescription", "model"),
    ("serialnumber", "serial"), ("devicesn", "serial"),
    ("firmwareversion", "firmware"), ("softwareversion", "firmware"),
    ("firmwarereleaseddate", "firmware_build"),
    ("devicetype", "device_type"), ("devicename", "device_name"),
    ("friendlyname", "device_name"), ("macaddress", "mac_address"),
    ("hwaddress", "mac_address"), ("hardwareid", "hardware"),
    ("hardwareversion", "hardware"), ("analogchannelnum", "analog_channels"),
    ("digitalchannelnum", "digital_channels"), ("videoinputchannels", "analog_channels"),
    ("remotevideoinputchannels", "digital_channels"),
)  # fmt: skip
# CGI key -> attr (Dahua magicBox/configManager replies; Amcrest, Lorex and others alike)
KV_FIELDS = (
    ("deviceType", "model"), ("type", "model"), ("updateSerial", "model"),
    ("serialNumber", "serial"), ("SerialNo", "serial"), ("version", "firmware"),
    ("vendor", "manufacturer"), ("hardwareVersion", "hardware"), ("processor", "processor"),
    ("table.General.MachineName", "device_name"),
)  # fmt: skip
URI_ELEMENTS = frozenset({"uri", "xaddr", "xaddrs", "presentationurl", "url"})
_KV_LINE = re.compile(r"([A-Za-z_][\w.\[\]]{0,128}+)=([^\r\n]{0,512}+)")
_NUMERIC = re.compile(r"\d{1,4}")
_PART_HEAD_END = re.compile(r"\r?\n\r?\n")
_IDENTIFYING = ("manufacturer", "model", "serial", "firmware")


def describe(body: bytes | str, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    """DEVICE_INFO, XML_NAMESPACE, CGI_KEYS and MEDIA_URI observations of one response body."""
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else body
    raw = _first_part(raw[:MAX_BODY])
    if markup.declares_dtd(raw):
        return []
    if markup.looks_like_xml(raw):
        return _xml(raw, meta, attrs)
    return _key_values(raw, meta, attrs)


def _first_part(body: str) -> str:
    """The content of the first part of a multipart body (event streams), else the body."""
    if not body.lstrip().startswith("--"):
        return body
    m = _PART_HEAD_END.search(body)
    return body[m.end() :] if m else body


def _xml(body: str, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    root = markup.root_name(body)
    base = {**attrs, "root": root} if root else dict(attrs)
    declared = markup.namespaces(body)
    # one observation per body: a SOAP envelope declares thirty-odd namespaces, the same ones in
    # every reply of a device, and the telling one may be the last
    joined = " ".join(declared)
    out = [_obs(Kind.XML_NAMESPACE, joined, meta, base, NAMESPACES_LIMIT)] if declared else []
    leaves = markup.leaves(body)
    fields = {"schema": "xml", **base}
    for name, attr in XML_FIELDS:
        value = text(leaves.get(name, ""), 128)
        if value and attr not in fields:
            fields[attr] = value
    build = fields.pop("firmware_build", "")
    if build and fields.get("firmware") and "build" not in fields["firmware"].lower():
        # ISAPI states "V5.6.2" and "build 190701" apart; advisories read them together
        fields["firmware"] = text(f"{fields['firmware']} {build}", 128)
    out += _device_info(fields, meta)
    # ONVIF GetScopes answers with the scopes WS-Discovery announces: read them the same way
    for scope in markup.texts(body, "ScopeItem", MAX_SCOPES):
        out.append(_obs(Kind.WSD_SCOPE, unquote(scope, errors="replace"), meta, base))
    uris = [leaves[name] for name in URI_ELEMENTS if name in leaves]
    for uri in [u for value in uris for u in value.split()][:MAX_URIS]:
        out += media_uri(uri, meta, base)
    return out


def _key_values(body: str, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    """CGI_KEYS and DEVICE_INFO when the body is (mostly) `key=value` lines."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    pairs: dict[str, str] = {}
    for line in lines[:256]:
        m = _KV_LINE.fullmatch(line)
        if m:
            pairs.setdefault(m.group(1), m.group(2).strip())
    if not pairs or len(pairs) * 2 < min(len(lines), 256):
        return []
    keys = ",".join(list(pairs)[:MAX_KEYS])
    out = [_obs(Kind.CGI_KEYS, keys, meta, dict(attrs))]
    fields = {"schema": "kv", **attrs}
    for key, attr in KV_FIELDS:
        value = text(pairs.get(key, ""), 128)
        if not value or attr in fields:
            continue
        if attr == "model" and _NUMERIC.fullmatch(value):
            continue  # a device class number, not a model
        fields[attr] = value
    return out + _device_info(fields, meta)


def _device_info(fields: dict[str, str], meta: Meta) -> list[Observation]:
    """One DEVICE_INFO when the fields name a maker, model, serial or firmware; STATED_MAC when
    they state the sender's own MAC (ISAPI DeviceInfo and event alerts do)."""
    value = next((fields[k] for k in _IDENTIFYING if fields.get(k)), "")
    out = [_obs(Kind.DEVICE_INFO, value, meta, fields)] if value else []
    mac = mac_from_text(fields.get("mac_address", ""))
    if mac:
        out.append(Observation(Kind.STATED_MAC, mac, meta, {"via": fields["schema"]}))
    return out


def media_uri(uri: str, meta: Meta, attrs: dict[str, str]) -> list[Observation]:
    """MEDIA_URI (path and query) of a URI a device states as its own stream or service."""
    try:
        parts = urlsplit(uri.strip())
    except ValueError:
        return []
    if parts.scheme.lower() not in ("rtsp", "rtsps", "http", "https") or not parts.path:
        return []
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return [_obs(Kind.MEDIA_URI, path, meta, {**attrs, "scheme": parts.scheme.lower()})]


def _obs(
    kind: Kind, value: str, meta: Meta, attrs: dict[str, str], limit: int = MAX_VALUE
) -> Observation:
    return Observation(kind, text(value, limit), meta, attrs, truncated=was_cut(value, limit))
