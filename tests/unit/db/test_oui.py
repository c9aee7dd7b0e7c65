"""OUI: longest-prefix lookup, organisation rules, installing a registry snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.db import build_registry, load_db
from scanner.db.oui import OuiIndex, clean_organisation, normalise_mac, parse_registry
from scanner.db.types import OuiEntry
from scanner.errors import DatabaseError, InputError

HEADER = "# IEEE Registration Authority assignments as of 2027-03-01.\nprefix\tbits\torganisation\n"
ROWS = (
    "4419B6\t24\tHangzhou Hikvision Digital Technology\n402C761\t28\tShanghai Dahua Scale Factory\n"
)


def test_shanghai_dahua_scale_factory_block_is_not_dahua() -> None:
    assert load_db().oui("40:2c:76:1a:bc:de") == OuiEntry(
        prefix="402C761", bits=28, organisation="Shanghai Dahua Scale Factory"
    )


def test_hikvision_block_claims_hikvision_weakly() -> None:
    assert load_db().oui("44:19:b6:12:34:56") == OuiEntry(
        prefix="4419B6",
        bits=24,
        organisation="Hangzhou Hikvision Digital Technology",
        manufacturer="hikvision",
        rule="hikvision.oui.hikvision",
        weight=0.35,
    )


def test_dahua_second_spelling_claims_dahua() -> None:
    entry = load_db().oui("30:dd:aa:00:00:01")
    assert entry is not None
    assert (entry.organisation, entry.manufacturer) == ("Zhejiang Dahua Technologyco.", "dahua")


def test_ezviz_block_claims_hikvision_with_brand() -> None:
    entry = load_db().oui("0c:a6:4c:00:00:01")
    assert entry is not None
    assert (entry.manufacturer, entry.brand, entry.weight) == ("hikvision", "ezviz", 0.35)


def test_ma_m_block_beats_its_ma_l_parent() -> None:
    assert load_db().oui("34:46:63:2a:bc:de") == OuiEntry(
        prefix="3446632",
        bits=28,
        organisation="Amcrest Technologies",
        brand="amcrest",
        rule="brand.oui.amcrest",
        weight=0.0,
    )


def test_ma_s_block_is_found_and_not_taken_for_lorex() -> None:
    assert load_db().oui("8c:1f:64:f4:b0:01") == OuiEntry(
        prefix="8C1F64F4B", bits=36, organisation="Jorex Lorex India Private Limited"
    )


def test_locally_administered_mac_has_no_oui() -> None:
    assert load_db().oui("46:19:b6:12:34:56") is None


def test_multicast_mac_has_no_oui() -> None:
    assert load_db().oui("01:00:5e:00:00:fb") is None


def test_unregistered_block_has_no_oui() -> None:
    assert load_db().oui("0c:ff:ff:00:00:01") is None


@pytest.mark.parametrize(
    "mac", ["44:19:B6:12:34:56", "44-19-b6-12-34-56", "4419.b612.3456", "4419b6123456"]
)
def test_usual_mac_notations_are_accepted(mac: str) -> None:
    assert normalise_mac(mac) == "4419B6123456"


@pytest.mark.parametrize("mac", ["", "44:19:b6", "44:19:b6:12:34:56:78", "zz:19:b6:12:34:56"])
def test_malformed_mac_has_no_oui(mac: str) -> None:
    assert load_db().oui(mac) is None


def test_registry_is_read_on_first_lookup_only() -> None:
    reads: list[int] = []

    def read() -> str:
        reads.append(1)
        return "prefix\tbits\torganisation\n" + ROWS

    index = OuiIndex(read, "test.tsv")
    assert reads == []
    index.lookup("44:19:b6:00:00:01")
    index.lookup("40:2c:76:10:00:01")
    assert len(reads) == 1


def test_unreadable_packaged_registry_raises_database_error() -> None:
    index = OuiIndex(lambda: "organisation\n", "bad.tsv")
    with pytest.raises(DatabaseError, match="bad.tsv: first row must be the header"):
        index.lookup("44:19:b6:00:00:01")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("4419B6\t28\tX\n", "bad prefix/bits"),
        ("4419b6\t24\tX\n", "bad prefix/bits"),
        ("4419B6\t24\t\n", "expected prefix, bits, organisation"),
        ("4419B6\t24\tHangzhou Hikvision Digital Technology\n", "duplicate prefix 4419B6"),
    ],
)
def test_registry_rows_are_validated(row: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_registry("prefix\tbits\torganisation\n" + ROWS + row)


@pytest.fixture
def vendor_dir(tmp_path: Path) -> Path:
    root = tmp_path / "vendor_db"
    (root / "oui").mkdir(parents=True)
    (root / "meta.toml").write_text('# meta\nversion = "2026.11.1"\noui_registry = "2026-02-23"\n')
    (root / "oui" / "ieee-mac-blocks-2026-02-23.tsv").write_text("old")
    return root


def test_build_registry_installs_snapshot_and_records_its_date(
    tmp_path: Path, vendor_dir: Path
) -> None:
    src = tmp_path / "download.tsv"
    src.write_text(HEADER + ROWS)
    dest = build_registry(src, vendor_dir / "oui", min_rows=2)
    assert dest == vendor_dir / "oui" / "ieee-mac-blocks-2027-03-01.tsv"
    assert dest.read_text() == HEADER + ROWS
    assert (vendor_dir / "meta.toml").read_text() == (
        '# meta\nversion = "2026.11.1"\noui_registry = "2027-03-01"\n'
    )
    assert sorted(p.name for p in (vendor_dir / "oui").iterdir()) == [dest.name]


def test_build_registry_takes_the_date_from_the_file_name(tmp_path: Path, vendor_dir: Path) -> None:
    src = tmp_path / "ieee-mac-blocks-2027-04-02.tsv"
    src.write_text("prefix\tbits\torganisation\n" + ROWS)
    assert build_registry(src, vendor_dir / "oui", min_rows=2).name == src.name


def test_build_registry_without_a_date_is_refused(tmp_path: Path, vendor_dir: Path) -> None:
    src = tmp_path / "download.tsv"
    src.write_text("prefix\tbits\torganisation\n" + ROWS)
    with pytest.raises(InputError, match="no snapshot date"):
        build_registry(src, vendor_dir / "oui", min_rows=2)


def test_build_registry_refuses_a_truncated_registry(tmp_path: Path, vendor_dir: Path) -> None:
    src = tmp_path / "download.tsv"
    src.write_text(HEADER + ROWS)
    with pytest.raises(InputError, match="only 2 blocks"):
        build_registry(src, vendor_dir / "oui")
    assert (vendor_dir / "oui" / "ieee-mac-blocks-2026-02-23.tsv").read_text() == "old"


def test_build_registry_refuses_another_format(tmp_path: Path, vendor_dir: Path) -> None:
    src = tmp_path / "oui.csv"
    src.write_text("Registry,Assignment,Organization Name\nMA-L,4419B6,Hikvision\n")
    with pytest.raises(InputError, match="not a usable MAC block registry"):
        build_registry(src, vendor_dir / "oui", min_rows=1)


def test_build_registry_needs_meta_with_a_registry_line(tmp_path: Path, vendor_dir: Path) -> None:
    (vendor_dir / "meta.toml").write_text('version = "2026.11.1"\n')
    src = tmp_path / "download.tsv"
    src.write_text(HEADER + ROWS)
    with pytest.raises(DatabaseError, match="has no oui_registry line"):
        build_registry(src, vendor_dir / "oui", min_rows=2)


def test_packaged_registry_rebuilds_to_the_same_bytes(tmp_path: Path, vendor_dir: Path) -> None:
    packaged = Path(__file__).resolve().parents[3] / "vendor_db" / "oui"
    src = packaged / "ieee-mac-blocks-2026-02-23.tsv"
    dest = build_registry(src, vendor_dir / "oui")
    assert dest.read_bytes() == src.read_bytes()


def test_organisation_names_lose_control_and_bidi_characters_at_load() -> None:
    text = (
        "prefix\tbits\torganisation\n"
        "4419B6\t24\tEvil\x1b[2J Corp\u202e.gpj\n"
        "402C761\t28\tShanghai Dahua Scale Factory\n"
    )
    index = OuiIndex(lambda: text, "t.tsv")
    assert index.lookup("44:19:b6:00:00:01") == ("4419B6", 24, "Evil [2J Corp .gpj")
    assert clean_organisation("Société\tGénérale\x00") == "Société Générale"


def test_searching_the_text_answers_as_the_parsed_registry_does() -> None:
    from scanner.db import oui

    path = sorted((Path(oui.__file__).parents[2] / "vendor_db" / "oui").glob("ieee-*.tsv"))[-1]
    text = path.read_text(encoding="utf-8")
    parsed = OuiIndex(lambda: text, "parsed")
    parsed.blocks()  # parsed before the first lookup: every answer comes from the tables
    blocks = parsed.blocks()
    macs = ["44:19:b6:00:00:01", "40:2c:76:1a:bc:de", "00:00:00:00:00:00", "fc:ff:ff:ff:ff:fe"]
    for bits, table in blocks.items():
        for prefix in list(table)[:: max(1, len(table) // 400)]:
            digits = (prefix + "0123456789AB")[:12]
            macs.append(":".join(digits[i : i + 2] for i in range(0, 12, 2)))
            assert bits in (24, 28, 36)
    searched = OuiIndex(lambda: text, "searched")
    for n, mac in enumerate(macs):
        assert searched.lookup(mac) == parsed.lookup(mac), (n, mac)
    assert len(macs) > 400  # every prefix length, both ways of answering compared


def test_a_searched_registry_with_a_bad_row_says_so_when_a_lookup_meets_it() -> None:
    index = OuiIndex(lambda: "prefix\tbits\torganisation\n4419B6\t24\tX\tY\n", "bad.tsv")
    with pytest.raises(DatabaseError, match="bad.tsv"):
        index.lookup("44:19:b6:00:00:01")


def test_a_prefix_listed_twice_answers_with_its_last_row_as_the_parsed_registry_does() -> None:
    text = "prefix\tbits\torganisation\n4419B6\t24\tZeta\n4419B6\t24\tAlpha\n"
    assert OuiIndex(lambda: text, "t.tsv").lookup("44:19:b6:00:00:01") == ("4419B6", 24, "Alpha")
    text = text.replace("Alpha", "Omega")
    assert OuiIndex(lambda: text, "t.tsv").lookup("44:19:b6:00:00:01") == ("4419B6", 24, "Omega")


def test_the_longest_registered_block_wins_and_a_windows_registry_reads_the_same() -> None:
    text = "# c\r\nprefix\tbits\torganisation\r\n70B3D5\t24\tIEEE RA\r\n70B3D5F2A\t36\tSmall Co\r\n"
    index = OuiIndex(lambda: text, "t.tsv")
    assert index.lookup("70:b3:d5:f2:a0:01") == ("70B3D5F2A", 36, "Small Co")
    assert index.lookup("70:b3:d5:f2:b0:01") == ("70B3D5", 24, "IEEE RA")
    assert index.lookup("70:b3:d6:00:00:01") is None
