"""Fixtures for the guide examples and the parity tests: the replica apps on Gradio 6.31, or on
the server that GRADIO_NB_GUIDE_SERVER names ("5", "4", "4.5", "3.50": tests/servers.py), to
measure the guide on an older Gradio."""
from __future__ import annotations

import functools
import http.server
import os
import threading

import pytest

from replicas import REPLICAS, write_wav


SERVER = os.environ.get("GRADIO_NB_GUIDE_SERVER", "6")


@pytest.fixture(scope="session")
def replica(gradio_server):
    """replica(name) -> URL of the replica app `name` on Gradio 6.31 (all start at once)."""
    gradio_server.prestart([(name, SERVER) for name in REPLICAS] + [SLOW_TRANSCRIBER, ("protocol/auth_app", SERVER)])

    def url(name: str) -> str:
        return gradio_server(name, SERVER).url

    return url


@pytest.fixture(scope="session")
def protocol_app(gradio_server):
    """The protocol test app on Gradio 6.31 (many endpoints: echo, add, slow, failures...)."""
    return gradio_server("protocol/protocol_app")


# A transcriber that takes 3 s per file, for the guide's "cancel a queued job" example.
SLOW_TRANSCRIBER = ("transcriber", SERVER, {"TRANSCRIBE_SECONDS": "3"})


@pytest.fixture
def slow_transcriber(gradio_server, replica):
    """URL of a transcriber replica that takes 3 s per call (started with the others)."""
    return gradio_server(*SLOW_TRANSCRIBER).url


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def audio_url(tmp_path_factory):
    """A loopback URL serving a 2-second WAV file, standing in for the guide's sample mp3."""
    root = tmp_path_factory.mktemp("http")
    write_wav(root / "sample-0.wav", 2.0)
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sample-0.wav"
    httpd.shutdown()
    httpd.server_close()
