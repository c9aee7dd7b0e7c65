"""A throw-away Ethernet segment in network namespaces: a bridge, emulated hosts, a scanner.

Layout: one "switch" namespace holds bridge br0 (multicast snooping off, so every port hears every
group); each host and the scanner get their own namespace whose eth0 is one end of a veth pair
created inside the switch namespace, the other end being a bridge port. Nothing is ever created in
the caller's (root) namespace, so the machine's real interfaces are never touched.

Names are `<prefix>-sw`, `<prefix>-<n>` and `<prefix>-scan`, prefix = base + pid, so parallel runs
never collide and a stale lab can be recognised by its dead pid. Tear-down (kill the processes we
started, delete the namespaces) runs on context exit, at interpreter exit and on SIGINT/SIGTERM.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import re
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

BASE = "cslab"
_COUNTER = itertools.count()
BRIDGE = "br0"
IFACE = "eth0"
MULTICAST = "224.0.0.0/4"


class LabError(RuntimeError):
    """The lab could not be built."""


def ip(*args: str, check: bool = True) -> str:
    """Run `ip ARGS`; return stdout; raise LabError with stderr when it fails."""
    proc = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and proc.returncode != 0:
        raise LabError(f"ip {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def unavailable() -> str | None:
    """Why a lab cannot be built here (not root, no `ip netns`), or None when it can."""
    if os.geteuid() != 0:
        return "lab tests need root (network namespaces and veth pairs)"
    if shutil.which("ip") is None:
        return "lab tests need iproute2's `ip`"
    probe = f"{BASE}{os.getpid()}-probe"
    try:
        ip("netns", "add", probe)
        ip("netns", "del", probe)
    except (LabError, OSError, subprocess.SubprocessError) as exc:
        return f"`ip netns` does not work here: {exc}"
    return None


def cleanup_stale(base: str = BASE) -> list[str]:
    """Delete namespaces named `<base><pid>-*` whose pid is dead; return their names."""
    removed = []
    for line in ip("netns", "list", check=False).splitlines():
        name = line.split()[0] if line.strip() else ""
        m = re.fullmatch(rf"{re.escape(base)}(\d+)[a-z]?-.+", name)
        if not m or _alive(int(m.group(1))):
            continue
        _kill_pids(_netns_pids(name))
        ip("netns", "del", name, check=False)
        removed.append(name)
    return removed


def _sysctl(ns: str, *settings: str) -> None:
    subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", *settings], check=True, timeout=30)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _netns_pids(ns: str) -> list[int]:
    return [int(p) for p in ip("netns", "pids", ns, check=False).split() if p.isdigit()]


def _kill_pids(pids: Sequence[int], grace: float = 2.0) -> None:
    """SIGTERM each pid, then SIGKILL what is still alive after `grace` seconds."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@dataclass
class Lab:
    """One segment; use as a context manager (or call teardown()) so it always goes away."""

    base: str = BASE
    prefix: str = ""
    namespaces: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _ports: int = 0
    _closed: bool = False

    def __post_init__(self) -> None:
        if not self.prefix:
            # pid, then a letter per further lab of this process: "cslab812-sw", "cslab812b-sw"
            n = next(_COUNTER)
            self.prefix = f"{self.base}{os.getpid()}" + (chr(ord("a") + n % 26) if n else "")
        self.switch = f"{self.prefix}-sw"
        self._previous: dict[int, object] = {}
        atexit.register(self.teardown)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):  # not the main thread: rely on atexit
                self._previous[sig] = signal.signal(sig, self._on_signal)
        self._add_ns(self.switch)
        ip("-n", self.switch, "link", "add", BRIDGE, "type", "bridge", "mcast_snooping", "0")
        ip("-n", self.switch, "link", "set", BRIDGE, "up")
        ip("-n", self.switch, "link", "set", "lo", "up")

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.teardown()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.teardown()
        previous = self._previous.get(signum)
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt if signum == signal.SIGINT else SystemExit(128 + signum)

    def _add_ns(self, name: str) -> None:
        ip("netns", "add", name)
        self.namespaces.append(name)
        if name == self.switch:
            # The switch is a plain L2 bridge: no IPv6 of its own (no router solicitations or
            # MLD reports from the bridge that a scanner would see as one more host).
            _sysctl(
                name, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"
            )

    def add_host(
        self, name: str, mac: str, cidrs: Sequence[str], multicast_route: bool = True
    ) -> str:
        """A namespace `<prefix>-<name>` whose eth0 (MAC `mac`) is plugged into the bridge."""
        ns = f"{self.prefix}-{name}"
        self._add_ns(ns)
        self._ports += 1
        port = f"p{self._ports}"
        # Both ends are born in our namespaces: the port in the switch, eth0 in the host.
        ip("-n", self.switch, "link", "add", port, "type", "veth",
           "peer", "name", IFACE, "address", mac, "netns", ns)  # fmt: skip
        ip("-n", self.switch, "link", "set", port, "master", BRIDGE, "up")
        ip("-n", ns, "link", "set", "lo", "up")
        for cidr in cidrs:
            ip("-n", ns, "addr", "add", cidr, "dev", IFACE)
        ip("-n", ns, "link", "set", IFACE, "up")
        if multicast_route:
            ip("-n", ns, "route", "add", MULTICAST, "dev", IFACE)
        return ns

    def exec_argv(self, ns: str, argv: Sequence[str]) -> list[str]:
        """argv that runs `argv` inside namespace `ns`."""
        return ["ip", "netns", "exec", ns, *argv]

    def spawn(
        self, ns: str, argv: Sequence[str], log: Path | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a long-running process in `ns` (stdout piped, stderr to `log`); torn down later."""
        err = log.open("ab") if log else subprocess.DEVNULL
        proc = subprocess.Popen(
            self.exec_argv(ns, argv),
            stdout=subprocess.PIPE,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C at the terminal reaches us, and we stop them
        )
        self.procs.append(proc)
        return proc

    def wait_ready(self, procs: Sequence[subprocess.Popen[bytes]], timeout: float = 30.0) -> None:
        """Wait until every process printed its READY line; LabError when one dies or is late."""
        sel = selectors.DefaultSelector()
        pending = {}
        for p in procs:
            assert p.stdout is not None
            sel.register(p.stdout, selectors.EVENT_READ, p)
            pending[p.pid] = p
        deadline = time.monotonic() + timeout
        try:
            while pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LabError(f"{len(pending)} emulator(s) not ready after {timeout:.0f} s")
                for key, _ in sel.select(left):
                    p = key.data
                    line = p.stdout.readline()
                    if line.strip() == b"READY":
                        pending.pop(p.pid, None)
                        sel.unregister(key.fileobj)
                    elif not line:
                        raise LabError(f"emulator {p.args} exited with {p.wait()}")
        finally:
            sel.close()

    def teardown(self) -> None:
        """Stop what we started and delete our namespaces; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        pids = [p.pid for p in self.procs if p.poll() is None]
        for ns in self.namespaces:
            pids += _netns_pids(ns)
        _kill_pids(sorted(set(pids)))
        for p in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=1)
            if p.stdout:
                p.stdout.close()
        for ns in reversed(self.namespaces):
            ip("netns", "del", ns, check=False)
        self.namespaces.clear()
        for sig, prev in self._previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, prev)  # type: ignore[arg-type]
        atexit.unregister(self.teardown)


EMULATOR = Path(__file__).resolve().parent / "emulator.py"


def emulator_argv(
    python: str, profile: str, extra: Sequence[str] = (), log: Path | None = None
) -> list[str]:
    """argv of one emulator process on the host's eth0."""
    argv = [python, str(EMULATOR), "--profile", profile, "--iface", IFACE, *extra]
    if log is not None:
        argv += ["--log", str(log)]
    return argv


def self_signed_pem(path: Path, subject: str) -> Path | None:
    """A throw-away certificate + key for `subject` (openssl /K=V form); None without openssl."""
    if shutil.which("openssl") is None:
        return None
    subprocess.run(
        ["openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "3650",
         "-subj", subject, "-keyout", str(path), "-out", str(path.with_suffix(".crt"))],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    path.write_bytes(path.read_bytes() + path.with_suffix(".crt").read_bytes())
    return path
