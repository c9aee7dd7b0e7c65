"""The lab harness: it never touches the root namespace and always cleans up after itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from netns import BASE, Lab, cleanup_stale, ip

pytestmark = pytest.mark.lab
HERE = Path(__file__).resolve().parent


def our_namespaces(prefix: str) -> list[str]:
    return [n.split()[0] for n in ip("netns", "list").splitlines() if n.startswith(prefix)]


def dead_pid() -> int:
    """A pid no process has right now."""
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_building_a_lab_leaves_the_root_namespace_alone(lab_ready: None) -> None:
    before = ip("-o", "link", "show"), ip("-o", "addr", "show"), ip("route", "show")
    with Lab(prefix=f"{BASE}{os.getpid()}x") as lab:
        lab.add_host("a", "02:00:00:00:00:0a", ["10.99.0.10/24"])
        lab.add_host("b", "02:00:00:00:00:0b", ["10.99.0.11/24"])
        during = ip("-o", "link", "show"), ip("-o", "addr", "show"), ip("route", "show")
    assert during == before


def test_hosts_reach_each_other_through_the_bridge(lab_ready: None) -> None:
    with Lab(prefix=f"{BASE}{os.getpid()}y") as lab:
        a = lab.add_host("a", "02:00:00:00:00:0a", ["10.99.0.10/24"])
        lab.add_host("b", "02:00:00:00:00:0b", ["10.99.0.11/24"])
        probe = "import socket; socket.create_connection(('10.99.0.11', 9), 2)"
        proc = subprocess.run(
            lab.exec_argv(a, [sys.executable, "-c", probe]), capture_output=True, text=True
        )
    assert "ConnectionRefusedError" in proc.stderr  # b's kernel answered with a reset


def test_lab_is_torn_down_when_interrupted(lab_ready: None) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(HERE)!r})
        from netns import Lab
        lab = Lab(prefix="{BASE}" + str(__import__("os").getpid()))
        lab.add_host("a", "02:00:00:00:00:0a", ["10.99.0.10/24"])
        print(lab.prefix, flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    prefix = proc.stdout.readline().strip()
    assert len(our_namespaces(prefix)) == 2
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    assert our_namespaces(prefix) == []


def test_cleanup_removes_only_stale_labs_of_its_prefix(lab_ready: None) -> None:
    stale, live, other = f"{BASE}{dead_pid()}-sw", f"{BASE}{os.getpid()}-keep", "zzlab1-sw"
    for name in (stale, live, other):
        ip("netns", "add", name)
    try:
        removed = cleanup_stale()
        left = our_namespaces(BASE) + our_namespaces("zzlab1")
    finally:
        for name in (stale, live, other):
            ip("netns", "del", name, check=False)
    assert stale in removed
    assert live in left and other in left
