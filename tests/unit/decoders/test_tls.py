"""Tests for scanner.decoders.tls: certificate names from DER, record reassembly, SNI, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.decoders import tls
from scanner.model import Kind, Meta

# A device at 10.0.0.64:443 and a client at 10.0.0.2:50000.
SERVER = Meta(
    "test", 1, 0.0, src_ip="10.0.0.64", dst_ip="10.0.0.2", proto="tcp", sport=443, dport=50000
)
CLIENT = Meta(
    "test", 1, 0.0, src_ip="10.0.0.2", dst_ip="10.0.0.64", proto="tcp", sport=50000, dport=443
)

# Attribute type OIDs, DER content octets.
CN = b"\x55\x04\x03"  # 2.5.4.3
SERIAL_NUMBER = b"\x55\x04\x05"  # 2.5.4.5
C = b"\x55\x04\x06"  # 2.5.4.6
L = b"\x55\x04\x07"  # 2.5.4.7
ST = b"\x55\x04\x08"  # 2.5.4.8
ORG = b"\x55\x04\x0a"  # 2.5.4.10
OU = b"\x55\x04\x0b"  # 2.5.4.11
EMAIL = b"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01"  # 1.2.840.113549.1.9.1
UNKNOWN_OID = b"\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x01"  # 1.3.6.1.4.1.311.60.2.1.1
SHA256_RSA = b"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b"  # 1.2.840.113549.1.1.11
RSA = b"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"  # 1.2.840.113549.1.1.1
# String types.
UTF8, PRINTABLE, BMP = 0x0C, 0x13, 0x1E


def der(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length (short or long form), content."""
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + content


def seq(*parts: bytes) -> bytes:
    return der(0x30, b"".join(parts))


def name(*rdns: list[tuple[bytes, int, bytes]]) -> bytes:
    """A Name: RDNs in certificate order, each a SET of (type OID, string tag, value)."""
    return seq(
        *(der(0x31, b"".join(seq(der(0x06, t), der(s, v)) for t, s, v in rdn)) for rdn in rdns)
    )


def certificate(subject: bytes, issuer: bytes, serial: bytes, validity: bytes) -> bytes:
    """A v3 certificate with a dummy key and signature (camscan never checks them)."""
    algorithm = seq(der(0x06, SHA256_RSA), der(0x05, b""))
    tbs = seq(
        der(0xA0, der(0x02, b"\x02")),  # [0] EXPLICIT version: v3
        der(0x02, serial),  # serialNumber
        algorithm,  # signature
        issuer,
        validity,
        subject,
        seq(seq(der(0x06, RSA), der(0x05, b"")), der(0x03, b"\x00" + b"\x01" * 140)),  # key
    )
    return seq(tbs, algorithm, der(0x03, b"\x00" + b"\x02" * 128))


# Hikvision DVR/NVR default certificate subject (docs/protocols.md §7), self-signed; RDNs C..CN.
HIK_NAME = name(
    [(C, PRINTABLE, b"CN")],
    [(ST, UTF8, b"ZheJiang")],
    [(L, UTF8, b"HangZhou")],
    [(ORG, UTF8, b"HIKVISION")],
    [(OU, UTF8, b"DVRNVR")],
    [(CN, UTF8, b"www.hikvision.com")],
)
HIK_VALIDITY = seq(
    der(0x17, b"160101000000Z"),  # notBefore, UTCTime
    der(0x18, b"20451231235959Z"),  # notAfter, GeneralizedTime
)
HIK_SERIAL = b"\x00\x8a\x0b\x0c"  # positive serial 0x8a0b0c with its sign byte
HIK_CERT = certificate(HIK_NAME, HIK_NAME, HIK_SERIAL, HIK_VALIDITY)
HIK_SUBJECT = "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"
HIK_ATTRS = {
    "not_before": "2016-01-01T00:00:00Z",
    "not_after": "2045-12-31T23:59:59Z",
    "serial": "8a0b0c",
}


def handshake(msg_type: int, body: bytes) -> bytes:
    """A handshake message: type, u24 length, body."""
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def record(payload: bytes, content_type: int = 22) -> bytes:
    """A TLS 1.2 record: type, version 03 03, u16 length, payload."""
    return bytes([content_type, 3, 3]) + len(payload).to_bytes(2, "big") + payload


def certificate_message(*certs: bytes) -> bytes:
    """A TLS 1.2 Certificate message: u24 list length, then u24 length + DER per certificate."""
    entries = b"".join(len(c).to_bytes(3, "big") + c for c in certs)
    return handshake(11, len(entries).to_bytes(3, "big") + entries)


# ServerHello: version 03 03, 32-byte random, empty session id, suite c0 2f, no compression.
SERVER_HELLO = handshake(2, b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\xc0\x2f" + b"\x00")


def client_hello(extensions: bytes) -> bytes:
    """A ClientHello record: version, random, empty session id, one suite, null compression."""
    body = b"\x03\x03" + b"\x22" * 32 + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00"
    body += len(extensions).to_bytes(2, "big") + extensions
    return record(handshake(1, body))


def sni_extension(host: bytes) -> bytes:
    """server_name extension (type 0) with one host_name (type 0) entry."""
    entry = b"\x00" + len(host).to_bytes(2, "big") + host
    names = len(entry).to_bytes(2, "big") + entry
    return b"\x00\x00" + len(names).to_bytes(2, "big") + names


def names_of(der: bytes) -> tuple[str, str] | None:
    """(subject, issuer) of a DER certificate as the decoder reports them, or None."""
    cert = tls.parse_certificate(der)
    return (cert.subject, cert.issuer) if cert else None


def _summary(data: bytes, meta: Meta) -> list[tuple[Kind, str, dict[str, str]]]:
    return [(o.kind, o.value, dict(o.attrs)) for o in tls.decode(data, meta)]


def test_hikvision_certificate_gives_subject_and_issuer() -> None:
    data = record(SERVER_HELLO + certificate_message(HIK_CERT))
    assert _summary(data, SERVER) == [
        (Kind.TLS_SUBJECT, HIK_SUBJECT, HIK_ATTRS),
        (Kind.TLS_ISSUER, HIK_SUBJECT, HIK_ATTRS),
    ]


def test_certificate_spanning_records_is_reassembled() -> None:
    stream = SERVER_HELLO + certificate_message(HIK_CERT)
    data = record(stream[:50]) + record(stream[50:300]) + record(stream[300:])
    assert [o.value for o in tls.decode(data, SERVER)] == [HIK_SUBJECT, HIK_SUBJECT]


def test_leaf_is_read_when_the_chain_is_cut_after_it() -> None:
    ca = certificate(
        name([(CN, UTF8, b"Some CA")]), name([(CN, UTF8, b"Some CA")]), b"\x01", HIK_VALIDITY
    )
    stream = certificate_message(HIK_CERT, ca)
    data = record(stream)[: 5 + 10 + len(HIK_CERT) + 20]  # buffer ends inside the second cert
    assert [o.value for o in tls.decode(data, SERVER)] == [HIK_SUBJECT, HIK_SUBJECT]


def test_certificate_cut_inside_the_leaf_gives_nothing() -> None:
    data = record(certificate_message(HIK_CERT))
    for end in range(len(data)):
        assert tls.decode(data[:end], SERVER) == []


def test_records_after_change_cipher_spec_are_not_read() -> None:
    # TLS 1.3: ServerHello, then ChangeCipherSpec; anything after it is encrypted.
    data = record(SERVER_HELLO) + record(b"\x01", 20) + record(certificate_message(HIK_CERT))
    assert tls.decode(data, SERVER) == []


def test_subject_and_issuer_of_der() -> None:
    assert names_of(HIK_CERT) == (HIK_SUBJECT, HIK_SUBJECT)


def test_names_are_rfc4514_escaped() -> None:
    # Dahua device CA issuer form (docs/protocols.md §7); the comma in O must be escaped.
    issuer = name(
        [(C, PRINTABLE, b"CN")],
        [(ORG, UTF8, b"Zhejiang Dahua Technology Co.,Ltd.")],
        [(CN, UTF8, b"Dahua Device NVR CA")],
    )
    subject = name([(C, PRINTABLE, b"CN")], [(CN, PRINTABLE, b"10.0.0.108")])
    cert = certificate(subject, issuer, b"\x01", HIK_VALIDITY)
    assert names_of(cert) == (
        "CN=10.0.0.108,C=CN",
        "CN=Dahua Device NVR CA,O=Zhejiang Dahua Technology Co.\\,Ltd.,C=CN",
    )


def test_leading_and_trailing_spaces_and_hash_are_escaped() -> None:
    subject = name([(L, UTF8, b" lead")], [(ST, UTF8, b"#hash")], [(CN, UTF8, b"trail ")])
    cert = certificate(subject, subject, b"\x01", HIK_VALIDITY)
    assert names_of(cert) == ("CN=trail\\ ,ST=\\#hash,L=\\ lead",) * 2


def test_other_attribute_types_multi_valued_rdns_and_string_types() -> None:
    subject = name(
        [(EMAIL, 0x16, b"admin@example.com")],  # IA5String
        [(SERIAL_NUMBER, PRINTABLE, b"DS-2CD2385G1-I20200414AAWRE33842150")],
        [(UNKNOWN_OID, PRINTABLE, b"CN")],  # unknown type: dotted OID
        [(CN, BMP, "Kamera".encode("utf-16-be")), (OU, UTF8, b"IPC")],  # two values in one RDN
        [(ORG, 0x04, b"\x01\x02")],  # OCTET STRING value: "#" + hex of the DER
    )
    cert = certificate(subject, subject, b"\x01", HIK_VALIDITY)
    expected = (
        "O=#04020102,CN=Kamera+OU=IPC,1.3.6.1.4.1.311.60.2.1.1=CN,"
        "serialNumber=DS-2CD2385G1-I20200414AAWRE33842150,emailAddress=admin@example.com"
    )
    assert names_of(cert) == (expected, expected)


def test_v1_certificate_without_version_and_with_utc_time_before_2000() -> None:
    subject = name([(CN, UTF8, b"old")])
    tbs = seq(
        der(0x02, b"\x05"),  # serialNumber 5, no [0] version (v1)
        seq(der(0x06, SHA256_RSA), der(0x05, b"")),
        subject,
        seq(der(0x17, b"991231235959Z"), der(0x17, b"490101000000Z")),  # 1999 and 2049
        subject,
        seq(seq(der(0x06, RSA), der(0x05, b"")), der(0x03, b"\x00\x01")),
    )
    cert = tls.parse_certificate(seq(tbs, seq(der(0x06, SHA256_RSA)), der(0x03, b"\x00")))
    assert cert == tls.Certificate(
        subject="CN=old",
        issuer="CN=old",
        not_before="1999-12-31T23:59:59Z",
        not_after="2049-01-01T00:00:00Z",
        serial="05",
    )


def test_odd_time_is_kept_as_written() -> None:
    validity = seq(der(0x17, b"1601010000Z"), der(0x17, b"1701010000+0800"))  # no seconds
    cert = tls.parse_certificate(certificate(HIK_NAME, HIK_NAME, b"\x01", validity))
    assert cert is not None
    assert (cert.not_before, cert.not_after) == ("1601010000Z", "1701010000+0800")


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        b"\x30",
        b"\x30\x80" + HIK_CERT[2:],  # indefinite length is not DER
        b"\x30\x85\x01\x00\x00\x00\x00",  # 5-byte length
        b"\x30\x82\xff\xff" + HIK_CERT[4:],  # length overruns the buffer
        HIK_CERT[:-1],  # last byte missing
        seq(seq(der(0x02, b"\x01"))),  # TBSCertificate with one field
        der(0x1F, b"\x00"),  # high tag number
        seq(seq(der(0x02, b"\x01"), seq(), seq(der(0x31, b"\x05\x00")), HIK_VALIDITY, HIK_NAME)),
        seq(seq(der(0x02, b"\x01"), seq(), der(0x06, b"\x80"), HIK_VALIDITY, HIK_NAME)),
    ],
)
def test_malformed_der_gives_none(bad: bytes) -> None:
    assert names_of(bad) is None


def test_bad_oid_gives_none() -> None:
    subject = seq(der(0x31, seq(der(0x06, b"\x55\x84"), der(UTF8, b"x"))))  # OID ends mid-arc
    assert names_of(certificate(subject, HIK_NAME, b"\x01", HIK_VALIDITY)) is None


def test_client_hello_sni_gives_dns_name_of_the_client() -> None:
    data = client_hello(b"\x00\x17\x00\x00" + sni_extension(b"Dev.EZVIZLife.com."))
    assert _summary(data, CLIENT) == [(Kind.DNS_NAME, "dev.ezvizlife.com", {"via": "tls-sni"})]


def test_client_hello_without_sni_gives_nothing() -> None:
    assert tls.decode(client_hello(b"\x00\x17\x00\x00"), CLIENT) == []


def test_client_hello_cut_anywhere_never_raises() -> None:
    data = client_hello(sni_extension(b"dev.hik-connect.com"))
    for end in range(len(data)):
        found = tls.decode(data[:end], CLIENT)
        assert [o.value for o in found] in ([], ["dev.hik-connect.com"])


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x16\x03",
        b"\x17\x03\x03\x00\x05hello",
        b"GET / HTTP/1.1\r\n\r\n",
        b"\x16\x03\x01\xff\xff",
    ],
)
def test_non_handshake_or_cut_input_gives_nothing(data: bytes) -> None:
    assert tls.decode(data, SERVER) == []


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (b"\x16\x03\x01\x02\x00", True),
        (b"\x16\x03\x03", True),
        (b"\x17\x03\x03", False),
        (b"\x16\x02", False),
        (b"\x16", False),
        (b"", False),
    ],
)
def test_looks_like(first: bytes, expected: bool) -> None:
    assert tls.looks_like(first) is expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_are_no_certificate(data: bytes) -> None:
    # tls.decode itself is fuzzed in tests/hostile/test_fuzz_decoders.py
    assert names_of(data) is None


def test_names_are_nfkc_normalised_so_no_break_spaces_read_as_spaces() -> None:
    # realworld:plum-island-issue-204: a Dahua NVR CA written with U+00A0 between the words
    issuer = name(
        [(CN, UTF8, "Dahua\u00a0Device\u00a0NVR\u00a0CA".encode())], [(C, PRINTABLE, b"CN")]
    )
    cert = certificate(name([(CN, UTF8, b"192.168.2.70")]), issuer, HIK_SERIAL, HIK_VALIDITY)
    assert names_of(cert) == ("CN=192.168.2.70", "C=CN,CN=Dahua Device NVR CA")
