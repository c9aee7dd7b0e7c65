"""Hostile payloads inside captures: nothing is expanded, resolved, or allowed to grow unbounded.

Every capture also holds an honest Hikvision camera's SADP announcement (before and after the
attack): it must be reported unchanged whatever the attacker sends.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import make_corpus as mc
import pytest
from hostile_support import analyse, by_id, measure

from scanner.decoders import dhip, dns, sadp, ssdp, wsd
from scanner.decoders._text import MAX_VALUE
from scanner.model import Kind, Meta

HONEST_ID = f"mac:{mc.HONEST.mac}"
ATTACKER_ID = f"mac:{mc.ATTACKER.mac}"
META = Meta(input="hostile", frame=1, ts=0.0, src_mac=mc.ATTACKER.mac, src_ip=mc.ATTACKER.ip)
SECONDS = 5.0  # generous: each case takes milliseconds
RSS_KB = 20 * 1024
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_honest_camera_intact(report: dict[str, Any]) -> None:
    honest = by_id(report)[HONEST_ID]
    assert (honest["manufacturer"], honest["model"], honest["serial"], honest["firmware"]) == (
        "hikvision",
        mc.HONEST_MODEL,
        mc.HONEST_SERIAL,
        mc.HONEST_FIRMWARE,
    )


def rules(report: dict[str, Any], device_id: str) -> list[str]:
    return [ev["rule"] for ev in by_id(report)[device_id]["evidence"]]


def assert_bounded(report: dict[str, Any]) -> None:
    """Every device-supplied string in the report is bounded text without control characters."""
    for device in report["devices"]:
        for key in ("hostname", "model", "serial", "firmware"):
            value = device[key] or ""
            assert len(value) <= MAX_VALUE and not CONTROL.search(value)
        for ev in device["evidence"]:
            assert len(ev["value"]) <= 2048 and not CONTROL.search(ev["value"])


# -- XML: entity expansion and external entities -----------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "sadp_billion_laughs.pcap",
        "sadp_xxe_file.pcap",
        "sadp_xxe_parameter.pcap",
        "wsd_billion_laughs.pcap",
        "wsd_xxe_file.pcap",
        "ssdp_xxe_file.pcap",
    ],
)
def test_xml_with_a_dtd_gives_no_evidence_and_expands_nothing(
    corpus: dict[str, Path], name: str
) -> None:
    cost = measure(corpus[name])
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB
    report = analyse(corpus[name])
    text = json.dumps(report)
    assert mc.PASSWD_MARKER not in text and "lollol" not in text
    assert rules(report, ATTACKER_ID) == []
    assert_honest_camera_intact(report)


@pytest.mark.parametrize(
    ("decode", "payload"),
    [
        (sadp.decode, mc.sadp_with_dtd(mc.LAUGHS, "&lol9;")),
        (sadp.decode, mc.sadp_with_dtd(mc.XXE_FILE, "&xxe;")),
        (sadp.decode, mc.sadp_with_dtd(mc.XXE_PARAM, "x")),
        (wsd.decode, mc.wsd_hello_with_dtd(mc.LAUGHS, "&lol9;")),
        (wsd.decode, mc.wsd_hello_with_dtd(mc.XXE_FILE, "&xxe;")),
    ],
)
def test_xml_decoders_refuse_any_dtd(decode: Any, payload: bytes) -> None:
    started = time.perf_counter()
    assert decode(payload, META) == []
    assert time.perf_counter() - started < 1.0


def test_same_sadp_reply_without_the_dtd_is_evidence() -> None:
    # the control for the test above: the refusal is the DTD's doing, not a broken payload
    found = sadp.decode(mc.sadp_with_dtd("", "DS-X"), META)
    assert [(o.kind, o.value) for o in found] == [
        (Kind.SADP, "DS-X"),
        (Kind.MAC_IP, f"{mc.ATTACKER.mac} {mc.ATTACKER.ip}"),
    ]


def test_ssdp_location_pointing_at_a_local_file_is_never_read() -> None:
    notify = mc.ssdp_notify(b"Linux UPnP/1.0 x", b"file:///etc/passwd")
    found = ssdp.decode(notify, META)
    assert [o.value for o in found] == ["Linux UPnP/1.0 x", "uuid:0a666600-0066::upnp:rootdevice"]
    assert found[0].attrs["location"] == "file:///etc/passwd"  # reported as text, not fetched


# -- JSON nesting ------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [30_000, 200_000])
def test_dhip_json_nested_deep_is_dropped_quickly(depth: int) -> None:
    payload = mc.dhip(mc.dhip_nested(depth))
    started = time.perf_counter()
    assert dhip.decode(payload, META) == []
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "name", ["dhip_nested_30k.pcap", "dhip_nested_200k_tcp.pcap", "dhip_claims_4gib.pcap"]
)
def test_deep_dhip_json_in_a_capture_costs_little(corpus: dict[str, Path], name: str) -> None:
    cost = measure(corpus[name])
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB
    assert cost["stats"]["decode_errors"] == 0
    report = analyse(corpus[name])
    assert rules(report, ATTACKER_ID) == []
    assert_honest_camera_intact(report)


# -- HTTP and TCP ------------------------------------------------------------------------------


def test_3_mb_header_line_keeps_the_headers_before_it(corpus: dict[str, Path]) -> None:
    cost = measure(corpus["http_3mb_header_line.pcap"])
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB
    report = analyse(corpus["http_3mb_header_line.pcap"])
    [evidence] = by_id(report)[ATTACKER_ID]["evidence"]
    assert (evidence["rule"], evidence["value"], evidence["truncated"]) == (
        "hikvision.http_server.app-webs",
        "App-webs/",
        False,
    )
    assert_honest_camera_intact(report)


def test_long_server_header_is_cut_to_512_characters_and_marked(corpus: dict[str, Path]) -> None:
    report = analyse(corpus["http_long_server.pcap"])
    [evidence] = by_id(report)[ATTACKER_ID]["evidence"]
    assert evidence["value"] == mc.LONG_SERVER.decode()[:MAX_VALUE]
    assert evidence["truncated"] is True
    assert_bounded(report)


def test_one_byte_segments_are_reassembled(corpus: dict[str, Path]) -> None:
    # regression: the first 1-byte segment ("H") decided the stream was not HTTP
    cost = measure(corpus["tcp_tiny_segments.pcap"])
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB
    assert cost["stats"]["frames"] == 3137
    report = analyse(corpus["tcp_tiny_segments.pcap"])
    assert rules(report, ATTACKER_ID) == ["hikvision.http_server.app-webs"]
    assert_honest_camera_intact(report)


def test_shuffled_one_byte_segments_cost_little_and_harm_nothing(
    corpus: dict[str, Path],
) -> None:
    # more out-of-order segments than a direction holds (32): the stream is given up, not grown
    cost = measure(corpus["tcp_tiny_segments_shuffled.pcap"])
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB
    report = analyse(corpus["tcp_tiny_segments_shuffled.pcap"])
    assert rules(report, ATTACKER_ID) == []
    assert_honest_camera_intact(report)


# -- bytes that are not text -------------------------------------------------------------------


def test_invalid_utf8_and_nul_bytes_become_replacement_characters(
    corpus: dict[str, Path],
) -> None:
    report = analyse(corpus["invalid_utf8_nul.pcap"])
    attacker = by_id(report)[ATTACKER_ID]
    assert attacker["hostname"] == "cam\ufffd\ufffd\ufffd\ufffdname"
    assert [ev["value"] for ev in attacker["evidence"]] == ["App-webs/\ufffd\ufffd\ufffd\ufffd"]
    assert "\x00" not in json.dumps(report, ensure_ascii=False)
    assert "\\u0000" not in json.dumps(report)
    assert_bounded(report)
    assert_honest_camera_intact(report)


# -- DNS names ---------------------------------------------------------------------------------


def test_absurd_dns_names_give_nothing_and_cost_little(corpus: dict[str, Path]) -> None:
    cost = measure(corpus["dns_absurd_names.pcap"])
    assert cost["seconds"] < SECONDS and cost["rss_kb"] < RSS_KB
    report = analyse(corpus["dns_absurd_names.pcap"])
    assert rules(report, ATTACKER_ID) == []
    assert report["run"]["stats"]["decode_errors"] == 0
    assert_honest_camera_intact(report)


@pytest.mark.parametrize(
    ("wire", "error"),
    [
        (b"\xc0\x0c", "compression pointer loop"),
        (b"\x01a\xc0\x0e\x01b\xc0\x0c", "compression pointer loop"),
        (b"\x01x" * 300 + b"\0", "name too long"),
        ((b"\x3f" + b"y" * 63) * 5 + b"\0", "name too long"),
    ],
)
def test_dns_read_name_refuses_loops_and_overlong_names(wire: bytes, error: str) -> None:
    message = mc.dns_query(wire)
    with pytest.raises(ValueError, match=error):
        dns.read_name(message, 12)


def test_dns_query_with_a_pointer_loop_decodes_to_nothing() -> None:
    meta = Meta(input="hostile", frame=1, ts=0.0, src_ip=mc.ATTACKER.ip, sport=40000, dport=53)
    assert dns.decode(mc.dns_query(b"\xc0\x0c", qdcount=64), meta) == []


def test_long_sadp_model_is_cut_to_512_characters_and_marked(corpus: dict[str, Path]) -> None:
    report = analyse(corpus["sadp_long_model.pcap"])
    attacker = by_id(report)[ATTACKER_ID]
    [evidence] = [ev for ev in attacker["evidence"] if ev["signal"] == "sadp"]
    assert evidence["value"] == mc.LONG_MODEL[:MAX_VALUE]
    assert evidence["truncated"] is True
    assert attacker["model"] == mc.LONG_MODEL[:MAX_VALUE]
    assert attacker["serial"] == ("SN-" + mc.LONG_MODEL)[:MAX_VALUE]
    assert_bounded(report)
