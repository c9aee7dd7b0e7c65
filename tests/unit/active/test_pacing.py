"""How a scan paces itself: windows that end after the last answer, a TCP pool that a silent
host cannot hold up, and the overall bound. No packet is sent: the probes are replaced."""

from __future__ import annotations

import asyncio
import socket
import time
from ipaddress import IPv4Interface

import pytest

from scanner.active import run
from scanner.active.run import Scan, ScanConfig, overall_bound
from scanner.active.settings import ScanSettings
from scanner.active.targets import parse_targets
from scanner.sources.live import FrameSink

SCANNER = "10.77.0.2/24"


def make_scan(settings: ScanSettings, targets: str = "10.77.0.0/24") -> Scan:
    config = ScanConfig(parse_targets([targets]), "lo", (IPv4Interface(SCANNER),), settings)
    scan = Scan(config, FrameSink(None), lambda: (lambda *_: None, ()))
    scan.ready.set()  # as if attach() had run: these tests drive the phases themselves
    return scan


def timed_window(scan: Scan, floor: float, answers: list[float], settle: float) -> float:
    """Seconds the window waited when answers arrived at the given offsets."""
    last = [0.0]

    async def main() -> float:
        start = time.monotonic()
        loop = asyncio.get_running_loop()
        for at in answers:
            loop.call_later(at, lambda: last.__setitem__(0, time.monotonic()))
        await scan.window(start, floor, lambda: last[0], settle)
        return time.monotonic() - start

    return asyncio.run(main())


def test_a_window_without_answers_lasts_its_floor() -> None:
    took = timed_window(make_scan(ScanSettings()), 0.2, [], 0.1)
    assert 0.2 <= took < 0.6


def test_a_window_ends_a_settle_time_after_the_last_answer() -> None:
    took = timed_window(make_scan(ScanSettings()), 0.1, [0.05, 0.2, 0.35], 0.15)
    assert 0.5 <= took < 0.9  # not the floor (0.1), not the listen window (3)


def test_answers_never_stretch_a_window_beyond_the_listen_window() -> None:
    answers = [0.05 * n for n in range(1, 20)]  # a chatty segment: an answer every 50 ms
    took = timed_window(make_scan(ScanSettings(listen_window=0.4)), 0.1, answers, 0.15)
    assert 0.4 <= took < 0.8  # not 0.95 + 0.15


def test_silent_hosts_do_not_serialise_the_tcp_phase(monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 hosts of 8 ports, the first 10 firewalled: each of their ports waits the whole
    # connect timeout while the other 30 hosts are checked
    scan = make_scan(ScanSettings(connect_timeout=0.5, tcp_rate=100_000))
    silent = {f"10.77.0.{n}" for n in range(10, 20)}
    calls: list[tuple[str, int]] = []
    answered: list[float] = []
    start = time.monotonic()

    async def fake_port(ip: str, port: int, stats: dict[str, int]) -> None:
        calls.append((ip, port))
        await asyncio.sleep(scan.settings.connect_timeout if ip in silent else 0.001)
        if ip not in silent:
            answered.append(time.monotonic() - start)

    monkeypatch.setattr(scan, "_port", fake_port)

    async def main() -> None:
        for n in range(10, 50):
            scan._alive(f"10.77.0.{n}")
        scan.close_queue()
        await scan.tcp_phase()

    asyncio.run(main())
    took = time.monotonic() - start
    # every answering host was done before the first silent port gave up, and the whole phase
    # took about one connect timeout
    assert (len(set(calls)), scan.phases["tcp"]["done"], max(answered) < 0.5, took < 1.0) == (
        320, 40, True, True,
    )  # fmt: skip


def test_the_tcp_pool_holds_at_most_concurrency_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scan = make_scan(ScanSettings(concurrency=5, tcp_rate=100_000))
    active = [0, 0]  # now, most

    async def fake_port(ip: str, port: int, stats: dict[str, int]) -> None:
        active[0] += 1
        active[1] = max(active)
        await asyncio.sleep(0.005)
        active[0] -= 1

    monkeypatch.setattr(scan, "_port", fake_port)

    async def main() -> None:
        for n in range(10, 30):
            scan._alive(f"10.77.0.{n}")
        scan.close_queue()
        await scan.tcp_phase()

    asyncio.run(main())
    assert active == [0, 5]


def test_connections_start_no_faster_than_the_tcp_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    scan = make_scan(ScanSettings(tcp_rate=200, concurrency=64, ports=(80, 443, 554, 8000)))
    started: list[float] = []

    async def fake_port(ip: str, port: int, stats: dict[str, int]) -> None:
        await scan.tcp_bucket.take()
        started.append(time.monotonic())

    monkeypatch.setattr(scan, "_port", fake_port)

    async def main() -> None:
        for n in range(10, 30):  # 80 connections: a burst of 20, then 60 at 200/s
            scan._alive(f"10.77.0.{n}")
        scan.close_queue()
        await scan.tcp_phase()

    asyncio.run(main())
    assert 0.28 <= started[-1] - started[0] < 0.45


def test_without_the_tcp_probe_no_connection_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    scan = make_scan(ScanSettings(probes=frozenset({"arp"})))
    monkeypatch.setattr(scan, "_port", pytest.fail)

    async def main() -> None:
        scan._alive("10.77.0.10")
        scan.close_queue()
        await scan.tcp_phase()

    asyncio.run(main())
    assert (scan.queued, "tcp" in scan.phases) == ({"10.77.0.10"}, False)


def test_max_duration_is_the_overall_bound() -> None:
    assert overall_bound(make_scan(ScanSettings(max_duration=7.5)).config) == 7.5


def test_the_default_bound_covers_a_silent_routed_slash_24() -> None:
    # every port of 254 addresses silent: 2032 connects of 1 s, 256 at a time, is ~8 s of
    # waiting, and any port may also hold its reply wait (2 s): the bound leaves room for both
    config = make_scan(ScanSettings(), "10.99.0.0/24").config
    assert 8 * 254 * 3.0 / 256 + 30 < overall_bound(config) < 120


def test_an_arp_answer_counts_once_and_only_for_an_address_asked() -> None:
    from scanner.model import Kind, Meta, Observation

    scan = make_scan(ScanSettings())
    scan.asked = {"10.77.0.11"}
    meta = Meta(input="live:lo", frame=1, ts=1.0, proto="eth")
    for ip in ("10.77.0.11", "10.77.0.12", "10.77.0.11"):
        obs = Observation(Kind.MAC_IP, f"02:00:00:00:00:01 {ip}", meta,
                          {"mac": "02:00:00:00:00:01", "ip": ip, "via": "arp"})  # fmt: skip
        scan.observe(obs)
    assert (scan.answered, scan.queued) == ({"10.77.0.11"}, {"10.77.0.11", "10.77.0.12"})


def test_discovery_windows_wait_for_the_slowest_protocol_asked() -> None:
    # SSDP's MX (1 s) is the longest a device may wait; WS-Discovery's APP_MAX_DELAY 0.5 s
    assert (run.DISCOVERY_FLOOR["ssdp"], run.DISCOVERY_FLOOR["wsd"]) == (1.0, 0.5)


class _Recorder:
    """A capture and a discovery endpoint in one: records what would be sent, sends nothing."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.sock, self._peer = socket.socketpair()
        self.port = 40_000

    def send(self, payload: bytes, dst: str = "", dport: int = 0) -> bool:
        self.sent.append(f"udp {dst}:{dport}" if dst else "arp")
        return True

    def drain(self) -> None:
        return None

    def close(self) -> None:
        self.sock.close()
        self._peer.close()


def test_discovery_probes_leave_before_the_arp_sweep_asks_anyone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the ARP sweep starts first, as in run._run; answers to discovery may take SSDP's or
    # WS-Discovery's whole delay, an ARP reply milliseconds: the probes must not queue behind it
    scan = make_scan(ScanSettings(probes=frozenset({"arp", "wsd"})), "10.77.0.16/29")
    recorder = _Recorder()
    scan.capture = recorder  # type: ignore[assignment]
    monkeypatch.setattr(scan, "_endpoints", lambda families: {"any": recorder})

    async def main() -> None:
        await asyncio.gather(scan.arp_sweep(), scan.discovery())

    asyncio.run(main())
    first_arp = recorder.sent.index("arp")
    assert recorder.sent[:first_arp] == ["udp 239.255.255.250:3702"] * 2
    assert recorder.sent.count("arp") == 12  # 6 hosts, none answered: each asked twice
