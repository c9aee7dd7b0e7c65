"""Reading the IEEE's CSV files and installing a user's registry (scanner/db/oui.py), in-process.

tests/unit/cli/test_update_oui.py runs the same through `camscan db update-oui`; these rows pin
each check of the parser and the merge where a mistake would pass unseen there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from scanner.db.oui import (
    MIN_BLOCKS,
    Blocks,
    parse_ieee_csv,
    read_limited,
    update_registry,
    user_registry,
)
from scanner.errors import InputError

HEADER = "Registry,Assignment,Organization Name,Organization Address\r\n"
CURRENT: Blocks = {24: {"4419B6": "Hikvision"}, 28: {"402C761": "Scale"}, 36: {"8C1F64ABC": "S"}}


def csv_rows(registry: str, prefixes: list[str], name: str = "Org") -> str:
    return HEADER + "".join(f'{registry},{p},"{name}","1 Road, Town"\r\n' for p in prefixes)


def ma_m(n: int) -> list[str]:
    return [f"{i:07X}" for i in range(n)]


@pytest.mark.parametrize(
    ("text", "bits", "blocks"),
    [
        (csv_rows("MA-L", ["4419b6"]), 24, {"4419B6": "Org"}),  # lower case is upper-cased
        (csv_rows("MA-M", ["402C761"]), 28, {"402C761": "Org"}),
        (csv_rows("MA-S", ["8C1F64ABC"]), 36, {"8C1F64ABC": "Org"}),
        (HEADER + "\r\nMA-L,4419B6,A,x\r\n\r\nMA-L,4419B6,B,x\r\n", 24, {"4419B6": "B"}),
        (
            HEADER + 'MA-L,4419B6,"  Two\x1b\u202e  Lines\n Co ",x\r\n',
            24,
            {"4419B6": "Two Lines Co"},
        ),
        (
            " Registry , Assignment ,Organization Name,Organization Address\nMA-L,4419B6,A\n",
            24,
            {"4419B6": "A"},
        ),
    ],
)
def test_ieee_csv_rows(text: str, bits: int, blocks: dict[str, str]) -> None:
    assert parse_ieee_csv(text) == (bits, blocks)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("MAC,Vendor\n44:19:B6,Hikvision\n", "first row must be the IEEE header"),
        (HEADER, "no assignments"),
        (HEADER + "MA-L,4419B6\r\n", "row 2: expected registry, assignment, organisation"),
        (HEADER + "CID,4419B6,A,x\r\n", "row 2: unknown registry 'CID'"),
        (HEADER + "MA-L,4419B6,A,x\r\nMA-M,402C761,B,x\r\n", "row 3: MA-M in a file of MA-L rows"),
        (HEADER + "MA-L,4419B,A,x\r\n", "row 2: bad MA-L assignment '4419B'"),
        (HEADER + "MA-M,4419B6,A,x\r\n", "row 2: bad MA-M assignment '4419B6'"),
        (HEADER + "MA-L,4419BG,A,x\r\n", "row 2: bad MA-L assignment '4419BG'"),
        (HEADER + "MA-L,4419B6, \x07 ,x\r\n", "row 2: no organisation name"),
    ],
)
def test_ieee_csv_refusals(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse_ieee_csv(text)


def write(path: Path, text: str, mtime: int = 1_800_000_000) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))  # 1_800_000_000: 2027-01-15 UTC
    return path


def test_one_csv_replaces_its_registry_and_keeps_the_others(tmp_path: Path) -> None:
    src = write(tmp_path / "mam.csv", csv_rows("MA-M", ma_m(MIN_BLOCKS[28])))
    dest, notes = update_registry([src], tmp_path / "oui", CURRENT, "2026-02-23", min_rows=10)
    assert dest == tmp_path / "oui" / "ieee-mac-blocks-2027-01-15.tsv"
    assert notes == (
        "MA-M from mam.csv; MA-L kept from the 2026-02-23 snapshot; "
        "MA-S kept from the 2026-02-23 snapshot"
    )
    lines = dest.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == [
        "# IEEE Registration Authority assignments (MA-L 24-bit, MA-M 28-bit, MA-S 36-bit "
        "prefixes) as of 2027-01-15.",
        f"# Written by camscan db update-oui: {notes}.",
        "prefix\tbits\torganisation",
    ]
    assert lines[3:5] == ["4419B6\t24\tHikvision", "0000000\t28\tOrg"]
    assert lines[-1] == "8C1F64ABC\t36\tS"
    assert len(lines) == 3 + 1 + MIN_BLOCKS[28] + 1  # the old MA-M block is gone


def test_the_newest_file_dates_the_snapshot_unless_a_date_is_given(tmp_path: Path) -> None:
    old = write(tmp_path / "mam.csv", csv_rows("MA-M", ma_m(1000)), mtime=1_700_000_000)
    new = write(tmp_path / "oui36.csv", csv_rows("MA-S", [f"{i:09X}" for i in range(1000)]))
    dest, _ = update_registry([old, new], tmp_path / "oui", CURRENT, "2026-02-23", min_rows=10)
    assert dest.name == "ieee-mac-blocks-2027-01-15.tsv"
    again, _ = update_registry(
        [old], tmp_path / "oui", CURRENT, "2026-02-23", date="2027-03-04", min_rows=10
    )
    assert again.name == "ieee-mac-blocks-2027-03-04.tsv"
    assert sorted(p.name for p in (tmp_path / "oui").iterdir()) == [again.name]  # one snapshot


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        (
            [("mam.csv", "MA-M", MIN_BLOCKS[28] - 1)],
            "only 999 MA-M assignments; the registry has more than 1,000 (a download cut short?)",
        ),
        ([("oui.csv", "MA-L", MIN_BLOCKS[24] - 1)], "more than 10,000"),
        (
            [("a.csv", "MA-M", 1000), ("b.csv", "MA-M", 1000)],
            "b.csv: a second MA-M file (the first: a.csv)",
        ),
    ],
)
def test_cut_or_repeated_downloads_are_refused(
    tmp_path: Path, files: list[tuple[str, str, int]], problem: str
) -> None:
    width = {"MA-L": 6, "MA-M": 7}
    paths = [
        write(tmp_path / name, csv_rows(reg, [f"{i:0{width[reg]}X}" for i in range(n)]))
        for name, reg, n in files
    ]
    with pytest.raises(InputError, match=re.escape(problem)):
        update_registry(paths, tmp_path / "oui", CURRENT, "2026-02-23", min_rows=10)
    assert not (tmp_path / "oui").exists()


def test_too_few_blocks_in_all_or_a_bad_date_are_refused(tmp_path: Path) -> None:
    src = write(tmp_path / "mam.csv", csv_rows("MA-M", ma_m(1000)))
    with pytest.raises(InputError, match="only 1002 blocks; a full registry has tens of thousands"):
        update_registry([src], tmp_path / "oui", CURRENT, "2026-02-23", min_rows=1003)
    assert update_registry([src], tmp_path / "o2", CURRENT, "x", min_rows=1002)[0].is_file()
    with pytest.raises(InputError, match="--date '2027-1-4' is not YYYY-MM-DD"):
        update_registry([src], tmp_path / "oui", CURRENT, "x", date="2027-1-4", min_rows=10)


def test_the_users_newest_registry_is_used(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path)}
    assert user_registry(env) is None
    oui = tmp_path / "camscan" / "oui"
    oui.mkdir(parents=True)
    for date in ("2027-01-15", "2027-03-01", "2026-12-31"):
        (oui / f"ieee-mac-blocks-{date}.tsv").write_text("x")
    (oui / "ieee-mac-blocks-2099-01-01.tsv").mkdir()  # not a file
    assert user_registry(env) == (oui / "ieee-mac-blocks-2027-03-01.tsv", "2027-03-01")


def test_registry_files_are_read_with_a_limit(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf" + b"x" * 99)
    assert read_limited(path, limit=102) == "x" * 99  # the limit counts bytes; the BOM is dropped
    with pytest.raises(InputError, match="larger than 0 MiB"):
        read_limited(path, limit=101)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_limited(path)
    with pytest.raises(InputError, match="cannot read"):
        read_limited(tmp_path / "missing.csv")
