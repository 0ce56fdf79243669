"""A server that accepts the connection but never answers: Client(url) fails within 10 s by
default (gradio_client: about 5 s), naming what did not answer; job requests keep their long
read timeouts, and the user's httpx_kwargs={"timeout": ...} wins."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from gradio_nb import Client, ConnectionFailed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
from fault_server import FaultServer, SilentServer, make_config  # noqa: E402


async def never(req, conn) -> None:
    await asyncio.sleep(3600)


def late_config(server: FaultServer, seconds: float):
    async def answer(req, conn) -> None:
        await asyncio.sleep(seconds)
        await conn.send(200, make_config(server.url))

    return answer


@pytest.fixture
def fault_server():
    with FaultServer() as server:
        yield server


def test_a_silent_server_fails_client_within_10_s() -> None:
    with SilentServer() as silent:
        start = time.monotonic()
        with pytest.raises(ConnectionFailed, match=r"^Loading the app's config failed: .*read timeout"):
            Client(silent.url, verbose=False)
        assert time.monotonic() - start < 10
        assert silent.accepted, "the client never connected: scenario not exercised"


@pytest.mark.parametrize("route, what, auth", [
    (("GET", "/gradio_api/info"), "Loading the app's API info", None),
    (("POST", "/login"), "Logging in", ("u", "p")),
])
def test_the_message_names_what_did_not_answer(fault_server, route, what, auth) -> None:
    fault_server.routes[route] = never
    start = time.monotonic()
    with pytest.raises(ConnectionFailed, match=f"^{what} failed: the server sent nothing in time"):
        Client(fault_server.url, verbose=False, auth=auth)
    assert time.monotonic() - start < 10


def test_a_slow_join_keeps_the_long_read_timeout(fault_server) -> None:
    """Past the discovery timeout (8 s), a job's own requests still wait (60 s by default)."""
    client = Client(fault_server.url, verbose=False)
    fault_server.join_delay = 9.0
    assert client.predict("ok", api_name="/echo") == "ok"
    client.close()


def test_the_users_timeout_wins_for_discovery(fault_server) -> None:
    fault_server.routes[("GET", "/config")] = late_config(fault_server, 9.0)
    with Client(fault_server.url, verbose=False, httpx_kwargs={"timeout": 30.0}) as client:
        assert client.predict("ok", api_name="/echo") == "ok"
