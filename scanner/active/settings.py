"""The knobs of an active scan, their defaults and their checks, shared by `camscan scan` and the
sweep config so both accept the same values and refuse bad ones with the same one-line error.

Defaults are for a busy production store network (README "Scanning a live network"):
- broadcast and multicast (ARP who-has, discovery probes) at most 400 frames/s: about arp-scan's
  default of 256 kbit/s for minimum-size frames, so every host on the segment sees at most that;
- TCP connection attempts (unicast, to one host and port each) at most 5,000/s and 256 open at
  once; a host gets at most one connection per port at a time. 5,000 SYNs/s is under 3 Mbit/s
  and lets the checks keep up with hosts as the ARP sweep finds them (250 hosts x 8 ports in
  the 0.6 s the sweep takes); each host still receives one SYN per port;
- a TCP connect waits 1 s (a LAN answers a SYN in milliseconds; a port that stays silent that
  long is filtered), any other wait 2 s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from scanner.decoders import http, rtsp, sdk, tls
from scanner.errors import InputError

# the TCP ports of the protocols whose banners the scan reads
DEFAULT_PORTS = tuple(sorted({*http.TCP_PORTS, *tls.TCP_PORTS, *rtsp.TCP_PORTS, *sdk.TCP_PORTS}))
PROBES = ("arp", "wsd", "sadp", "dhip", "ssdp", "mdns", "tcp")
DISCOVERY = frozenset({"wsd", "sadp", "dhip", "ssdp", "mdns"})


@dataclass(frozen=True, slots=True)
class Range:
    """The accepted values of one numeric knob."""

    low: float
    high: float
    integer: bool = False
    unit: str = ""


RANGES = {
    "rate": Range(1, 10_000, unit="broadcast/multicast frames per second"),
    "tcp_rate": Range(1, 100_000, unit="TCP connection attempts per second"),
    "concurrency": Range(1, 4096, integer=True, unit="TCP connections at once"),
    "connect_timeout": Range(0.05, 60, unit="seconds"),
    "timeout": Range(0.1, 60, unit="seconds"),
    "listen_window": Range(0, 600, unit="seconds"),
    "max_duration": Range(1, 7 * 86_400, unit="seconds"),
}


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """How a scan paces itself and what it sends; `probes` None means the default choice."""

    rate: float = 400.0
    tcp_rate: float = 5000.0
    concurrency: int = 256
    connect_timeout: float = 1.0
    timeout: float = 2.0
    listen_window: float = 3.0
    max_duration: float | None = None  # None: bounded by what the targets could take
    ports: tuple[int, ...] = DEFAULT_PORTS
    probes: frozenset[str] | None = None


def label(name: str, keys: bool = False) -> str:
    """How a knob is called: its option (--tcp-rate) or, with `keys`, its config key."""
    return f"[source] {name}" if keys else "--" + name.replace("_", "-")


def number(name: str, value: object, keys: bool = False) -> float:
    """`value` checked against knob `name`'s type and range (finite, no booleans)."""
    spec = RANGES[name]
    flag = label(name, keys)
    kind = "an integer" if spec.integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{flag} must be {kind} ({spec.unit}), not {value!r}")
    if spec.integer and not float(value).is_integer():
        raise InputError(f"{flag} must be {kind} ({spec.unit}), not {value!r}")
    if not math.isfinite(value) or not spec.low <= value <= spec.high:
        raise InputError(f"{flag} must be between {spec.low:g} and {spec.high:g} {spec.unit}")
    return float(value)


def parse_ports(value: str | Iterable[object], keys: bool = False) -> tuple[int, ...]:
    """TCP ports from "80,443" or a list; each 1-65535; duplicates removed, order kept."""
    flag = label("ports", keys)
    items: list[object] = list(value.split(",")) if isinstance(value, str) else list(value)
    ports: list[int] = []
    for item in items:
        if isinstance(item, str):
            item = item.strip()
            if not item:
                continue
            try:
                item = int(item)
            except ValueError:
                raise InputError(f"{flag}: {item!r} is not a port number") from None
        if isinstance(item, bool) or not isinstance(item, int):
            raise InputError(f"{flag}: {item!r} is not a port number")
        if not 0 < item < 65536:
            raise InputError(f"{flag}: {item} is outside 1-65535")
        if item not in ports:
            ports.append(item)
    if not ports:
        raise InputError(f"{flag}: no port given")
    return tuple(ports)


def parse_probes(value: str | Iterable[object], keys: bool = False) -> frozenset[str]:
    """Probe families from "arp,wsd,tcp" or a list; each one of PROBES."""
    flag = label("probes", keys)
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen: set[str] = set()
    for item in items:
        name = item.strip().lower() if isinstance(item, str) else item
        if name == "":
            continue
        if name not in PROBES:
            raise InputError(f"{flag}: {item!r} is not one of {', '.join(PROBES)}")
        chosen.add(str(name))
    if not chosen:
        raise InputError(f"{flag}: choose at least one of {', '.join(PROBES)}")
    return frozenset(chosen)


def build(
    ports: str | Iterable[object] | None = None,
    probes: str | Iterable[object] | None = None,
    no_discovery: bool = False,
    keys: bool = False,
    **knobs: object,
) -> ScanSettings:
    """ScanSettings from given values (None = default), each checked; InputError otherwise.

    `keys` names the knobs by their config keys in errors rather than by their options.
    """
    values: dict[str, object] = {}
    for name, value in knobs.items():
        if name not in RANGES:
            raise InputError(f"unknown scan setting {name!r}")
        if value is not None:
            checked = number(name, value, keys)
            values[name] = int(checked) if RANGES[name].integer else checked
    chosen = parse_probes(probes, keys) if probes is not None else None
    if no_discovery:
        if chosen is not None and chosen & DISCOVERY:
            clash = ",".join(sorted(chosen & DISCOVERY))
            raise InputError(
                f"{label('no_discovery', keys)} contradicts {label('probes', keys)} {clash}"
            )
        chosen = frozenset(PROBES) - DISCOVERY
    if ports is not None:
        values["ports"] = parse_ports(ports, keys)
    return ScanSettings(probes=chosen, **values)  # type: ignore[arg-type]


def probes_for(settings: ScanSettings, single_hosts: bool) -> frozenset[str]:
    """The probes a scan sends: those asked for, else all of them, except that targets given
    only as single addresses get no multicast discovery (it would ask the whole segment)."""
    if settings.probes is not None:
        return settings.probes
    return frozenset(PROBES) - DISCOVERY if single_hosts else frozenset(PROBES)
