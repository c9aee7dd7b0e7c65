"""Issue 9.1 in captures: local subnets, inferred from ARP or stated, decide what is remote.

The captures are built here with pcaps/lib_frames.py: a PC and a router (Cisco OUI) on
10.20.30.0/24, and Hikvision web servers on 10.20.40.0/24 behind the router, so every frame from
them carries the router's MAC. Their private addresses are what fooled the old router heuristic:
with one such host, the router carried a single address it never claimed, and got the blame.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PCAPS = Path(__file__).resolve().parents[2] / "pcaps"
sys.path[:0] = [str(PCAPS), str(PCAPS / "synthetic")]

import lib_frames as lf  # noqa: E402
import make_synthetic as ms  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hostile"))
from hostile_support import run_cli  # noqa: E402

Report = dict[str, Any]
ROUTER_ID = f"mac:{ms.ROUTER.mac}"


def routed(path: Path, remotes: list[str], arp: bool = True) -> Path:
    """The PC fetching a Hikvision login page from each of `remotes` through the router."""
    tl = lf.Timeline()
    cur = tl.at(0.1)
    if arp:
        lf.arp_exchange(cur, ms.PC, ms.ROUTER)
        lf.arp_exchange(cur, ms.ROUTER, ms.PC)
    for n, ip in enumerate(remotes):
        remote = lf.behind(ms.ROUTER, ip)
        page = lf.http_request("GET", "/doc/page/login.asp", ip)
        lf.tcp_conversation(cur, ms.PC, remote, 53010 + n, 80, [(page, ms.hik_resp(200, ms.T0))])
    tl.write(path)
    return path


def verdicts(report: Report) -> dict[str, tuple[str, str, str | None]]:
    """id -> (verdict, location, mac) of every device."""
    return {d["id"]: (d["verdict"], d["location"], d["mac"]) for d in report["devices"]}


def test_one_private_host_behind_a_router_is_remote(
    report_for: Callable[..., Report], tmp_path: Path
) -> None:
    report = report_for(routed(tmp_path / "one.pcap", ["10.20.40.5"]))
    assert verdicts(report) == {
        f"mac:{ms.PC.mac}": ("clear", "lan", ms.PC.mac),
        ROUTER_ID: ("clear", "lan", ms.ROUTER.mac),
        "ip:10.20.40.5": ("concern", "remote", None),
    }


def test_two_private_hosts_behind_a_router_are_two_remote_devices(
    report_for: Callable[..., Report], tmp_path: Path
) -> None:
    report = report_for(routed(tmp_path / "two.pcap", ["10.20.40.5", "10.20.40.6"]))
    assert {i: v for i, v in verdicts(report).items() if v[0] != "clear"} == {
        "ip:10.20.40.5": ("concern", "remote", None),
        "ip:10.20.40.6": ("concern", "remote", None),
    }
    assert verdicts(report)[ROUTER_ID] == ("clear", "lan", ms.ROUTER.mac)


def test_a_capture_without_arp_needs_the_subnet_stated(tmp_path: Path) -> None:
    # No ARP, DHCP or NDP: nothing says where the LAN ends, so the one routed address looks like
    # the router's own; --local-net states it, and the page is a remote device again.
    path = routed(tmp_path / "noarp.pcap", ["10.20.40.5"], arp=False)
    unstated = json.loads(run_cli("pcap", path, "--format", "json").stdout)
    stated = json.loads(
        run_cli("pcap", path, "--format", "json", "--local-net", "10.20.30.0/24").stdout
    )
    assert verdicts(unstated)[ROUTER_ID][0] == "concern"
    assert verdicts(stated) == {
        f"mac:{ms.PC.mac}": ("clear", "lan", ms.PC.mac),
        ROUTER_ID: ("clear", "lan", ms.ROUTER.mac),
        "ip:10.20.40.5": ("concern", "remote", None),
    }
