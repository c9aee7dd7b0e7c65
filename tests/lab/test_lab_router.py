"""Issue 9.1: a camera behind a router is a remote device, never the router's MAC.

Layout: the scanner (10.77.0.2/24) and a router (Cisco OUI, 10.77.0.1) on the lab bridge; the
router's second leg (10.78.0.1/24) on a second bridge with one or two emulated Hikvision cameras
behind it. `camscan scan <camera addresses> --iface eth0` from the scanner reaches them through
the router, so every answer arrives with the router's MAC as its Ethernet source. The scanner
knows its interface's subnet (10.77.0.0/24): the cameras' addresses are outside it, so their
evidence belongs to remote devices with no MAC, even when the router carries only one of them.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netns import IFACE, MULTICAST, Lab, _sysctl, emulator_argv, ip
from roster import SCANNER_CIDR, SCANNER_MAC
from scanrun import CAMSCAN, SCAN_TIMEOUT, require_scan

pytestmark = pytest.mark.lab

ROUTER_MAC, ROUTER_FAR_MAC = "00:00:0c:77:00:01", "00:00:0c:77:01:01"  # Cisco OUI
ROUTER_IP, ROUTER_FAR_IP = "10.77.0.1", "10.78.0.1"
FAR_BRIDGE = "br1"
CAMERAS = {"cam5": ("44:19:b6:78:00:05", "10.78.0.5"), "cam6": ("44:19:b6:78:00:06", "10.78.0.6")}


def far_host(lab: Lab, name: str, mac: str, addr: str) -> str:
    """A namespace whose eth0 hangs on the far bridge, routed through the router."""
    ns = f"{lab.prefix}-{name}"
    lab._add_ns(ns)
    port = f"f{name[-1]}"
    ip("-n", lab.switch, "link", "add", port, "type", "veth",
       "peer", "name", IFACE, "address", mac, "netns", ns)  # fmt: skip
    ip("-n", lab.switch, "link", "set", port, "master", FAR_BRIDGE, "up")
    ip("-n", ns, "link", "set", "lo", "up")
    ip("-n", ns, "addr", "add", f"{addr}/24", "dev", IFACE)
    ip("-n", ns, "link", "set", IFACE, "up")
    ip("-n", ns, "route", "add", "default", "via", ROUTER_FAR_IP)
    ip("-n", ns, "route", "add", MULTICAST, "dev", IFACE)
    return ns


def build(work: Path, cameras: list[str]) -> tuple[Lab, str]:
    """The routed lab with `cameras` behind the router; (lab, scanner namespace)."""
    lab = Lab()
    try:
        scanner = lab.add_host("scan", SCANNER_MAC, [SCANNER_CIDR], multicast_route=False)
        ip("-n", scanner, "route", "add", "10.78.0.0/24", "via", ROUTER_IP)
        router = lab.add_host("router", ROUTER_MAC, [f"{ROUTER_IP}/24"])
        _sysctl(router, "net.ipv4.ip_forward=1")
        ip("-n", lab.switch, "link", "add", FAR_BRIDGE, "type", "bridge")
        ip("-n", lab.switch, "link", "set", FAR_BRIDGE, "up")
        ip("-n", lab.switch, "link", "add", "rfar", "type", "veth",
           "peer", "name", "eth1", "address", ROUTER_FAR_MAC, "netns", router)  # fmt: skip
        ip("-n", lab.switch, "link", "set", "rfar", "master", FAR_BRIDGE, "up")
        ip("-n", router, "addr", "add", f"{ROUTER_FAR_IP}/24", "dev", "eth1")
        ip("-n", router, "link", "set", "eth1", "up")
        procs = []
        for name in cameras:
            mac, addr = CAMERAS[name]
            ns = far_host(lab, name, mac, addr)
            argv = emulator_argv(sys.executable, "hik-camera", log=work / f"{name}.jsonl")
            procs.append(lab.spawn(ns, argv, log=work / f"{name}.stderr"))
        lab.wait_ready(procs)
    except BaseException:
        lab.teardown()
        raise
    return lab, scanner


def scan(lab: Lab, scanner: str, work: Path, targets: list[str]) -> dict[str, Any]:
    """`camscan scan TARGETS --iface eth0` in the scanner namespace; its report."""
    out = work / "r.json"
    argv = [str(CAMSCAN), "scan", *targets, "--iface", IFACE, "-o", str(out), "-q"]
    proc = subprocess.run(
        lab.exec_argv(scanner, argv), capture_output=True, text=True, timeout=SCAN_TIMEOUT
    )
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def verdicts(report: dict[str, Any]) -> dict[str, tuple[str, str, str | None]]:
    """id -> (verdict, location, mac) of every device of concern, and of the router."""
    return {
        d["id"]: (d["verdict"], d["location"], d["mac"])
        for d in report["devices"]
        if d["verdict"] != "clear" or d["mac"] == ROUTER_MAC
    }


@pytest.fixture(scope="module", params=[["cam5"], ["cam5", "cam6"]], ids=["one", "two"])
def routed(
    request: pytest.FixtureRequest, lab_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[str], dict[str, Any]]]:
    require_scan()
    work = tmp_path_factory.mktemp("router-lab")
    cameras: list[str] = request.param
    lab, scanner = build(work, cameras)
    try:
        yield cameras, scan(lab, scanner, work, [CAMERAS[c][1] for c in cameras])
    finally:
        lab.teardown()


def test_cameras_behind_a_router_are_remote_and_the_router_is_clear(
    routed: tuple[list[str], dict[str, Any]],
) -> None:
    cameras, report = routed
    expected = {f"ip:{CAMERAS[c][1]}": ("concern", "remote", None) for c in cameras}
    assert verdicts(report) == {**expected, f"mac:{ROUTER_MAC}": ("clear", "lan", ROUTER_MAC)}


def _link_local(mac: str) -> str:
    """The IPv6 link-local address a host forms from its MAC (modified EUI-64, RFC 4291 app. A)."""
    b = bytes.fromhex(mac.replace(":", ""))
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + bytes([b[0] ^ 2]) + b[1:3]
                                     + b"\xff\xfe" + b[3:]))  # fmt: skip


def test_the_router_carries_no_camera_evidence(routed: tuple[list[str], dict[str, Any]]) -> None:
    _, report = routed
    router = next(d for d in report["devices"] if d["mac"] == ROUTER_MAC)
    assert (router["evidence"], router["manufacturer"]) == ([], None)
    # its own link-local address shows when its kernel happens to send NDP during the scan
    assert router["ips"] in ([ROUTER_IP], [ROUTER_IP, _link_local(ROUTER_MAC)])
