"""Matching: rule matchers and claims in isolation, then targeted checks on the shipped rules."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.db import load_db
from scanner.db.match import Entry, compile_entry
from scanner.errors import DatabaseError

VOCAB = {
    "manufacturer": frozenset({"hikvision", "dahua"}),
    "brand": frozenset({"cp-plus", "lorex"}),
    "kind": frozenset({"camera"}),
}


def entry(**fields: Any) -> Entry:
    raw = {"id": "t.rule", "weight": 0.5, "source": "test", "claims": {"manufacturer": "dahua"}}
    return compile_entry({**raw, **fields}, "test_kind", "test.toml", VOCAB)


def claims(rule: Entry, value: str, attrs: dict[str, str] | None = None) -> dict[str, str] | None:
    found = rule.match(value, attrs)
    return None if found is None else dict(found.claims)


def test_equals_matches_the_whole_value_only() -> None:
    rule = entry(equals="PTCP")
    assert (claims(rule, "PTCP"), claims(rule, "PTCPX"), claims(rule, "ptcp")) == (
        {"manufacturer": "dahua"},
        None,
        None,
    )


def test_equals_with_i_flag_ignores_case() -> None:
    assert claims(entry(equals="PTCP", flags="i"), "ptcp") == {"manufacturer": "dahua"}


def test_prefix_matches_the_start_only() -> None:
    rule = entry(prefix="App-webs/")
    assert (claims(rule, "App-webs/1.0"), claims(rule, "x App-webs/")) == (
        {"manufacturer": "dahua"},
        None,
    )


def test_hex_is_a_case_insensitive_prefix() -> None:
    rule = entry(hex="0000001000")
    assert (
        claims(rule, "0000001000ff"),
        claims(rule, "0000001000FF"),
        claims(rule, "00000020"),
    ) == (
        {"manufacturer": "dahua"},
        {"manufacturer": "dahua"},
        None,
    )


def test_hex_needs_whole_bytes() -> None:
    with pytest.raises(DatabaseError, match="not an even number of hex digits"):
        entry(hex="000")


def test_any_matches_every_value() -> None:
    assert claims(entry(any=True), "") == {"manufacturer": "dahua"}


def test_pattern_is_searched_not_anchored() -> None:
    assert claims(entry(pattern="Rtsp"), "Dahua Rtsp Server") == {"manufacturer": "dahua"}


def test_when_requires_the_attr_to_be_present_and_matching() -> None:
    rule = entry(any=True, when={"vendor": "^Lorex$"}, claims={"brand": "lorex"})
    assert (
        claims(rule, "x", {"vendor": "Lorex"}),
        claims(rule, "x", {"vendor": "Private"}),
        claims(rule, "x", {}),
        claims(rule, "x"),
    ) == ({"brand": "lorex"}, None, None, None)


def test_named_groups_add_claims() -> None:
    rule = entry(pattern=r"^Login to (?P<serial>\w+)$")
    assert claims(rule, "Login to 6C01E93PAG69A7D") == {
        "manufacturer": "dahua",
        "serial": "6C01E93PAG69A7D",
    }


def test_group_that_did_not_take_part_adds_nothing() -> None:
    rule = entry(pattern=r"^name/HIKVISION(?: (?P<model>\S+))?$")
    assert claims(rule, "name/HIKVISION") == {"manufacturer": "dahua"}


def test_brand_group_is_normalised_to_a_vocabulary_slug() -> None:
    rule = entry(pattern=r"^name/(?P<brand>.+)$")
    assert claims(rule, "name/CP PLUS") == {"manufacturer": "dahua", "brand": "cp-plus"}


def test_brand_group_outside_the_vocabulary_is_dropped() -> None:
    rule = entry(pattern=r"^name/(?P<brand>.+)$")
    assert claims(rule, "name/Acme Cams") == {"manufacturer": "dahua"}


def test_adopt_takes_non_empty_attrs_only() -> None:
    rule = entry(any=True, adopt=["model", "serial", "firmware"])
    attrs = {"model": "IPC-HDW1431T1-S4", "serial": "", "mac": "08:ed:ed:87:42:7a"}
    assert claims(rule, "x", attrs) == {"manufacturer": "dahua", "model": "IPC-HDW1431T1-S4"}


def test_claim_both_fixed_and_captured_is_rejected() -> None:
    with pytest.raises(DatabaseError, match=r"\['model'\] both fixed in claims and captured"):
        entry(pattern="(?P<model>.+)", claims={"model": "x"})


def test_adopting_an_unknown_attr_is_rejected() -> None:
    with pytest.raises(DatabaseError, match="adopt may only name"):
        entry(any=True, adopt=["vendor"])


def test_unknown_flag_is_rejected() -> None:
    with pytest.raises(DatabaseError, match="unknown flags 'g'"):
        entry(pattern="x", flags="ig")


def test_about_must_be_sender_or_receiver() -> None:
    with pytest.raises(DatabaseError, match="about must be 'sender' or 'receiver'"):
        entry(pattern="x", about="client")


def test_rule_fields_default_to_sender_and_kind_signal() -> None:
    rule = entry(pattern="x").rule
    assert (rule.about, rule.signal, rule.lan_only, rule.adopt) == (
        "sender",
        "test_kind",
        False,
        (),
    )


# --- the shipped rules ------------------------------------------------------------------------


def test_dhip_reply_is_dahua_whatever_its_vendor_string_says() -> None:
    attrs = {"model": "IPC-HDW1431T1-S4", "serial": "6C01E93PAG69A7D", "vendor": "Private"}
    found = load_db().match("dhip", "IPC-HDW1431T1-S4", attrs)
    assert found is not None
    assert (found.rule.id, dict(found.claims)) == (
        "dahua.dhip.reply",
        {"manufacturer": "dahua", "model": "IPC-HDW1431T1-S4", "serial": "6C01E93PAG69A7D"},
    )


def test_dhip_vendor_string_of_a_relabel_adds_the_brand() -> None:
    found = load_db().match("dhip", "IPC-T5442T", {"vendor": "Amcrest"})
    assert found is not None
    assert dict(found.claims) == {"manufacturer": "dahua", "brand": "amcrest"}


def test_sadp_probematch_adopts_model_serial_and_firmware() -> None:
    attrs = {
        "model": "DS-2CD2385G1-I",
        "serial": "DS-2CD2385G1-I20200414AAWRE33842150",
        "firmware": "V5.6.2build 190701",
    }
    found = load_db().match("sadp", "DS-2CD2385G1-I", attrs)
    assert found is not None
    assert (found.rule.weight, dict(found.claims)) == (0.95, {"manufacturer": "hikvision", **attrs})


def test_hikvision_sdk_port_reply_matches() -> None:
    found = load_db().match("sdk_reply", "000000100000001e0000001e00000000")
    assert found is not None
    assert (found.rule.id, found.rule.signal) == ("hikvision.sdk_reply.null-probe", "sdk")


def test_onvif_hardware_scope_gives_the_model() -> None:
    found = load_db().match("wsd_scope", "onvif://www.onvif.org/hardware/DS-2CD2385G1-I")
    assert found is not None
    assert dict(found.claims) == {"manufacturer": "hikvision", "model": "DS-2CD2385G1-I"}


def test_cloud_dns_rules_never_attribute_to_remote_hosts() -> None:
    assert {rule.lan_only for rule in load_db().rules("dns_name")} == {True}


def test_rtsp_request_path_is_about_the_receiver() -> None:
    found = load_db().match("rtsp_request", "/Streaming/Channels/101")
    assert found is not None
    assert found.rule.about == "receiver"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("model", "DCS-935L"),
        ("model", "IC-3115W"),
        ("wsd_scope", "onvif://www.onvif.org/hardware/IC-3115W"),
        ("wsd_scope", "onvif://www.onvif.org/Name/IPCAM"),
        ("wsd_scope", "onvif://www.onvif.org/Model/631GA"),
        ("http_server", "GoAhead-Webs"),
        ("http_server", "uc-httpd 1.0.0"),
        ("rtsp_server", "VLC/3.0.12 (LIVE555 Streaming Media v2016.11.28)"),
        ("dns_name", "www.hikvision.com"),
    ],
)
def test_other_makers_values_match_no_rule(kind: str, value: str) -> None:
    assert load_db().match(kind, value) is None


def test_generic_country_china_scope_stays_below_the_default_threshold() -> None:
    found = load_db().match("wsd_scope", "onvif://www.onvif.org/location/country/china")
    assert found is not None
    assert found.rule.weight < load_db().policy("default").min_confidence


def _samples() -> list[tuple[str, str, dict[str, str]]]:
    db = load_db()
    out = []
    for kind in db.kinds():
        for e in db.entries(kind):
            for sample in (*e.examples, *e.counterexamples):
                out.append((kind, sample.value, dict(sample.attrs)))
    return out


def test_cached_matches_with_attrs_equal_uncached_ones() -> None:
    db = load_db()
    samples = _samples()
    expected = [db._first(kind, value, attrs or None) for kind, value, attrs in samples]
    # twice: the first call fills the cache, the second is answered from it
    for _ in range(2):
        got = [db.match(kind, value, attrs or None) for kind, value, attrs in samples]
        assert got == expected


def test_an_attr_no_rule_reads_does_not_split_the_cache() -> None:
    db = load_db()
    one = db.match("wsd_scope", "onvif://www.onvif.org/name/X", {"message_id": "uuid:1"})
    two = db.match("wsd_scope", "onvif://www.onvif.org/name/X", {"message_id": "uuid:2"})
    assert (one is two, len([k for k in db._cache if k[1] == "onvif://www.onvif.org/name/X"])) == (
        True, 1,
    )  # fmt: skip


def test_a_read_attr_is_part_of_the_cache_key() -> None:
    db = load_db()
    rules = [
        found.rule.id if (found := db.match("dahua_5050", "DH-NVR4104HS", {"vendor": v})) else None
        for v in ("Amcrest", "Private", "Amcrest")
    ]
    amcrest, generic = "dahua.dahua_5050.vendor-amcrest", "dahua.dahua_5050.reply"
    assert rules == [amcrest, generic, amcrest]
