"""httpcore's sockets on plain asyncio streams: the same connections, a fraction of the CPU.

On asyncio, httpcore's default network backend is anyio's. Each read and write opens an anyio
cancel scope (``fail_after``), and before a kept-alive connection is reused, and again on every
request and response close for every idle connection in the pool, httpcore asks the stream
whether its socket is readable: anyio builds its whole dictionary of socket attributes for that
(``getpeername`` included) and httpcore then polls the socket. On a batch of trivial calls this
was a third of the client's CPU. asyncio already reads every socket it watches, so "has the
server closed this idle connection" is a look at the reader's EOF flag and buffer, and a timeout
is one timer handle (``asyncio.timeout``).

It needs Python 3.11 (``asyncio.timeout``, ``StreamWriter.start_tls``); on 3.10, or with an
httpx whose transport is not built as below, httpcore keeps its own backend (``install``).
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpcore

if TYPE_CHECKING:
    import httpx

# asyncio.StreamReader's default limit (64 KiB) pauses the socket at 128 KiB buffered; a larger
# one keeps big downloads flowing while httpcore reads its 64 KiB chunks.
_READ_LIMIT = 2**18
# What anyio (httpcore's default) does for a name with IPv6 and IPv4 addresses (RFC 8305).
_HAPPY_EYEBALLS_DELAY = 0.25

# httpcore's names for a stream's details -> asyncio's transport extra info.
_EXTRA_INFO = {"ssl_object": "ssl_object", "client_addr": "sockname", "server_addr": "peername", "socket": "socket"}

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: an asyncio reader and writer, errors mapped to httpcore's."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:  # before OSError, of which it is a subclass
            raise httpcore.ReadTimeout(str(exc) or "timed out reading") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc) or "timed out writing") from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: a write to a closed transport
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        # Not awaiting wait_closed(): a TLS peer that never answers close_notify would hold the
        # caller; the transport closes the socket on its own.
        self._writer.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            self._writer.close()
            raise httpcore.ConnectTimeout(str(exc) or "timed out in the TLS handshake") from exc
        except OSError as exc:  # ssl.SSLError (a refused certificate) is an OSError
            self._writer.close()
            raise httpcore.ConnectError(str(exc)) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # Asked of idle kept-alive connections only: anything received, or EOF, means the
            # server closed (or broke) it, so it must not carry the next request.
            reader = self._reader
            return reader.at_eof() or bool(getattr(reader, "_buffer", b"")) or self._writer.transport.is_closing()
        name = _EXTRA_INFO.get(info)
        return None if name is None else self._writer.get_extra_info(name)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Opens AsyncioStreams: TCP (happy eyeballs, TCP_NODELAY as asyncio sets it) or Unix."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, limit=_READ_LIMIT, happy_eyeballs_delay=_happy_eyeballs_delay(host),
                    local_addr=(local_address, 0) if local_address else None,
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc) or f"timed out connecting to {host}:{port}") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return _with_options(reader, writer, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_unix_connection(path, limit=_READ_LIMIT)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc) or f"timed out connecting to {path}") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return _with_options(reader, writer, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _happy_eyeballs_delay(host: str) -> float | None:
    """Racing addresses is for names; for an address asyncio's race only adds tasks."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _HAPPY_EYEBALLS_DELAY
    return None


def _with_options(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, options: Iterable[SocketOption] | None
) -> AsyncioStream:
    sock: socket.socket = writer.get_extra_info("socket")
    for option in options or ():
        sock.setsockopt(*option)
    return AsyncioStream(reader, writer)


def install(transport: httpx.AsyncHTTPTransport) -> bool:
    """Puts an AsyncioBackend under `transport`'s connection pool; False (and nothing changed)
    where that cannot be done: Python 3.10, or an httpx/httpcore that builds its pool otherwise.
    The pool's backend is a private attribute of httpcore; tests/client/test_netbackend.py fails
    if an upgrade moves it, while users keep working on httpcore's own backend."""
    pool = getattr(transport, "_pool", None)
    if sys.version_info < (3, 11) or type(pool) is not httpcore.AsyncConnectionPool:
        return False
    if not hasattr(pool, "_network_backend"):
        return False
    pool._network_backend = AsyncioBackend()
    return True
