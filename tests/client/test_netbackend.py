"""httpcore on plain asyncio streams (_netbackend): installed under both pools, and a kept-alive
connection the server has closed is never reused."""
from __future__ import annotations

import asyncio
import socket
import sys
import threading

import httpx
import pytest

from gradio_nb import Client
from gradio_nb.client import _netbackend
from gradio_nb.client._transport import SHORT_KEEPALIVE, _TwoPools

needs_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="the asyncio backend needs Python 3.11")


@needs_311
def test_both_pools_run_on_the_asyncio_backend(client):
    # An httpx/httpcore upgrade that moves the pool's backend attribute fails here, not for users.
    pools = client._app.transport.http._transport
    assert isinstance(pools, _TwoPools)
    for transport in (pools._short, pools._streams):
        assert isinstance(transport._pool._network_backend, _netbackend.AsyncioBackend)
    assert pools._short._pool._max_keepalive_connections == SHORT_KEEPALIVE
    assert client.predict("on asyncio", api_name="/echo") == "on asyncio"


class _CloseAfterOne:
    """An HTTP server on a thread: answers each connection's first request with a keep-alive
    response, then closes the connection while the client holds it idle."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok")

    def close(self) -> None:
        self.sock.close()


@needs_311
def test_a_connection_the_server_closed_while_idle_is_not_reused():
    server = _CloseAfterOne()

    async def main() -> list[int]:
        transport = httpx.AsyncHTTPTransport()
        assert _netbackend.install(transport)
        async with httpx.AsyncClient(transport=transport) as http:
            statuses = []
            for _ in range(3):
                statuses.append((await http.get(server.url)).status_code)
                await asyncio.sleep(0.2)  # the loop reads the server's FIN meanwhile
            return statuses

    try:
        # Reused, the closed connection would fail the next request ("Server disconnected").
        assert asyncio.run(main()) == [200, 200, 200]
        assert server.connections == 3
    finally:
        server.close()


@needs_311
def test_connect_and_read_failures_are_httpx_errors():
    async def main() -> None:
        transport = httpx.AsyncHTTPTransport()
        assert _netbackend.install(transport)
        async with httpx.AsyncClient(transport=transport) as http:
            closed = socket.create_server(("127.0.0.1", 0))
            port = closed.getsockname()[1]
            closed.close()
            with pytest.raises(httpx.ConnectError):
                await http.get(f"http://127.0.0.1:{port}/")
            silent = socket.create_server(("127.0.0.1", 0))  # accepts (backlog), never answers
            try:
                with pytest.raises(httpx.ReadTimeout):
                    await http.get(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=httpx.Timeout(5, read=0.3))
            finally:
                silent.close()

    asyncio.run(main())
