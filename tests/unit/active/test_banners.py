"""Banner grabs against servers on 127.0.0.1 only (loopback: nothing leaves the machine)."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Awaitable, Callable

import pytest

from scanner.active import banners, probes
from scanner.db import load_db

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def serve_once(handler: Handler, run: Callable[[int], Awaitable[object]]) -> object:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await run(port)
    finally:
        server.close()
        await server.wait_closed()


def test_text_complete_waits_for_the_content_length_body() -> None:
    head = b"RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 4\r\n\r\n"
    assert (banners.text_complete(head + b"v=0"), banners.text_complete(head + b"v=0\n")) == (
        False,
        True,
    )


def test_dvrip_complete_reads_the_stated_body_length() -> None:
    head = b"\xb0\x01\x00\x00" + struct.pack("<I", 5) + bytes(24)
    assert (banners.dvrip_complete(head + b"Real"), banners.dvrip_complete(head + b"Realm")) == (
        False,
        True,
    )


def test_plan_for_rtsp_is_options_then_describe_on_one_connection() -> None:
    [[(options, _), (describe, _)]] = banners.plan("10.0.0.2", 554, ("/",))
    assert (options.split(b" ")[0], describe.split(b" ")[0]) == (b"OPTIONS", b"DESCRIBE")


def test_plan_for_an_unknown_port_sends_nothing() -> None:
    assert banners.plan("10.0.0.2", 34567, ("/",)) == []


def test_http_paths_match_no_request_fingerprint() -> None:
    # the scan's own requests must never become evidence about the host it asked
    db = load_db()
    assert [p for p in banners.HTTP_PATHS if db.match("http_request", f"GET {p}", None)] == []


def test_converse_records_request_and_reply() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(64)
        writer.write(bytes.fromhex("00000010 0000001e 0000001e 00000000"))
        await writer.drain()
        await asyncio.sleep(5)  # keeps the connection open: completion must not wait for EOF

    async def run(port: int) -> banners.Exchange:
        return await banners.converse(
            "127.0.0.1", port, [(probes.hik_sdk_probe(), banners.fixed_complete(16))], 2.0, 2.0
        )

    ex = asyncio.run(serve_once(handler, run))
    assert isinstance(ex, banners.Exchange)
    assert (ex.state, ex.talk) == (
        "open",
        [(probes.hik_sdk_probe(), bytes.fromhex("00000010 0000001e 0000001e 00000000"))],
    )


def test_reads_are_bounded() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(64)
        for _ in range(64):
            writer.write(b"x" * 4096)  # an endless header
            await writer.drain()

    async def run(port: int) -> banners.Exchange:
        request = probes.http_get("127.0.0.1", port, "/")
        return await banners.converse(
            "127.0.0.1", port, [(request, banners.text_complete)], 2.0, 2.0
        )

    ex = asyncio.run(serve_once(handler, run))
    assert isinstance(ex, banners.Exchange)
    assert len(ex.talk[0][1]) == banners.READ_LIMIT


def test_a_silent_server_costs_at_most_the_timeout() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async def run(port: int) -> tuple[banners.Exchange, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        ex = await banners.converse(
            "127.0.0.1", port, [(probes.dvrip_realm_request(), banners.dvrip_complete)], 0.3, 0.3
        )
        return ex, loop.time() - start

    result = asyncio.run(serve_once(handler, run))
    assert isinstance(result, tuple)
    ex, elapsed = result
    assert (ex.state, ex.talk, elapsed < 1.0) == (
        "open",
        [(probes.dvrip_realm_request(), b"")],
        True,
    )


def test_a_closed_port_is_closed() -> None:
    ex = asyncio.run(banners.converse("127.0.0.1", free_port(), [], 1.0, 1.0))
    assert (ex.state, ex.talk) == ("closed", [])


@pytest.mark.parametrize("legacy_max", [True, False])
def test_tls_context_does_not_verify(legacy_max: bool) -> None:
    ctx = banners.tls_context(legacy_max)
    assert (ctx.check_hostname, ctx.verify_mode.name) == (False, "CERT_NONE")
