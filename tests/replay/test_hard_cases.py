"""The ways real scanners fail, each on its own synthetic capture (pcaps/MANIFEST.tsv)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

SYN = Path(__file__).resolve().parents[2] / "pcaps" / "synthetic"
Report = dict[str, Any]


def concern(report: Report) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in report["devices"] if d["of_concern"]}


def test_router_forwarding_a_hikvision_page_flags_neither_router_nor_pc(
    report_for: Callable[..., Report],
) -> None:
    report = report_for(SYN / "router_remote.pcap")
    assert list(concern(report)) == ["ip:203.0.113.50"]
    remote = concern(report)["ip:203.0.113.50"]
    assert (remote["location"], remote["mac"], remote["manufacturer"]) == (
        "remote",
        None,
        "hikvision",
    )
    router = next(d for d in report["devices"] if d["mac"] == "00:00:0c:20:30:01")
    assert (router["verdict"], router["evidence"]) == ("clear", [])


def test_scale_in_shanghai_dahua_scale_factory_block_is_not_dahua(
    report_for: Callable[..., Report],
) -> None:
    report = report_for(SYN / "scale_ma_m.pcap")
    scale = next(d for d in report["devices"] if d["mac"] == "40:2c:76:1a:0b:70")
    assert scale["oui_organisation"] == "Shanghai Dahua Scale Factory"
    assert (scale["manufacturer"], scale["verdict"], scale["hostname"]) == (
        None,
        "clear",
        "SCALE-DELI-01",
    )


def test_windows_ws_discovery_probe_and_resolve_is_not_a_camera(
    report_for: Callable[..., Report],
) -> None:
    report = report_for(SYN / "wsd_windows_probe.pcap")
    assert report["summary"]["of_concern"] == 0
    assert {(d["verdict"], d["kind"], d["manufacturer"]) for d in report["devices"]} == {
        ("clear", "unknown", None)
    }


def test_relabelled_dvr_with_its_own_oui_is_found_by_its_sdk_reply(
    report_for: Callable[..., Report],
) -> None:
    found = concern(report_for(SYN / "sdk8000.pcap"))
    assert list(found) == ["mac:c0:56:e3:44:08:00"]
    assert [e["rule"] for e in found["mac:c0:56:e3:44:08:00"]["evidence"]] == [
        "hikvision.oui.hikvision",
        "hikvision.sdk_reply.null-probe",
    ]


def test_nginx_on_port_8000_is_not_a_hikvision_sdk_port(report_for: Callable[..., Report]) -> None:
    report = report_for(SYN / "sdk8000.pcap")
    web = next(d for d in report["devices"] if "10.20.30.16" in d["ips"])
    assert web["verdict"] == "clear"


def test_dahua_reply_saying_vendor_private_is_still_dahua(
    report_for: Callable[..., Report],
) -> None:
    cam = concern(report_for(SYN / "dhip.pcap"))["mac:08:ed:ed:87:42:7a"]
    assert (cam["manufacturer"], cam["brand"], cam["model"], cam["serial"]) == (
        "dahua",
        None,
        "IPC-HDW1431T1-S4",
        "6C01E93PAG69A7D",
    )


def test_login_to_realm_over_rtsp_and_dvrip_gives_the_dahua_serial(
    report_for: Callable[..., Report],
) -> None:
    for name in ("rtsp.pcap", "dvrip37777.pcap", "http_dahua.pcap"):
        cam = concern(report_for(SYN / name))["mac:3c:e3:6b:1d:55:20"]
        assert (cam["manufacturer"], cam["serial"]) == ("dahua", "5E04B2FPAG1A3C7"), name


def test_ezviz_and_imou_are_found_through_their_cloud_traffic(
    report_for: Callable[..., Report],
) -> None:
    ezviz = concern(report_for(SYN / "dns_ezviz.pcap"))
    imou = concern(report_for(SYN / "p2p_imou.pcap"))
    assert [(d["id"], d["manufacturer"], d["brand"]) for d in ezviz.values()] == [
        ("mac:64:24:4d:1e:30:30", "hikvision", "ezviz")
    ]
    assert [(d["id"], d["manufacturer"], d["brand"]) for d in imou.values()] == [
        ("mac:1c:4d:89:6f:02:31", "dahua", "imou")
    ]


def test_cloud_servers_answering_the_camera_are_not_devices_of_concern(
    report_for: Callable[..., Report],
) -> None:
    report = report_for(SYN / "p2p_imou.pcap")
    assert [d["id"] for d in report["devices"] if d["location"] == "remote"] == []


def test_segments_out_of_order_are_reassembled_before_decoding(
    report_for: Callable[..., Report],
) -> None:
    cam = concern(report_for(SYN / "tcp_reorder.pcap"))["mac:44:19:b6:2a:3c:11"]
    assert {e["value"] for e in cam["evidence"] if e["signal"] == "http"} == {"App-webs/"}
    realms = [e["value"] for e in cam["evidence"] if e["signal"] == "http_auth"]
    assert len(realms) == 1 and 'realm="IP Camera(C2183)"' in realms[0]


def test_fragmented_ipv6_probematch_and_ndp_bindings(report_for: Callable[..., Report]) -> None:
    cam = concern(report_for(SYN / "ipv6_ndp.pcap"))["mac:44:19:b6:2a:3c:11"]
    assert cam["ips"] == ["2001:db8:20:30::11", "fe80::4619:b6ff:fe2a:3c11"]
    assert cam["model"] == "DS-2CD2385G1-I"


def test_link_types_and_compression_give_the_same_device(report_for: Callable[..., Report]) -> None:
    expected = ("hikvision", "DS-2CD2385G1-I", "DS-2CD2385G1-I20200414AAWRE33842150")
    for name in ("sadp.pcap", "sadp.pcap.gz", "vlan_qinq.pcap", "rawip.pcap"):
        cam = concern(report_for(SYN / name))["mac:58:50:ed:1f:e3:85"]
        assert (cam["manufacturer"], cam["model"], cam["serial"]) == expected, name
    dahua = ("dahua", "IPC-HDW1431T1-S4", "6C01E93PAG69A7D")
    for name in ("sll.pcap", "rawip_ipv4.pcap"):
        cam = concern(report_for(SYN / name))["mac:08:ed:ed:87:42:7a"]
        assert (cam["manufacturer"], cam["model"], cam["serial"]) == dahua, name


def test_vlan_id_is_kept_with_the_device(report_for: Callable[..., Report]) -> None:
    cam = concern(report_for(SYN / "vlan_qinq.pcap"))["mac:58:50:ed:1f:e3:85"]
    assert cam["vlan"] == 20


def test_pcapng_with_two_interfaces_of_different_link_types(
    report_for: Callable[..., Report],
) -> None:
    assert sorted(concern(report_for(SYN / "two_interfaces.pcapng"))) == [
        "mac:08:ed:ed:87:42:7a",
        "mac:58:50:ed:1f:e3:85",
    ]


def test_legacy_sadp_over_ethertype_0x8033(report_for: Callable[..., Report]) -> None:
    cam = concern(report_for(SYN / "sadp_legacy.pcap"))["mac:4c:bd:8f:3a:10:64"]
    assert cam["manufacturer"] == "hikvision"


def test_legacy_dahua_5050_reply(report_for: Callable[..., Report]) -> None:
    nvr = concern(report_for(SYN / "dahua5050.pcap"))["mac:e0:50:8b:2c:41:08"]
    assert (nvr["model"], nvr["serial"], nvr["kind"]) == (
        "DHI-NVR5216-16P-4KS2",
        "4K01C2DPAZ7E3F1",
        "nvr",
    )
