"""Streaming reader for pcap and pcapng files, plain or gzip-compressed, that survives damage."""

from __future__ import annotations

import logging
import os
import struct
import sys
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from scanner.errors import CaptureFormatError
from scanner.wire import DECODED_LINKTYPES

log = logging.getLogger(__name__)

CHUNK = 1 << 20
# No link layer we decode carries frames this large; a bigger length field is corruption, and
# refusing it keeps memory bounded whatever a damaged header claims.
MAX_FRAME = 256 * 1024
MAX_BLOCK = 16 * 1024 * 1024
# Packet and interface blocks longer than this are skipped unread (a frame plus generous room for
# options): reading a 16 MB block whole would cost several times that in memory.
MAX_KEPT_BLOCK = MAX_FRAME + 64 * 1024

_PCAP_MAGIC = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
_PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"
_GZIP = b"\x1f\x8b"

# pcapng block types
_IDB, _OPB, _SPB, _EPB = 1, 2, 3, 6
_KEPT = frozenset({_IDB, _OPB, _SPB, _EPB})  # blocks whose body is read; others are skipped
NAMED_CORRUPT_BLOCKS = 8  # corrupt blocks named one per warning line; the rest are counted
# Names of link types seen in captures that camscan does not decode (tcpdump.org LINKTYPE_*).
_LINKTYPE_NAMES = {
    105: "IEEE 802.11", 119: "802.11 Prism", 127: "802.11 radiotap", 163: "802.11 AVS",
    192: "PPI", 9: "PPP", 50: "PPP over HDLC", 104: "Cisco HDLC", 189: "USB (Linux)",
    195: "IEEE 802.15.4", 201: "Bluetooth HCI H4", 0xFFFF: "an undescribed interface",
}  # fmt: skip
_BOM_LE = b"\x4d\x3c\x2b\x1a"
_BOM_BE = b"\x1a\x2b\x3c\x4d"


@dataclass(slots=True)
class ReadState:
    """What the reader learned while streaming: counters and where damage stopped it."""

    path: str
    frames: int = 0
    bytes: int = 0
    consumed: int = 0  # bytes of the (decompressed) file consumed so far
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False
    # the reader's offset in the file as stored (compressed, for gzip); None for a stream
    position: Callable[[], int | None] = lambda: None
    corrupt: int = 0  # corrupt packet blocks skipped
    last_corrupt: int = 0  # byte offset of the last one
    undecoded: dict[int, int] = field(default_factory=dict)  # link type -> frames not decodable


Record = tuple[int, float, bytes]  # (link type, timestamp, frame bytes)


class _Stream:
    """A byte stream read in large chunks, with exact-length reads that report short reads."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._buf = b""
        self._pos = 0
        self.offset = 0  # absolute offset of _buf[_pos]
        self.error: str | None = None

    def read(self, n: int) -> bytes:
        """Return exactly n bytes, or fewer only at end of data (or a decompression error)."""
        end = self._pos + n
        if end <= len(self._buf):
            out = self._buf[self._pos : end]
            self._pos = end
            self.offset += n
            return out
        parts = [self._buf[self._pos :]]
        have = len(parts[0])
        while have < n:
            chunk = self._chunk()
            if not chunk:
                break
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        self._buf, self._pos = data, min(n, len(data))
        out = data[: self._pos]
        self.offset += len(out)
        return out

    def skip(self, n: int) -> int:
        """Consume n bytes without keeping them (memory stays at a chunk); return how many."""
        done = 0
        while done < n:
            part = self.read(min(n - done, CHUNK))
            if not part:
                break
            done += len(part)
        return done

    def detach(self) -> tuple[bytes, int]:
        """Hand the buffered bytes to a caller that reads chunks itself from now on."""
        buf, pos = self._buf, self._pos
        self._buf, self._pos = b"", 0
        return buf, pos

    def chunk(self) -> bytes:
        """The next raw chunk of the stream (b"" at the end or on a decompression error)."""
        return self._chunk()

    def _chunk(self) -> bytes:
        try:
            return self._fh.read(CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            # gzip raises EOFError for a member cut in half and BadGzipFile (an OSError) for junk
            self.error = f"compressed data is damaged ({exc})"
            return b""


class _Gunzip:
    """Incremental gzip decompression that keeps every byte decoded before a cut or corruption.

    gzip.GzipFile raises on a truncated member and discards the data of that read call; a
    capture cut in half by a full disk must still give its first half.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.raw_file = raw
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def read(self, n: int) -> bytes:
        """Up to about n decompressed bytes; b"" at the end; raises EOFError on a cut member."""
        while True:
            if self._z.unconsumed_tail:
                out = self._z.decompress(self._z.unconsumed_tail, n)
            else:
                comp = self._raw.read(CHUNK // 4)
                if not comp:
                    if not self._z.eof:
                        raise EOFError("compressed file ended before the end of the stream")
                    return b""
                out = self._z.decompress(comp, n)
            if self._z.eof and self._z.unused_data:
                rest = self._z.unused_data  # a second gzip member follows (concatenated files)
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out += self._z.decompress(rest, n)
            if out:
                return out

    def close(self) -> None:
        """Close the underlying file."""
        self._raw.close()


STDIN = "-"  # the path that means standard input


class _Prefixed:
    """A non-seekable stream with the bytes already read from its start put back in front."""

    def __init__(self, head: bytes, fh: BinaryIO) -> None:
        self._head = head
        self._fh = fh

    def read(self, n: int = -1) -> bytes:
        """Up to n bytes, as soon as some have arrived: the put-back bytes first."""
        if not self._head:
            # read1: a pipe delivers what it has now instead of blocking for all n bytes
            read1 = getattr(self._fh, "read1", self._fh.read)
            data: bytes = read1(n)
            return data
        if 0 <= n < len(self._head):
            out, self._head = self._head[:n], self._head[n:]
        else:
            out, self._head = self._head, b""
        return out

    def tell(self) -> int:
        """Not known for a stream: OSError, like a pipe's."""
        raise OSError("a stream has no position")

    def close(self) -> None:
        """Close the underlying stream."""
        self._fh.close()


def is_compressed(path: Path) -> bool:
    """Whether `path` starts like a gzip file (False when it cannot be read)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == _GZIP
    except OSError:
        return False


def open_capture(path: Path) -> BinaryIO:
    """Open a capture (a file, a FIFO or pipe, or "-" for stdin), transparently decompressing
    gzip; raise CaptureFormatError when it cannot be opened."""
    try:
        if str(path) == STDIN:
            if sys.stdin is None or sys.stdin.isatty():
                raise CaptureFormatError("-: standard input is a terminal, not a capture")
            # a duplicate, so closing the reader leaves the process's stdin open
            fh: BinaryIO = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
        else:
            fh = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise CaptureFormatError(f"{display_name(path)}: cannot open: {reason}") from exc
    head = fh.read(2)
    if fh.seekable():
        fh.seek(0)
    else:
        fh = _Prefixed(head, fh)  # type: ignore[assignment]
    if head == _GZIP:
        return _Gunzip(fh)  # type: ignore[return-value]
    return fh


def display_name(path: Path | str) -> str:
    """How messages name an input: "stdin" for "-", else the path as given."""
    return "stdin" if str(path) == STDIN else str(path)


def on_disk(fh: BinaryIO) -> int | None:
    """How far into the stored file (compressed, for gzip) the reader is; None for a stream."""
    raw = getattr(fh, "raw_file", fh)
    try:
        return int(raw.tell())
    except (OSError, ValueError, AttributeError):
        return None


@dataclass(frozen=True, slots=True)
class Position:
    """Where the records of a capture continue: the byte offset of the next record (pcap) or
    block (pcapng) and what reading them needs from the headers before it."""

    offset: int
    pcapng: bool
    endian: str
    scale: float = 1e-6  # pcap: seconds per timestamp fraction
    linktype: int = 0  # pcap: the file's link type
    links: tuple[tuple[int, float], ...] = ()  # pcapng: per interface, (link type, scale)


def read_records(
    path: Path, state: ReadState, resume: Position | None = None
) -> Generator[Record, None, None]:
    """Yield (linktype, ts, frame) from a pcap/pcapng file; damage ends it with a warning.

    With `resume`, reading starts there (an uncompressed file) and `state` already holds the
    counts of the records before it.
    """
    fh = open_capture(path)
    state.position = lambda: on_disk(fh)
    try:
        if resume is not None:
            fh.seek(resume.offset)
        stream = _Stream(fh)
        stream.offset = resume.offset if resume is not None else 0
        yield from _records(stream, resume or _header(stream, state, display_name(path)), state)
        if stream.error and not state.damaged:
            _damage(state, state.consumed, stream.error)
    finally:
        fh.close()
        summarise(state)


def first_record(path: Path, state: ReadState) -> Position:
    """Where the first record of a capture lies; CaptureFormatError as read_records() raises."""
    fh = open_capture(path)
    try:
        return _header(_Stream(fh), state, display_name(path))
    finally:
        fh.close()


def _header(stream: _Stream, state: ReadState, name: str) -> Position:
    magic = stream.read(4)
    if stream.error:
        raise CaptureFormatError(f"{name}: {stream.error}")
    if len(magic) < 4:
        raise CaptureFormatError(f"{name}: empty or too short to be a capture")
    if magic in _PCAP_MAGIC:
        endian, scale = _PCAP_MAGIC[magic]
        rest = stream.read(20)
        if len(rest) < 20:
            raise CaptureFormatError(f"{state.path}: pcap header is truncated")
        _vmaj, _vmin, _zone, _sig, _snap, linktype = struct.unpack(endian + "HHiIII", rest)
        # upper bits carry FCS information, not the link type
        return Position(stream.offset, False, endian, scale, linktype & 0x0FFFFFFF)
    if magic == _PCAPNG_SHB:
        endian = _read_shb(stream, state)
        return Position(stream.offset, True, endian)
    raise CaptureFormatError(f"{name}: not a pcap or pcapng capture (magic {magic.hex()})")


def _records(stream: _Stream, at: Position, state: ReadState) -> Iterator[Record]:
    if at.pcapng:
        return _read_pcapng(stream, state, at.endian, list(at.links))
    return _read_pcap(stream, at.endian, at.scale, at.linktype, state)


def pcap_undecoded(linktype: int, state: ReadState) -> None:
    """A pcap file holds one link type: when camscan cannot decode it, every frame counts."""
    if linktype not in DECODED_LINKTYPES and state.frames:
        state.undecoded[linktype] = state.frames


def summarise(state: ReadState) -> None:
    """One line each for the corrupt blocks past the named ones and for undecodable link types.

    They go before a damage line, which stays last (the caller shows it when nothing was read).
    """
    lines = []
    if state.corrupt > NAMED_CORRUPT_BLOCKS:
        lines.append(
            f"{state.path}: skipped {state.corrupt - NAMED_CORRUPT_BLOCKS} more corrupt packet "
            f"blocks (the last at byte {state.last_corrupt})"
        )
    for linktype, frames in sorted(state.undecoded.items()):
        name = _LINKTYPE_NAMES.get(linktype, "unknown")
        lines.append(
            f"{state.path}: {frames} frames of link type {linktype} ({name}) cannot be decoded; "
            "camscan reads Ethernet, Linux cooked capture, raw IP and BSD loopback"
        )
    at = len(state.warnings) - 1 if state.damaged else len(state.warnings)
    state.warnings[at:at] = lines


DAMAGED = "capture damaged at byte"  # sweeps read it to record a cut-short run as partial


def _damage(state: ReadState, at: int, why: str) -> None:
    state.damaged = True
    tail = "findings cover the frames before it" if state.frames else "no frame could be read"
    state.warnings.append(f"{state.path}: {DAMAGED} {at} after frame {state.frames}: {why}; {tail}")


def _read_pcap(
    stream: _Stream, endian: str, scale: float, linktype: int, state: ReadState
) -> Iterator[Record]:
    try:
        yield from _pcap_records(stream, endian, scale, linktype, state)
    finally:
        pcap_undecoded(linktype, state)


def _pcap_records(
    stream: _Stream, endian: str, scale: float, linktype: int, state: ReadState
) -> Iterator[Record]:
    unpack = struct.Struct(endian + "IIII").unpack_from
    # The hot loop works on one large buffer with offsets (no per-record read calls) and
    # publishes its counters to `state` in batches: this is most of a capture's cost.
    buf, pos = stream.detach()
    base = stream.offset - pos  # file offset of buf[0]
    size = len(buf)
    frames = nbytes = 0
    try:
        while True:
            if pos + 16 > size:
                buf, base, pos = _refill(stream, buf, pos, 16), base + pos, 0
                size = len(buf)
                if size < 16:
                    if buf:
                        _flush(state, frames, nbytes, base)
                        frames = nbytes = 0
                        _damage(state, base, stream.error or "record header cut short")
                    return
            sec, frac, incl, _orig = unpack(buf, pos)
            if incl > MAX_FRAME:
                _flush(state, frames, nbytes, base + pos)
                frames = nbytes = 0
                _damage(state, base + pos, f"record claims {incl} bytes")
                return
            end = pos + 16 + incl
            if end > size:
                buf, base, pos = _refill(stream, buf, pos, incl + 16), base + pos, 0
                size, end = len(buf), 16 + incl
                if end > size:
                    _flush(state, frames, nbytes, base)
                    frames = nbytes = 0
                    cut = f"record of {incl} bytes cut short at {len(buf) - 16}"
                    _damage(state, base, stream.error or cut)
                    return
            data = buf[pos + 16 : end]
            pos = end
            frames += 1
            nbytes += incl
            if frames == 4096:
                _flush(state, frames, nbytes, base + pos)
                frames = nbytes = 0
            yield linktype, sec + frac * scale, data
    finally:
        _flush(state, frames, nbytes, base + pos)


def _refill(stream: _Stream, buf: bytes, pos: int, need: int) -> bytes:
    """The unread tail of `buf` extended by whole chunks until it holds `need` bytes (or EOF)."""
    parts = [buf[pos:]]
    have = len(parts[0])
    while have < need:
        chunk = stream.chunk()
        if not chunk:
            break
        parts.append(chunk)
        have += len(chunk)
    return b"".join(parts)


def _flush(state: ReadState, frames: int, nbytes: int, consumed: int) -> None:
    state.frames += frames
    state.bytes += nbytes
    state.consumed = consumed


def _read_pcapng(
    stream: _Stream, state: ReadState, endian: str, links: list[tuple[int, float]]
) -> Iterator[Record]:
    """Blocks after a section header; `links` per interface: (linktype, seconds per tick)."""
    read = stream.read
    while True:
        start = stream.offset
        head = read(8)
        if len(head) < 8:
            if head:
                _damage(state, start, stream.error or "block header cut short")
            return
        if head[:4] == _PCAPNG_SHB:
            try:
                endian = _read_shb(stream, state, head[4:])
            except CaptureFormatError:
                _damage(state, start, "a later section header is damaged")
                return
            links = []
            continue
        btype, blen = struct.unpack(endian + "II", head)
        if blen < 12 or blen % 4 or blen > MAX_BLOCK:
            _damage(state, start, f"block of type {btype} has impossible length {blen}")
            return
        if btype not in _KEPT or blen > MAX_KEPT_BLOCK:
            if stream.skip(blen - 8) < blen - 8:
                _damage(state, start, stream.error or f"block of {blen} bytes cut short")
                return
            if btype == _IDB:
                links.append((0xFFFF, 1e-6))  # keeps the numbering of later interfaces right
            elif btype in _KEPT:
                _corrupt_block(state, start)
            continue
        body = read(blen - 8)
        if len(body) < blen - 8:
            _damage(state, start, stream.error or f"block of {blen} bytes cut short")
            return
        if btype in (_EPB, _OPB):
            record = _packet_block(body, endian, links, btype)
        elif btype == _SPB:
            record = _simple_block(body, endian, links)
        else:
            links.append(interface_of(body, endian))
            continue
        if record is None:
            _corrupt_block(state, start)
            continue
        if record[0] not in DECODED_LINKTYPES:
            state.undecoded[record[0]] = state.undecoded.get(record[0], 0) + 1
        state.frames += 1
        state.bytes += len(record[2])
        state.consumed = stream.offset
        yield record


def _corrupt_block(state: ReadState, start: int) -> None:
    state.corrupt += 1
    state.last_corrupt = start
    if state.corrupt <= NAMED_CORRUPT_BLOCKS:
        state.warnings.append(f"{state.path}: skipped a corrupt packet block at byte {start}")


def _read_shb(stream: _Stream, state: ReadState, first: bytes | None = None) -> str:
    """Consume a Section Header Block (its type already read); return the section's byte order."""
    start = first if first is not None else stream.read(4)
    bom = stream.read(4)
    if len(start) < 4 or len(bom) < 4:
        raise CaptureFormatError(f"{state.path}: pcapng section header is truncated")
    if bom == _BOM_LE:
        endian = "<"
    elif bom == _BOM_BE:
        endian = ">"
    else:
        raise CaptureFormatError(f"{state.path}: pcapng section header has a bad byte-order mark")
    (blen,) = struct.unpack(endian + "I", start)
    if blen < 28 or blen % 4 or blen > MAX_BLOCK:
        raise CaptureFormatError(f"{state.path}: pcapng section header has length {blen}")
    if stream.skip(blen - 12) < blen - 12:
        raise CaptureFormatError(f"{state.path}: pcapng section header is truncated")
    return endian


def interface_of(body: bytes, endian: str) -> tuple[int, float]:
    """Link type and timestamp resolution of an Interface Description Block body."""
    if len(body) < 12:
        return (0xFFFF, 1e-6)
    linktype = struct.unpack_from(endian + "H", body, 0)[0]
    scale = 1e-6
    pos, end = 8, len(body) - 4
    while pos + 4 <= end:
        code, olen = struct.unpack_from(endian + "HH", body, pos)
        if code == 0:
            break
        if code == 9 and olen >= 1 and pos + 5 <= end:
            res = body[pos + 4]
            exp = res & 0x7F
            scale = 2.0**-exp if res & 0x80 else 10.0**-exp
        pos += 4 + ((olen + 3) & ~3)
    return (linktype, scale)


def _packet_block(
    body: bytes, endian: str, links: list[tuple[int, float]], btype: int
) -> Record | None:
    if len(body) < 20:
        return None
    if btype == _EPB:
        ifid, high, low, caplen = struct.unpack_from(endian + "IIII", body, 0)
    else:
        ifid, _drops, high, low, caplen = struct.unpack_from(endian + "HHIII", body, 0)
    if ifid >= len(links) or caplen > len(body) - 20 or caplen > MAX_FRAME:
        return None
    linktype, scale = links[ifid]
    return linktype, ((high << 32) | low) * scale, body[20 : 20 + caplen]


def _simple_block(body: bytes, endian: str, links: list[tuple[int, float]]) -> Record | None:
    if not links or len(body) < 8:
        return None
    (orig,) = struct.unpack_from(endian + "I", body, 0)
    caplen = min(orig, len(body) - 8, MAX_FRAME)
    return links[0][0], 0.0, body[4 : 4 + caplen]
