"""Local subnets: which addresses are on the captured LAN, and so which ones are remote.

A scan knows its interface's subnets and a user can state more (`--local-net`); a capture infers
them from what stations say about themselves on the link: the /24 around each IPv4 address bound
by ARP or DHCP (the exact subnet when a DHCP ACK states its mask) and the /64 around each IPv6
address bound by NDP. Inference is per VLAN; stated subnets hold on every VLAN. An address outside
every subnet of its family is remote, but only when that family's subnets are known at all: a
capture without ARP, DHCP or NDP decides nothing here, and the router heuristics of hosts.py apply.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from scanner.engine.budget import Ledger
from scanner.engine.hosts import Vlan
from scanner.errors import InputError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
INFERRED_PREFIX = {4: 24, 6: 64}
LEARNT_VIA = frozenset({"arp", "dhcp", "dhcp-ack", "ndp"})  # not discovery payloads: they
# state factory-default addresses (192.0.0.64) that say nothing about the LAN's subnet
_LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))
_MIN_STATED_PREFIX = {4: 8, 6: 32}  # a DHCP mask wider than this is not a LAN's


def parse_nets(texts: Iterable[str]) -> tuple[Network, ...]:
    """Networks from CIDR texts ("10.20.30.0/24", "fd00::/64"); InputError names a bad one."""
    nets = []
    for text in texts:
        try:
            nets.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as exc:
            raise InputError(f"--local-net {text!r}: {exc}") from None
    return tuple(nets)


class LocalNets:
    """Stated and inferred subnets; `is_remote` decides an address once both are in."""

    __slots__ = ("_known", "_nets", "_prefixes", "cap", "ledger", "stated")

    def __init__(self, stated: Iterable[Network], cap: int, ledger: Ledger) -> None:
        self.stated = tuple(stated)
        self.cap = cap
        self.ledger = ledger
        self._nets: set[tuple[Vlan, int, int, int]] = set()  # (vlan, version, prefixlen, net)
        self._prefixes: dict[tuple[Vlan, int], set[int]] = {}  # prefix lengths per VLAN, family
        self._known = {net.version for net in self.stated}

    def learn(self, vlan: Vlan, ip: str, prefixlen: int | None = None) -> None:
        """Note that `ip` is on the link of `vlan` (with its subnet's prefix length when stated)."""
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return
        if addr.is_link_local or addr.is_multicast or addr.is_loopback or addr.is_unspecified:
            return
        v = addr.version
        bits = addr.max_prefixlen
        if prefixlen is None or not _MIN_STATED_PREFIX[v] <= prefixlen < bits:
            prefixlen = INFERRED_PREFIX[v]
        key = (vlan, v, prefixlen, int(addr) >> (bits - prefixlen))
        if key in self._nets:
            return
        if len(self._nets) >= self.cap:
            self.ledger.drop("nets")
            return
        self._nets.add(key)
        self._prefixes.setdefault((vlan, v), set()).add(prefixlen)

    def is_remote(self, vlan: Vlan, ip: str) -> bool:
        """True when `ip` lies outside every known subnet of its family (and some are known)."""
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        v = addr.version
        lengths = self._prefixes.get((vlan, v))
        if not lengths and v not in self._known:
            return False
        if any(addr in net for net in _LINK_LOCAL) or any(addr in net for net in self.stated):
            return False
        bits, value = addr.max_prefixlen, int(addr)
        return not any((vlan, v, n, value >> (bits - n)) in self._nets for n in lengths or ())

    def describe(self) -> list[str]:
        """The subnets in use, stated first, as CIDR texts (inferred ones per VLAN)."""
        out = [str(net) for net in self.stated]
        for vlan, v, n, value in sorted(self._nets, key=lambda k: (k[0] or 0, k[1], k[3], k[2])):
            bits = 32 if v == 4 else 128
            net = ipaddress.ip_network((value << (bits - n), n))
            out.append(f"{net}" if vlan is None else f"{net} (vlan {vlan})")
        return out
