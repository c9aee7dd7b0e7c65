"""Who sent what: (MAC, IP) sightings, stated bindings and open services, and who is a router."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.engine.budget import Budget, Ledger

# A MAC that sources this many IPv4 addresses it never claimed by ARP/DHCP is forwarding them.
ROUTER_UNBOUND_IPS = 2
IPS_PER_MAC_SHARE = 4  # one MAC may hold 1/4 of the sightings table (a router: many addresses)
SERVICES_PER_IP = 256

Vlan = int | None


def pton(ip: str) -> bytes:
    return socket.inet_pton(socket.AF_INET6 if ":" in ip else socket.AF_INET, ip)


def _ntop(raw: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)


class Sightings:
    """Per-frame bookkeeping kept small: first/last time each (vlan, MAC, IP) was a source."""

    __slots__ = ("cap", "input", "ledger", "mac_cap", "pairs", "per_mac", "service_cap", "services")

    def __init__(self, ledger: Ledger | None = None) -> None:
        self.input = ""  # name of the capture being read, for the first-sighting reference
        self.ledger = ledger = ledger or Ledger(Budget.of())
        self.cap = ledger.budget.cap("hosts")
        self.mac_cap = max(16, self.cap // IPS_PER_MAC_SHARE)
        self.service_cap = ledger.budget.cap("services")
        self.pairs: dict[tuple[Vlan, bytes, bytes], list[object]] = {}
        self.per_mac: dict[tuple[Vlan, bytes], int] = {}
        self.services: dict[tuple[Vlan, bytes], set[tuple[str, int]]] = {}

    def see(self, vlan: Vlan, mac: bytes, ip: bytes, ts: float, frame: int) -> None:
        """Record that `mac` sent a packet from `ip` at `ts`."""
        key = (vlan, mac, ip)
        seen = self.pairs.get(key)
        if seen is not None:
            seen[1] = ts
            return
        held = self.per_mac.get((vlan, mac), 0)
        if len(self.pairs) >= self.cap or held >= self.mac_cap:
            self.ledger.drop("hosts")
            return
        self.pairs[key] = [ts, ts, frame, self.input]
        self.per_mac[(vlan, mac)] = held + 1

    def service(self, vlan: Vlan, ip: bytes, proto: str, port: int) -> None:
        """Record a port that answered (a SYN-ACK, a banner, a discovery reply)."""
        ports = self.services.get((vlan, ip))
        if ports is None:
            if len(self.services) >= self.service_cap:
                self.ledger.drop("services")
                return
            ports = self.services[(vlan, ip)] = set()
        if len(ports) < SERVICES_PER_IP:
            ports.add((proto, port))

    def service_ip(self, vlan: Vlan, ip: str | None, proto: str, port: int) -> None:
        """Same as service() for an IP given as text."""
        if ip:
            self.service(vlan, pton(ip), proto, port)


@dataclass(slots=True)
class Binding:
    """A MAC stated for an IP (ARP, DHCP, NDP, a discovery payload) and when it was last stated."""

    mac: str
    ts: float


@dataclass(slots=True)
class HostMap:
    """The resolved view after the capture: which MAC owns which IP, which MACs are routers."""

    owner: dict[tuple[Vlan, str], str] = field(default_factory=dict)
    ips_of: dict[tuple[Vlan, str], set[str]] = field(default_factory=dict)
    routers: set[tuple[Vlan, str]] = field(default_factory=set)
    via_router: set[tuple[Vlan, str]] = field(default_factory=set)  # IPs only seen behind one
    times: dict[tuple[Vlan, str], list[float]] = field(default_factory=dict)  # per MAC
    first_frame: dict[tuple[Vlan, str], tuple[str, int]] = field(default_factory=dict)

    def is_router(self, vlan: Vlan, mac: str) -> bool:
        """True when `mac` forwards traffic for addresses that are not its own."""
        return (vlan, mac) in self.routers


# IPv4 ranges a store LAN device can hold: RFC 1918, link-local, shared CGN space, and
# 192.0.0.0/24, where old Hikvision units sit at their factory default 192.0.0.64.
_LAN_V4 = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10",
              "192.0.0.0/24")
)  # fmt: skip


def is_global(ip: str) -> bool:
    """True for IPv4 addresses outside every LAN range (the internet, documentation nets).

    Python's is_global/is_private treat documentation nets as private; a store LAN never uses
    them, so only the ranges above count as local. IPv6 global unicast is normal on a LAN (SLAAC),
    so no IPv6 address is called global here.
    """
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return addr.version == 4 and not any(addr in net for net in _LAN_V4)


def _is_link_local(ip: str) -> bool:
    return ip.startswith("fe80:")


def resolve(
    sightings: Sightings,
    bindings: dict[tuple[Vlan, str], list[Binding]],
    remote: Callable[[Vlan, str], bool] = lambda vlan, ip: False,
) -> HostMap:
    """Decide IP ownership and routers from sightings, stated bindings and local subnets.

    A MAC is a router when it sources addresses it never stated as its own: two private IPv4 ones,
    a global one beside a private one, or any one outside the local subnets (`remote`).
    """
    hm = HostMap()
    sourced: dict[tuple[Vlan, str], set[str]] = {}
    for (vlan, rawmac, rawip), (first, last, frame, name) in sightings.pairs.items():
        mac, ip = rawmac.hex(":"), _ntop(rawip)
        sourced.setdefault((vlan, mac), set()).add(ip)
        _widen(hm.times, (vlan, mac), float(first), float(last))  # type: ignore[arg-type]
        key = (vlan, mac)
        if key not in hm.first_frame:
            hm.first_frame[key] = (str(name), int(frame))  # type: ignore[call-overload]
    bound: dict[tuple[Vlan, str], set[str]] = {}
    for (vlan, ip), stated in bindings.items():
        latest = max(stated, key=lambda b: b.ts)
        hm.owner[(vlan, ip)] = latest.mac
        bound.setdefault((vlan, latest.mac), set()).add(ip)
        for b in stated:
            _widen(hm.times, (vlan, b.mac), b.ts, b.ts)
    for key, ips in sourced.items():
        own = bound.get(key, set())
        unbound = ips - own
        unbound4 = {ip for ip in unbound if ":" not in ip}
        private4 = any(not is_global(ip) for ip in (own | ips) if ":" not in ip)
        if (
            len(unbound4) >= ROUTER_UNBOUND_IPS
            or (private4 and any(is_global(ip) for ip in unbound4))
            or any(remote(key[0], ip) for ip in unbound)
        ):
            hm.routers.add(key)
    for key, ips in sourced.items():
        vlan = key[0]
        if key in hm.routers:
            own = bound.get(key, set()) | {ip for ip in ips if _is_link_local(ip)}
            for ip in ips - own:
                if (vlan, ip) not in hm.owner:
                    hm.via_router.add((vlan, ip))
        else:
            own = ips
            for ip in ips:
                hm.owner.setdefault((vlan, ip), key[1])
        hm.ips_of.setdefault(key, set()).update(own)
    for key, ips in bound.items():
        hm.ips_of.setdefault(key, set()).update(ips)
    return hm


def _widen(
    times: dict[tuple[Vlan, str], list[float]], key: tuple[Vlan, str], a: float, b: float
) -> None:
    span = times.get(key)
    if span is None:
        times[key] = [a, b]
    else:
        span[0] = min(span[0], a)
        span[1] = max(span[1], b)
