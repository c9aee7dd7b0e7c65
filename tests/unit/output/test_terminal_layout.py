"""The device list on terminals of any width: golden screens at 80, 120 and 200 columns, and the
rules every width keeps (no line too long, identifiers whole, nothing parsed as markup/emoji).

The report is the demo capture's findings (data/demo-findings.json, times fixed), so a change of
the engine does not move these screens; `make golden` rewrites them for review.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from screens import screen

from scanner.output.table import flow

HERE = Path(__file__).parent
DEMO = json.loads((HERE / "data" / "demo-findings.json").read_text(encoding="utf-8"))
GOLDEN = HERE / "golden"
REPLAY = HERE.parents[2] / "tests" / "replay" / "golden" / "demo__store-lan.pcapng.json"


def test_demo_findings_are_what_the_demo_capture_gives_now(update_golden: bool) -> None:
    # the replay golden is checked against the engine; this fixture follows it (make golden
    # rewrites it; a second run then rewrites the screens from it)
    replay = json.loads(REPLAY.read_text(encoding="utf-8"))
    if update_golden:
        fixture = {**DEMO, "summary": replay["summary"], "devices": replay["devices"]}
        text = json.dumps(fixture, indent=2, ensure_ascii=False) + "\n"
        (HERE / "data" / "demo-findings.json").write_text(text, encoding="utf-8")
        pytest.skip("demo findings rewritten from the replay golden")
    assert (DEMO["summary"], DEMO["devices"]) == (replay["summary"], replay["devices"])


@pytest.mark.parametrize("width", [80, 120, 200])
def test_demo_screen_matches_golden(width: int, update_golden: bool) -> None:
    text = screen(DEMO, width)
    path = GOLDEN / f"demo-{width}.txt"
    if update_golden:
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"golden screen written to {path.name}")
    assert text == path.read_text(encoding="utf-8")


def test_80_columns_uses_one_block_per_device_of_concern() -> None:
    lines = screen(DEMO, 80).splitlines()
    assert lines[0] == "Devices of concern (11)"
    assert lines[lines.index("CONCERN  hikvision camera DS-2CD2385G1-I") + 1] == (
        "  ip 10.20.30.11  mac 44:19:b6:2a:3c:11"
    )


def test_200_columns_uses_the_table() -> None:
    assert screen(DEMO, 200).startswith("┏━━━━━━━━━┳")


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200, 240])
def test_no_line_is_wider_than_the_terminal(width: int) -> None:
    assert max(len(line) for line in screen(DEMO, width).splitlines()) <= width


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200, 240])
def test_identifiers_of_every_device_of_concern_show_whole(width: int) -> None:
    words = {w.strip(",") for line in screen(DEMO, width).splitlines() for w in line.split()}
    for device in DEMO["devices"]:
        if device["verdict"] != "concern":
            continue
        wanted = [device["mac"], device["model"], device["serial"], *device["ips"]]
        assert {w for w in wanted if w} <= words, device["id"]


def test_macs_and_markup_in_values_are_never_emoji_or_styles() -> None:
    report = copy.deepcopy(DEMO)
    amcrest = next(d for d in report["devices"] if d["id"] == "mac:9c:8e:cd:0e:77:22")
    amcrest["model"] = ":cd: [bold]x[/bold] :smile:"
    for width in (80, 200):
        text = screen(report, width)
        assert "9c:8e:cd:0e:77:22" in text  # ":cd:" is the emoji code of an optical disc
        assert ":cd: [bold]x[/bold] :smile:" in text
        assert "💿" not in text and "😄" not in text


def test_advisories_show_on_the_terminal_at_every_width() -> None:
    basis = "firmware build 190701 predates the fixed build 210628 (platform not verified)"
    assert f"advisory CVE-2021-36260 ({basis})" in " ".join(screen(DEMO, 80).split())
    assert f"advisory CVE-2021-36260 for 44:19:b6:2a:3c:11 (10.20.30.11): {basis}" in screen(
        DEMO, 200
    )


def test_remote_device_says_where_it_is() -> None:
    remote = "(seen through the router — not on this store's LAN; tell the owner of that network)"
    lines = screen(DEMO, 120).splitlines()
    at = lines.index(f"CONCERN  hikvision  {remote}")
    assert lines[at + 1] == (
        "  ip 203.0.113.50  confidence 0.98  evidence http, http_auth, http_body, http_request"
    )
    lines = screen(DEMO, 80).splitlines()
    at = lines.index("  (seen through the router — not on this store's LAN; tell the owner of that")
    assert (lines[at - 1], lines[at + 1]) == ("CONCERN  hikvision", "  network)")


def test_flow_breaks_between_fields_only() -> None:
    fields = ["ip 10.20.30.11", "mac 44:19:b6:2a:3c:11", "serial DS-2CD2385G1-I2021"]
    assert flow(fields, 40) == [
        "ip 10.20.30.11  mac 44:19:b6:2a:3c:11",
        "serial DS-2CD2385G1-I2021",
    ]


def test_flow_breaks_a_long_field_between_words() -> None:
    assert flow(["evidence sadp, sdk, http, oui"], 16) == ["evidence sadp,", "sdk, http, oui"]


def test_flow_cuts_only_a_word_longer_than_the_line() -> None:
    assert flow(["ABCDEFGHIJ"], 4) == ["ABCD", "EFGH", "IJ"]


def test_readme_shows_the_80_column_screen() -> None:
    readme = (HERE.parents[2] / "README.md").read_text(encoding="utf-8")
    assert "```\n" + (GOLDEN / "demo-80.txt").read_text(encoding="utf-8") + "```\n" in readme
