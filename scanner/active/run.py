"""The scan: ARP sweep, discovery, TCP checks and banners run concurrently; every frame sent or
received goes to the caller's FrameSink (the same Dispatcher and Engine as `camscan pcap`)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Interface
from pathlib import Path

from scanner.active import banners, frames, probes
from scanner.active.senders import TokenBucket, UdpEndpoint, bind_to_device, udp_endpoint
from scanner.active.settings import ScanSettings, probes_for
from scanner.active.targets import Targets, interface_mac
from scanner.decoders import dhip, dns, sadp, wsd
from scanner.errors import RuntimeFailure
from scanner.model import Kind, Observation
from scanner.sources.live import FrameHandler, FrameSink, RawCapture, open_raw
from scanner.wire import LT_ETHERNET, LT_RAW

log = logging.getLogger(__name__)

NEIGHBOUR_TABLE = Path("/proc/net/arp")
ATF_COM = 0x2  # neighbour entry complete (linux/if_arp.h)
DISCARD_PORT = 9  # RFC 863: a datagram here asks nothing of the host
# Kinds a device sends when it answers discovery (client-side kinds such as probes excluded).
ANSWER_KINDS = frozenset({
    Kind.SADP, Kind.SADP_LEGACY, Kind.DHIP, Kind.DAHUA_5050, Kind.WSD_ENDPOINT, Kind.WSD_TYPES,
    Kind.WSD_SCOPE, Kind.WSD_XADDR, Kind.SSDP_SERVER, Kind.SSDP_USN, Kind.MDNS_SERVICE,
    Kind.MDNS_TXT,
})  # fmt: skip
# Vendor discovery that answers to its multicast group rather than to the asker.
GROUP_ANSWERS = frozenset({Kind.SADP, Kind.SADP_LEGACY, Kind.DHIP, Kind.DAHUA_5050})
# A window ends this long after the last answer: on a LAN an answer takes milliseconds.
ARP_SETTLE = 0.15
DISCOVERY_SETTLE = 0.25
# ...and never before the longest delay the protocol lets a device wait before answering:
# WS-Discovery's APP_MAX_DELAY is 500 ms, SSDP devices wait up to MX (1 s) seconds, mDNS
# responders 20-120 ms (RFC 6762 §6); SADP and DHIP state none, so they get the WS-Discovery one.
DISCOVERY_FLOOR = {"wsd": 0.5, "ssdp": float(probes.SSDP_MX), "mdns": 0.12, "sadp": 0.5,
                   "dhip": 0.5}  # fmt: skip
KERNEL_RETRY = 1.0  # the kernel asks again for an unresolved neighbour after 1 s (retrans_time)
FINAL_SETTLE = 0.02  # lets the last frames of closed connections reach the capture (a LAN: < 1 ms)

Progress = Callable[[str, int, int], None]  # (phase, done, total)
# Loads the engine the frames go to: its frame handler, and the HTTP paths the scan may ask.
Prepare = Callable[[], tuple[FrameHandler, tuple[str, ...]]]

MAX_OUTSIDE_WARNINGS = 32  # warning lines naming off-subnet responders; the rest are counted


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """What to scan, from where, and how gently."""

    targets: Targets
    interface: str
    networks: tuple[IPv4Interface, ...]
    settings: ScanSettings = ScanSettings()
    pcap_out: Path | None = None
    raw: bool = True  # use raw capture and the ARP sweep when the process may

    @property
    def probes(self) -> frozenset[str]:
        """The probe families this scan sends."""
        return probes_for(self.settings, self.targets.single_hosts)


def overall_bound(config: ScanConfig) -> float:
    """Seconds after which a scan stops whatever is left: --max-duration, else the time its
    targets could take at the configured pacing if every port of every address stayed silent."""
    s = config.settings
    if s.max_duration is not None:
        return s.max_duration
    n = len(config.targets)
    connects = (
        n * len(s.ports) * max(1 / s.tcp_rate, (s.connect_timeout + s.timeout) / s.concurrency)
    )
    return 2 * s.listen_window + 2 * n / s.rate + KERNEL_RETRY + connects + 4 * s.timeout + 30


@dataclass(slots=True)
class ScanOutcome:
    """What a scan adds to its run: warnings, capabilities, per-phase counts."""

    warnings: list[str]
    capabilities: dict[str, bool]
    phases: dict[str, dict[str, int]]


class Scan:
    """State of one running scan; `observe` must see every observation its frames produce."""

    def __init__(
        self,
        config: ScanConfig,
        sink: FrameSink,
        prepare: Prepare,
        progress: Progress | None = None,
        early: bool = False,
        idle: Callable[[], None] | None = None,
    ) -> None:
        """With `early`, `prepare` runs in a worker thread while the first probes go out (the
        caller has made sure it cannot fail); otherwise it runs before anything is sent. `idle`
        runs in a worker thread once the engine is attached: work the end of the scan would
        otherwise wait for, done while the scan waits for answers."""
        self.config = config
        self.settings = config.settings
        self.probes = config.probes
        self.sink = sink
        self.progress = progress or (lambda phase, done, total: None)
        # broadcast and multicast share one gentle budget; unicast TCP has its own
        self.bucket = TokenBucket(self.settings.rate)
        self.tcp_bucket = TokenBucket(self.settings.tcp_rate)
        self.own = {str(n.ip) for n in config.networks}
        self.ip = str(config.networks[0].ip) if config.networks else "0.0.0.0"
        self.mac = interface_mac(config.interface)
        self.capture: RawCapture | None = None
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.queued: set[str] = set()
        self.queue_closed = False
        self.responders: set[str] = set()
        self.asked: set[str] = set()  # on-link addresses the ARP sweep asked for
        self.answered: set[str] = set()  # ... and those that answered it
        self.last_arp = self.last_answer = 0.0  # event-loop time of the latest answer
        # discovery probes go out before the ARP sweep takes the broadcast budget: their
        # answers may take a second (SSDP's MX), an ARP reply milliseconds
        self.probes_sent = asyncio.Event()
        self.phases: dict[str, dict[str, int]] = {}
        self.warnings: list[str] = []
        self.capabilities: dict[str, bool] = {"root": os.geteuid() == 0}
        self.prepare = prepare
        self.early = early
        self.idle = idle
        self.http_paths: tuple[str, ...] = ()
        # set once frames reach the engine: until then no socket is read (the kernel holds what
        # arrives) and no host is checked
        self.ready = asyncio.Event()
        self.wiring: tuple[FrameHandler, tuple[str, ...]] | None = None
        self.started = _now()

    # -- frames and observations ----------------------------------------------------------
    def observe(self, obs: Observation) -> None:
        """Learn live hosts from ARP replies and discovery answers as they are decoded."""
        if obs.kind is Kind.MAC_IP and obs.attrs.get("via") == "arp":
            ip = obs.attrs.get("ip")
            if ip in self.asked and ip not in self.answered:
                self.answered.add(ip)
                self.last_arp = _now()
            self._alive(ip)
        elif obs.kind in ANSWER_KINDS and obs.meta.src_ip:
            # the address the reply came from answered, not the one its payload states: a
            # spoofer's payload would otherwise put addresses that never answered in the warnings
            if obs.meta.src_ip not in self.own:
                self.responders.add(obs.meta.src_ip)
                # an answer to camscan's probes (not a periodic announcement) extends the window
                if obs.meta.dst_ip in self.own or obs.kind in GROUP_ANSWERS:
                    self.last_answer = _now()
            self._alive(obs.meta.src_ip)

    def _alive(self, ip: str | None) -> None:
        if not ip or ip in self.own or ip in self.queued or self.queue_closed:
            return
        if ip in self.config.targets:
            self.queued.add(ip)
            self.queue.put_nowait(ip)

    def close_queue(self) -> None:
        """No host is added from now on; the TCP phase ends when the queued ones are done."""
        self.queue_closed = True
        self.queue.put_nowait(None)

    def synth(self, linktype: int, packet: bytes, comment: str = "") -> None:
        """A frame made from socket payloads; only used when there is no raw capture."""
        self.sink(linktype, time.time(), packet, comment)

    async def window(self, start: float, floor: float, last: Callable[[], float], settle: float
                     ) -> None:  # fmt: skip
        """Wait until `settle` s after the last answer, and at least until `start` + `floor`;
        never beyond `start` + --listen-window."""
        cap = start + self.settings.listen_window
        while True:
            now = _now()
            end = min(cap, max(start + floor, last() + settle))
            if now >= end:
                return
            await asyncio.sleep(end - now)

    async def attach(self) -> None:
        """Frames flow to the engine once it is loaded (in a worker thread when early)."""
        loop = asyncio.get_running_loop()
        if self.wiring is None:
            # the loader holds the interpreter most of the time it runs: the discovery probes,
            # whose answers take longest, leave before it starts
            await self.probes_sent.wait()
            self.wiring = await loop.run_in_executor(None, self.prepare)
            log.info("engine loaded %.2f s into the scan, while the first probes went out",
                     _now() - self.started)  # fmt: skip
        frame, self.http_paths = self.wiring
        self.sink.attach(frame)
        if self.capture is not None:
            loop.add_reader(self.capture.fileno(), self.capture.drain)
        self.ready.set()
        if self.idle is not None:
            await loop.run_in_executor(None, _quietly, self.idle)

    # -- ARP --------------------------------------------------------------------------------
    async def arp_sweep(self) -> None:
        """ARP who-has for every on-link target, once more for those that did not answer; the
        sweep ends ARP_SETTLE after the last answer (kernel-resolved without raw sockets)."""
        on_link: list[str] = []
        for ip in map(str, self.config.targets):
            if ip in self.own:
                continue
            if self._on_link(ip) and "arp" in self.probes:
                on_link.append(ip)
            else:
                self._alive(ip)  # routed targets cannot be swept: try them all
        if not on_link:
            return
        await self.probes_sent.wait()
        if self.capture is None:
            await self._kernel_sweep(on_link)
            return
        stats = self.phases.setdefault("arp_sweep", {"sent": 0, "answered": 0, "retried": 0})
        self.asked.update(on_link)
        sent_at = await self._arp_pass(on_link, stats, "arp sweep")
        # one retry, no sooner than a settle time after the first request to that address
        again = [ip for ip in on_link if ip not in self.answered]
        retried = await self._arp_pass(again, stats, "arp retry", sent_at)
        stats["retried"] = len(retried)
        last_sent = max([*sent_at.values(), *retried.values()], default=_now())
        await self.window(last_sent, ARP_SETTLE, lambda: self.last_arp, ARP_SETTLE)
        stats["answered"] = len(self.answered)
        log.info("ARP sweep: %d of %d answered (%d asked twice), %.2f s into the scan",
                 len(self.answered), len(on_link), len(retried), _now() - self.started)  # fmt: skip

    async def _arp_pass(
        self,
        ips: list[str],
        stats: dict[str, int],
        phase: str,
        first: dict[str, float] | None = None,
    ) -> dict[str, float]:
        """Send one who-has to each of `ips` at the broadcast rate; when each went out."""
        assert self.capture is not None
        sent_at: dict[str, float] = {}
        for n, ip in enumerate(ips, 1):
            if first is not None:
                wait = first[ip] + ARP_SETTLE - _now()
                if wait > 0:
                    await asyncio.sleep(wait)
                if ip in self.answered:
                    continue
            await self.bucket.take()
            if self.capture.send(probes.arp_request(self.mac, self._source_for(ip), ip)):
                stats["sent"] += 1
            sent_at[ip] = _now()
            self.progress(phase, n, len(ips))
        return sent_at

    async def _kernel_sweep(self, on_link: list[str]) -> None:
        """Without raw sockets: an empty datagram to the discard port of each on-link target
        makes the kernel resolve its MAC (retrying once itself after KERNEL_RETRY); addresses
        it resolved are alive as soon as the neighbour table shows them."""
        stats = self.phases.setdefault("neighbour_sweep", {"sent": 0, "answered": 0})
        targets = set(on_link)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            bind_to_device(sock, self.config.interface)
            for n, ip in enumerate(on_link, 1):
                await self.bucket.take()
                try:
                    sock.sendto(b"", (ip, DISCARD_PORT))
                    stats["sent"] += 1
                except OSError as exc:  # a neighbour the kernel already knows is unreachable
                    log.debug("discard datagram to %s: %s", ip, exc)
                self.progress("neighbours", n, len(on_link))
                if not n % 64:
                    self._resolved(targets)
            start = _now()
            poll = asyncio.create_task(self._poll_neighbours(targets))
            try:
                await self.window(
                    start, KERNEL_RETRY + ARP_SETTLE, lambda: self.last_arp, ARP_SETTLE
                )
            finally:
                poll.cancel()
        self._resolved(targets)
        stats["answered"] = len(self.answered)

    async def _poll_neighbours(self, targets: set[str]) -> None:
        while True:
            await asyncio.sleep(0.05)
            self._resolved(targets)

    def _resolved(self, targets: set[str]) -> None:
        """Addresses the kernel resolved since the last look are alive."""
        for ip, _ in self._neighbour_table():
            if ip in targets and ip not in self.answered:
                self.answered.add(ip)
                self.last_arp = _now()
                self._alive(ip)

    def _source_for(self, ip: str) -> str:
        """The interface address in the target's subnet (the first one otherwise)."""
        addr = ipaddress.IPv4Address(ip)
        return next((str(n.ip) for n in self.config.networks if addr in n.network), self.ip)

    def _on_link(self, ip: str) -> bool:
        addr = ipaddress.IPv4Address(ip)
        return any(addr in n.network for n in self.config.networks)

    # -- discovery --------------------------------------------------------------------------
    async def discovery(self) -> None:
        """Multicast and broadcast discovery of the chosen families; the window ends
        DISCOVERY_SETTLE after the last answer, no sooner than the protocols' longest delay."""
        try:
            await self._discover()
        finally:
            self.probes_sent.set()  # the ARP sweep never waits on a discovery that failed

    async def _discover(self) -> None:
        families = self.probes & set(DISCOVERY_FLOOR)
        if not families:
            return
        endpoints = self._endpoints(families)
        sends = [s for s in self._discovery_probes() if s[0] in families]
        stats = self.phases.setdefault("discovery", {"sent": 0, "answered": 0})
        loop = asyncio.get_running_loop()
        try:
            for n, (_family, key, payload, dst, dport) in enumerate(sends, 1):
                sender = endpoints.get(key) or endpoints["any"]
                await self.bucket.take()
                if sender.send(payload, dst, dport):
                    stats["sent"] += 1
                    if self.capture is None:
                        packet = frames.udp_packet(self.ip, sender.port, dst, dport, payload)
                        self.synth(LT_RAW, packet)
                self.progress("discovery", n, len(sends))
            self.probes_sent.set()
            sent = _now()
            await self.ready.wait()
            for ep in endpoints.values():
                loop.add_reader(ep.sock.fileno(), ep.drain)
            floor = max(DISCOVERY_FLOOR[f] for f in families)
            await self.window(sent, floor, lambda: self.last_answer, DISCOVERY_SETTLE)
            log.info("discovery window closed %.2f s into the scan, %d responders",
                     _now() - self.started, len(self.responders))  # fmt: skip
        finally:
            for ep in endpoints.values():
                loop.remove_reader(ep.sock.fileno())
                ep.drain()
                ep.close()
        stats["answered"] = len(self.responders)

    def _endpoints(self, families: set[str] | frozenset[str]) -> dict[str, UdpEndpoint]:
        iface, ip = self.config.interface, self.ip
        eps: dict[str, UdpEndpoint] = {}
        # SADP and DHIP devices may answer to the group and port rather than to the sender
        for key, port, group in (("sadp", sadp.UDP_PORTS[0], sadp.MULTICAST_V4),
                                 ("dhip", dhip.UDP_PORTS[0], dhip.MULTICAST_V4)):  # fmt: skip
            if key not in families:
                continue
            listener = udp_endpoint(iface, ip, self._datagram, port, (group,))
            if listener is not None:
                eps[key] = listener
        ep = udp_endpoint(iface, ip, self._datagram)
        if ep is None:
            raise RuntimeFailure(f"cannot open a UDP socket on {iface}")
        eps["any"] = ep
        self.capabilities["bind_to_device"] = ep.bound_to_device
        return eps

    def _discovery_probes(self) -> list[tuple[str, str, bytes, str, int]]:
        """(family, sending endpoint, payload, destination, port) of every discovery probe."""
        broadcasts = [str(n.network.broadcast_address) for n in self.config.networks
                      if n.network.prefixlen < 31]  # fmt: skip
        if self.capabilities.get("bind_to_device"):
            broadcasts.append("255.255.255.255")
        dhip_port = dhip.UDP_PORTS[0]
        # SSDP first: its answers may take longest (MX)
        sends = [("ssdp", "any", probes.ssdp_msearch(), probes.SSDP_GROUP, probes.SSDP_PORT)]
        sends += [("sadp", "sadp", probes.sadp_inquiry(str(uuid.uuid4())), sadp.MULTICAST_V4,
                   sadp.UDP_PORTS[0])]  # fmt: skip
        sends += [("dhip", "dhip", probes.dhip_search(), dhip.MULTICAST_V4, dhip_port)]
        sends += [("dhip", "dhip", probes.dhip_search(), b, dhip_port) for b in broadcasts]
        sends += [("dhip", "any", probes.dahua_legacy_search(), b, dhip.UDP_PORTS_5050[0])
                  for b in broadcasts]  # fmt: skip
        sends += [("wsd", "any", probes.wsd_probe(t, str(uuid.uuid4())), wsd.MULTICAST_V4,
                   wsd.UDP_PORTS[0]) for t in probes.WSD_TYPES]  # fmt: skip
        sends += [("mdns", "any", probes.mdns_query(), dns.MDNS_GROUP_V4, dns.MDNS_PORT)]
        return sends

    def _datagram(self, payload: bytes, src: str, sport: int, lport: int) -> None:
        if self.capture is not None:
            return  # the capture already saw this datagram on the wire
        packet = frames.udp_packet(src, sport, self.ip, lport, payload)
        self.synth(LT_RAW, packet)

    # -- TCP --------------------------------------------------------------------------------
    async def tcp_phase(self) -> None:
        """Port checks and banners of each live host as it is found, until the queue closes.

        Every (host, port) is one job for a pool of --concurrency workers, so a host whose
        ports stay silent holds as many workers as it has ports, each for --connect-timeout,
        and never the scan.
        """
        await self.ready.wait()
        stats = self.phases.setdefault("tcp", {"hosts": 0, "open": 0, "banners": 0})
        if "tcp" not in self.probes:
            del self.phases["tcp"]
            while await self.queue.get() is not None:
                pass
            return
        workers = max(1, self.settings.concurrency)
        jobs: asyncio.Queue[tuple[str, int] | None] = asyncio.Queue(maxsize=workers)
        left: dict[str, int] = {}

        async def feed() -> None:
            while (ip := await self.queue.get()) is not None:
                stats["hosts"] += 1
                left[ip] = len(self.settings.ports)
                for port in self.settings.ports:
                    await jobs.put((ip, port))
            for _ in range(workers):
                await jobs.put(None)

        async def work() -> None:
            while (job := await jobs.get()) is not None:
                await self._port(*job, stats)
                left[job[0]] -= 1
                if not left[job[0]]:
                    del left[job[0]]
                    stats["done"] = stats.get("done", 0) + 1
                    self.progress("tcp", stats["done"], len(self.queued))

        # memory stays flat however many hosts are queued: jobs wait in a bounded queue
        await asyncio.gather(feed(), *(work() for _ in range(workers)))
        log.info("TCP checks of %d hosts done %.2f s into the scan",
                 stats["hosts"], _now() - self.started)  # fmt: skip

    async def _port(self, ip: str, port: int, stats: dict[str, int]) -> None:
        s = self.settings
        await self.tcp_bucket.take()
        if port in banners.TLS_PORTS:
            ex = await banners.tls_certificate(ip, port, s.connect_timeout, s.timeout)
            self._record(ex)
            stats["open"] += ex.state == "open"
            stats["banners"] += ex.certificate is not None
            return
        plan = banners.plan(ip, port, self.http_paths)
        ex = await banners.converse(ip, port, plan[0] if plan else [], s.connect_timeout, s.timeout)
        self._record(ex)
        if ex.state != "open":
            return
        stats["open"] += 1
        stats["banners"] += any(reply for _, reply in ex.talk)
        for requests in plan[1:]:
            await self.tcp_bucket.take()
            self._record(await banners.converse(ip, port, requests, s.connect_timeout, s.timeout))

    def _record(self, ex: banners.Exchange) -> None:
        if ex.state != "open":
            return
        hidden = ex.certificate is not None and not ex.cert_in_clear
        if self.capture is not None and not hidden:
            return
        # next to a capture the real flow already holds this 4-tuple in the dispatcher, so the
        # re-framed certificate travels on client port 0
        cport = ex.local[1] if self.capture is None else 0
        conv = frames.TcpConversation(ex.local[0], cport, ex.ip, ex.port)
        if self.capture is None:
            conv.open()
        for request, reply in ex.talk:
            conv.client_sends(request)
            conv.server_sends(reply)
        if ex.certificate is not None and (hidden or self.capture is None):
            conv.server_sends(frames.tls_certificate_record(ex.certificate))
        conv.close()
        note = "certificate of a TLS 1.3 handshake, re-framed by camscan" if hidden else ""
        for packet in conv.packets:
            self.synth(LT_RAW, packet, note if self.capture else "")

    def _neighbour_table(self) -> list[tuple[str, bytes]]:
        """(IP, MAC) of the complete kernel neighbour entries on the scan interface."""
        try:
            lines = NEIGHBOUR_TABLE.read_text().splitlines()[1:]
        except OSError:
            return []
        found: list[tuple[str, bytes]] = []
        for line in lines:
            parts = line.split()
            if len(parts) < 6 or parts[5] != self.config.interface:
                continue
            try:
                if int(parts[2], 16) & ATF_COM:
                    found.append((parts[0], bytes.fromhex(parts[3].replace(":", ""))))
            except ValueError:
                continue
        return found

    def neighbours(self) -> None:
        """MACs the kernel learnt for the addresses the scan touched, as ARP replies."""
        touched = self.queued | self.responders
        for ip, mac in self._neighbour_table():
            if ip in touched and len(mac) == 6:
                self.synth(LT_ETHERNET, frames.arp_reply(mac, ip, self.mac, self.ip))


async def _run(scan: Scan) -> None:
    config = scan.config
    loop = asyncio.get_running_loop()
    raw = open_raw(config.interface) if config.raw else None
    scan.capabilities["raw_capture"] = scan.capabilities["arp_sweep"] = raw is not None
    if raw is not None:
        scan.capture = RawCapture(raw, scan.sink)  # read from once the engine is attached
    else:
        scan.warnings.append(
            "no raw-socket privileges: no ARP sweep and no passive capture (other hosts' "
            "broadcasts were not heard); live hosts and MACs come from the kernel neighbour "
            "table, and --pcap-out holds frames rebuilt from socket payloads"
        )
    bound = overall_bound(config)
    try:
        tcp = asyncio.create_task(scan.tcp_phase())
        try:
            async with asyncio.timeout(bound):
                await asyncio.gather(scan.attach(), scan.arp_sweep(), scan.discovery())
                scan.close_queue()
                await tcp
        except TimeoutError:
            tcp.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await tcp
            scan.warnings.append(
                f"the scan stopped at its overall bound of {bound:g} s (--max-duration); "
                "results are partial"
            )
        if raw is None:
            scan.neighbours()
        else:
            await asyncio.sleep(FINAL_SETTLE)
    finally:
        if scan.capture is not None:
            loop.remove_reader(scan.capture.fileno())
            scan.capture.drain()
            scan.capture.close()


def run_scan(scan: Scan) -> ScanOutcome:
    """Run the scan to its end (or its overall bound); the sink has seen every frame."""
    if not scan.early:
        scan.wiring = scan.prepare()
    asyncio.run(_run(scan))
    config = scan.config
    outside = [ip for ip in sorted(scan.responders, key=_ip_key) if ip not in config.targets]
    for ip in outside[:MAX_OUTSIDE_WARNINGS]:
        scan.warnings.append(f"{ip} answered discovery but is outside the scanned subnets")
    if len(outside) > MAX_OUTSIDE_WARNINGS:
        scan.warnings.append(
            f"and {len(outside) - MAX_OUTSIDE_WARNINGS} more addresses outside the scanned "
            "subnets answered discovery (see the report's devices)"
        )
    return ScanOutcome(scan.warnings, scan.capabilities, scan.phases)


def _quietly(work: Callable[[], None]) -> None:
    """Run work done ahead of need; a failure recurs, and is reported, where it is needed."""
    try:
        work()
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.debug("work ahead of need failed: %s", exc)


def _ip_key(ip: str) -> tuple[int, str]:
    try:
        return (int(ipaddress.ip_address(ip)), ip)
    except ValueError:
        return (-1, ip)


def _now() -> float:
    return time.monotonic()
