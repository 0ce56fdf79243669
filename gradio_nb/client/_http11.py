"""HTTP/1.1 for httpx on asyncio streams with h11: the transport under every Client.

A Gradio client makes the same two kinds of request all day, over HTTP/1.1 to one origin:
short JSON POSTs (``queue/join``) and long event streams (``queue/data``). Under httpcore's
general-purpose pool, most of a batch's client CPU went around them: every request and every
response close scanned all connections (counting the idle ones once per idle one), took two
anyio locks that each yield to the event loop, opened anyio cancel scopes, and passed each body
chunk through four async generators. This transport does the same protocol work with h11 (the
state machine httpcore uses too): a stack of idle connections per origin, one h11 connection
per socket, and a body read straight from its connection.

It plugs in where httpx expects a transport (``httpx.AsyncBaseTransport``, like
``MockTransport``), so the Client's ``httpx.AsyncClient`` keeps its cookies, event hooks (the
header policy), redirects, timeouts and exceptions. What it does not do (HTTP/2, a user's
``limits``) stays with httpx's own transport: ``make_transport`` decides.
"""
from __future__ import annotations

import asyncio
import ipaddress
import ssl
import sys
import time
from collections import deque
from typing import Any, AsyncIterator, Awaitable, TypeVar

import h11
import httpx

__all__ = ["HTTP11Transport", "make_transport", "KEEPALIVE"]

T = TypeVar("T")

# Idle connections kept per origin. Nothing here scans them, so keeping as many as joins run at
# once (Transport.short_requests) means a burst of joins never opens and closes connections.
KEEPALIVE = 32
# uvicorn (every Gradio) closes a connection idle for 5 s; reusing one close to that races its
# close, so a connection idle this long is closed here first.
KEEPALIVE_EXPIRY = 4.0
# asyncio.StreamReader's default limit (64 KiB) pauses the socket at 128 KiB buffered; a larger
# one keeps big downloads flowing while the body is read 64 KiB at a time.
_READ_LIMIT = 2**18
_READ_SIZE = 2**16
# What anyio (httpcore's default) does for a name with IPv6 and IPv4 addresses (RFC 8305).
_HAPPY_EYEBALLS_DELAY = 0.25
# httpcore's words for a request that never got a status line: Transport._unsent knows them.
NO_RESPONSE = "Server disconnected without sending a response."

_Origin = tuple[bytes, bytes, int]

if sys.version_info >= (3, 11):
    async def _within(awaitable: Awaitable[T], timeout: float | None) -> T:
        async with asyncio.timeout(timeout):  # one timer handle, no task
            return await awaitable
else:  # pragma: no cover - Python 3.10, where asyncio's TimeoutError is not the builtin one
    async def _within(awaitable: Awaitable[T], timeout: float | None) -> T:
        try:
            return await asyncio.wait_for(awaitable, timeout)
        except asyncio.TimeoutError as exc:
            raise TimeoutError(str(exc)) from exc


def make_transport(**kwargs: Any) -> httpx.AsyncBaseTransport:
    """The Client's transport for httpx's ``verify``/``cert``/``trust_env``/``http1``/``http2``/
    ``limits``: ours for HTTP/1.1, httpx's own when the user asks for HTTP/2 or their own limits."""
    if kwargs.get("http2") or kwargs.get("http1") is False or kwargs.get("limits") is not None:
        return httpx.AsyncHTTPTransport(**kwargs)
    context = httpx.create_ssl_context(
        verify=kwargs.get("verify", True), cert=kwargs.get("cert"), trust_env=kwargs.get("trust_env", True)
    )
    return HTTP11Transport(ssl_context=context)


class _Connection:
    """One TCP (or TLS) connection and its h11 state machine."""

    __slots__ = ("reader", "writer", "h11", "idle_since")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0

    def reusable(self, now: float) -> bool:
        """Whether this idle connection may carry the next request: not about to expire, and
        nothing received since its last response (data, or EOF, means the server closed or
        broke it). asyncio reads every socket it watches, so that is a look at the buffer."""
        reader = self.reader
        return (now - self.idle_since < KEEPALIVE_EXPIRY and not reader.at_eof()
                and not getattr(reader, "_buffer", b"") and not self.writer.transport.is_closing())

    async def write(self, data: bytes, timeout: float | None) -> None:
        if not data:
            return
        writer = self.writer
        try:
            writer.write(data)
            if writer.transport.get_write_buffer_size():
                await _within(writer.drain(), timeout)
        except TimeoutError as exc:  # before OSError, of which it is a subclass
            raise httpx.WriteTimeout("timed out writing the request") from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: a write to a closed transport
            raise httpx.WriteError(str(exc) or type(exc).__name__) from exc

    async def next_event(self, timeout: float | None) -> Any:
        state = self.h11
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            try:
                data = await _within(self.reader.read(_READ_SIZE), timeout)
            except TimeoutError as exc:
                raise httpx.ReadTimeout("timed out reading the response") from exc
            except OSError as exc:
                raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
            if not data and state.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError(NO_RESPONSE)
            state.receive_data(data)

    def close(self) -> None:
        # Not awaiting wait_closed(): a TLS peer that never answers close_notify would hold the
        # caller; the transport closes the socket on its own.
        self.writer.close()


class HTTP11Transport(httpx.AsyncBaseTransport):
    """Keep-alive HTTP/1.1 connections per origin, on asyncio streams. Connections are not
    capped here (Transport.short_requests bounds the short requests; each event stream must
    stay open as long as its job)."""

    def __init__(self, *, ssl_context: ssl.SSLContext, keepalive: int = KEEPALIVE) -> None:
        self._ssl_context = ssl_context
        self._keepalive = keepalive
        self._idle: dict[_Origin, deque[_Connection]] = {}
        self._active: set[_Connection] = set()
        self._closed = False
        self.opened = 0  # connections opened so far

    @property
    def connections(self) -> int:
        """Open connections, idle or carrying a request."""
        return len(self._active) + sum(map(len, self._idle.values()))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")  # httpx's words
        url = request.url
        scheme = url.raw_scheme
        if scheme not in (b"http", b"https"):
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{url.scheme}://'.")
        origin = (scheme, url.raw_host, url.port or (443 if scheme == b"https" else 80))
        timeouts = request.extensions.get("timeout", {})
        connection = self._take_idle(origin) or await self._connect(origin, timeouts.get("connect"))
        self._active.add(connection)
        try:
            return await self._exchange(connection, origin, request, timeouts)
        except BaseException:
            self._discard(connection)
            raise

    async def _exchange(
        self, connection: _Connection, origin: _Origin, request: httpx.Request, timeouts: dict[str, Any]
    ) -> httpx.Response:
        write_timeout, read_timeout = timeouts.get("write"), timeouts.get("read")
        state = connection.h11
        try:
            head = state.send(h11.Request(method=request.method, target=request.url.raw_path,
                                          headers=request.headers.raw))
        except h11.LocalProtocolError as exc:  # a header httpx let through and h11 refuses
            raise httpx.LocalProtocolError(str(exc)) from exc
        # The head and the body go out together, in one segment for a small body (a join): one
        # send here, one read for the server.
        pending = [head]
        size = len(head)
        async for chunk in request.stream:  # type: ignore[union-attr]
            data = state.send(h11.Data(data=chunk))
            pending.append(data)
            size += len(data)
            if size >= _READ_SIZE:
                await connection.write(b"".join(pending), write_timeout)
                pending, size = [], 0
        pending.append(state.send(h11.EndOfMessage()))
        await connection.write(b"".join(pending), write_timeout)
        while True:
            event = await connection.next_event(read_timeout)
            if isinstance(event, h11.Response):
                break
            if isinstance(event, h11.InformationalResponse):
                if event.status_code == 101:
                    return self._upgraded(connection, event)
                continue  # 100 Continue and the like: the final response follows
            raise httpx.RemoteProtocolError(NO_RESPONSE)  # ConnectionClosed
        return httpx.Response(
            status_code=event.status_code,
            headers=event.headers.raw_items(),
            stream=_ResponseBody(self, connection, origin, read_timeout),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": event.reason},
        )

    def _upgraded(self, connection: _Connection, event: h11.InformationalResponse) -> httpx.Response:
        """101 Switching Protocols (a websocket, httpx-ws): the socket is the caller's now."""
        self._active.discard(connection)
        leftover, _ = connection.h11.trailing_data
        return httpx.Response(
            status_code=101,
            headers=event.headers.raw_items(),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": event.reason,
                        "network_stream": UpgradedStream(connection, bytes(leftover))},
        )

    # -- the pool ---------------------------------------------------------------------------------

    def _take_idle(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        if not idle:
            return None
        now = time.monotonic()
        while idle:
            connection = idle.pop()  # the most recently used: the least likely to be closed
            if connection.reusable(now):
                return connection
            connection.close()
        return None

    def _release(self, connection: _Connection, origin: _Origin) -> None:
        """Its response was read to the end: keep the connection if both sides allow it."""
        self._active.discard(connection)
        state = connection.h11
        if self._closed or state.our_state is not h11.DONE or state.their_state is not h11.DONE:
            connection.close()  # "Connection: close", or a request body the server did not wait for
            return
        state.start_next_cycle()
        idle = self._idle.setdefault(origin, deque())
        if len(idle) >= self._keepalive:
            idle.popleft().close()  # the longest idle goes
        connection.idle_since = time.monotonic()
        idle.append(connection)

    def _discard(self, connection: _Connection) -> None:
        self._active.discard(connection)
        connection.close()

    async def _connect(self, origin: _Origin, timeout: float | None) -> _Connection:
        scheme, raw_host, port = origin
        host = raw_host.decode("ascii")
        tls = scheme == b"https"
        try:
            reader, writer = await _within(asyncio.open_connection(
                host, port, limit=_READ_LIMIT, happy_eyeballs_delay=_happy_eyeballs_delay(host),
                ssl=self._ssl_context if tls else None, server_hostname=host if tls else None,
            ), timeout)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}") from exc
        except OSError as exc:  # ssl.SSLError (a refused certificate) is an OSError
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        self.opened += 1
        return _Connection(reader, writer)

    async def aclose(self) -> None:
        self._closed = True
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
        for connection in self._active:
            connection.close()
        self._active.clear()


class _ResponseBody(httpx.AsyncByteStream):
    """A response's body, read from its connection as the caller iterates. The connection goes
    back to the pool once the body was read to its end; closed early, it is closed too."""

    __slots__ = ("_pool", "_connection", "_origin", "_timeout", "_done")

    def __init__(self, pool: HTTP11Transport, connection: _Connection, origin: _Origin, timeout: float | None) -> None:
        self._pool = pool
        self._connection: _Connection | None = connection
        self._origin = origin
        self._timeout = timeout
        self._done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            raise httpx.StreamClosed()
        while not self._done:
            event = await connection.next_event(self._timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._done = True
            else:  # ConnectionClosed: h11 raises first for a body cut short, so rarely here
                raise httpx.RemoteProtocolError("The server closed the connection in the middle of the response.")

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._done:
            self._pool._release(connection, self._origin)
        else:
            self._pool._discard(connection)


class UpgradedStream:
    """The socket of a 101 response, as httpx-ws reads and writes it: httpcore's
    ``AsyncNetworkStream`` contract, whose errors are httpcore's (httpx-ws catches those to end a
    websocket cleanly), starting with what h11 had already received."""

    def __init__(self, connection: _Connection, leftover: bytes) -> None:
        self._reader = connection.reader
        self._writer = connection.writer
        self._leftover = leftover

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore  # with httpx-ws: only for the apps that need websockets

        if self._leftover:
            data, self._leftover = self._leftover[:max_bytes], self._leftover[max_bytes:]
            return data
        try:
            return await _within(self._reader.read(max_bytes), timeout)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout("timed out reading") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore

        try:
            self._writer.write(buffer)
            await _within(self._writer.drain(), timeout)
        except TimeoutError as exc:
            raise httpcore.WriteTimeout("timed out writing") from exc
        except (OSError, RuntimeError) as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        self._writer.close()

    def get_extra_info(self, info: str) -> Any:
        return self._writer.get_extra_info({"client_addr": "sockname", "server_addr": "peername"}.get(info, info))


def _happy_eyeballs_delay(host: str) -> float | None:
    """Racing addresses is for names; for an address asyncio's race only adds tasks."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _HAPPY_EYEBALLS_DELAY
    return None
