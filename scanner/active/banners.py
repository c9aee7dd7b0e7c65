"""TCP connect checks and read-only banner grabs: one connection per exchange, bounded reads.

Every request is a documented, credential-free probe (see probes.py); every wait is bounded by
the scan timeout and every read by READ_LIMIT.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import ssl
import struct
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scanner.active import probes
from scanner.decoders import http, rtsp, sdk, tls

log = logging.getLogger(__name__)

READ_LIMIT = 16 * 1024
HTTP_PORTS = frozenset(http.TCP_PORTS)
TLS_PORTS = frozenset(tls.TCP_PORTS)
RTSP_PORTS = frozenset(rtsp.TCP_PORTS)
# Pre-login pages only: the landing page, the Hikvision web UI's script that names the platform
# (Greenbone's check), and the standard ONVIF device service, which answers a plain GET with 401
# and the device's Digest realm (often "Login to <serial>" on Dahua): docs/protocols.md §5.1, §5.2.
# A path that a vendor_db http_request rule matches is never asked: the scan's own request
# would become evidence about the host it asked (run.py filters by the db).
HTTP_PATHS = ("/", "/doc/script/inc.js", "/onvif/device_service")
_UNREACHABLE = frozenset({errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN})

Complete = Callable[[bytes], bool]


@dataclass(slots=True)
class Exchange:
    """One TCP connection: whether it opened, and each request with the bytes answered."""

    ip: str
    port: int
    state: str = "filtered"  # open, closed, filtered, unreachable
    local: tuple[str, int] = ("0.0.0.0", 0)
    talk: list[tuple[bytes, bytes]] = field(default_factory=list)
    certificate: bytes | None = None  # DER of the leaf when TLS hid it (TLS 1.3)
    cert_in_clear: bool = False
    tls_refused: bool = False  # the last handshake was refused (not merely unanswered)


def text_complete(buf: bytes) -> bool:
    """True once an HTTP/RTSP response head and its Content-Length body are in `buf`."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    length = 0
    for line in buf[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                length = 0
    return len(buf) >= end + 4 + length


def dvrip_complete(buf: bytes) -> bool:
    """True once a 32-byte DVRIP header and the body length it states are in `buf`."""
    if len(buf) < 32:
        return False
    length: int = struct.unpack_from("<I", buf, 4)[0]
    return len(buf) >= 32 + min(length, READ_LIMIT)


def fixed_complete(size: int) -> Complete:
    """Completion after `size` bytes."""
    return lambda buf: len(buf) >= size


def http_until_close(buf: bytes) -> bool:
    """HTTP with Connection: close: complete by length, or when the server closes."""
    return text_complete(buf) and b"transfer-encoding: chunked" not in buf[:4096].lower()


async def read_reply(reader: asyncio.StreamReader, timeout: float, complete: Complete) -> bytes:
    """Bytes until `complete`, EOF, READ_LIMIT or `timeout` seconds, whichever comes first."""
    buf = b""
    with contextlib.suppress(TimeoutError, OSError):
        async with asyncio.timeout(timeout):
            while len(buf) < READ_LIMIT and not complete(buf):
                chunk = await reader.read(READ_LIMIT - len(buf))
                if not chunk:
                    break
                buf += chunk
    return buf


async def _open(
    ex: Exchange, connect_timeout: float, timeout: float, tls: ssl.SSLContext | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    """Connect within `connect_timeout`, then complete a TLS handshake within `timeout`."""
    try:
        # asyncio.timeout rather than wait_for: no extra task per connection attempt
        async with asyncio.timeout(connect_timeout):
            reader, writer = await asyncio.open_connection(ex.ip, ex.port, limit=READ_LIMIT)
    except ConnectionRefusedError:
        ex.state = "closed"
        return None
    except TimeoutError:
        return None
    except ConnectionResetError:
        ex.state = "closed"
        return None
    except OSError as exc:
        ex.state = "unreachable" if exc.errno in _UNREACHABLE else "closed"
        return None
    ex.state = "open"
    sockname = writer.get_extra_info("sockname")
    if sockname:
        ex.local = (sockname[0], sockname[1])
    if tls is None:
        return reader, writer
    try:
        async with asyncio.timeout(timeout):
            await writer.start_tls(tls, server_hostname="", ssl_handshake_timeout=timeout)
    except (ssl.SSLError, ConnectionResetError, asyncio.IncompleteReadError) as exc:
        # the port accepted TCP and then refused this handshake (a reset is how some servers
        # refuse a TLS version): worth one more try with other TLS settings
        ex.tls_refused = True
        log.debug("%s:%d handshake refused: %s", ex.ip, ex.port, exc)
        await _close(writer)
        return None
    except (TimeoutError, OSError) as exc:
        log.debug("%s:%d handshake failed: %s", ex.ip, ex.port, exc)
        await _close(writer)
        return None
    return reader, writer


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(TimeoutError, OSError, ssl.SSLError):
        async with asyncio.timeout(1.0):
            await writer.wait_closed()


async def converse(
    ip: str,
    port: int,
    requests: Sequence[tuple[bytes, Complete]],
    connect_timeout: float,
    timeout: float,
) -> Exchange:
    """Connect, then send each request and read its reply on the same connection."""
    ex = Exchange(ip, port)
    opened = await _open(ex, connect_timeout, timeout)
    if opened is None:
        return ex
    reader, writer = opened
    try:
        for request, complete in requests:
            writer.write(request)
            async with asyncio.timeout(timeout):
                await writer.drain()
            reply = await read_reply(reader, timeout, complete)
            ex.talk.append((request, reply))
            if not reply:
                break
    except (TimeoutError, OSError) as exc:
        log.debug("%s:%d: %s", ip, port, exc)
    finally:
        await _close(writer)
    return ex


@functools.cache
def tls_context(legacy_max: bool) -> ssl.SSLContext:
    """No verification (only the certificate is wanted); TLS 1.2 at most when `legacy_max`,
    so the certificate crosses the wire in clear and a capture of the scan shows it."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.set_ciphers("ALL:@SECLEVEL=0")  # old cameras offer weak keys and ciphers
        with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
            ctx.minimum_version = ssl.TLSVersion.TLSv1  # only to read their certificate
    except (ssl.SSLError, ValueError):
        pass
    if legacy_max:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


async def tls_certificate(ip: str, port: int, connect_timeout: float, timeout: float) -> Exchange:
    """Complete a handshake and keep the leaf certificate; nothing is sent inside the session."""
    ex = Exchange(ip, port)
    for legacy_max in (True, False):
        ex.tls_refused = False
        opened = await _open(ex, connect_timeout, timeout, tls_context(legacy_max))
        if opened is not None:
            _, writer = opened
            obj = writer.get_extra_info("ssl_object")
            if isinstance(obj, ssl.SSLObject):
                ex.certificate = obj.getpeercert(binary_form=True)
                ex.cert_in_clear = obj.version() != "TLSv1.3"
            await _close(writer)
            return ex
        if not ex.tls_refused:
            return ex
    return ex


def plan(ip: str, port: int, http_paths: Sequence[str]) -> list[list[tuple[bytes, Complete]]]:
    """The exchanges for an open port: one list of (request, completion) per connection."""
    if port in HTTP_PORTS:
        return [[(probes.http_get(ip, port, path), http_until_close)] for path in http_paths]
    if port in RTSP_PORTS:
        return [
            [
                (probes.rtsp_request("OPTIONS", ip, port, 1), text_complete),
                (probes.rtsp_request("DESCRIBE", ip, port, 2), text_complete),
            ]
        ]
    if port == sdk.HIK_SDK_PORT:
        return [[(probes.hik_sdk_probe(), fixed_complete(16))]]
    if port == sdk.DVRIP_PORT:
        return [[(probes.dvrip_realm_request(), dvrip_complete)]]
    return []
