"""Fixtures for the Spaces tests: the Hub stand-in, a Gradio app playing the Space host, and a
recording HTTP server (a Space host that logs headers, or a tiny programmable Hub).

Everything is offline and on loopback ports chosen by the OS.

huggingface_hub freezes HF_ENDPOINT, HF_HUB_OFFLINE and HF_HUB_DISABLE_TELEMETRY when
``huggingface_hub.constants`` is first imported. The environment is set here before that import
(when this conftest is the first to import it); the ``hub`` fixture also patches the constants,
and gradio_nb's _spaces reads HF_ENDPOINT at call time, so the tests do not depend on import order.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_HF_HOME = tempfile.mkdtemp(prefix="gradio-nb-spaces-hf-")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HOME", _HF_HOME)
os.environ.pop("HF_HUB_OFFLINE", None)
os.environ.pop("HUGGINGFACE_CO_STAGING", None)
os.environ.pop("HF_OIDC_RESOURCE", None)

import pytest  # noqa: E402


from gradio_nb.demo import hub_standin  # noqa: E402 - the Hub stand-in ships with the demo

ALICE = "hf_alice_TESTTOKEN_aaaaaaaaaaaaaaaa"
BOB = "hf_bob_TESTTOKEN_bbbbbbbbbbbbbbbbbbbb"
CAROL = "hf_carol_TESTTOKEN_cccccccccccccccccc"  # member of no org, owns nothing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unused_port() -> int:
    return free_port()


# ------------------------------------------------------------------------------------------------
# a recording / programmable HTTP server
# ------------------------------------------------------------------------------------------------
class Recorder:
    """Logs every request (method, path, headers). Answers from ``script`` (a list of
    (status, json_body, headers) popped per request) or ``default`` (200 "ok")."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, Any, dict[str, str]]] = []
        self.default: tuple[int, Any, dict[str, str]] = (200, {"ok": True}, {})
        self.lock = threading.Lock()
        rec = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def _do(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                with rec.lock:
                    rec.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "time": time.monotonic(),
                        }
                    )
                    status, body, headers = rec.script.pop(0) if rec.script else rec.default
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _do

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def all_header_text(self) -> str:
        return json.dumps(self.requests)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def recorder():
    made: list[Recorder] = []

    def make() -> Recorder:
        r = Recorder()
        made.append(r)
        return r

    yield make
    for r in made:
        r.stop()


# ------------------------------------------------------------------------------------------------
# the Hub stand-in
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def hf_env(monkeypatch, tmp_path):
    """Isolated huggingface_hub environment: no token anywhere, telemetry off, online."""
    from huggingface_hub import constants

    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE", "HF_HUB_OFFLINE", "HUGGINGFACE_CO_STAGING"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", False, raising=False)
    token_path = tmp_path / "hf_home" / "token"
    token_path.parent.mkdir()
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(token_path), raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(token_path))
    return token_path


@pytest.fixture
def hub(hf_env, monkeypatch):
    """A fresh stand-in per test: alice (org acme), bob, carol; HF_ENDPOINT points at it."""
    h = hub_standin.HubStandin(port=0)
    st = h.state
    st.add_user("alice", token=ALICE, orgs=["acme"])
    st.add_user("bob", token=BOB)
    st.add_user("carol", token=CAROL)
    st.add_user("acme")
    h.start()
    monkeypatch.setenv("HF_ENDPOINT", h.url)
    try:
        yield h
    finally:
        h.stop()


# ------------------------------------------------------------------------------------------------
# the Gradio app playing the Space's host
# ------------------------------------------------------------------------------------------------
def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"space_app.py exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


@pytest.fixture(scope="session")
def app_url():
    """Origin of a running Gradio 6.31 app (no trailing slash), started once per session."""
    port = free_port()
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1")
    env.pop("HF_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "space_app.py"), str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=str(HERE),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/config", proc)
        yield url
    finally:
        proc.terminate()  # only the process this fixture started
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture
def tok():
    """The stand-in's tokens: tok.alice (org acme), tok.bob, tok.carol."""
    from types import SimpleNamespace

    return SimpleNamespace(alice=ALICE, bob=BOB, carol=CAROL, all=(ALICE, BOB, CAROL))
