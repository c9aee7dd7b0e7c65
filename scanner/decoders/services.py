"""What a report calls a port: the names the decoder modules give the ports they own."""

from __future__ import annotations

from scanner.decoders import dhcp, dhip, dns, http, rtsp, sadp, sdk, ssdp, tls, wsd

# IANA names of services no decoder reads that an operator still recognises on a device
# (old Hikvision units answer telnet, docs/protocols.md §5.1).
UNDECODED = {("tcp", 21): "ftp", ("tcp", 22): "ssh", ("tcp", 23): "telnet"}
OWNERS = (dhcp, dhip, dns, http, rtsp, sadp, sdk, ssdp, tls, wsd)
NAMES: dict[tuple[str, int], str] = {
    key: name for table in (UNDECODED, *(m.SERVICES for m in OWNERS)) for key, name in table.items()
}


def name(proto: str, port: int) -> str:
    """The service name of `port` over `proto` ("tcp"/"udp"), else the port number as text."""
    return NAMES.get((proto, port), str(port))
