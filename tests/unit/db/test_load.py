"""Loading vendor_db: the public API, and validation errors that name the file and rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.db import load_db, load_db_from
from scanner.db.types import Policy
from scanner.errors import DatabaseError, InputError

Edit = Callable[[Path, str, str], None]


def test_meta_gives_version_and_registry_date() -> None:
    db = load_db()
    assert (db.version, db.oui_registry) == ("2026.11.1", "2026-02-23")


def test_load_db_is_cached() -> None:
    assert load_db() is load_db()


def test_vocab_has_manufacturer_brand_and_kind_slugs() -> None:
    vocab = load_db().vocab
    assert sorted(vocab) == ["brand", "kind", "manufacturer"]
    assert {"hikvision", "dahua"} <= vocab["manufacturer"]
    assert {"ezviz", "imou", "lorex", "amcrest"} <= vocab["brand"]
    assert {"camera", "ptz-camera", "nvr", "dvr", "doorbell", "unknown"} <= vocab["kind"]


@pytest.mark.parametrize(
    ("brand", "maker"),
    [("ezviz", "hikvision"), ("lts", "hikvision"), ("imou", "dahua"), ("lorex", "dahua")],
)
def test_brand_manufacturer_follows_sourced_links(brand: str, maker: str) -> None:
    assert load_db().brand_manufacturer(brand) == maker


@pytest.mark.parametrize("brand", ["hilook", "annke", "rvi", "swann", "no-such-brand"])
def test_brand_without_sourced_link_has_no_manufacturer(brand: str) -> None:
    assert load_db().brand_manufacturer(brand) is None


def test_default_policy_is_hikvision_and_dahua() -> None:
    assert load_db().policy("default") == Policy(
        name="default",
        description=load_db().policies["default"].description,
        manufacturers=frozenset({"hikvision", "dahua"}),
        min_confidence=0.5,
    )


def test_fcc_covered_policy_lists_the_five_makers() -> None:
    makers = load_db().policy("fcc-covered").manufacturers
    assert makers == frozenset({"hikvision", "dahua", "huawei", "zte", "hytera"})


def test_unknown_policy_raises_input_error_listing_known_names() -> None:
    with pytest.raises(InputError, match="known policies: default, fcc-covered, prc-nil-video"):
        load_db().policy("strict")


def test_rules_keep_file_order() -> None:
    ids = [rule.id for rule in load_db().rules("http_www_authenticate")]
    assert ids == [
        "hikvision.http_auth.realm-hikvision",
        "hikvision.http_auth.realm-ip-camera",
        "dahua.http_auth.realm-lorex",
        "dahua.http_auth.realm-login-to",
    ]


def test_kind_without_rules_has_empty_rule_list() -> None:
    assert list(load_db().rules("wsd_xaddr")) == []
    assert load_db().match("wsd_xaddr", "http://10.0.0.1/onvif/device_service") is None


def test_match_returns_first_matching_rule() -> None:
    found = load_db().match("http_www_authenticate", 'Digest realm="Login to ND021811019863"')
    assert found is not None
    assert found.rule.id == "dahua.http_auth.realm-lorex"
    assert dict(found.claims) == {
        "manufacturer": "dahua",
        "brand": "lorex",
        "serial": "ND021811019863",
    }


def test_match_returns_none_when_no_rule_matches() -> None:
    assert load_db().match("http_server", "Apache/2.4.41 (Ubuntu)") is None


def test_match_repeated_value_gives_equal_result() -> None:
    db = load_db()
    assert db.match("http_server", "App-webs/") == db.match("http_server", "App-webs/")


def test_copied_tree_loads(tree: Path) -> None:
    assert load_db_from(tree).version == "2026.11.1"


def test_unknown_rule_key_is_rejected(tree: Path, edit: Edit) -> None:
    edit(tree / "fingerprints" / "rtsp_server.toml", "weight = 0.8", "weight = 0.8\nconfidence = 1")
    with pytest.raises(
        DatabaseError, match=r"rtsp_server.toml: rule 'dahua.rtsp_server.dahua': unknown keys"
    ):
        load_db_from(tree)


def test_bad_regex_is_rejected(tree: Path, edit: Edit) -> None:
    edit(tree / "fingerprints" / "rtsp_server.toml", "'^Dahua Rtsp Server\\b'", "'^Dahua (Rtsp'")
    with pytest.raises(
        DatabaseError, match=r"rtsp_server.toml: rule 'dahua.rtsp_server.dahua': bad"
    ):
        load_db_from(tree)


def test_unknown_vocabulary_slug_is_rejected(tree: Path, edit: Edit) -> None:
    path = tree / "fingerprints" / "rtsp_server.toml"
    edit(
        path, 'claims = { manufacturer = "dahua" }\n', 'claims = { manufacturer = "dahua-tech" }\n'
    )
    with pytest.raises(DatabaseError, match="manufacturer 'dahua-tech' is not in the vocabulary"):
        load_db_from(tree)


def test_unknown_slug_in_example_claims_is_rejected(tree: Path, edit: Edit) -> None:
    path = tree / "fingerprints" / "rtsp_server.toml"
    edit(path, 'claims = { manufacturer = "dahua" } }]', 'claims = { kind = "webcam" } }]')
    with pytest.raises(DatabaseError, match="kind 'webcam' is not in the vocabulary"):
        load_db_from(tree)


@pytest.mark.parametrize("weight", ["1.5", "-0.1", "true", '"0.8"'])
def test_weight_outside_unit_interval_is_rejected(tree: Path, edit: Edit, weight: str) -> None:
    edit(tree / "fingerprints" / "rtsp_server.toml", "weight = 0.8", f"weight = {weight}")
    with pytest.raises(DatabaseError, match=r"'dahua.rtsp_server.dahua': weight must be"):
        load_db_from(tree)


def test_rule_needs_exactly_one_matcher(tree: Path, edit: Edit) -> None:
    path = tree / "fingerprints" / "rtsp_server.toml"
    edit(path, "pattern = '^Dahua Rtsp Server\\b'", "pattern = '^Dahua'\nprefix = 'Dahua'")
    with pytest.raises(DatabaseError, match="needs exactly one of pattern, equals"):
        load_db_from(tree)


def test_unknown_named_group_is_rejected(tree: Path, edit: Edit) -> None:
    edit(
        tree / "fingerprints" / "rtsp_server.toml",
        "'^Dahua Rtsp Server\\b'",
        "'^(?P<vendor>Dahua)'",
    )
    with pytest.raises(DatabaseError, match=r"unknown named groups \['vendor'\]"):
        load_db_from(tree)


def test_duplicate_rule_id_is_rejected(tree: Path, edit: Edit) -> None:
    path = tree / "fingerprints" / "rtsp_server.toml"
    edit(path, 'id = "dahua.rtsp_server.dahua"', 'id = "hikvision.http_server.app-webs"')
    with pytest.raises(DatabaseError, match="'hikvision.http_server.app-webs' is defined twice"):
        load_db_from(tree)


def test_file_kind_must_match_file_name(tree: Path, edit: Edit) -> None:
    edit(tree / "fingerprints" / "rtsp_server.toml", 'kind = "rtsp_server"', 'kind = "http_server"')
    with pytest.raises(DatabaseError, match="rtsp_server.toml: kind must be 'rtsp_server'"):
        load_db_from(tree)


def test_fingerprint_file_of_unknown_kind_is_rejected(tree: Path) -> None:
    (tree / "fingerprints" / "telnet_banner.toml").write_text('kind = "telnet_banner"\n')
    with pytest.raises(DatabaseError, match="telnet_banner.toml: not a fingerprint kind"):
        load_db_from(tree)


def test_policy_with_unknown_manufacturer_is_rejected(tree: Path, edit: Edit) -> None:
    edit(tree / "policies.toml", '"hytera"]\nmin', '"hytera", "acme"]\nmin')
    with pytest.raises(DatabaseError, match=r"fcc-covered: unknown manufacturer slugs \['acme'\]"):
        load_db_from(tree)


def test_missing_registry_snapshot_is_rejected(tree: Path, edit: Edit) -> None:
    edit(tree / "meta.toml", 'oui_registry = "2026-02-23"', 'oui_registry = "2027-01-01"')
    with pytest.raises(DatabaseError, match="ieee-mac-blocks-2027-01-01.tsv: registry named"):
        load_db_from(tree)


def test_malformed_toml_names_the_file(tree: Path) -> None:
    (tree / "fingerprints" / "p2p.toml").write_text("kind = \n")
    with pytest.raises(DatabaseError, match="p2p.toml: cannot load"):
        load_db_from(tree)
