"""What to scan: CIDRs, ranges and hosts from the command line, and an interface's own subnets."""

from __future__ import annotations

import fcntl
import ipaddress
import json
import logging
import shutil
import socket
import struct
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

from scanner.errors import InputError, RuntimeFailure

log = logging.getLogger(__name__)

MAX_ADDRESSES = 1 << 16  # a /16: beyond this a scan is refused unless explicitly allowed
_SIOCGIFADDR, _SIOCGIFNETMASK = 0x8915, 0x891B
_IFREQ = struct.Struct("16sH14s")
_IP_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Span:
    """An inclusive address range to probe, and the network it was given as (for membership)."""

    first: int
    last: int
    network: IPv4Network | None = None

    def __len__(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True, slots=True)
class Targets:
    """The addresses a scan probes; membership also covers the whole of each given network."""

    spans: tuple[Span, ...]
    specs: tuple[str, ...]

    def __len__(self) -> int:
        return sum(len(s) for s in self.spans)

    @property
    def single_hosts(self) -> bool:
        """True when every target was given as one address (no CIDR or range of several)."""
        return all(len(s) == 1 for s in self.spans)

    def __iter__(self) -> Iterator[IPv4Address]:
        seen: set[int] = set()
        for span in self.spans:
            for n in range(span.first, span.last + 1):
                if n not in seen:
                    seen.add(n)
                    yield IPv4Address(n)

    def __contains__(self, ip: object) -> bool:
        try:
            n = int(IPv4Address(str(ip)))
        except ValueError:
            return False
        for span in self.spans:
            if span.first <= n <= span.last:
                return True
            if span.network is not None and n in _range(span.network):
                return True
        return False


def _range(net: IPv4Network) -> range:
    return range(int(net.network_address), int(net.broadcast_address) + 1)


def parse_target(spec: str) -> Span:
    """One CIDR ("10.0.0.0/24"), range ("10.0.0.5-10.0.0.20" or "10.0.0.5-20") or IPv4 host."""
    text = spec.strip()
    try:
        if "/" in text:
            net = IPv4Network(text, strict=False)
            if net.prefixlen >= 31:
                return Span(int(net.network_address), int(net.broadcast_address), net)
            # network and broadcast addresses are not hosts
            return Span(int(net.network_address) + 1, int(net.broadcast_address) - 1, net)
        if "-" in text:
            left, right = (part.strip() for part in text.split("-", 1))
            first = IPv4Address(left)
            last = IPv4Address(right) if "." in right else _same_prefix(first, right)
            if last < first:
                raise InputError(f"target {spec!r}: the range ends before it starts")
            return Span(int(first), int(last))
        host = IPv4Address(text)
        return Span(int(host), int(host))
    except (ValueError, ipaddress.AddressValueError, ipaddress.NetmaskValueError):
        raise InputError(
            f"target {spec!r} is not an IPv4 CIDR, range (a.b.c.d-e.f.g.h) or address"
        ) from None


def _same_prefix(first: IPv4Address, last_octet: str) -> IPv4Address:
    octet = int(last_octet)
    if not 0 <= octet <= 255:
        raise ValueError(last_octet)
    return IPv4Address((int(first) & 0xFFFFFF00) | octet)


def parse_targets(specs: Sequence[str], allow_large: bool = False) -> Targets:
    """All targets of a scan; more than MAX_ADDRESSES addresses is refused unless allowed."""
    spans = tuple(parse_target(spec) for spec in specs)
    targets = Targets(spans, tuple(specs))
    if len(targets) > MAX_ADDRESSES and not allow_large:
        raise InputError(
            f"{len(targets)} addresses is more than a /16 ({MAX_ADDRESSES}); "
            "narrow the targets or pass --allow-large"
        )
    return targets


def from_interfaces(nets: Sequence[IPv4Interface], allow_large: bool = False) -> Targets:
    """Targets covering an interface's own subnets."""
    return parse_targets([str(iface.network) for iface in nets], allow_large)


# -- interfaces -------------------------------------------------------------------------------
def check_interface(name: str) -> int:
    """The index of interface `name`; InputError (a bad name given, exit 2) when there is none."""
    try:
        return socket.if_nametoindex(name)
    except (OSError, ValueError):
        raise InputError(f"no such interface: {name}") from None


def interface_networks(name: str) -> list[IPv4Interface]:
    """Every IPv4 address (with prefix) of interface `name`: `ip -j`, else the primary one."""
    check_interface(name)
    found = _ip_json_addresses(name)
    if found is None:
        primary = _ioctl_address(name)
        found = [primary] if primary else []
    return found


def _ip_json_addresses(name: str) -> list[IPv4Interface] | None:
    ip = shutil.which("ip")
    if ip is None:
        return None
    try:
        out = subprocess.run(
            [ip, "-j", "-4", "addr", "show", "dev", name],
            capture_output=True,
            check=True,
            timeout=_IP_TIMEOUT,
        ).stdout
        doc = json.loads(out or b"[]")
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    found: list[IPv4Interface] = []
    for link in doc if isinstance(doc, list) else []:
        for info in link.get("addr_info", []) if isinstance(link, dict) else []:
            try:
                found.append(IPv4Interface(f"{info['local']}/{info['prefixlen']}"))
            except (KeyError, TypeError, ValueError):
                continue
    return found


def _ioctl(name: str, request: int) -> bytes | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            return fcntl.ioctl(sock.fileno(), request, _IFREQ.pack(name.encode()[:15], 0, b""))
        except OSError:
            return None


def _ioctl_address(name: str) -> IPv4Interface | None:
    addr, mask = _ioctl(name, _SIOCGIFADDR), _ioctl(name, _SIOCGIFNETMASK)
    if addr is None or mask is None:
        return None
    ip, netmask = socket.inet_ntoa(addr[20:24]), socket.inet_ntoa(mask[20:24])
    return IPv4Interface(f"{ip}/{netmask}")


def interface_mac(name: str) -> bytes:
    """The 6-byte hardware address of `name` (all zero when it has none, like loopback)."""
    try:
        text = Path(f"/sys/class/net/{name}/address").read_text().strip()
        raw = bytes.fromhex(text.replace(":", ""))
    except (OSError, ValueError):
        return bytes(6)
    return raw if len(raw) == 6 else bytes(6)


def source_address(ip: str) -> str | None:
    """The local address the kernel would use to reach `ip` (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect((ip, 9))
        except OSError:
            return None
        addr: str = sock.getsockname()[0]
        return addr


def interface_for(ip: str) -> str | None:
    """The name of the interface that holds the source address used to reach `ip`."""
    src = source_address(ip)
    if src is None:
        return None
    for _, name in socket.if_nameindex():
        primary = _ioctl_address(name)
        if primary is not None and str(primary.ip) == src:
            return name
    for _, name in socket.if_nameindex():
        if any(str(i.ip) == src for i in _ip_json_addresses(name) or []):
            return name
    return None


def scope(
    specs: Sequence[str], iface: str | None, allow_large: bool = False
) -> tuple[Targets, str, tuple[IPv4Interface, ...]]:
    """Targets, the discovery interface and its addresses; the interface's subnets by default.

    InputError for bad targets or a missing interface; RuntimeFailure for one without IPv4.
    Neither targets nor interface is an InputError: camscan never picks a network by itself.
    """
    if not specs and iface is None:
        raise InputError("nothing to scan: give targets or --iface")
    if iface is not None:
        check_interface(iface)
    parsed = parse_targets(specs, allow_large) if specs else None
    if iface is None:
        first = str(next(iter(parsed), "")) if parsed is not None else ""
        iface = interface_for(first) if first else None
        if iface is None:
            raise RuntimeFailure(f"no interface routes to {first or 'the targets'}")
    networks = interface_networks(iface)
    if not networks:
        raise RuntimeFailure(f"interface {iface} has no IPv4 address")
    if parsed is None:
        parsed = from_interfaces(networks, allow_large)
    return parsed, iface, tuple(networks)
