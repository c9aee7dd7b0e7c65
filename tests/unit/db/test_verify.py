"""verify(): each kind of problem it must report, on an edited copy of vendor_db."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scanner.db import load_db_from
from scanner.db.verify import verify

Edit = Callable[[Path, str, str], None]
RULE = "rtsp_server: rule 'dahua.rtsp_server.dahua'"


def test_unedited_copy_has_no_problems(tree: Path) -> None:
    assert verify(load_db_from(tree)) == []


def test_example_that_does_not_match_is_reported(tree: Path, edit: Edit) -> None:
    edit(
        tree / "fingerprints" / "rtsp_server.toml",
        '{ value = "Dahua Rtsp Server"',
        '{ value = "Dahua"',
    )
    assert verify(load_db_from(tree)) == [f"{RULE}: example 'Dahua' does not match"]


def test_example_claim_the_rule_does_not_make_is_reported(tree: Path, edit: Edit) -> None:
    path = tree / "fingerprints" / "rtsp_server.toml"
    edit(
        path, 'claims = { manufacturer = "dahua" } }]', 'claims = { manufacturer = "hikvision" } }]'
    )
    assert verify(load_db_from(tree)) == [
        f"{RULE}: example 'Dahua Rtsp Server' claims manufacturer='dahua', not 'hikvision'"
    ]


def test_counterexample_that_matches_is_reported(tree: Path, edit: Edit) -> None:
    edit(
        tree / "fingerprints" / "rtsp_server.toml",
        '"H264DVR 1.0"]',
        '"H264DVR 1.0", "Dahua Rtsp Server/2"]',
    )
    assert verify(load_db_from(tree)) == [f"{RULE}: counterexample 'Dahua Rtsp Server/2' matches"]


def test_earlier_rule_shadowing_a_later_example_is_reported(tree: Path) -> None:
    path = tree / "fingerprints" / "rtsp_server.toml"
    broad = (
        '\n[[rule]]\nid = "test.broad"\npattern = "Server"\nweight = 0.1\nsource = "t"\n'
        'examples = ["Some Server"]\ncounterexamples = ["VLC"]\n'
    )
    text = path.read_text()
    path.write_text(text.replace('kind = "rtsp_server"\n', 'kind = "rtsp_server"\n' + broad))
    assert verify(load_db_from(tree)) == [
        f"{RULE}: example 'Dahua Rtsp Server' is shadowed by earlier rule 'test.broad'"
    ]


def test_rule_without_examples_or_counterexamples_is_reported(tree: Path) -> None:
    (tree / "fingerprints" / "ssdp_server.toml").write_text(
        'kind = "ssdp_server"\n[[rule]]\nid = "t.bare"\npattern = "x"\nweight = 0\nsource = "t"\n'
    )
    assert verify(load_db_from(tree)) == [
        "ssdp_server: rule 't.bare': has no examples",
        "ssdp_server: rule 't.bare': has no counterexamples",
    ]


def test_catch_all_rule_with_counterexamples_is_reported(tree: Path, edit: Edit) -> None:
    path = tree / "fingerprints" / "sadp.toml"
    edit(
        path,
        '{ value = "", claims = { manufacturer = "hikvision" } },\n]',
        '{ value = "" },\n]\ncounterexamples = ["x"]',
    )
    assert verify(load_db_from(tree)) == [
        "sadp: rule 'hikvision.sadp.probematch': matches everything, "
        "so its counterexamples cannot hold",
        "sadp: rule 'hikvision.sadp.probematch': counterexample 'x' matches",
    ]


def test_organisation_rule_absent_from_the_registry_is_reported(tree: Path, edit: Edit) -> None:
    edit(
        tree / "oui" / "organisations.toml",
        '{ value = "TVT", claims',
        '{ value = "TVT Digital", claims',
    )
    edit(tree / "oui" / "organisations.toml", "pattern = '^TVT$'", "pattern = '^TVT'")
    assert verify(load_db_from(tree)) == [
        "oui: rule 'tvt.oui.tvt': no example is an organisation of registry 2026-02-23"
    ]
