"""Closing a client, dropping it, or leaving the interpreter with jobs in flight.

The client side runs in a subprocess started with ``-W error`` so that ResourceWarnings
("unclosed ..."), "Task was destroyed but it is pending", "Exception ignored in" and any other
warning or traceback lands on its stderr, which must stay empty. The fault server runs here.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from gradio_nb.client._exceptions import ConnectionFailed, JobCancelledError

# close() tells the server to drop pending events; the server's answer (an empty completion) may
# beat the local failure, so a job ended by close() is either of these (see the strict test below).
ENDED_BY_CLOSE = {"ConnectionFailed", "JobCancelledError"}

PRELUDE = """
import asyncio, gc, json, sys, threading, time
from gradio_nb import Client, AsyncClient
from gradio_nb.client import _loop
from gradio_nb.client._exceptions import ConnectionFailed, JobCancelledError

# close() tells the server to drop pending events; the server's answer (an empty completion) may
# beat the local failure, so a job ended by close() is either of these (see the strict test below).
ENDED_BY_CLOSE = {"ConnectionFailed", "JobCancelledError"}
URL = sys.argv[1]
def names():
    return sorted(t.name for t in threading.enumerate())
def wait_started(jobs, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(j.snapshot().processing_at is not None for j in jobs):
            return
        time.sleep(0.05)
    raise SystemExit("jobs never started")
"""


def run_client(script: str, url: str, timeout: float = 60) -> tuple[dict, str, float]:
    code = PRELUDE + textwrap.dedent(script)
    env = dict(os.environ, PYTHONWARNINGS="error", PYTHONDEVMODE="", PYTHONASYNCIODEBUG="")
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", code, url],
        capture_output=True, text=True, timeout=timeout, env=env,
    )
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    return (json.loads(lines[-1]) if lines else {}), proc.stderr, elapsed


def assert_quiet(stderr: str) -> None:
    for needle in ("Task was destroyed", "unclosed", "Unclosed", "Exception ignored", "Traceback",
                   "Warning", "Error"):
        assert needle not in stderr, f"{needle!r} on stderr:\n{stderr}"
    assert stderr.strip() == "", stderr


def test_close_with_jobs_in_flight_fails_them_and_leaves_only_the_loop_thread(fault_server):
    result, stderr, _ = run_client("""
        before = names()
        c = Client(URL, verbose=False)
        jobs = [c.submit("hang", api_name="/echo") for _ in range(5)]
        jobs += [c.submit("slow:60", api_name="/state_echo") for _ in range(2)]
        wait_started(jobs)
        t = time.monotonic()
        c.close()
        errors = [type(j.exception(10)).__name__ for j in jobs]
        took = time.monotonic() - t
        after_close = names()
        _loop.shutdown()
        gc.collect()
        print(json.dumps({"before": before, "after_close": after_close, "after_shutdown": names(),
                          "errors": errors, "close_seconds": took}))
    """, fault_server.url)
    assert_quiet(stderr)
    assert set(result["errors"]) <= ENDED_BY_CLOSE and len(result["errors"]) == 7, result["errors"]
    assert result["close_seconds"] < 5
    assert result["before"] == ["MainThread"]
    assert set(result["after_close"]) <= {"MainThread", "gradio_nb-loop"}
    assert result["after_shutdown"] == ["MainThread"]


def test_interpreter_exit_with_jobs_in_flight_is_quiet_and_prompt(fault_server):
    result, stderr, elapsed = run_client("""
        c = Client(URL, verbose=False)
        jobs = [c.submit("hang", api_name="/echo") for _ in range(5)]
        jobs += [c.submit("slow:60", api_name="/state_echo")]
        wait_started(jobs)
        print(json.dumps({"threads": names()}))
        # no close(): leave with everything pending
    """, fault_server.url)
    assert_quiet(stderr)
    assert elapsed < 30
    assert set(result["threads"]) <= {"MainThread", "gradio_nb-loop"}


def test_dropped_client_is_closed_in_the_background(fault_server):
    result, stderr, _ = run_client("""
        c = Client(URL, verbose=False)
        job = c.submit("hang", api_name="/echo")
        wait_started([job])
        app = c._app
        del c
        gc.collect()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not app.closed:
            time.sleep(0.05)
        print(json.dumps({"closed": app.closed, "job_alive": not job.done()}))
    """, fault_server.url)
    assert_quiet(stderr)
    # A job keeps its client alive (job._owner): the client is closed only once nothing refers to
    # it. Either outcome is fine as long as the exit is quiet; a closed client fails its job.
    assert result["closed"] or result["job_alive"]


def test_async_client_exit_with_jobs_in_flight(fault_server):
    result, stderr, _ = run_client("""
        async def main():
            async with await AsyncClient.connect(URL, verbose=False) as c:
                jobs = [await c.submit("hang", api_name="/echo") for _ in range(3)]
                waiters = [asyncio.ensure_future(asyncio.wait_for(asyncio.shield(asyncio.ensure_future(_await(j))), 30)) for j in jobs]
                await asyncio.sleep(0.5)
            done = await asyncio.gather(*waiters, return_exceptions=True)
            return [type(d).__name__ for d in done]
        async def _await(job):
            return await job
        errors = asyncio.run(main())
        print(json.dumps({"errors": errors, "threads": names()}))
    """, fault_server.url)
    assert_quiet(stderr)
    assert set(result["errors"]) <= ENDED_BY_CLOSE and len(result["errors"]) == 3, result["errors"]
    assert set(result["threads"]) <= {"MainThread", "gradio_nb-loop"}


def test_close_releases_every_server_connection_and_cancels_pending_events(fault_server, client_for):
    from gradio_nb import Client

    client = Client(fault_server.url, verbose=False)
    jobs = [client.submit("hang", api_name="/echo") for _ in range(4)]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and sum(fault_server.open_streams.values()) < 4:
        time.sleep(0.05)
    assert sum(fault_server.open_streams.values()) == 4
    client.close()
    for job in jobs:
        assert isinstance(job.exception(5), (ConnectionFailed, JobCancelledError))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (fault_server._conns or any(fault_server.open_streams.values())):
        time.sleep(0.05)
    assert not any(fault_server.open_streams.values()), "event streams left open after close()"
    assert not fault_server._conns, f"{len(fault_server._conns)} connection(s) left open after close()"
    cancelled = {r.json()["event_id"] for r in fault_server.requests_to("/cancel", "POST")}
    assert cancelled == {j.event_id for j in jobs}, "close() should tell the server to drop its events"


def test_close_is_idempotent_and_later_submits_fail_clearly(fault_server):
    from gradio_nb import Client

    before = {t.name for t in threading.enumerate()}
    client = Client(fault_server.url, verbose=False)
    client.close()
    client.close()
    with pytest.raises(ConnectionFailed, match="closed"):
        client.submit("x", api_name="/echo").result(timeout=5)
    after = {t.name for t in threading.enumerate()}
    assert after - before <= {"gradio_nb-loop"}


def test_close_fails_pending_jobs_with_connection_failed_as_documented(fault_server):
    from gradio_nb import Client

    client = Client(fault_server.url, verbose=False)
    jobs = [client.submit("hang", api_name="/echo") for _ in range(3)]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and sum(fault_server.open_streams.values()) < 3:
        time.sleep(0.05)
    client.close()
    assert [type(j.exception(5)).__name__ for j in jobs] == ["ConnectionFailed"] * 3
