"""The lab's reference client: probes the planted segment the simple way and records the wire.

Runs inside the scanner namespace (root: it captures with an AF_PACKET socket):
    refclient.py --iface eth0 --src 10.77.0.2 --pcap OUT.pcap --targets IP,IP,... > replies.json

It sends one SADP inquiry, one WS-Discovery Probe, one DHIP search (group and broadcast), one SSDP
M-SEARCH and one mDNS query, then opens TCP 80/554/8000/37777 on each target with the same
read-only requests a scanner would send (no credentials). Every frame on the interface meanwhile is
written to a classic pcap, so `camscan pcap` over it shows what the emulators look like without
depending on `camscan scan`. Replies are printed as JSON: {"udp": [...], "tcp": [...]}.
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import replies as r  # noqa: E402

ETH_P_ALL = 0x0003
LISTEN = 1.5


class Recorder(threading.Thread):
    """Writes every frame seen on `iface` to a classic pcap until stop() is called."""

    def __init__(self, iface: str, path: Path):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((iface, 0))
        self.sock.settimeout(0.2)
        self.out = path.open("wb")
        self.out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                frame = self.sock.recv(65535)
            except TimeoutError:
                continue
            now = time.time()
            sec, usec = int(now), int((now % 1) * 1e6)
            self.out.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)

    def stop(self) -> None:
        time.sleep(0.3)
        self.running = False
        self.join()
        self.out.close()
        self.sock.close()


def udp_exchange(
    src: str, iface: str, bind_port: int, groups: list[str], sends: list[tuple[bytes, str, int]]
) -> list[dict[str, str]]:
    """Send datagrams from `src`, listen on `bind_port` (joined to `groups`) for LISTEN seconds."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.bind(("", bind_port))
    for g in groups:
        s.setsockopt(
            socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(g) + socket.inet_aton(src)
        )
    for payload, host, port in sends:
        s.sendto(payload, (host, port))
    out = []
    deadline = time.monotonic() + LISTEN
    while (left := deadline - time.monotonic()) > 0:
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(65535)
        except TimeoutError:
            break
        if addr[0] != src:
            out.append({"from": addr[0], "port": str(bind_port), "hex": data.hex()})
    s.close()
    return out


def tcp_exchange(host: str, port: int, requests: list[bytes]) -> dict[str, str]:
    """Send each request in turn on one connection and collect what comes back."""
    got = b""
    try:
        with socket.create_connection((host, port), timeout=1.0) as s:
            s.settimeout(2.5)
            for req in requests:
                if req:
                    s.sendall(req)
                try:
                    while True:
                        chunk = s.recv(65535)
                        got += chunk
                        if not chunk or chunk.endswith(b"\r\n\r\n") or port in (8000, 37777):
                            break
                except TimeoutError:
                    pass
    except OSError as exc:
        return {"host": host, "port": str(port), "error": type(exc).__name__, "hex": got.hex()}
    return {"host": host, "port": str(port), "hex": got.hex()}


def tls_hello(host: str, port: int) -> dict[str, str]:
    """Complete a TLS handshake (no verification, TLS 1.2 at most) and return the peer's cert."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        with (
            socket.create_connection((host, port), timeout=1.0) as raw,
            ctx.wrap_socket(raw, server_hostname=None) as s,
        ):
            der = s.getpeercert(binary_form=True) or b""
    except OSError as exc:
        return {"host": host, "port": str(port), "error": type(exc).__name__, "hex": ""}
    return {"host": host, "port": str(port), "hex": der.hex()}


def mdns_query(name: str) -> bytes:
    """A one-question DNS query (PTR, QU bit clear) for `name`."""
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return struct.pack("!HHHHHH", 0, 0, 1, 0, 0, 0) + q + struct.pack("!HH", 12, 1)


def probe(src: str, iface: str, targets: list[str]) -> dict[str, list[dict[str, str]]]:
    """Every discovery probe, then the TCP banner requests on each target."""
    wsd_id = f"urn:uuid:{uuid.uuid4()}"
    udp = udp_exchange(
        src,
        iface,
        r.SADP_PORT,
        [r.SADP_GROUP],
        [(r.sadp_probe(str(uuid.uuid4())), r.SADP_GROUP, r.SADP_PORT)],
    )
    udp += udp_exchange(
        src, iface, 0, [], [(r.wsd_probe(wsd_id.split(":")[-1]), r.WSD_GROUP, r.WSD_PORT)]
    )
    udp += udp_exchange(
        src,
        iface,
        r.DHIP_PORT,
        [r.DHIP_GROUP],
        [
            (r.dhip_search(), r.DHIP_GROUP, r.DHIP_PORT),
            (r.dhip_search(), "255.255.255.255", r.DHIP_PORT),
        ],
    )
    search = (
        b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
        b'MAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'
    )
    udp += udp_exchange(src, iface, 0, [], [(search, r.SSDP_GROUP, r.SSDP_PORT)])
    udp += udp_exchange(
        src, iface, 5353, ["224.0.0.251"], [(mdns_query("_ipp._tcp.local"), "224.0.0.251", 5353)]
    )
    tcp = []
    for host in targets:
        http = f"GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: lab\r\nAccept: */*\r\n\r\n".encode()
        isapi = http.replace(b"GET / ", b"GET /ISAPI/System/deviceInfo ")
        cgi = http.replace(b"GET / ", b"GET /cgi-bin/magicBox.cgi?action=getDeviceType ")
        url = f"rtsp://{host}:554/"
        options = f"OPTIONS {url} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: camscan-lab\r\n\r\n".encode()
        describe = f"DESCRIBE {url} RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n".encode()
        tcp.append(tcp_exchange(host, 80, [http]))
        tcp.append(tcp_exchange(host, 80, [isapi]))
        tcp.append(tcp_exchange(host, 80, [cgi]))
        tcp.append(tcp_exchange(host, 554, [options, describe]))
        tcp.append(tcp_exchange(host, 8000, [r.HIK_SDK_REQUEST]))
        tcp.append(tcp_exchange(host, 37777, [r.dvrip_realm_request()]))
        tcp.append(tls_hello(host, 443))
    return {"udp": udp, "tcp": tcp, "wsd_message_id": [{"id": wsd_id}]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iface", required=True)
    parser.add_argument("--src", required=True)
    parser.add_argument("--pcap", type=Path, required=True)
    parser.add_argument("--targets", required=True)
    args = parser.parse_args()
    rec = Recorder(args.iface, args.pcap)
    rec.start()
    try:
        result = probe(args.src, args.iface, args.targets.split(","))
    finally:
        rec.stop()
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
