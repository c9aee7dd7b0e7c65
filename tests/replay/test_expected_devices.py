"""Every golden capture's devices, stated by hand from what its generator planted.

The golden reports pin every byte but were written by camscan itself; these statements come from
the planted hosts (pcaps/MANIFEST.tsv, pcaps/synthetic/make_synthetic.py): which devices the
report lists, their MAC and IPs, the verdict, and for devices of concern the manufacturer, brand,
model and serial where the capture carries them (None: it does not). Clear devices must only not be
Hikvision or Dahua. The demo capture's hosts are stated in pcaps/demo/expected.toml (test_demo.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PCAPS = Path(__file__).resolve().parents[2] / "pcaps"
OF_CONCERN = {"hikvision", "dahua"}
Stated = dict[str, Any]

# The planted hosts the captures share (make_synthetic.py)
PC = "3c:a9:f4:52:6e:00", "10.20.30.100"  # a Windows PC
ROUTER = "00:00:0c:20:30:01", "10.20.30.1"  # Cisco OUI
FIX_PC = "b0:83:fe:2d:19:01", "192.168.124.10"  # the PC beside the real fixtures' devices
HIK_CAM = "44:19:b6:2a:3c:11", "10.20.30.11"
DAHUA_CAM = "3c:e3:6b:1d:55:20", "10.20.30.20"
DAHUA_SERIAL = "5E04B2FPAG1A3C7"  # its realm "Login to <serial>"
# The devices the third-party fixture replies came from, with what those replies state
FIX_HIK = "58:50:ed:1f:e3:85", "192.168.124.40"
FIX_HIK_MODEL = {"model": "DS-2CD2385G1-I", "serial": "DS-2CD2385G1-I20200414AAWRE33842150"}
FIX_DAHUA = "08:ed:ed:87:42:7a", "192.168.124.17"
FIX_DAHUA_MODEL = {"model": "IPC-HDW1431T1-S4", "serial": "6C01E93PAG69A7D"}


def clear(mac: str, *ips: str, **known: Any) -> Stated:
    return {"id": f"mac:{mac}", "ips": list(ips), "verdict": "clear", **known}


def concern(mac: str, ip: str, manufacturer: str, **known: Any) -> Stated:
    """A LAN device of concern; model, serial and brand are None unless stated."""
    stated = {"model": None, "serial": None, "brand": None, **known}
    return {"id": f"mac:{mac}", "ips": [ip], "verdict": "concern", "location": "lan",
            "manufacturer": manufacturer, **stated}  # fmt: skip


def without(stated: Stated, *keys: str) -> Stated:
    """`stated` with `keys` left unasserted."""
    return {k: v for k, v in stated.items() if k not in keys}


EXPECTED: dict[str, list[Stated]] = {
    "synthetic/sadp.pcap": [concern(*FIX_HIK, "hikvision", **FIX_HIK_MODEL), clear(*FIX_PC)],
    "synthetic/sadp.pcap.gz": [concern(*FIX_HIK, "hikvision", **FIX_HIK_MODEL), clear(*FIX_PC)],
    # the tool sends only an EtherType 0x8033 Inquiry to broadcast: it is not a device listed
    "synthetic/sadp_legacy.pcap": [concern("4c:bd:8f:3a:10:64", "192.0.0.64", "hikvision")],
    "synthetic/dhip.pcap": [
        concern(*FIX_DAHUA, "dahua", firmware="2.800.0000000.13.R", **FIX_DAHUA_MODEL),
        clear(*FIX_PC),
    ],
    "synthetic/dahua5050.pcap": [
        concern(
            "e0:50:8b:2c:41:08",
            "192.168.1.108",
            "dahua",
            model="DHI-NVR5216-16P-4KS2",
            serial="4K01C2DPAZ7E3F1",
        ),
        clear("b0:83:fe:2d:19:01", "192.168.1.10"),
    ],
    "synthetic/wsd_hikvision.pcap": [
        concern(*FIX_HIK, "hikvision", model="DS-2CD2385G1-I"),  # a ProbeMatch has no serial
        clear(*FIX_PC),
    ],
    # nobody answers the Windows PC's Probe and Resolve; the PC and its gateway are clear
    "synthetic/wsd_windows_probe.pcap": [clear(*PC), clear(*ROUTER)],
    "synthetic/http_hikvision.pcap": [concern(*HIK_CAM, "hikvision"), clear(*PC)],
    "synthetic/http_dahua.pcap": [concern(*DAHUA_CAM, "dahua", serial=DAHUA_SERIAL), clear(*PC)],
    "synthetic/rtsp.pcap": [
        concern(*HIK_CAM, "hikvision"),
        concern(*DAHUA_CAM, "dahua", serial=DAHUA_SERIAL),
        clear(*PC),
    ],
    "synthetic/tls_hikvision.pcap": [
        concern("24:48:45:5e:71:0a", "10.20.30.10", "hikvision"),
        clear(*PC),
    ],
    "synthetic/sdk8000.pcap": [
        concern("c0:56:e3:44:08:00", "10.20.30.15", "hikvision"),
        clear("00:15:5d:01:02:03", "10.20.30.16"),  # nginx on TCP 8000
        clear(*PC),
    ],
    "synthetic/dvrip37777.pcap": [
        concern(*DAHUA_CAM, "dahua", serial=DAHUA_SERIAL),
        clear(*PC),
    ],
    # the cloud servers behind the router are not devices of this LAN; the P2P registration
    # names serial 8C0A7E3PAJ92B11, which camscan does not read from it (not stated here)
    "synthetic/p2p_imou.pcap": [
        without(concern("1c:4d:89:6f:02:31", "10.20.30.31", "dahua", brand="imou"), "serial"),
        clear(*ROUTER),
    ],
    "synthetic/dns_ezviz.pcap": [
        concern("64:24:4d:1e:30:30", "10.20.30.30", "hikvision", brand="ezviz"),
        clear(*ROUTER),
    ],
    "synthetic/router_remote.pcap": [
        {
            "id": "ip:203.0.113.50",
            "ips": ["203.0.113.50"],
            "verdict": "concern",
            "location": "remote",
            "mac": None,
            "manufacturer": "hikvision",
            "model": None,
        },
        clear(*ROUTER),
        clear(*PC),
    ],
    "synthetic/scale_ma_m.pcap": [clear("40:2c:76:1a:0b:70", "10.20.30.70"), clear(*ROUTER)],
    "synthetic/vlan_qinq.pcap": [
        concern(*FIX_HIK, "hikvision", vlan=20, **FIX_HIK_MODEL),  # the inner (802.1Q) tag
        clear(*FIX_PC, vlan=20),
    ],
    "synthetic/sll.pcap": [concern(*FIX_DAHUA, "dahua", **FIX_DAHUA_MODEL), clear(*FIX_PC)],
    "synthetic/sll2.pcap": [concern(*HIK_CAM, "hikvision"), clear(*PC)],
    # raw IP has no link layer: the MAC is the one the reply's body states; the prober has none
    "synthetic/rawip.pcap": [concern(*FIX_HIK, "hikvision", **FIX_HIK_MODEL)],
    "synthetic/rawip_ipv4.pcap": [concern(*FIX_DAHUA, "dahua", **FIX_DAHUA_MODEL)],
    "synthetic/two_interfaces.pcapng": [
        concern(*FIX_HIK, "hikvision", **FIX_HIK_MODEL),
        concern(*FIX_DAHUA, "dahua", **FIX_DAHUA_MODEL),
        clear(*FIX_PC),
    ],
    "synthetic/tcp_reorder.pcap": [concern(*HIK_CAM, "hikvision"), clear(*PC)],
    "synthetic/ipv6_ndp.pcap": [
        {
            **concern(HIK_CAM[0], "2001:db8:20:30::11", "hikvision", model="DS-2CD2385G1-I"),
            "ips": ["2001:db8:20:30::11", "fe80::4619:b6ff:fe2a:3c11"],
        },
        clear(PC[0], "2001:db8:20:30::100"),
        clear(ROUTER[0], "fe80::20c:29ff:fe20:3001"),
    ],
}


def golden_captures() -> list[str]:
    """Every capture test_golden.py replays, relative to pcaps/."""
    names = (str(p.relative_to(PCAPS)) for p in PCAPS.rglob("*") if p.is_file())
    return sorted(n for n in names if n.endswith((".pcap", ".pcapng", ".pcap.gz")))


def test_every_golden_capture_has_its_devices_stated() -> None:
    assert sorted([*EXPECTED, "demo/store-lan.pcapng"]) == golden_captures()


@pytest.mark.parametrize("capture", sorted(EXPECTED))
def test_capture_reports_the_stated_devices(
    capture: str, report_for: Callable[..., dict[str, Any]]
) -> None:
    devices = {d["id"]: d for d in report_for(PCAPS / capture)["devices"]}
    stated = {s["id"]: s for s in EXPECTED[capture]}
    assert sorted(devices) == sorted(stated)
    for device_id, want in stated.items():
        got = devices[device_id]
        if want["verdict"] == "clear":
            assert got["manufacturer"] not in OF_CONCERN, device_id
        for key, value in want.items():
            assert got[key] == value, (device_id, key)
