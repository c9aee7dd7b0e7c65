"""The engine: observations in, one fused finding per device out."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from scanner.db import VendorDB
from scanner.db.types import Match, Policy, Rule
from scanner.engine.budget import Budget, Ledger
from scanner.engine.evidence import EvidenceTable, Subject
from scanner.engine.fuse import Evidence, Verdict, fuse, policy_verdict
from scanner.engine.hosts import Binding, HostMap, Sightings, Vlan, is_global, pton, resolve
from scanner.engine.subnets import LEARNT_VIA, LocalNets, Network
from scanner.model import Kind, Meta, Observation

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_RANK = {"concern": 0, "suspect": 1, "clear": 2}
BINDINGS_PER_IP = 16  # MACs remembered as having stated one address (an IP conflict, a spoofer)
# Evidence that states an identity which survives IP changes; devices sharing one are one device.
IDENTITY_CLAIMS = ("serial",)
# Discovery replies describe their sender; the MAC they state is believed only when it is the MAC
# the frame came from (or the capture has no link layer). A device that states someone else's
# MAC/IP gets the evidence itself: a spoofer cannot plant a device of concern elsewhere.
SELF_DESCRIBED = frozenset({Kind.SADP, Kind.SADP_LEGACY, Kind.DHIP, Kind.DAHUA_5050})
SELF_BINDINGS = frozenset({"sadp", "sadp-legacy", "dhip", "dahua-5050"})

DeviceKey = tuple[str, Vlan, str]  # ("mac", vlan-or-None, mac) or ("ip", vlan, ip)


@dataclass(slots=True)
class Device:
    """A device as the engine sees it before rendering."""

    key: DeviceKey
    mac: str | None
    vlan: Vlan
    location: str
    ips: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    hostname: str | None = None
    first_seen: float | None = None
    last_seen: float | None = None
    services: set[tuple[str, int]] = field(default_factory=set)
    verdict: Verdict = field(default_factory=Verdict)
    status: str = "clear"
    concern: str | None = None
    oui_organisation: str | None = None
    advisories: list[tuple[str, str]] = field(default_factory=list)
    identities: set[str] = field(default_factory=set)  # serials and endpoint UUIDs it stated
    first_input: str = ""
    first_frame: int = 0


class Engine:
    """Collects observations (feed) and resolves them into devices (devices)."""

    def __init__(
        self,
        db: VendorDB,
        policy: Policy,
        ledger: Ledger | None = None,
        local_nets: Iterable[Network] = (),
    ) -> None:
        self.db = db
        self.policy = policy
        self.ledger = ledger = ledger or Ledger(Budget.of())
        budget = ledger.budget
        self.sightings = Sightings(ledger)
        self.bindings: dict[tuple[Vlan, str], list[Binding]] = {}
        self.evidence = EvidenceTable(budget.cap("evidence"), ledger)
        self.hostnames: dict[Subject, tuple[int, str]] = {}  # (priority, name)
        self.endpoints: dict[Subject, str] = {}
        self.nets = LocalNets(local_nets, budget.cap("nets"), ledger)
        self.observations = 0
        self.unlisted: dict[str, int] = {}  # verdict (and "remote") -> found but not listed
        self.unlisted_makers: dict[str, int] = {}  # manufacturer -> unlisted devices of concern

    # -- collection -----------------------------------------------------------------------
    def feed(self, obs: Observation) -> None:
        """Take one observation: a binding, a name, or something to match against vendor_db."""
        self.observations += 1
        if obs.kind is Kind.MAC_IP:
            self._bind(obs)
            return
        subject = self._subject(obs, "sender")
        if obs.kind is Kind.DHCP_HOSTNAME:
            self._name(self.hostnames, subject, (0, obs.value), True)  # beats mDNS
        elif obs.kind is Kind.MDNS_SERVICE and "hostname" in obs.attrs:
            self._name(self.hostnames, subject, (1, obs.attrs["hostname"]), False)
        elif obs.kind is Kind.WSD_ENDPOINT and obs.value:
            self._name(self.endpoints, subject, obs.value, False)
        match = self._match(obs)
        if match is None:
            return
        if match.rule.about == "receiver":
            subject = self._subject(obs, "receiver")
        self.evidence.add(
            (subject, match.rule.id, obs.value),
            lambda: Evidence(match.rule, obs.value, dict(match.claims), obs.meta, obs.truncated),
            obs.meta.ts,
        )

    def _name(self, table: dict[Subject, _T], subject: Subject, value: _T, replace: bool) -> None:
        """Keep a name for `subject` (host names and endpoint ids share one cap)."""
        if subject in table:
            if replace:
                table[subject] = value
        elif len(self.hostnames) + len(self.endpoints) < self.ledger.budget.cap("names"):
            table[subject] = value
        else:
            self.ledger.drop("names")

    def _bind(self, obs: Observation) -> None:
        mac, ip = obs.attrs.get("mac"), obs.attrs.get("ip")
        if not mac or not ip or ip in ("0.0.0.0", "::"):
            return
        via = obs.attrs.get("via")
        if via in SELF_BINDINGS and _contradicts(obs):
            return
        vlan = obs.meta.vlan
        if via in LEARNT_VIA:
            mask = obs.attrs.get("prefixlen", "")
            self.nets.learn(vlan, ip, int(mask) if mask.isdigit() else None)
        stated = self.bindings.get((vlan, ip))
        if stated is None:
            if len(self.bindings) >= self.ledger.budget.cap("bindings"):
                self.ledger.drop("bindings")
                return
            stated = self.bindings[(vlan, ip)] = []
        for b in stated:
            if b.mac == mac:
                b.ts = max(b.ts, obs.meta.ts)
                return
        if len(stated) < BINDINGS_PER_IP:
            stated.append(Binding(mac, obs.meta.ts))

    @staticmethod
    def _subject(obs: Observation, about: str) -> Subject:
        m = obs.meta
        if ("mac" in obs.attrs or "ip" in obs.attrs) and not (
            obs.kind in SELF_DESCRIBED and _contradicts(obs)
        ):
            return (m.vlan, obs.attrs.get("mac"), obs.attrs.get("ip"))
        if about == "receiver":
            return (m.vlan, m.dst_mac, m.dst_ip)
        return (m.vlan, m.src_mac, m.src_ip)

    def _match(self, obs: Observation) -> Match | None:
        # VendorDB.match caches attribute-free lookups itself
        return self.db.match(obs.kind.value, obs.value, obs.attrs or None)

    # -- resolution -----------------------------------------------------------------------
    def devices(self) -> list[Device]:
        """Resolve subjects to devices, merge identities, fuse evidence and apply the policy."""
        hm = resolve(self.sightings, self.bindings, self.nets.is_remote)
        devices: dict[DeviceKey, Device] = {}
        for (vlan, mac), ips in hm.ips_of.items():
            self._device(devices, hm, ("mac", None, mac), vlan).ips.update(ips)
        for (vlan, ip), b in self.bindings.items():
            latest = max(b, key=lambda x: x.ts)
            self._device(devices, hm, ("mac", None, latest.mac), vlan).ips.add(ip)
        remote_candidates: dict[DeviceKey, Device] = {}
        for (subject, _rule, _value), ev in self.evidence.items.items():
            key = self._key_for(subject, hm)
            if key is None:
                continue
            if key[0] == "ip":
                dev = remote_candidates.get(key) or self._ip_device(key, hm)
                remote_candidates[key] = dev
                if dev.location == "remote" and ev.rule.lan_only:
                    continue
            else:
                dev = self._device(devices, hm, key, subject[0])
                if subject[2] and not hm.is_router(subject[0], key[2]):
                    dev.ips.add(subject[2])
            dev.evidence.append(ev)
            _widen(dev, ev.meta.ts)
            if ev.last is not None:
                _widen(dev, ev.last)
        for key, dev in remote_candidates.items():
            if any(ev.claims.get("manufacturer") or ev.claims.get("brand") for ev in dev.evidence):
                devices[key] = dev
        self._attach_names(devices, hm)
        merged = _merge_identities(devices)
        for dev in merged:
            self._finish(dev)
        return sorted(self._listed(merged), key=lambda d: device_id(d))

    def _listed(self, devices: list[Device]) -> list[Device]:
        """The devices the report lists in full: concern, suspect, clear; surest first.

        The rest are counted in `unlisted` (per verdict, and per manufacturer for concern) so the
        summary stays whole while the report stays a size a person and a parser can open.
        """
        cap = self.ledger.budget.cap("listed")
        if len(devices) <= cap:
            return devices
        devices.sort(key=lambda d: (_RANK.get(d.status, 3), -d.verdict.confidence, device_id(d)))
        for dev in devices[cap:]:
            for counted in (dev.status, "remote") if dev.location == "remote" else (dev.status,):
                self.unlisted[counted] = self.unlisted.get(counted, 0) + 1
            if dev.status == "concern" and dev.verdict.manufacturer:
                maker = dev.verdict.manufacturer
                self.unlisted_makers[maker] = self.unlisted_makers.get(maker, 0) + 1
        self.ledger.drop("listed", len(devices) - cap)
        return devices[:cap]

    def _key_for(self, subject: Subject, hm: HostMap) -> DeviceKey | None:
        vlan, mac, ip = subject
        if mac and not _is_unicast(mac):
            mac = None
        if ip and (vlan, ip) not in hm.owner and self.nets.is_remote(vlan, ip):
            return ("ip", vlan, ip)  # never the MAC that carried it (DESIGN: local subnets)
        if mac and not hm.is_router(vlan, mac):
            return ("mac", None, mac)
        if mac and ip and ip in hm.ips_of.get((vlan, mac), set()):
            return ("mac", None, mac)  # the router's own address
        if ip:
            owner = hm.owner.get((vlan, ip))
            if owner:
                return ("mac", None, owner)
            return ("ip", vlan, ip)
        return ("mac", None, mac) if mac else None

    def _device(
        self, devices: dict[DeviceKey, Device], hm: HostMap, key: DeviceKey, vlan: Vlan
    ) -> Device:
        dev = devices.get(key)
        if dev is None:
            mac = key[2]
            dev = Device(key, mac, vlan, "lan")
            span = hm.times.get((vlan, mac))
            if span:
                dev.first_seen, dev.last_seen = span
            first = hm.first_frame.get((vlan, mac))
            if first:
                dev.first_input, dev.first_frame = first
            devices[key] = dev
        return dev

    def _ip_device(self, key: DeviceKey, hm: HostMap) -> Device:
        _, vlan, ip = key
        remote = (vlan, ip) in hm.via_router or is_global(ip) or self.nets.is_remote(vlan, ip)
        return Device(key, None, vlan, "remote" if remote else "lan", {ip})

    def _attach_names(self, devices: dict[DeviceKey, Device], hm: HostMap) -> None:
        for subject, (_, name) in sorted(self.hostnames.items(), key=lambda kv: kv[1]):
            key = self._key_for(subject, hm)
            if key in devices and devices[key].hostname is None:
                devices[key].hostname = name
        for subject, uuid in self.endpoints.items():
            key = self._key_for(subject, hm)
            if key in devices:
                devices[key].identities.add("uuid:" + uuid.lower())

    def _finish(self, dev: Device) -> None:
        if dev.mac:
            self._oui_evidence(dev)
        for vlan_ip in dev.ips:
            dev.services.update(self.sightings.services.get((dev.vlan, pton(vlan_ip)), set()))
        for ev in dev.evidence:
            if ev.meta.proto == "udp" and ev.meta.sport is not None and ev.rule.about == "sender":
                dev.services.add(("udp", ev.meta.sport))
        dev.evidence = _dedupe(dev.evidence)
        dev.verdict = fuse(dev.evidence)
        fields = dev.verdict.fields
        if "kind" not in fields and fields.get("model"):
            model_match = self.db.match("model", fields["model"], None)
            if model_match is not None:
                for name, value in model_match.claims.items():
                    if name in ("kind", "brand"):
                        fields.setdefault(name, value)
        dev.status, dev.concern = policy_verdict(
            self.policy, dev.verdict.manufacturer, fields.get("brand"), dev.verdict.confidence
        )
        if dev.location == "remote" and dev.concern:
            dev.concern += "; seen only through a router, not on this LAN"
        if dev.verdict.manufacturer:
            dev.advisories = [
                (adv.id, basis)
                for adv, basis in self.db.advisories_for(
                    dev.verdict.manufacturer, fields.get("model"), fields.get("firmware")
                )
            ]

    def _oui_evidence(self, dev: Device) -> None:
        assert dev.mac is not None
        entry = self.db.oui(dev.mac)
        if entry is None:
            return
        dev.oui_organisation = entry.organisation
        claims = {
            k: v for k, v in (("manufacturer", entry.manufacturer), ("brand", entry.brand)) if v
        }
        if not claims or not entry.rule:
            return
        rule = Rule(
            id=entry.rule,
            kind="oui",
            weight=entry.weight,
            signal="oui",
            claims=claims,
            source=f"IEEE registry {self.db.oui_registry}",
        )
        when = dev.first_seen or 0.0
        meta = Meta(input=dev.first_input, frame=dev.first_frame, ts=when, src_mac=dev.mac)
        dev.evidence.append(Evidence(rule, f"{entry.prefix} {entry.organisation}", claims, meta))


def _contradicts(obs: Observation) -> bool:
    """True when a payload states a MAC (or, with no link layer, an IP) other than its sender's."""
    stated, sender = obs.attrs.get("mac"), obs.meta.src_mac
    if sender:
        return bool(stated and stated != sender)
    stated_ip, sender_ip = obs.attrs.get("ip"), obs.meta.src_ip
    return bool(stated_ip and sender_ip and stated_ip != sender_ip)


def _is_unicast(mac: str) -> bool:
    """False for multicast/broadcast and all-zero MACs, which identify no device."""
    return not (int(mac[:2], 16) & 1) and mac != "00:00:00:00:00:00"


def _widen(dev: Device, ts: float) -> None:
    if dev.first_seen is None or ts < dev.first_seen:
        dev.first_seen = ts
    if dev.last_seen is None or ts > dev.last_seen:
        dev.last_seen = ts


def device_id(dev: Device) -> str:
    """Stable id: the MAC when known, else the IP (qualified by VLAN when tagged)."""
    kind, vlan, addr = dev.key
    if kind == "mac":
        return f"mac:{addr}"
    return f"ip:{addr}" if vlan is None else f"vlan{vlan}:ip:{addr}"


def _collect_identities(dev: Device) -> None:
    for ev in dev.evidence:
        for name in IDENTITY_CLAIMS:
            value = ev.claims.get(name)
            if value and ev.weight >= 0.5:
                dev.identities.add(f"{name}:{value}")


def _merge_identities(devices: dict[DeviceKey, Device]) -> list[Device]:
    """Merge devices that state the same serial or endpoint UUID (an IP change, a second NIC)."""
    by_identity: dict[str, Device] = {}
    result: list[Device] = []
    for key in sorted(devices, key=lambda k: (k[0] != "mac", repr(k))):
        dev = devices[key]
        _collect_identities(dev)
        target = next((by_identity[i] for i in sorted(dev.identities) if i in by_identity), None)
        if target is None or (target.mac and dev.mac):
            result.append(dev)
            target = dev
        else:
            target.ips |= dev.ips
            target.evidence.extend(dev.evidence)
            target.services |= dev.services
            target.identities |= dev.identities
            target.hostname = target.hostname or dev.hostname
            for ts in (dev.first_seen, dev.last_seen):
                if ts is not None:
                    _widen(target, ts)
        for ident in dev.identities:
            by_identity.setdefault(ident, target)
    return result


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    """One item per (rule, value) per device, the earliest kept, in time-then-rule order."""
    items.sort(key=lambda ev: (ev.meta.ts, ev.rule.id, ev.value, ev.meta.frame))
    kept: dict[tuple[str, str], Evidence] = {}
    for ev in items:
        first = kept.get((ev.rule.id, ev.value))
        if first is None:
            kept[(ev.rule.id, ev.value)] = ev
        else:
            first.count += ev.count
    return list(kept.values())
