"""A small pcapng writer (one section, one interface per link type, enhanced packet blocks)."""

from __future__ import annotations

import struct
from pathlib import Path
from types import TracebackType

from scanner import __version__
from scanner.files import OutputFile

_SHB, _IDB, _EPB = 0x0A0D0D0A, 1, 6
_BOM = 0x1A2B3C4D
_OPT_END, _OPT_COMMENT, _SHB_USERAPPL, _IF_NAME = 0, 1, 4, 2
SNAPLEN = 262144


def _option(code: int, value: bytes) -> bytes:
    pad = (-len(value)) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def _block(kind: int, body: bytes) -> bytes:
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def section_header(comment: str = "") -> bytes:
    """The section header block, naming camscan as the writer."""
    opts = _option(_SHB_USERAPPL, f"camscan {__version__}".encode())
    if comment:
        opts += _option(_OPT_COMMENT, comment.encode())
    body = struct.pack("<IHHq", _BOM, 1, 0, -1) + opts + _option(_OPT_END, b"")
    return _block(_SHB, body)


def interface_block(linktype: int, name: str) -> bytes:
    """An interface description block for `linktype`."""
    opts = _option(_IF_NAME, name.encode()) + _option(_OPT_END, b"")
    return _block(_IDB, struct.pack("<HHI", linktype, 0, SNAPLEN) + opts)


def packet_block(iface: int, ts: float, data: bytes, comment: str = "") -> bytes:
    """An enhanced packet block with a microsecond timestamp."""
    micros = int(round(ts * 1_000_000))
    pad = (-len(data)) % 4
    body = struct.pack("<IIIII", iface, micros >> 32, micros & 0xFFFFFFFF, len(data), len(data))
    body += data + b"\0" * pad
    if comment:
        body += _option(_OPT_COMMENT, comment.encode()) + _option(_OPT_END, b"")
    return _block(_EPB, body)


class PcapNgWriter:
    """Writes frames of any link type to one pcapng file; interfaces are added on first use."""

    def __init__(self, path: Path, iface_name: str, comment: str = "") -> None:
        self._fh = OutputFile(path)  # a temporary file until close(): nothing is clobbered
        self._name = iface_name
        self._ifaces: dict[int, int] = {}
        self.frames = 0
        self._fh.write(section_header(comment))

    def write(self, linktype: int, ts: float, data: bytes, comment: str = "") -> None:
        """Append one frame."""
        iface = self._ifaces.get(linktype)
        if iface is None:
            iface = self._ifaces[linktype] = len(self._ifaces)
            self._fh.write(interface_block(linktype, self._name))
        self._fh.write(packet_block(iface, ts, data[:SNAPLEN], comment))
        self.frames += 1

    def close(self) -> None:
        """Flush the file and put it in place."""
        self._fh.commit()

    def __enter__(self) -> PcapNgWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
