"""The planted lab segment: every roster host with its emulator, and a scanner namespace."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netns import Lab, emulator_argv, self_signed_pem
from roster import ROSTER, SCANNER_CIDR, SCANNER_MAC, Planted

NVR_SUBJECT = "/C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com"


@dataclass
class Segment:
    """The built lab: its namespaces, the scanner's namespace and the emulators' request logs."""

    lab: Lab
    scanner_ns: str
    logs: Path

    def requests(self) -> list[dict[str, Any]]:
        """Every request any emulator received so far, with the host name added."""
        out = []
        for path in sorted(self.logs.glob("*.jsonl")):
            for line in path.read_text().splitlines():
                out.append({"host": path.stem, **json.loads(line)})
        return out


def build_segment(work: Path, hosts: Sequence[Planted] = ROSTER) -> Segment:
    """Plant `hosts` and a scanner namespace; every emulator is READY on return."""
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    lab = Lab()
    try:
        # The scanner gets its address and nothing else: no default and no multicast route.
        scanner_ns = lab.add_host("scan", SCANNER_MAC, [SCANNER_CIDR], multicast_route=False)
        cert = self_signed_pem(work / "nvr.pem", NVR_SUBJECT)
        procs = []
        for host in hosts:
            ns = lab.add_host(host.name, host.mac, [host.cidr])
            if host.profile == "silent":
                continue
            extra = host.emulator_args()
            if cert is not None and host.profile == "hik-nvr":
                extra += ["--tls-cert", str(cert)]
            argv = emulator_argv(sys.executable, host.profile, extra, logs / f"{host.name}.jsonl")
            procs.append(lab.spawn(ns, argv, log=logs / f"{host.name}.stderr"))
        lab.wait_ready(procs)
    except BaseException:
        lab.teardown()
        raise
    return Segment(lab, scanner_ns, logs)
