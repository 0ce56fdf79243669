"""Real Gradio servers killed (SIGKILL) or stopped (SIGTERM, demo.close()) with jobs in flight.

For each phase (queued, running, streaming) four jobs are waited on in the four ways a user
can (``result()``, ``for v in job``, ``await job``, ``async for``). The consumers are already
blocked when the signal is sent; every one must return within 20 s of it with a connection error.
Figures are appended to FAULT_TIMINGS (printed at the end with -s) for the report.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from fault_fixtures import MODES, consume_concurrently
from gradio_nb import Client
from gradio_nb.client._exceptions import ConnectionFailed, QueueError
from gradio_nb.client._protocol.job_state import Status

SLOW_APP = str(Path(__file__).resolve().parent / "slow_app.py")
DEADLINE = 20.0
FAULT_TIMINGS: list[tuple[str, str, float]] = []


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _jobs_in_phase(client: Client, phase: str):
    if phase == "queued":
        blocker = client.submit("blocker", 300, api_name="/queued")
        _wait_for(lambda: blocker.status().code is Status.PROCESSING, 30, "the blocker to run")
        jobs = [client.submit(m, 300, api_name="/queued") for m in MODES]
        _wait_for(lambda: all(j.status().code is Status.IN_QUEUE for j in jobs), 30,
                  "jobs to wait in the queue")
        return jobs, [blocker]
    if phase == "running":
        jobs = [client.submit(m, 300, api_name="/sleep_echo") for m in MODES]
        _wait_for(lambda: all(j.snapshot().processing_at is not None for j in jobs), 30, "jobs to run")
        return jobs, []
    if phase == "streaming":
        jobs = [client.submit(100000, 0.2, api_name="/stream") for _ in MODES]
        _wait_for(lambda: all(len(j.outputs()) >= 2 for j in jobs), 30, "jobs to stream")
        return jobs, []
    raise ValueError(phase)


@pytest.mark.parametrize("phase", ["queued", "running", "streaming"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_server_dies_with_jobs_in_flight(gradio_server, phase, sig):
    server = gradio_server(SLOW_APP)
    client = Client(server.url, verbose=False)
    try:
        jobs, extra = _jobs_in_phase(client, phase)

        def fault():
            os.killpg(server.process.pid, sig)

        results = consume_concurrently(list(zip(jobs, MODES)), timeout=DEADLINE + 10, trigger=fault)
        for mode, (kind, value), seconds in results:
            FAULT_TIMINGS.append((f"{sig.name} while {phase}", mode, seconds))
            assert kind == "error", (mode, value)
            assert isinstance(value, ConnectionFailed), (mode, repr(value))
            assert seconds <= DEADLINE, (mode, seconds)
        for job in extra:
            assert isinstance(job.exception(DEADLINE), ConnectionFailed)
        server.process.wait(15)
        # The app is gone: a new call fails fast and clearly, it does not hang.
        start = time.monotonic()
        with pytest.raises(ConnectionFailed):
            client.submit("late", 1, api_name="/sleep_echo").result(timeout=DEADLINE)
        assert time.monotonic() - start < 5
    finally:
        client.close()
        if server.running:
            server.kill()


def test_demo_close_in_a_live_process(gradio_server):
    """closable_app calls demo.close() on SIGUSR1 (orderly in-process stop, PROTOCOL.md §5.6)."""
    server = gradio_server("protocol/closable_app")
    client = Client(server.url, verbose=False)
    try:
        running = client.submit(120, api_name="/slow")
        _wait_for(lambda: running.status().code is Status.PROCESSING, 30, "the job to run")
        waiting = client.submit(120, api_name="/slow")
        _wait_for(lambda: waiting.status().code is Status.IN_QUEUE, 30, "the job to queue")
        pairs = [(running, "result"), (waiting, "async_for")]
        results = consume_concurrently(pairs, timeout=DEADLINE + 10,
                                       trigger=lambda: os.kill(server.process.pid, signal.SIGUSR1))
        for mode, (kind, value), seconds in results:
            FAULT_TIMINGS.append(("demo.close()", mode, seconds))
            assert kind == "error" and isinstance(value, ConnectionFailed), (mode, repr(value))
            assert seconds <= DEADLINE, (mode, seconds)
    finally:
        client.close()
        server.kill()


def test_real_queue_full_is_a_queue_error(gradio_server):
    """limits_app: queue(max_size=2), concurrency 1: one runs, two wait, the fourth is refused."""
    server = gradio_server("protocol/limits_app")
    client = Client(server.url, verbose=False)
    try:
        jobs = []
        for _ in range(3):
            jobs.append(client.submit(60, api_name="/slow"))
            _wait_for(lambda: jobs[-1].status().code in (Status.IN_QUEUE, Status.PROCESSING), 30, "join")
        with pytest.raises(QueueError, match="full"):
            client.predict(1, api_name="/slow")
        for job in jobs:
            job.cancel()
    finally:
        client.close()


def teardown_module(module):
    if FAULT_TIMINGS:
        print("\nfault timings (seconds from the fault to the error):")
        for fault, mode, seconds in FAULT_TIMINGS:
            print(f"  {fault:28s} {mode:10s} {seconds:6.2f}")
