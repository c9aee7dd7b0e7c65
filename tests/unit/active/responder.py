"""A tiny emulated Hikvision camera for the active-scan namespace test (run inside a netns).

Answers HTTP GET with `Server: App-webs/`, the SADP inquiry with a ProbeMatch sent to the group,
and the TCP 8000 probe with the 16-byte reply (docs/protocols.md §5.1, §2.1, §4). It logs every
request it receives, one hex line each. Arguments: IPv4 address, MAC, log file.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any

SADP_GROUP, SADP_PORT = "239.255.255.250", 37020
MODEL, SERIAL = "DS-2CD2385G1-I", "DS-2CD2385G1-I20200414AAWRE33842150"
HTTP_REPLY = (
    b"HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: text/html\r\n"
    b"Content-Length: 13\r\nConnection: close\r\n\r\n<html></html>"
)
SDK_REPLY = bytes.fromhex("00000010 0000001e 0000001e 00000000")


def probe_match(uuid: str, ip: str, mac: str) -> bytes:
    fields = {
        "Uuid": uuid, "Types": "inquiry", "DeviceType": "141945", "DeviceDescription": MODEL,
        "DeviceSN": SERIAL, "CommandPort": "8000", "HttpPort": "80",
        "MAC": mac.replace(":", "-"), "IPv4Address": ip, "IPv4SubnetMask": "255.255.255.0",
        "SoftwareVersion": "V5.6.2build 190701",
    }  # fmt: skip
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><ProbeMatch>{body}</ProbeMatch>'.encode()


class Sadp(asyncio.DatagramProtocol):
    def __init__(self, ip: str, mac: str, log: list[bytes]) -> None:
        self.ip, self.mac, self.log = ip, mac, log
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.log.append(b"udp37020 " + data.hex().encode())
        if data.find(b"<Probe>") >= 0 and self.transport is not None:
            uuid = data.split(b"<Uuid>")[1].split(b"</Uuid>")[0].decode()
            self.transport.sendto(probe_match(uuid, self.ip, self.mac), (SADP_GROUP, SADP_PORT))


async def tcp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: list[bytes]) -> None:
    port = writer.get_extra_info("sockname")[1]
    try:
        data = await asyncio.wait_for(reader.read(4096), 3)
        log.append(f"tcp{port} ".encode() + data.hex().encode())
        writer.write(SDK_REPLY if port == 8000 else HTTP_REPLY)
        await writer.drain()
    except (OSError, TimeoutError):
        pass
    finally:
        writer.close()


async def main(ip: str, mac: str, log_path: str) -> None:
    log: list[bytes] = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", SADP_PORT))
    mreq = socket.inet_aton(SADP_GROUP) + socket.inet_aton(ip)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: Sadp(ip, mac, log), sock=sock)
    for port in (80, 8000):
        await asyncio.start_server(lambda r, w: tcp(r, w, log), ip, port)
    print("ready", flush=True)
    try:
        while True:
            await asyncio.sleep(0.2)
            if log:
                with open(log_path, "ab") as fh:
                    fh.write(b"".join(line + b"\n" for line in log))
                log.clear()
    except asyncio.CancelledError:
        pass


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
