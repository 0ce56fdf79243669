"""The Client's HTTP/1.1 transport (_http11): connections kept and reused, never reused once the
server closed them, failures as httpx errors, and httpx's own transport where the user asks for
what ours does not do. The protocol-level tests run against a scripted socket server."""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Callable

import httpcore
import httpx
import pytest

from gradio_nb import Client
from gradio_nb.client import _http11
from gradio_nb.client._http11 import HTTP11Transport
from gradio_nb.client._transport import SHORT_REQUESTS, _shared_ssl_context

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


def _transport(client: Client) -> HTTP11Transport:
    transport = client._app.transport.http._transport
    assert isinstance(transport, HTTP11Transport)
    return transport


# -- against a real Gradio app -------------------------------------------------------------------


def test_sequential_calls_reuse_their_connections(client):
    client.predict("first", api_name="/echo")
    transport = _transport(client)
    opened = transport.opened
    for i in range(5):
        assert client.predict(f"call {i}", api_name="/echo") == f"call {i}"
    assert transport.opened == opened  # no new TCP connection per call: join and stream reuse theirs


def test_a_burst_of_queued_jobs_opens_a_stream_each_and_reuses_join_connections(client):
    # /slow runs one at a time: while the first job sleeps, every other one waits in the queue
    # with its event stream open.
    transport = _transport(client)
    opened = transport.opened
    n = SHORT_REQUESTS + 20
    jobs = [client.submit(3, api_name="/slow")] + [client.submit(0.01, api_name="/slow") for _ in range(n)]
    peak = 0
    while not all(job.done() for job in jobs):
        peak = max(peak, transport.connections)
        time.sleep(0.005)
    assert all(job.result() is not None for job in jobs)
    assert peak > n  # each queued job holds its own stream (cancel isolation)
    # one stream per job, and joins on at most SHORT_REQUESTS connections of their own
    assert transport.opened - opened <= len(jobs) + SHORT_REQUESTS


def test_user_limits_or_http2_get_httpx_own_transport(protocol_app):
    limits = httpx.Limits(max_connections=3, max_keepalive_connections=1)
    with Client(protocol_app.url, verbose=False, httpx_kwargs={"limits": limits}) as client:
        jobs = [client.submit(f"x{i}", api_name="/echo") for i in range(10)]
        assert [job.result() for job in jobs] == [f"x{i}" for i in range(10)]
        transport = client._app.transport.http._transport
        assert isinstance(transport, httpx.AsyncHTTPTransport)
        assert transport._pool._max_connections == 3
    assert isinstance(_http11.make_transport(http1=False, http2=True) if _has_h2() else
                      _http11.make_transport(limits=limits), httpx.AsyncHTTPTransport)
    assert isinstance(_http11.make_transport(verify=_shared_ssl_context()), HTTP11Transport)


def _has_h2() -> bool:
    try:
        import h2  # noqa: F401
    except ImportError:
        return False
    return True


# -- against a scripted server -------------------------------------------------------------------


class _Server:
    """HTTP on a thread: each request (head, and a body by content-length) is answered with
    ``respond(n, request)`` for the n-th request; ``then_close`` closes the connection after the answer."""

    def __init__(self, respond: Callable[[int, bytes], bytes], then_close: bool = False) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.respond = respond
        self.then_close = then_close
        self.connections = 0
        self.requests: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, data = data.split(b"\r\n\r\n", 1)
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(data) < length:
                    data += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + data[:length])
                data = data[length:]
                conn.sendall(self.respond(len(self.requests), self.requests[-1]))
                if self.then_close:
                    return

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server_factory():
    servers: list[_Server] = []

    def make(respond: Callable[[int, bytes], bytes] = lambda n, request: OK, then_close: bool = False) -> _Server:
        servers.append(_Server(respond, then_close))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def _run(main: Callable[[httpx.AsyncClient], object], **kwargs: object) -> object:
    async def runner() -> object:
        async with httpx.AsyncClient(transport=HTTP11Transport(ssl_context=_shared_ssl_context(), **kwargs)) as http:
            return await main(http)

    return asyncio.run(runner())


def test_kept_alive_connections_carry_the_next_requests(server_factory):
    server = server_factory(lambda n, request: b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + (
        b"" if request.startswith(b"HEAD") else b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"))

    async def main(http: httpx.AsyncClient) -> list[bytes]:
        bodies = [(await http.get(server.url)).content]
        bodies.append((await http.post(server.url, json={"n": 1})).content)
        bodies.append((await http.head(server.url)).content)  # no body after a HEAD's head
        bodies.append((await http.get(server.url)).content)
        return bodies

    assert _run(main) == [b"abcde", b"abcde", b"", b"abcde"]
    assert server.connections == 1
    assert server.requests[1].endswith(b'{"n":1}')


def test_a_connection_the_server_closed_while_idle_is_not_reused(server_factory):
    server = server_factory(then_close=True)

    async def main(http: httpx.AsyncClient) -> list[int]:
        statuses = []
        for _ in range(3):
            statuses.append((await http.get(server.url)).status_code)
            await asyncio.sleep(0.2)  # the loop reads the server's FIN meanwhile
        return statuses

    # Reused, the closed connection would fail the next request ("Server disconnected").
    assert _run(main) == [200, 200, 200]
    assert server.connections == 3


def test_connection_close_and_unread_bodies_end_their_connection(server_factory):
    server = server_factory(lambda n, request: (b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok"
                                       if n == 1 else b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"))

    async def main(http: httpx.AsyncClient) -> list[bytes]:
        out = [(await http.get(server.url)).content]  # "connection: close": not kept
        async with http.stream("GET", server.url) as response:
            assert response.status_code == 200  # closed without reading the body: not kept
        out.append((await http.get(server.url)).content)
        out.append((await http.get(server.url)).content)
        return out

    assert _run(main) == [b"ok", b"hello", b"hello"]
    assert server.connections == 3


def test_idle_connections_expire_and_are_capped(server_factory, monkeypatch):
    server = server_factory()

    async def main(http: httpx.AsyncClient) -> tuple[int, int]:
        await asyncio.gather(*(http.get(server.url) for _ in range(5)))
        transport = http._transport
        assert isinstance(transport, HTTP11Transport)
        kept = transport.connections
        monkeypatch.setattr(_http11, "KEEPALIVE_EXPIRY", 0.0)
        await http.get(server.url)  # every idle connection has expired: a new one
        return kept, transport.connections

    kept, after = _run(main, keepalive=2)
    assert kept == 2  # 5 connections for the burst, 2 kept
    assert server.connections == 6
    assert after == 1


def test_failures_are_httpx_errors(server_factory):
    server = server_factory(then_close=True)
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (backlog), never answers
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    cut = server_factory(lambda n, request: b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nok", then_close=True)
    mute = server_factory(lambda n, request: b"", then_close=True)

    async def main(http: httpx.AsyncClient) -> None:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{closed_port}/")
        with pytest.raises(httpx.ReadTimeout):
            await http.get(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=httpx.Timeout(5, read=0.3))
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await http.get(mute.url)  # the message Transport._unsent treats as "never received"
        with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
            await http.get(cut.url)
        with pytest.raises(httpx.UnsupportedProtocol):
            await http.get("ftp://127.0.0.1/")
        assert (await http.get(server.url)).status_code == 200

    try:
        _run(main)
    finally:
        silent.close()


def test_a_closed_transport_refuses_requests_and_closes_its_connections(server_factory):
    server = server_factory()

    async def main() -> None:
        transport = HTTP11Transport(ssl_context=_shared_ssl_context())
        http = httpx.AsyncClient(transport=transport)
        await http.get(server.url)
        assert transport.connections == 1
        await http.aclose()
        assert transport.connections == 0
        with pytest.raises(RuntimeError, match="closed"):
            await transport.handle_async_request(httpx.Request("GET", server.url))

    asyncio.run(main())


def test_an_upgrade_hands_over_the_socket_with_what_came_with_the_101(server_factory):
    server = server_factory(lambda n, request: b"HTTP/1.1 101 Switching Protocols\r\nupgrade: test\r\n"
                                      b"connection: upgrade\r\n\r\nfirst bytes")

    async def main(http: httpx.AsyncClient) -> tuple[int, bytes]:
        async with http.stream("GET", server.url, headers={"connection": "upgrade", "upgrade": "test"}) as response:
            stream = response.extensions["network_stream"]
            received = await stream.read(5)
            assert received == b"first"
            while len(received) < len(b"first bytes"):
                received += await stream.read(100)
            # httpcore's errors, which httpx-ws catches to end a websocket (the server is silent)
            with pytest.raises(httpcore.ReadTimeout):
                await stream.read(100, timeout=0.2)
            await stream.aclose()
            return response.status_code, received

    assert _run(main) == (101, b"first bytes")


# -- joins straight to the transport (Transport.post_json) --------------------------------------


def test_joins_skip_the_client_path_only_when_nothing_acts_per_request(protocol_app):
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(f"{request.method} {request.url.path}")

    with Client(protocol_app.url, verbose=False) as client:
        assert client._app.transport._direct is _transport(client)
        assert client.predict("fast", api_name="/echo") == "fast"
    # A user's hook (or auth, proxies, default params) sees every request, joins included.
    with Client(protocol_app.url, verbose=False, httpx_kwargs={"event_hooks": {"request": [hook]}}) as client:
        assert client._app.transport._direct is None
        assert client.predict("hooked", api_name="/echo") == "hooked"
    assert any(line.endswith("/queue/join") and line.startswith("POST") for line in seen)


def test_a_direct_join_carries_the_client_headers_cookies_and_policy(server_factory):
    body = b'{"event_id":"e1"}'
    server = server_factory(lambda n, request: b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n"
                                               b"set-cookie: next=2; Path=/\r\n\r\n%s" % (len(body), body))
    from gradio_nb.client._transport import Transport

    async def main() -> tuple[int, str]:
        transport = Transport(server.url, headers={"x-user": "u"})
        assert transport._direct is not None
        transport.http.cookies.set("session", "1", domain="127.0.0.1")
        try:
            first = await transport.post_json(server.url + "join", {"data": [1]}, what="Joining", headers={"x-gradio-user": "api"})
            await transport.post_json(server.url + "join", {"data": [2]}, what="Joining", headers={})
            return first.status_code, first.json()["event_id"]
        finally:
            await transport.aclose()

    assert asyncio.run(main()) == (200, "e1")
    first, second = (request.decode().lower() for request in server.requests)
    assert first.startswith("post /join http/1.1")
    for header in ("x-user: u", "x-gradio-user: api", "content-type: application/json", "cookie: session=1",
                   "user-agent: gradio_nb/"):
        assert header in first, header
    assert first.endswith('{"data":[1]}')
    assert "cookie: session=1; next=2" in second  # the answer's set-cookie went into the jar
