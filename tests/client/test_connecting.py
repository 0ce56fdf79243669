"""Connecting: URLs, mounts, auth, queue limits, lifecycle and threads."""

from __future__ import annotations

import threading
import time

import pytest

from gradio_nb import AuthenticationError, Client, ConnectionFailed, QueueError
from gradio_nb.client import _loop


@pytest.mark.parametrize("suffix", ["", "/"])
def test_url_with_or_without_trailing_slash(protocol_app, suffix: str) -> None:
    url = protocol_app.url.rstrip("/") + suffix
    with Client(url, verbose=False) as client:
        assert client.src == protocol_app.url
        assert client.predict("x", api_name="/echo") == "x"


def test_mounted_app(gradio_server) -> None:
    mounted = gradio_server("protocol/mounted_app")
    with Client(mounted.url.rstrip("/"), verbose=False) as client:
        assert client.src.endswith("/myapp/")
        name = client.endpoints[0].api_name
        assert name


def test_auth(gradio_server) -> None:
    app = gradio_server("protocol/auth_app")
    with pytest.raises(AuthenticationError, match="needs a login"):
        Client(app.url, verbose=False)
    with pytest.raises(AuthenticationError, match="refused"):
        Client(app.url, auth=("alice", "nope"), verbose=False)
    with Client(app.url, auth=["alice", "wonderland"], verbose=False) as client:
        assert client.predict("hi", api_name="/whoami") == "alice said hi"
        assert "wonderland" not in repr(client)


def test_queue_full_is_a_queue_error(gradio_server) -> None:
    limits = gradio_server("protocol/limits_app")
    with Client(limits.url, verbose=False) as client:
        jobs = [client.submit(1.5, api_name="/slow") for _ in range(4)]
        outcomes = []
        for job in jobs:
            try:
                outcomes.append(job.result(timeout=60))
            except QueueError as exc:
                outcomes.append(type(exc).__name__)
    assert "QueueError" in outcomes and outcomes.count("slept 1.5") >= 2


def test_connection_refused() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    start = time.monotonic()
    with pytest.raises(ConnectionFailed, match="Is the app running"):
        Client(f"http://127.0.0.1:{port}", verbose=False)
    assert time.monotonic() - start < 5


def test_hundred_clients_leave_no_threads(protocol_app) -> None:
    Client(protocol_app.url, verbose=False).close()  # the loop thread exists from here on
    before = threading.active_count()
    for _ in range(100):
        with Client(protocol_app.url, verbose=False):
            pass
    assert threading.active_count() == before


def test_sync_client_from_many_threads(protocol_app) -> None:
    results: list[str] = []
    with Client(protocol_app.url, verbose=False) as client:
        threads = [threading.Thread(target=lambda i=i: results.append(client.predict(str(i), api_name="/echo")))
                   for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sorted(results) == sorted(str(i) for i in range(8))


def test_closed_client_fails_new_jobs_clearly(protocol_app) -> None:
    client = Client(protocol_app.url, verbose=False)
    client.close()
    with pytest.raises(ConnectionFailed, match="closed"):
        client.predict("x", api_name="/echo")


def test_blocking_call_from_the_loop_thread_is_refused(client) -> None:
    errors: list[BaseException] = []
    job = client.submit("x", api_name="/echo")

    def listener(_snapshot) -> None:
        if not errors:
            try:
                client.predict("y", api_name="/echo")
            except RuntimeError as exc:
                errors.append(exc)

    job.add_listener(listener)
    job.result(timeout=30)
    assert errors and "event-loop thread" in str(errors[0])
    assert _loop.in_loop_thread() is False
