"""Two private network namespaces joined by a veth pair, with a tiny emulated camera in one.

Both veth ends are created directly inside the namespaces made here: nothing touches the
machine's own interfaces. Skips without root or `ip`; tears everything down on every exit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

RESPONDER = Path(__file__).with_name("responder.py")
SUBNET = "10.77.0"
FOREIGN_IP = "192.0.0.64"  # a factory-default address outside the scanned subnet
READY_TIMEOUT = 10.0


@dataclass(frozen=True)
class NetnsPair:
    scanner_ns: str
    device_ns: str
    scanner_if: str
    device_mac: str
    device_ip: str
    request_logs: tuple[Path, ...]

    def camscan(
        self, *args: str, timeout: float = 120, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run camscan inside the scanner namespace (in `env`, default this environment)."""
        code = "from scanner.cli.main import main; main()"
        argv = ["ip", "netns", "exec", self.scanner_ns, sys.executable, "-c", code, *args]
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False, env=env
        )


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


def _sysctl(ns: str, setting: str) -> None:
    argv = ["ip", "netns", "exec", ns, "sysctl", "-q", "-w", setting]
    subprocess.run(argv, capture_output=True, timeout=10, check=False)


def _start_responder(ns: str, ip: str, mac: str, log: Path) -> subprocess.Popen[bytes]:
    argv = ["ip", "netns", "exec", ns, sys.executable, str(RESPONDER), ip, mac, str(log)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        if b"ready" in (proc.stdout.read() or b""):
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"responder for {ip} did not start")


@pytest.fixture(scope="module")
def netns_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetnsPair]:
    if os.geteuid() != 0:
        pytest.skip("the namespace scan test needs root to create network namespaces")
    if shutil.which("ip") is None:
        pytest.skip("the namespace scan test needs iproute2's `ip`")
    pid = os.getpid()
    s_ns, d_ns, s_if, d_if = f"camg-s-{pid}", f"camg-d-{pid}", f"camgs{pid}", f"camgd{pid}"
    logs = tmp_path_factory.mktemp("netns")
    procs: list[subprocess.Popen[bytes]] = []
    created: list[str] = []
    try:
        try:
            for ns in (s_ns, d_ns):
                _ip("netns", "add", ns)
                created.append(ns)
            _ip("link", "add", s_if, "netns", s_ns, "type", "veth", "peer", "name", d_if,
                "netns", d_ns)  # fmt: skip
            _ip("-n", s_ns, "addr", "add", f"{SUBNET}.1/24", "dev", s_if)
            _ip("-n", d_ns, "addr", "add", f"{SUBNET}.2/24", "dev", d_if)
            _ip("-n", d_ns, "addr", "add", f"{FOREIGN_IP}/24", "dev", d_if)
            for ns in (s_ns, d_ns):  # no IPv6 chatter (router solicitations, MLD)
                _sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1")
                _sysctl(ns, "net.ipv6.conf.default.disable_ipv6=1")
            for ns, dev in ((s_ns, s_if), (d_ns, d_if), (s_ns, "lo"), (d_ns, "lo")):
                _ip("-n", ns, "link", "set", dev, "up")
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"cannot build network namespaces here: {exc.stderr!r}")
        mac_cmd = ["ip", "netns", "exec", d_ns, "cat", f"/sys/class/net/{d_if}/address"]
        mac = subprocess.run(mac_cmd, capture_output=True, text=True, check=True).stdout.strip()
        request_logs = (logs / "device.log", logs / "foreign.log")
        for ip, log in zip((f"{SUBNET}.2", FOREIGN_IP), request_logs, strict=True):
            procs.append(_start_responder(d_ns, ip, mac, log))
        yield NetnsPair(s_ns, d_ns, s_if, mac, f"{SUBNET}.2", request_logs)
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        for ns in created:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
