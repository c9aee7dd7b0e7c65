"""Replay the real-world corpus through camscan and score it (what `make realworld` runs).

Every item becomes a host in one generated capture, carried the way its protocol carries it:
a TCP handshake and a client request before an HTTP/RTSP reply, a TLS 1.2 handshake with a
signed DER certificate bearing the item's names, discovery replies in their UDP framing, an
NVR's SOAP request before an ONVIF reply. Each item's host has its own locally administered MAC
and address, so only the payload can identify it.

    python tests/realworld/replay.py [--split train|held-out|all] [--batch B] [--source ID ...]
                                     [--out capture.pcap] [-v]

prints recall on Hikvision/Dahua-family items and false positives on other makers' items per
protocol class, then every miss and every false positive.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "pcaps"))

import corpus as corpus_mod  # noqa: E402
import lib_frames as lf  # noqa: E402
from corpus import Item, Source  # noqa: E402

SERVER_NET, CLIENT_NET = (10, 100), (10, 101)
CLIENT_PORT_BASE = 40000
DEFAULT_PORTS = {
    "http-response": 80, "http-headers": 80, "http-body": 80, "onvif-response": 80,
    "rtsp-response": 554, "rtsp-headers": 554, "sdp": 554, "tls-certificate": 443,
    "sdk-reply": 8000,
}  # fmt: skip
# Framings carried in one datagram: on the wire these arrive whole or not at all, so an item the
# source cut short cannot be replayed faithfully and is not scored (README, "Cut values").
DATAGRAMS = frozenset({"sadp", "dhip", "dahua-5050", "wsd", "ssdp", "dhcp", "dns-query"})
_HEADER_END = re.compile(rb"\r?\n\r?\n")
DHIP_MAGIC = b"\x20\x00\x00\x00DHIP"
_DISCOVERY = re.compile(rb'"method"\s*:\s*"(?:client\.notifyDevInfo|DHDiscover\.search)"')
_CSEQ = re.compile(rb"(?im)^cseq\s*:\s*(\d+)")
_ONVIF_ACTIONS = {
    "GetDeviceInformation": "tds", "GetCapabilities": "tds", "GetServices": "tds",
    "GetScopes": "tds", "GetSystemDateAndTime": "tds", "GetNetworkInterfaces": "tds",
    "GetHostname": "tds", "GetProfiles": "trt", "GetStreamUri": "trt",
    "GetVideoSources": "trt", "GetSnapshotUri": "trt",
}  # fmt: skip
_ONVIF_NS = {
    "tds": "http://www.onvif.org/ver10/device/wsdl",
    "trt": "http://www.onvif.org/ver10/media/wsdl",
}


@dataclass(frozen=True, slots=True)
class Placed:
    """Where an item's host sits in the capture."""

    item: Item
    split: str
    mac: str
    ip: str


# -- addresses ----------------------------------------------------------------------------------


def _addr(net: tuple[int, int], n: int) -> str:
    return f"{net[0]}.{net[1]}.{n // 250}.{n % 250 + 1}"


def _mac(prefix: int, n: int) -> str:
    # 0x02 in the first octet: locally administered, so no OUI evidence can come from it
    return f"02:{prefix:02x}:00:{(n >> 16) & 0xFF:02x}:{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"


# -- text framings ------------------------------------------------------------------------------


def crlf(text: bytes) -> bytes:
    """Lines ended by CRLF, as HTTP/RTSP headers and SDP require (pastes lose the CR)."""
    return re.sub(rb"\r?\n", b"\r\n", text)


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """(header section with CRLF line ends and the blank line, body as given)."""
    raw = raw.lstrip(b"\r\n")
    m = _HEADER_END.search(raw)
    if m is None:
        return crlf(raw.rstrip(b"\r\n")) + b"\r\n\r\n", b""
    return crlf(raw[: m.start()]) + b"\r\n\r\n", raw[m.end() :]


def _status(item: Item, default: str = "200 OK") -> str:
    return item.status.strip() or default


def _content_type(body: bytes) -> bytes:
    head = body.lstrip()[:1]
    if head == b"<":
        return b"application/xml"
    if head in (b"{", b"["):
        return b"application/json"
    return b"text/plain"


_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"})


def http_request(item: Item) -> bytes:
    """The request the item answers: `request` is "[METHOD] path [RPC method]" as recorded."""
    words = item.request.split()
    method = words.pop(0).upper() if words and words[0].upper() in _METHODS else "GET"
    path = words[0] if words and words[0].startswith("/") else "/"
    body = b""
    if method == "POST" and len(words) > 1 and re.fullmatch(r"[\w.]+", words[1]):
        # a JSON-RPC call (Dahua's /RPC2): the method is what the source recorded
        body = f'{{"method":"{words[1]}","params":null,"id":1}}'.encode()
    head = f"{method} {path} HTTP/1.1\r\nHost: device\r\nAccept: */*\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def http_exchange(item: Item) -> tuple[bytes, bytes]:
    """(client request, device reply) for the HTTP framings."""
    request = http_request(item)
    if item.framing == "http-response":
        head, body = split_message(item.payload)
        return request, head + body
    if item.framing == "http-headers":
        head, _ = split_message(item.payload)
        return request, f"HTTP/1.1 {_status(item)}\r\n".encode() + head
    body = item.payload
    head = (
        f"HTTP/1.1 {_status(item)}\r\nContent-Type: ".encode()
        + _content_type(body)
        + f"\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    )
    return request, head + body


def onvif_exchange(item: Item) -> tuple[bytes, bytes]:
    """An NVR's SOAP request for `item.request` and the device's SOAP reply."""
    action = item.request.split("/")[-1].split(":")[-1].strip() or "GetDeviceInformation"
    prefix = _ONVIF_ACTIONS.get(action, "tds")
    ns = _ONVIF_NS[prefix]
    envelope = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'
        f'<s:Body><{prefix}:{action} xmlns:{prefix}="{ns}"/></s:Body></s:Envelope>'
    ).encode()
    service = "/onvif/media_service" if prefix == "trt" else "/onvif/device_service"
    request = (
        f"POST {service} HTTP/1.1\r\nHost: device\r\n"
        f'Content-Type: application/soap+xml; charset=utf-8; action="{ns}/{action}"\r\n'
        f"Content-Length: {len(envelope)}\r\n\r\n"
    ).encode() + envelope
    body = item.payload
    if body.lstrip().startswith((b"HTTP/", b"http/")):
        head, rest = split_message(body)
        return request, head + rest
    reply = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    return request, reply


def rtsp_exchange(item: Item, ip: str, port: int) -> tuple[bytes, bytes]:
    """(client request, device reply) for the RTSP framings; the request asks what was answered."""
    if item.framing == "sdp":
        body = crlf(item.payload.strip(b"\r\n")) + b"\r\n"
        reply = (
            "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
    elif item.framing == "rtsp-headers":
        head, _ = split_message(item.payload)
        reply = f"RTSP/1.0 {_status(item)}\r\n".encode() + head
    else:
        head, body = split_message(item.payload)
        if b"application/sdp" in head.lower():
            body = crlf(body)
        reply = head + body
    cseq = _CSEQ.search(reply)
    number = cseq.group(1).decode() if cseq else "2"
    lower = reply.lower()
    method = "OPTIONS" if b"\npublic:" in lower and b"application/sdp" not in lower else "DESCRIBE"
    url = f"rtsp://{ip}:{port}/"
    extra = "Accept: application/sdp\r\n" if method == "DESCRIBE" else ""
    request = f"{method} {url} RTSP/1.0\r\nCSeq: {number}\r\n{extra}\r\n".encode()
    return request, reply


# -- certificates -------------------------------------------------------------------------------

_ATTR_ALIASES = {
    "c": "C", "countryname": "C", "st": "ST", "s": "ST", "stateorprovincename": "ST",
    "l": "L", "localityname": "L", "o": "O", "organizationname": "O", "ou": "OU",
    "organizationalunitname": "OU", "cn": "CN", "commonname": "CN", "emailaddress": "EMAIL",
    "email": "EMAIL", "e": "EMAIL", "serialnumber": "SERIALNUMBER", "dc": "DC",
    "street": "STREET", "title": "TITLE", "sn": "SN", "gn": "GN", "givenname": "GN",
    "surname": "SN", "dnqualifier": "DNQ", "unstructuredname": "UNSTRUCTUREDNAME",
}  # fmt: skip


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, cur, i, quoted = [], [], 0, False
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur.append(text[i : i + 2])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _unescape(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return re.sub(r"\\(.)", r"\1", value)


def parse_name(text: str, fmt: str) -> list[tuple[str, str]]:
    """(attribute, value) pairs in DER order (most significant first) from a printed name."""
    if fmt == "openssl-slash":
        pieces = [p for p in re.split(r"(?<!\\)/", text.strip()) if p]
    else:
        pieces = [p for p in _split_unescaped(text.strip(), ",") if p.strip()]
    pairs = []
    for piece in pieces:
        attr, _, value = piece.partition("=")
        key = _ATTR_ALIASES.get(attr.strip().lower(), attr.strip().upper())
        pairs.append((key, _unescape(value)))
    return pairs[::-1] if fmt == "rfc4514" else pairs


def certificate(subject: list[tuple[str, str]], issuer: list[tuple[str, str]], seed: str) -> bytes:
    """A DER X.509 certificate with these names, signed (Ed25519, deterministic)."""
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    oids = {
        "C": NameOID.COUNTRY_NAME, "ST": NameOID.STATE_OR_PROVINCE_NAME,
        "L": NameOID.LOCALITY_NAME, "O": NameOID.ORGANIZATION_NAME,
        "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "CN": NameOID.COMMON_NAME,
        "EMAIL": NameOID.EMAIL_ADDRESS, "SERIALNUMBER": NameOID.SERIAL_NUMBER,
        "DC": NameOID.DOMAIN_COMPONENT, "STREET": NameOID.STREET_ADDRESS,
        "TITLE": NameOID.TITLE, "SN": NameOID.SURNAME, "GN": NameOID.GIVEN_NAME,
        "DNQ": NameOID.DN_QUALIFIER,
        "UNSTRUCTUREDNAME": x509.ObjectIdentifier("1.2.840.113549.1.9.2"),
    }  # fmt: skip

    def name(pairs: list[tuple[str, str]]) -> x509.Name:
        attrs = []
        for key, value in pairs:
            oid = oids.get(key)
            if oid is None:
                raise ValueError(f"unknown name attribute {key!r}")
            if oid == NameOID.COUNTRY_NAME and len(value) != 2:
                # a two-letter code is all a country attribute may hold; keep the value as text
                attrs.append(x509.NameAttribute(oid, value, _validate=False))
            else:
                attrs.append(x509.NameAttribute(oid, value, _validate=False))
        return x509.Name(attrs)

    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed.encode()).digest())
    start = datetime(2020, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer or subject))
        .public_key(key.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(b"serial/" + seed.encode()).digest()[:8]))
        .not_valid_before(start)
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .sign(key, None)
    )
    return cert.public_bytes(Encoding.DER)


# -- building the capture -----------------------------------------------------------------------


def place(sources: Iterable[Source]) -> list[Placed]:
    """Every item with its host's MAC and address, in corpus order."""
    placed = []
    for source in sources:
        for item in source.items:
            n = len(placed)
            placed.append(Placed(item, source.split, _mac(0, n), _addr(SERVER_NET, n)))
    return placed


def _emit_item(tl: lf.Timeline, n: int, p: Placed) -> None:
    item = p.item
    server = lf.Host(p.mac, p.ip)
    client = lf.Host(_mac(1, n), _addr(CLIENT_NET, n))
    cur = tl.at(n * 0.5)
    port = item.port or DEFAULT_PORTS.get(item.framing, 0)
    sport = CLIENT_PORT_BASE + n % 20000
    framing = item.framing
    if framing in ("http-response", "http-headers", "http-body", "onvif-response"):
        pair = onvif_exchange(item) if framing == "onvif-response" else http_exchange(item)
        lf.tcp_conversation(cur, client, server, sport, port, [pair])
    elif framing in ("rtsp-response", "rtsp-headers", "sdp"):
        lf.tcp_conversation(cur, client, server, sport, port, [rtsp_exchange(item, p.ip, port)])
    elif framing == "tls-certificate":
        subject = parse_name(item.payload.decode(), item.fmt)
        issuer = parse_name(item.issuer, item.fmt) if item.issuer else []
        der = certificate(subject, issuer, item.key)
        seed = item.key
        flow = lf.TcpFlow(cur, client, server, sport, port).open()
        flow.client(lf.tls_client_hello(None, seed))
        flow.server(lf.tls_server_flight(der, seed))
        flow.close()
    elif framing == "sdk-reply":
        flow = lf.TcpFlow(cur, client, server, sport, port).open()
        flow.server(item.payload)
        flow.close(by_server=True)
    elif framing == "sadp":
        cur.emit(lf.udp(server, lf.group(lf.SADP_GROUP), lf.SADP_PORT, lf.SADP_PORT, item.payload))
    elif framing == "dhip":
        payload = item.payload
        if not payload.startswith(DHIP_MAGIC):
            payload = lf.dhip(payload)  # the source showed the JSON body only
        if _DISCOVERY.search(payload):
            cur.emit(lf.udp(server, lf.group(lf.DHIP_GROUP), lf.DHIP_PORT, lf.DHIP_PORT, payload))
        else:
            # an RPC reply (a login challenge...) travels on the device's TCP service port
            flow = lf.TcpFlow(cur, client, server, sport, item.port or 37777).open()
            flow.client(lf.dhip(b'{"method":"global.login","params":{},"id":1}'))
            flow.server(payload)
            flow.close(by_server=True)
    elif framing == "dahua-5050":
        cur.emit(lf.udp(server, client, 5050, 5050, item.payload))
    elif framing == "wsd":
        body = item.payload
        if b"ProbeMatches" in body or b"ProbeMatch>" in body:
            cur.emit(lf.udp(server, client, lf.WSD_PORT, sport, body))
        else:
            cur.emit(lf.udp(server, lf.group(lf.WSD_GROUP), lf.WSD_PORT, lf.WSD_PORT, body))
    elif framing == "ssdp":
        text = crlf(item.payload.strip(b"\r\n")) + b"\r\n\r\n"
        if text.upper().startswith(b"NOTIFY"):
            cur.emit(lf.udp(server, lf.group("239.255.255.250"), 1900, 1900, text))
        else:
            cur.emit(lf.ssdp_msearch(client, sport))
            cur.emit(lf.udp(server, client, 1900, sport, text))
    elif framing == "dhcp":
        value = item.payload.decode()
        if item.field == "hostname":
            cur.emit(lf.dhcp_request(server, 0x1000 + n, None, hostname=value))
        else:
            cur.emit(lf.dhcp_request(server, 0x1000 + n, None, vendor=value))
    elif framing == "dns-query":
        cur.emit(lf.dns_query(server, client, sport, item.payload.decode(), n & 0xFFFF))
    else:
        raise ValueError(f"{item.key}: no carrier for framing {framing!r}")


def build(placed: Sequence[Placed], path: Path) -> int:
    """Write one capture with every placed item; return the frame count."""
    tl = lf.Timeline()
    for n, p in enumerate(placed):
        _emit_item(tl, n, p)
    return tl.write(path)


# -- scoring ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """One item's verdict as camscan reported it."""

    placed: Placed
    verdict: str
    manufacturer: str | None
    confidence: float
    rules: list[tuple[str, float]] = field(default_factory=list)  # (rule id, weight) of evidence

    @property
    def evidence(self) -> list[str]:
        """The evidence rules as "id (weight)"."""
        return [f"{rule} ({weight})" for rule, weight in self.rules]

    @property
    def hit(self) -> bool:
        """A family item reported of concern with its own maker."""
        return self.verdict == "concern" and self.manufacturer == self.placed.item.maker

    @property
    def false_positive(self) -> bool:
        """An other maker's item reported as of concern or suspect."""
        return self.verdict != "clear"


def analyse(path: Path) -> dict[str, Any]:
    """The findings report `camscan pcap` writes for `path`."""
    from scanner import app
    from scanner.db import load_db

    db = load_db()
    policy = db.policy("default")
    return app.findings(app.analyse_files([path], db, policy), db, policy)


def outcomes(placed: Sequence[Placed], report: dict[str, Any]) -> list[Outcome]:
    """Each placed item matched to the device reported for its MAC (clear when absent)."""
    devices = {d["mac"]: d for d in report["devices"] if d["mac"]}
    result = []
    for p in placed:
        dev = devices.get(p.mac)
        if dev is None:
            result.append(Outcome(p, "clear", None, 0.0))
            continue
        rules = [(e["rule"], e["weight"]) for e in dev["evidence"]]
        result.append(Outcome(p, dev["verdict"], dev["manufacturer"], dev["confidence"], rules))
    return result


@dataclass(slots=True)
class Score:
    """Recall on family items and false positives on other makers' items."""

    family: int = 0
    hits: int = 0
    other: int = 0
    false_positives: int = 0

    @property
    def recall(self) -> float:
        """Share of family items reported of concern with their maker."""
        return self.hits / self.family if self.family else 1.0

    def add(self, outcome: Outcome) -> None:
        """Count one outcome (uncertain-maker items and cut datagrams are not counted)."""
        if not scored(outcome.placed.item):
            return
        family = outcome.placed.item.family
        if family is True:
            self.family += 1
            self.hits += outcome.hit
        elif family is False:
            self.other += 1
            self.false_positives += outcome.false_positive


def scored(item: Item) -> bool:
    """Whether an item counts: a known maker, and a framing that carries it as its source shows."""
    return item.family is not None and not (item.cut and item.framing in DATAGRAMS)


def score(results: Iterable[Outcome]) -> Score:
    """The Score of `results`."""
    total = Score()
    for outcome in results:
        total.add(outcome)
    return total


def select(
    sources: Iterable[Source], split: str = "all", batch: str = "", ids: Sequence[str] = ()
) -> list[Source]:
    """The sources in `split`, and in `batch` and among `ids` when those are given."""
    chosen = [s for s in sources if split in ("all", s.split)]
    if batch:
        chosen = [s for s in chosen if s.batch == batch]
    if ids:
        unknown = set(ids) - {s.id for s in sources}
        if unknown:
            raise ValueError(f"no such sources: {sorted(unknown)}")
        chosen = [s for s in chosen if s.id in ids]
    return chosen


def run(
    split: str = "all", out: Path | None = None, batch: str = "", ids: Sequence[str] = ()
) -> list[Outcome]:
    """Build the capture for the chosen sources, analyse it, return every item's outcome."""
    chosen = select(corpus_mod.load(), split, batch, ids)
    placed = place(chosen)
    with tempfile.TemporaryDirectory() as tmp:
        path = out or Path(tmp) / "realworld.pcap"
        build(placed, path)
        report = analyse(path)
    return outcomes(placed, report)


def _line(label: str, s: Score) -> str:
    recall = f"{s.hits}/{s.family} = {s.recall:.3f}" if s.family else "-"
    return f"  {label:18} recall {recall:18} false positives {s.false_positives}/{s.other}"


def _precision_line(s: Score) -> str:
    flagged = s.hits + s.false_positives
    value = f"{s.hits}/{flagged} = {s.hits / flagged:.3f}" if flagged else "-"
    return f"  precision (hits / hits + false positives) {value}"


def print_report(results: list[Outcome], verbose: bool) -> None:
    """Per-split and per-class figures, then every miss and false positive."""
    for split in ("train", "held-out"):
        part = [o for o in results if o.placed.split == split]
        if part:
            print(_line(split, score(part)))
    print(_line("all", score(results)))
    print(_precision_line(score(results)))
    print("by protocol class:")
    for framing in sorted({o.placed.item.framing for o in results}):
        print(_line(framing, score(o for o in results if o.placed.item.framing == framing)))
    sources = Counter(o.placed.item.source for o in results)
    print(f"{len(results)} items from {len(sources)} sources")
    unscored = [
        o for o in results if o.placed.item.family is not None and not scored(o.placed.item)
    ]
    misses = [o for o in results if scored(o.placed.item) and o.placed.item.family and not o.hit]
    fps = [
        o
        for o in results
        if scored(o.placed.item) and o.placed.item.family is False and o.false_positive
    ]
    for o in unscored:
        print(f"NOT SCORED: {o.placed.item.key} ({o.placed.item.framing}): cut by its source")
    for title, group in (("MISS", misses), ("FALSE POSITIVE", fps)):
        for o in group:
            item = o.placed.item
            found = f"{o.verdict} {o.manufacturer or '-'} {o.confidence:.2f}"
            print(
                f"{title}: [{o.placed.split}] {item.key} ({item.framing}, {item.maker}) -> {found}"
            )
            if verbose and o.evidence:
                print(f"    evidence: {', '.join(o.evidence)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `make realworld`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("all", "train", "held-out"), default="all")
    parser.add_argument("--batch", default="", help="only sources whose [source] batch is this")
    parser.add_argument("--source", action="append", default=[], help="only this source id")
    parser.add_argument("--out", type=Path, help="keep the generated capture here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each miss's evidence")
    args = parser.parse_args(argv)
    try:
        results = run(args.split, args.out, args.batch, args.source)
    except ValueError as exc:
        parser.error(str(exc))
    if not results:
        parser.error("no items match the chosen split, batch and sources")
    print_report(results, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
