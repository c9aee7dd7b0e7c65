"""Advisories: firmware strings compared with published ranges and fixed builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.db import load_db, load_db_from
from scanner.db.advisories import assess, parse_advisories, parse_version
from scanner.db.types import Advisory
from scanner.errors import DatabaseError

RANGE = Advisory(
    id="CVE-TEST-1",
    manufacturer="hikvision",
    title="t",
    source="s",
    model_pattern=r"^DS-2CD2\d\d2F-I",
    firmware_pattern=r"V?(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)\s*build\s*(?P<build>\d{6})",
    affected=(("V5.2.0 build 140721", "V5.4.0 build 160530"),),
    family="DS-2CD2xx2F-I",
    display="V{major}.{minor}.{patch} build {build}",
)


def ids(found: list[tuple[Advisory, str]]) -> list[str]:
    return [adv.id for adv, _ in found]


def test_firmware_inside_range_gives_the_range_as_basis() -> None:
    assert assess(RANGE, "DS-2CD2032F-I", "V5.3.0 build 151016") == (
        "firmware V5.3.0 build 151016 is within the published affected range "
        "V5.2.0 build 140721 to V5.4.0 build 160530 for DS-2CD2xx2F-I"
    )


@pytest.mark.parametrize(
    "firmware", ["V5.2.0 build 140721", "V5.4.0 Build 160530", "V5.4.0build 160530"]
)
def test_range_bounds_are_inclusive(firmware: str) -> None:
    assert assess(RANGE, "DS-2CD2032F-I", firmware) is not None


@pytest.mark.parametrize(
    "firmware",
    ["V5.4.0 build 160531", "V5.4.1 build 160101", "V5.1.9 build 150101", "V5.2.0 build 140720"],
)
def test_firmware_outside_range_gives_nothing(firmware: str) -> None:
    assert assess(RANGE, "DS-2CD2032F-I", firmware) is None


@pytest.mark.parametrize("firmware", ["V5.4.0", "build unknown", "", "5.3"])
def test_unparsable_firmware_gives_nothing(firmware: str) -> None:
    assert assess(RANGE, "DS-2CD2032F-I", firmware) is None


@pytest.mark.parametrize("model", ["DS-2CD2385G1-I", None])
def test_other_or_unknown_model_gives_nothing(model: str | None) -> None:
    assert assess(RANGE, model, "V5.3.0 build 151016") is None


def test_sadp_firmware_predates_the_cve_2021_36260_fix() -> None:
    found = load_db().advisories_for("hikvision", "DS-2CD2385G1-I", "V5.6.2build 190701")
    assert [(adv.id, basis) for adv, basis in found] == [
        (
            "CVE-2021-36260",
            "firmware build 190701 predates the fixed build 210628 (platform not verified)",
        )
    ]


def test_fixed_build_itself_is_not_flagged() -> None:
    assert load_db().advisories_for("hikvision", "DS-2CD2385G1-I", "V5.5.800 build 210628") == []


def test_day_before_fixed_build_is_flagged() -> None:
    found = load_db().advisories_for("hikvision", "DS-2CD2385G1-I", "V5.5.800 build 210627")
    assert ids(found) == ["CVE-2021-36260"]


def test_old_camera_in_a_7921_family_gets_both_advisories_once() -> None:
    found = load_db().advisories_for("hikvision", "DS-2CD4025FWD-A", "V5.3.0 build 150101")
    assert ids(found) == ["CVE-2017-7921", "CVE-2021-36260"]
    assert found[0][1].endswith("for DS-2CD4x2xFWD")


def test_hikvision_nvr_model_is_outside_the_ipc_advisories() -> None:
    assert load_db().advisories_for("hikvision", "DS-7608NI-K2", "V3.4.0 build 160101") == []


def test_advisories_of_another_manufacturer_do_not_apply() -> None:
    assert load_db().advisories_for("dahua", "DS-2CD2385G1-I", "V5.6.2build 190701") == []


@pytest.mark.parametrize(
    ("firmware", "expected"),
    [
        ("V2.800.0000000.13.R, Build Date: 2019-06-25", ["CVE-2021-33044", "CVE-2021-33045"]),
        ("2.800.0000000.13.R,build:2020-05-20", ["CVE-2021-33044", "CVE-2021-33045"]),
        ("V2.420.0000.11.R.20170620", ["CVE-2021-33044", "CVE-2021-33045"]),
        ("2.800.0000000.13.R,build:2020-06-01", ["CVE-2021-33044"]),
        ("2.800.0000000.13.R,build:2021-05-31", ["CVE-2021-33044"]),
        ("2.800.0000000.13.R,build:2021-06-01", []),
        ("2.800.0000000.13.R", []),
    ],
)
def test_dahua_build_dates_against_the_researcher_cut_offs(
    firmware: str, expected: list[str]
) -> None:
    assert ids(load_db().advisories_for("dahua", "IPC-HDW1431T1-S4", firmware)) == expected


def test_dahua_basis_names_the_cut_off_and_its_caveat() -> None:
    found = load_db().advisories_for("dahua", None, "2.800.0000000.13.R,build:2021-01-10")
    assert [basis for _, basis in found] == [
        "firmware build date 2021-01-10 predates June 2021, the researcher's cut-off for firmware "
        "without the fix (vendor version table not retrieved)"
    ]


def test_reversed_range_is_rejected_on_load(tree: Path) -> None:
    path = tree / "advisories.toml"
    text = path.read_text()
    path.write_text(
        text.replace(
            '"V5.2.0 build 140721", "V5.4.0 build 160530"',
            '"V5.4.0 build 160530", "V5.2.0 build 140721"',
        )
    )
    with pytest.raises(DatabaseError, match="is reversed"):
        load_db_from(tree)


def test_unparsable_bound_is_rejected_on_load(tree: Path) -> None:
    path = tree / "advisories.toml"
    path.write_text(path.read_text().replace('fixed = "build 210628"', 'fixed = "June 2021"'))
    with pytest.raises(DatabaseError, match="'June 2021' does not parse with firmware_pattern"):
        load_db_from(tree)


def raw_advisory(**change: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "id": "CVE-T",
        "manufacturer": "hikvision",
        "title": "t",
        "source": "s",
        "firmware_pattern": r"V(?P<major>\d+)\.(?P<minor>\d+)",
        "affected": [["V1.0", "V1.9"]],
    }
    raw.update(change)
    return {k: v for k, v in raw.items() if v is not None}


def parse_one(**change: object) -> Advisory:
    (adv,) = parse_advisories({"advisory": [raw_advisory(**change)]}, "a.toml", MAKERS)
    return adv


MAKERS = frozenset({"hikvision", "dahua"})


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"manufacturer": "axis"}, "manufacturer 'axis' is not in the vocabulary"),
        ({"affected": None}, "needs affected ranges or a fixed version"),
        ({"affected": []}, "needs affected ranges or a fixed version"),
        ({"affected": [["V1.0"]]}, "affected must be a list of [low, high] strings"),
        ({"affected": [["V1.0", 2]]}, "affected must be a list of [low, high] strings"),
        ({"affected": ["V1.0", "V1.9"]}, "affected must be a list of [low, high] strings"),
        ({"affected": "V1.0"}, "affected must be a list of [low, high] strings"),
        ({"firmware_pattern": r"V\d+\.\d+"}, "firmware_pattern needs named groups"),
        ({"affected": [["V1.9", "V1.0"]]}, "range 'V1.9' to 'V1.0' is reversed"),
        ({"affected": [["V1.0", "1.9"]]}, "'1.9' does not parse with firmware_pattern"),
        ({"fixed": "V2"}, "'V2' does not parse with firmware_pattern"),
        ({"display": "{major}.{patch}"}, "display '{major}.{patch}' does not fit the groups"),
    ],
)
def test_an_advisory_that_cannot_be_applied_is_rejected(
    change: dict[str, object], problem: str
) -> None:
    with pytest.raises(DatabaseError, match=re.escape(problem)):
        parse_one(**change)


def test_a_single_build_range_a_fixed_version_alone_and_the_shown_text() -> None:
    assert parse_one(affected=[["V1.0", "V1.0"]]).affected == (("V1.0", "V1.0"),)
    fixed_only = parse_one(affected=None, fixed="V2.0")
    assert (fixed_only.affected, fixed_only.fixed) == ((), "V2.0")
    # without `display` the firmware is shown as the pattern matched it, not as one group
    assert parse_version(parse_one(), "firmware V1.5 (beta)") == ((1, 5), "V1.5")
    assert parse_version(parse_one(display="{minor}/{major}"), "V1.5") == ((1, 5), "5/1")
    assert parse_version(parse_one(), "V1.x") is None
