"""`camscan db update-oui`: the IEEE registry's published CSV files (MA-L, MA-M, MA-S) go to the
user's data directory, which the loader prefers over the bundled registry; nothing is written
into the package.

The CSV files are the bundled snapshot's real blocks restated in the IEEE's published layout
(Registry,Assignment,Organization Name,Organization Address; quoted fields with commas), so
they are as large as the registry itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
BUNDLED = REPO / "vendor_db" / "oui" / "ieee-mac-blocks-2026-02-23.tsv"
REGISTRY = {24: "MA-L", 28: "MA-M", 36: "MA-S"}
NEW_BLOCK = ("FCFCFC", "Newly Registered Example Cameras Co.,Ltd.")  # an MA-L block to add
Cli = Callable[..., subprocess.CompletedProcess[bytes]]


def ieee_csv(bits: int, extra: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
    """The bundled blocks of one registry in the layout of the IEEE's CSV download."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Registry", "Assignment", "Organization Name", "Organization Address"])
    for line in BUNDLED.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and fields[1] == str(bits):
            writer.writerow([REGISTRY[bits], fields[0], fields[2], "1 Example Road, Somewhere"])
    for prefix, name in extra:
        writer.writerow([REGISTRY[bits], prefix, name, 'No. 5, "Quoted" Street'])
    return out.getvalue()


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An empty data directory for the camscan processes of one test."""
    return {"XDG_DATA_HOME": str(tmp_path / "data")}


@pytest.fixture
def downloads(tmp_path: Path) -> dict[str, Path]:
    files = {
        "oui.csv": ieee_csv(24, [NEW_BLOCK, ("FCFCFD", "Evil\x1b]0;pwned\x07 Org\u202e")]),
        "mam.csv": ieee_csv(28),
        "oui36.csv": ieee_csv(36),
    }
    paths = {}
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (1_800_000_000, 1_800_000_000))  # 2027-01-15 UTC
        paths[name] = path
    return paths


def package_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "vendor_db").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_three_ieee_files_become_the_users_registry(
    cli: Cli, home: dict[str, str], downloads: dict[str, Path]
) -> None:
    before = package_digest()
    proc = cli("db", "update-oui", *downloads.values(), env=home)
    dest = Path(home["XDG_DATA_HOME"]) / "camscan" / "oui" / "ieee-mac-blocks-2027-01-15.tsv"
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == (
        f"OUI registry written to {dest}\n"
        "  MA-L from oui.csv; MA-M from mam.csv; MA-S from oui36.csv\n"
    )
    assert package_digest() == before  # the installed package is never written
    match = cli("db", "match", "oui", "fc:fc:fc:01:02:03", env=home)
    assert match.stdout.decode().startswith("FCFCFC/24 Newly Registered Example Cameras Co.,Ltd.")
    info = cli("db", "info", env=home).stdout.decode().splitlines()[0]
    assert info.endswith(f"OUI registry 2027-01-15 ({dest})")


def test_an_organisation_name_loses_its_control_characters(
    cli: Cli, home: dict[str, str], downloads: dict[str, Path]
) -> None:
    assert cli("db", "update-oui", *downloads.values(), env=home).returncode == 0
    match = cli("db", "match", "oui", "fc:fc:fd:01:02:03", env=home).stdout.decode()
    assert match.startswith("FCFCFD/24 Evil ]0;pwned Org ->")


def test_one_file_replaces_its_registry_and_keeps_the_others(
    cli: Cli, home: dict[str, str], downloads: dict[str, Path]
) -> None:
    proc = cli("db", "update-oui", downloads["oui.csv"], "--date", "2027-02-01", env=home)
    assert proc.stdout.decode().splitlines()[1] == (
        "  MA-L from oui.csv; MA-M kept from the 2026-02-23 snapshot; MA-S kept from the "
        "2026-02-23 snapshot"
    )
    scale = cli("db", "match", "oui", "40:2c:76:1a:0b:70", env=home).stdout.decode()
    assert scale.startswith("402C761/28 Shanghai Dahua Scale Factory")


def test_the_bundled_registry_wins_when_it_is_newer(
    cli: Cli, home: dict[str, str], downloads: dict[str, Path]
) -> None:
    proc = cli("db", "update-oui", *downloads.values(), "--date", "2025-01-01", env=home)
    assert proc.returncode == 0
    info = cli("db", "info", env=home).stdout.decode().splitlines()[0]
    assert info.endswith("OUI registry 2026-02-23 (bundled)")


def test_a_cut_download_is_refused(cli: Cli, home: dict[str, str], tmp_path: Path) -> None:
    cut = tmp_path / "oui.csv"
    cut.write_text("".join(ieee_csv(24).splitlines(keepends=True)[:4000]))  # stopped mid-way
    proc = cli("db", "update-oui", cut, env=home)
    assert proc.returncode == 2
    assert b"MA-L assignments; the registry has more than 10,000" in proc.stderr


def test_another_file_is_refused(cli: Cli, home: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "list.csv"
    other.write_text("MAC,Vendor\n44:19:B6,Hikvision\n")
    proc = cli("db", "update-oui", other, env=home)
    assert (proc.returncode, proc.stderr.decode()) == (
        2,
        f"camscan: {other}: not an IEEE registry CSV file: first row must be the IEEE header "
        "Registry,Assignment,Organization Name,Organization Address\n",
    )


def test_an_endless_file_is_read_with_a_limit(cli: Cli, home: dict[str, str]) -> None:
    proc = cli("db", "update-oui", "/dev/zero", env=home)
    assert (proc.returncode, proc.stderr) == (
        2,
        b"camscan: /dev/zero is larger than 64 MiB: not a MAC block registry\n",
    )


def test_the_shipped_tsv_is_accepted_too(cli: Cli, home: dict[str, str]) -> None:
    proc = cli("db", "update-oui", BUNDLED, env=home)
    assert proc.returncode == 0
    written = Path(home["XDG_DATA_HOME"]) / "camscan" / "oui" / BUNDLED.name
    # the registry has names with a zero-width space ("\u200bAsung Techno") or a trailing
    # left-to-right mark: loading defuses them like every control or format character (12.6)
    rows = [row.split("\t") for row in BUNDLED.read_text().splitlines()[4:]]
    bundled = [f"{p}\t{b}\t" + re.sub("[\u200b-\u200f]", " ", org).strip() for p, b, org in rows]
    assert written.read_text().splitlines()[3:] == bundled
