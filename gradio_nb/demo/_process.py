"""Child processes for ``gradio-nb demo`` and the notebook/browser tests: the demo app (and
JupyterLab) on free loopback ports, each in its own process group, logged to a file.

    app = start_app(log_dir)                  # waits until GET <url>config answers 200
    app.url                                   # "http://127.0.0.1:<port>/"
    app.calls("slow", seconds=30)             # {call id: ["start", "cancel"]} (with record=...)
    app.stop()                                # SIGTERM, then SIGKILL for its group
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Mapping, Sequence

from . import APP

__all__ = ["ChildProcess", "DemoApp", "ProcessError", "free_port", "port_is_free", "start_app", "wait_any"]

START_TIMEOUT = 180.0  # seconds: a cold Gradio import on a busy 2-core machine takes ~30 s
STOP_TIMEOUT = 15.0
POLL_SECONDS = 0.2

# Loopback calls must never go through an http(s)_proxy from the environment.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ProcessError(RuntimeError):
    """A child exited early or never answered; the message ends with its log's tail."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Probed with SO_REUSEADDR, like the servers bind (a port in TIME_WAIT counts as free)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def loopback_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    for key in ("NO_PROXY", "no_proxy"):
        env[key] = ",".join(filter(None, [env.get(key), "127.0.0.1,localhost"]))
    env.update(extra or {})
    return env


class ChildProcess:
    """A child process in its own process group, its output in ``log``.

    Its own group: a terminal's Ctrl-C reaches only the parent (JupyterLab would otherwise ask
    "Shutdown this Jupyter server (y/[n])?"), and ``stop`` can clean up its children too.
    """

    def __init__(self, name: str, cmd: Sequence[str], env: Mapping[str, str], log: Path,
                 url: str = "") -> None:
        self.name, self.log, self.url = name, Path(log), url
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(list(cmd), env=dict(env), stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)

    def tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_http(self, url: str, headers: Mapping[str, str] | None = None,
                  timeout: float = START_TIMEOUT) -> None:
        """Until ``url`` answers 200; ProcessError if the child exits first or after ``timeout``."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(url, headers=dict(headers or {}))
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ProcessError(f"the {self.name} exited with status {self.proc.returncode}:\n"
                                   f"{self.tail()}")
            with contextlib.suppress(OSError):
                with _http.open(request, timeout=2) as r:
                    if r.status == 200:
                        return
            time.sleep(POLL_SECONDS)
        raise ProcessError(f"the {self.name} did not answer {url} within {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        """SIGTERM (JupyterLab shuts its kernels down), then SIGKILL for what is left of the group."""
        proc = self.proc
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # this child's own group only
        proc.wait()


def wait_any(children: Sequence[ChildProcess]) -> ChildProcess:
    """Block until one child exits (Ctrl-C interrupts the wait) and return it."""
    exited: queue.Queue[ChildProcess] = queue.Queue()
    for child in children:
        threading.Thread(target=lambda c=child: (c.proc.wait(), exited.put(c)), daemon=True).start()
    return exited.get()


class DemoApp(ChildProcess):
    """The demo app's process, and its call record (the JSON-lines file given as ``record``)."""

    record_path: Path | None = None

    def record(self) -> list[dict]:
        """Every recorded event: {"call", "fn", "event": start|finish|cancel|error, "args"...}."""
        if self.record_path is None or not self.record_path.exists():
            return []
        lines = self.record_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line]

    def calls(self, fn: str, **args: object) -> dict[int, list[str]]:
        """call id -> its events, for the calls of ``fn`` started with these arguments."""
        calls: dict[int, list[str]] = {}
        for event in self.record():
            if event["fn"] != fn:
                continue
            started = event["event"] == "start"
            if started and all(event["args"].get(k) == v for k, v in args.items()):
                calls[event["call"]] = []
            if event["call"] in calls:
                calls[event["call"]].append(event["event"])
        return calls

    def wait_calls(self, fn: str, ended: int = 1, timeout: float = 30, **args: object) -> dict[int, list[str]]:
        """``calls(fn, **args)`` once ``ended`` of them have ended (or after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        while True:
            calls = self.calls(fn, **args)
            if sum(len(c) > 1 for c in calls.values()) >= ended or time.monotonic() > deadline:
                return calls
            time.sleep(POLL_SECONDS)


def start_app(log_dir: Path, *, port: int | None = None, record: str | os.PathLike | None = None,
              env: Mapping[str, str] | None = None, python: str = sys.executable,
              timeout: float = START_TIMEOUT) -> DemoApp:
    """Start the demo app on ``port`` (default: a free one) and wait until it answers."""
    port = port or free_port()
    cmd = [python, str(APP), "--port", str(port)]
    if record is not None:
        cmd += ["--record", str(record)]
    url = f"http://127.0.0.1:{port}/"
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    app = DemoApp("demo app", cmd, loopback_env(env), log_dir / f"demo-app-{port}.log", url)
    app.record_path = Path(record) if record is not None else None
    try:
        app.wait_http(url + "config", timeout=timeout)
    except BaseException:  # failed, or Ctrl-C while waiting: never leave the process behind
        app.stop()
        raise
    return app
