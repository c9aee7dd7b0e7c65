from __future__ import annotations

import re
from pathlib import Path

from scanner.active import settings
from scanner.decoders import services


def test_service_names_as_reports_give_them() -> None:
    assert services.NAMES == {
        ("tcp", 21): "ftp", ("tcp", 22): "ssh", ("tcp", 23): "telnet", ("tcp", 80): "http",
        ("tcp", 443): "https", ("tcp", 554): "rtsp", ("tcp", 8000): "sdk",
        ("tcp", 8080): "http-alt", ("tcp", 8443): "https-alt", ("tcp", 37777): "dvrip",
        ("tcp", 34567): "sdk", ("tcp", 5000): "dhip", ("udp", 37020): "sadp",
        ("udp", 37810): "dhip", ("udp", 5050): "dahua-discovery", ("udp", 3702): "ws-discovery",
        ("udp", 1900): "ssdp", ("udp", 5353): "mdns", ("udp", 53): "dns", ("udp", 67): "dhcp",
        ("udp", 68): "dhcp", ("udp", 554): "rtsp",
    }  # fmt: skip


def test_no_two_decoders_name_the_same_port() -> None:
    tables = [services.UNDECODED, *(module.SERVICES for module in services.OWNERS)]
    assert sum(len(table) for table in tables) == len(services.NAMES)


def test_a_port_nobody_names_is_listed_by_number() -> None:
    assert (services.name("tcp", 9999), services.name("udp", 80)) == ("9999", "80")


def test_a_scan_checks_the_ports_of_every_banner_it_reads() -> None:
    assert settings.DEFAULT_PORTS == (80, 443, 554, 8000, 8080, 8443, 34567, 37777)


def test_the_readme_names_the_ports_a_scan_checks() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"TCP checks of\s+([\d,\s]+and\s+\d+)\s+on each live host", readme)
    assert found is not None
    assert tuple(int(port) for port in re.findall(r"\d+", found[1])) == settings.DEFAULT_PORTS
