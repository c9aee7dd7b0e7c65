"""Issue 12: every table that grows with the input stays within the run's memory budget.

Each attack comes from make_floods.py (beside this file) at a scale that takes seconds, and runs
in a subprocess whose address space is capped (RLIMIT_AS): the unbounded tables of before would
end it with a MemoryError. Under the budget the peak RSS stays within --max-memory, the honest
camera keeps its verdict, and each full table says so in exactly one warning line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import make_corpus as mc
import make_floods as mf
import pytest
from hostile_support import measure, run_cli

from scanner.engine.budget import BASELINE, DEFAULT_BUDGET, MIB, SHARES, Budget

BUDGET = Budget.of(128 * MIB)
OPTIONS = ("--max-memory", "128M", "--limit-as", "1024")
HONEST_ID = f"mac:{mc.HONEST.mac}"
HONEST_ALONE = [mc.HONEST_MODEL, 0.994]  # SADP, HTTP App-webs/ and the Hikvision OUI


def cost(attack: str, scale: int, tmp_path: Path) -> dict[str, Any]:
    """What analysing attack `attack` at `scale` under BUDGET cost, from a capped subprocess."""
    result = measure(mf.write(attack, tmp_path, scale), options=OPTIONS)
    assert result["peak_rss_kb"] * 1024 <= BUDGET.total
    return result


def line(text: str) -> str:
    """A memory budget warning line as the run writes it."""
    return f"memory budget 128 MiB: {text}; --max-memory raises the limits"


def test_budget_caps_follow_the_budget() -> None:
    room = 128 * MIB - BASELINE
    assert BUDGET.caps == {
        name: max(16, int(room * share) // size) for name, (share, size) in SHARES.items()
    }
    assert Budget.of(512 * MIB).cap("hosts") > 4 * BUDGET.cap("hosts")


def test_out_of_order_segments_are_held_within_the_stream_budget(tmp_path: Path) -> None:
    # Before: 32 segments of 65,000 bytes kept past the hole of every direction (1.2 GB here).
    # Now a direction holds only what fits below its 16 KiB cap (16,284 bytes past a 100-byte
    # hole), and the oldest directions are decoded and closed once the stream budget is spent.
    directions = 600
    result = cost("ooo_segments", directions, tmp_path)
    held = BUDGET.cap("stream_bytes") // 16_284
    assert result["concern"] == {HONEST_ID: HONEST_ALONE}
    assert result["warnings"] == [
        line(
            f"{directions - held} TCP streams decoded before their start was complete, to stay "
            f"within the stream table ({BUDGET.cap('directions')} streams)"
        )
    ]


def test_overlapping_fragments_are_dropped_not_hoarded(tmp_path: Path) -> None:
    # Before: 63 overlapping 64 KB fragments kept for each of 256 datagrams (1 GB). A datagram
    # whose fragments add up past 65,535 bytes is an attack and goes; the rest share a cap.
    datagrams = 200
    result = cost("fragment_bomb", datagrams, tmp_path)
    assert result["concern"] == {HONEST_ID: HONEST_ALONE}
    (warning,) = result["warnings"]
    found = re.fullmatch(
        r"memory budget 128 MiB: (\d+) bytes of IP fragments dropped before their datagram "
        rf"was whole \({BUDGET.cap('fragment_bytes')} bytes held at most\); --max-memory "
        r"raises the limits",
        warning,
    )
    assert found is not None
    overlapping = datagrams * 31 * 64_000  # every second fragment overflows its datagram
    assert overlapping <= int(found.group(1)) <= datagrams * 63 * 64_000


def test_a_hundred_thousand_arp_hosts_give_a_bounded_report(tmp_path: Path) -> None:
    hosts = 100_000
    result = cost("arp_hosts", hosts, tmp_path)
    bound, listed = BUDGET.cap("bindings"), BUDGET.cap("listed")
    devices = bound + 1  # the honest camera's ARP and SADP bindings came too late: it is known
    # by its evidence
    assert result["summary"] == {
        "devices": devices, "of_concern": 1, "suspect": 0, "remote": 0, "recorder_channels": 0,
        "by_manufacturer": {"hikvision": 1},
    }  # fmt: skip
    assert len(result["devices"]) == listed
    assert result["stats"]["devices_unlisted"] == devices - listed
    assert result["concern"] == {HONEST_ID: HONEST_ALONE}
    assert result["warnings"] == [
        line(f"{hosts + 2 - bound} MAC-to-IP bindings past the binding table's {bound} "
             "addresses not kept"),
        line(f"{devices - listed} devices not listed in full (the report lists {listed}, "
             "surest of concern first); the summary counts them"),
    ]  # fmt: skip


def test_a_sweep_of_many_hosts_keeps_a_bounded_history_and_a_usable_report(
    tmp_path: Path,
) -> None:
    # Before: a 1M-host sweep wrote 1.26 GB of history (every device, every run) and a report
    # that `report` and `diff` then refused. Now the run lists what the budget's report table
    # holds and counts the rest, and the history keeps only what the report lists.
    hosts, listed = 30_000, Budget.of(DEFAULT_BUDGET).cap("listed")
    db, out = tmp_path / "h.sqlite3", tmp_path / "r.json"
    capture = mf.write("arp_hosts", tmp_path, hosts)
    proc = run_cli("sweep", "--site", "s1", "--pcap", capture, "--db", db, "-o", out, "-q",
                   "--fail-on", "never")  # fmt: skip
    assert (proc.returncode, proc.stderr) == (0, b"")
    report = json.loads(out.read_bytes())
    assert len(report["devices"]) == listed < report["summary"]["devices"]
    assert f"mac:{mc.HONEST.mac}" in {d["id"] for d in report["devices"]}
    assert out.stat().st_size < listed * 1024 and db.stat().st_size < listed * 1024
    for command in (("diff", out, out), ("report", out, "--format", "csv")):
        assert run_cli(*command).returncode == 0, command


def test_hikvision_looking_hosts_leave_room_for_the_real_camera(tmp_path: Path) -> None:
    # 20,000 hosts in a Hikvision OUI block answering App-webs/ fill every host table; the real
    # camera, last to speak, still gets in on the strength of its SADP reply (0.95 > 0.8).
    result = cost("hik_hosts", 20_000, tmp_path)
    assert result["concern"] == {HONEST_ID: [mc.HONEST_MODEL, 0.968]}
    assert result["summary"]["of_concern"] == BUDGET.cap("evidence")
    assert len(result["devices"]) == BUDGET.cap("listed")


def test_a_million_dhcp_names_are_not_a_million_table_rows(tmp_path: Path) -> None:
    hosts = 100_000
    result = cost("dhcp_names", hosts, tmp_path)
    names = BUDGET.cap("names")
    assert result["concern"] == {HONEST_ID: HONEST_ALONE}
    assert result["warnings"] == [
        line(f"{hosts - names} host names and endpoint ids past the name table's {names} "
             "not kept"),
    ]  # fmt: skip


def test_a_flood_host_before_a_camera_does_not_cost_the_camera_its_verdict(
    tmp_path: Path,
) -> None:
    # Issue 12.4: one host sending 100k distinct Server values used to fill the global evidence
    # table first, leaving the camera behind it an OUI-only suspect.
    values = 100_000
    result = cost("server_flood", values, tmp_path)
    flood = f"mac:{mf.FLOOD_MAC}"  # App-webs/N is a Hikvision web server: the flood host is one
    assert result["concern"] == {flood: [None, 0.8], HONEST_ID: HONEST_ALONE}
    assert result["warnings"] == [
        line(f"{values - 8} evidence items over their sender's own cap (64 per sender, 8 "
             "values per rule, 1/8 of the table per MAC) not kept"),
    ]  # fmt: skip


def test_a_flood_host_before_a_relabelled_camera_does_not_cost_it_its_verdict(
    tmp_path: Path,
) -> None:
    # Issue 12.4, second half: a relabelled unit whose MAC is in no Hikvision block has only
    # its own messages to go on; behind a global first-come cap it came out clear.
    relabelled = mc.Host("02:5c:00:00:00:07", "192.168.1.77")
    path = tmp_path / "relabelled.pcap.gz"
    w = mf.Writer(path, level=1)
    mf.server_flood(w, 20_000)
    match = mc.sadp_probematch(relabelled.mac, relabelled.ip, mc.HONEST_MODEL, "RELABEL1", "V5")
    w.frame(mc.udp(relabelled, None, 37020, 37020, match))
    w.close()
    result = measure(path, options=OPTIONS)
    assert result["concern"][f"mac:{relabelled.mac}"] == [mc.HONEST_MODEL, 0.95]  # SADP alone


def test_a_million_corrupt_blocks_give_nine_warning_lines(tmp_path: Path) -> None:
    blocks = 200_000
    path = mf.corrupt_blocks(tmp_path / "corrupt.pcapng.gz", blocks)
    result = measure(path, options=OPTIONS)
    first = len(mc.ng_shb() + mc.ng_idb() + mc.ng_epb(mc.honest_frames()[0], 0))
    size = len(mc.ng_epb(bytes(60), 1, ifid=7))
    assert result["warnings"] == [
        f"{path}: skipped a corrupt packet block at byte {first + n * size}" for n in range(8)
    ] + [
        f"{path}: skipped {blocks - 8} more corrupt packet blocks (the last at byte "
        f"{first + (blocks - 1) * size})"
    ]
    assert result["concern"] == {HONEST_ID: [mc.HONEST_MODEL, 0.968]}


def test_an_undecodable_link_type_is_said_not_silent(tmp_path: Path) -> None:
    path = mf.write("radiotap", tmp_path, 50)
    result = measure(path)
    assert (result["devices"], result["warnings"]) == (
        [],
        [
            f"{path}: 50 frames of link type 127 (802.11 radiotap) cannot be decoded; camscan "
            "reads Ethernet, Linux cooked capture, raw IP and BSD loopback"
        ],
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "--max-memory 'lots': expected a size such as 256M or 1G"),
        ("10M", "--max-memory 10 MiB is too small: camscan needs at least 96 MiB"),
    ],
)
def test_a_bad_memory_budget_is_one_line_and_exit_2(value: str, message: str) -> None:
    proc = run_cli("pcap", mf.mc.SYNTHETIC / "sadp.pcap", "--max-memory", value)
    assert (proc.returncode, proc.stdout, proc.stderr.decode()) == (2, b"", f"camscan: {message}\n")


def test_a_bad_local_net_is_one_line_and_exit_2() -> None:
    proc = run_cli("pcap", mf.mc.SYNTHETIC / "sadp.pcap", "--local-net", "10.0.0.0/33")
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr.decode().startswith("camscan: --local-net '10.0.0.0/33': ")
