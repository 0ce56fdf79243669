"""Fixtures shared by tests/faults, tests/security and tests/load (imported by their conftests)."""
from __future__ import annotations

import threading

import pytest

from fault_server import FaultServer


@pytest.fixture
def fault_server():
    """A fresh FaultServer on a free loopback port (stopped after the test)."""
    server = FaultServer().start()
    yield server
    server.stop()


@pytest.fixture
def client_for():
    """Factory: client_for(url, **kwargs) -> Client, closed after the test."""
    from gradio_nb import Client

    clients = []

    def make(url, **kwargs):
        kwargs.setdefault("verbose", False)
        client = Client(url, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def loop_thread_alive():
    """Asserts after the test that gradio_nb's loop thread still runs and still serves calls."""
    yield
    from gradio_nb.client import _loop

    names = [t.name for t in threading.enumerate()]
    assert "gradio_nb-loop" in names, names

    async def ping():
        return "pong"

    assert _loop.run_sync(ping(), timeout=5) == "pong"


# -- consuming a job in every way a user can ----------------------------------------------------

MODES = ("result", "iterate", "await", "async_for")


def consume(job, mode: str):
    """Wait for ``job`` the way ``mode`` says. Returns ("ok", value) or ("error", exception)."""
    import asyncio

    try:
        if mode == "result":
            return ("ok", job.result())
        if mode == "iterate":
            values = list(job)
            return ("ok", values[-1] if values else None)
        if mode == "await":
            async def wait():
                return await job

            return ("ok", asyncio.run(wait()))
        if mode == "async_for":
            async def walk():
                last = None
                async for update in job:
                    last = update
                return last

            last = asyncio.run(walk())
            assert last is not None and getattr(last, "final", False), last
            if not last.success:
                return ("error", job.exception(0))
            return ("ok", last.outputs)
    except BaseException as exc:  # noqa: BLE001
        return ("error", exc)
    raise ValueError(mode)


def consume_concurrently(pairs, timeout: float, trigger=None):
    """Consume (job, mode) pairs in parallel threads; returns [(mode, outcome, seconds)] in order.

    With ``trigger``, the consumers are started (and left waiting) first, then ``trigger()`` is
    called, and seconds are counted from the trigger. Fails the test if any consumer is still
    waiting ``timeout`` seconds later (a hang).
    """
    import time

    ends: list = [None] * len(pairs)

    def run(i, job, mode):
        outcome = consume(job, mode)
        ends[i] = (mode, outcome, time.monotonic())

    threads = [threading.Thread(target=run, args=(i, j, m), daemon=True) for i, (j, m) in enumerate(pairs)]
    for t in threads:
        t.start()
    if trigger is not None:
        time.sleep(0.3)
        early = [pairs[i][1] for i, e in enumerate(ends) if e is not None]
        assert not early, f"jobs ended before the fault was injected: {early} {ends}"
    start = time.monotonic()
    if trigger is not None:
        trigger()
    for t in threads:
        t.join(max(0.0, timeout - (time.monotonic() - start)))
    hung = [pairs[i][1] for i, r in enumerate(ends) if r is None]
    assert not hung, f"consumers still waiting after {timeout} s (a hang): {hung}"
    return [(mode, outcome, end - start) for mode, outcome, end in ends]
