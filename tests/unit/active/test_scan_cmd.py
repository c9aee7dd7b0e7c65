"""The scan and listen commands' refusals: none of these sends a packet."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from scanner.cli.main import app

runner = CliRunner()
NO_SUCH_IF = "camscan-noif0"


def test_scan_without_target_or_interface_says_how_to_start() -> None:
    result = runner.invoke(app, ["scan"])
    assert (result.exit_code, "camscan scan --iface eth0" in result.output) == (2, True)


def test_scan_on_a_missing_interface_exits_2() -> None:
    result = runner.invoke(app, ["scan", "--iface", NO_SUCH_IF])
    assert (result.exit_code, f"no such interface: {NO_SUCH_IF}" in result.output) == (2, True)


def test_scan_of_a_bad_target_exits_2() -> None:
    result = runner.invoke(app, ["scan", "10.0.0.300", "--iface", "lo"])
    assert (result.exit_code, "is not an IPv4 CIDR" in result.output) == (2, True)


def test_scan_of_more_than_a_slash_16_exits_2() -> None:
    result = runner.invoke(app, ["scan", "10.0.0.0/8", "--iface", "lo"])
    assert (result.exit_code, "--allow-large" in result.output) == (2, True)


def test_scan_with_bad_ports_exits_2() -> None:
    result = runner.invoke(app, ["scan", "--iface", NO_SUCH_IF, "--ports", "80,http"])
    assert (result.exit_code, "is not a port number" in result.output) == (2, True)


def test_listen_on_a_missing_interface_exits_2() -> None:
    result = runner.invoke(app, ["listen", "--iface", NO_SUCH_IF, "--seconds", "1"])
    assert (result.exit_code, f"no such interface: {NO_SUCH_IF}" in result.output) == (2, True)


def test_listen_without_raw_capture_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scanner.sources.live.open_raw", lambda iface: None)
    result = runner.invoke(app, ["listen", "--iface", "lo", "--seconds", "1"])
    assert (result.exit_code, "needs raw-socket privileges" in result.output) == (3, True)
