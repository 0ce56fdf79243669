"""A Gradio 3.x websocket queue (ws) that dies under a job: every job ends with a clear error
within a bounded time, never hangs, and leaves no task or thread behind.

Real 3.50 servers where a real one can fail that way (SIGKILL mid-job; SIGSTOP: a hung server
that never sends process_completed nor answers pings); the fault server, speaking the 3.x
websocket with wsproto, for what a real one does not do on demand (a clean close, or a cut
TCP connection, mid-job or while queued; silence with the TCP connection up).
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import wsproto
from wsproto.events import AcceptConnection, CloseConnection, Ping, Request as WSRequest, TextMessage

import gradio_nb
from gradio_nb.client import _loop, _ws
from replicas import code_name, wait_for

CONFIG_350 = Path(__file__).parents[1] / "protocols" / "captures" / "3.50-calculator-config.json"
SHORT_PINGS = (0.5, 1.0)  # interval, timeout: a silent server is found within ~1.5 s


def loop_tasks() -> int:
    """Tasks alive on gradio_nb's loop thread (this probe's own excluded)."""

    async def count() -> int:
        return len(asyncio.all_tasks()) - 1

    return _loop.run_sync(count(), timeout=5)


def thread_names() -> list[str]:
    return sorted(t.name for t in threading.enumerate())


def ends_with_error(job, within: float, since: float) -> gradio_nb.GradioNBError:
    """The job fails (not hangs) within `within` s of `since`, with one of our errors."""
    with pytest.raises(gradio_nb.GradioNBError) as error:
        job.result(timeout=within)
    assert time.monotonic() - since < within
    assert not isinstance(error.value, gradio_nb.JobTimeoutError), error.value
    assert job.done() and code_name(job.status()) == "FINISHED"
    return error.value


def no_leaks(tasks_before: int, threads_before: list[str]) -> None:
    wait_for(lambda: loop_tasks() <= tasks_before, timeout=5, what="the job's tasks to end")
    assert thread_names() == threads_before


# -- real Gradio 3.50 servers ---------------------------------------------------------------------

@pytest.fixture
def slow_350(gradio_server):
    """slow_yield on 3.50, a server of this module's own (killed or frozen by the tests)."""
    return gradio_server("slow_yield", "3.50", env={"YIELD_SECONDS": "0.5"})


@pytest.mark.legacy
def test_server_killed_mid_job(slow_350, client_for):
    """SIGKILL mid-job: the job fails at once (the connection is gone), its outputs so far kept."""
    client = client_for(slow_350.url)
    tasks, threads = loop_tasks(), thread_names()
    job = client.submit("abcdefghij", api_name="/predict")
    wait_for(lambda: job.outputs(), timeout=30, what="the first yield")
    slow_350.kill()
    killed_at = time.monotonic()
    error = ends_with_error(job, within=10, since=killed_at)
    assert isinstance(error, gradio_nb.ServerStoppedError), repr(error)
    assert "the connection broke" in str(error) and slow_350.url in str(error) and "Is the app running?" in str(error)
    assert job.outputs() and job.outputs() == list("abcdefghij")[: len(job.outputs())]  # kept
    no_leaks(tasks, threads)


@pytest.mark.legacy
def test_server_frozen_mid_job(slow_350, client_for, monkeypatch):
    """SIGSTOP: the TCP connection stays up but the server never sends process_completed and
    answers no ping. The keep-alive ping (shortened here from 20 s + 20 s) ends the job."""
    monkeypatch.setattr(_ws, "_PING_INTERVAL_SECONDS", SHORT_PINGS[0])
    monkeypatch.setattr(_ws, "_PING_TIMEOUT_SECONDS", SHORT_PINGS[1])
    client = client_for(slow_350.url)
    tasks, threads = loop_tasks(), thread_names()
    job = client.submit("abcdefghij", api_name="/predict")
    wait_for(lambda: job.outputs(), timeout=30, what="the first yield")
    os.killpg(slow_350.process.pid, signal.SIGSTOP)
    try:
        error = ends_with_error(job, within=2 * sum(SHORT_PINGS) + 2, since=time.monotonic())
    finally:
        os.killpg(slow_350.process.pid, signal.SIGCONT)
    assert isinstance(error, gradio_nb.ServerStoppedError), repr(error)
    assert "stopped answering its keep-alive pings" in str(error) and slow_350.url in str(error)
    no_leaks(tasks, threads)


# -- the fault server speaking the 3.x websocket ---------------------------------------------------

class FakeQueue:
    """The 3.x queue's websocket on the fault server: send_hash, estimation, send_data,
    process_starts, process_generating; then what `mode` says instead of process_completed."""

    def __init__(self, fault_server, mode: str) -> None:
        self.mode = mode
        self.received: list[dict] = []
        self.faulted_at: float | None = None
        config = json.loads(CONFIG_350.read_text())
        fault_server.routes[("GET", "/config")] = self._json(config)
        fault_server.routes[("GET", "/info")] = self._not_found
        fault_server.routes[("GET", "/queue/join")] = self._join

    @staticmethod
    def _json(body):
        async def send(req, conn):
            await conn.send(200, body)
        return send

    @staticmethod
    async def _not_found(req, conn):
        await conn.send(404, {"detail": "Not Found"})

    async def _join(self, req, conn) -> None:
        ws = wsproto.WSConnection(wsproto.ConnectionType.SERVER)
        head = f"GET {req.target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in req.headers.items())
        ws.receive_data((head + "\r\n").encode())
        assert any(isinstance(e, WSRequest) for e in ws.events())
        conn.writer.write(ws.send(AcceptConnection()))

        async def send(message: dict) -> None:
            conn.writer.write(ws.send(TextMessage(data=json.dumps(message))))
            await conn.writer.drain()

        async def receive() -> dict:
            while True:
                for event in ws.events():
                    if isinstance(event, TextMessage):
                        self.received.append(json.loads(event.data))
                        return self.received[-1]
                    if isinstance(event, Ping):
                        conn.writer.write(ws.send(event.response()))
                data = await conn.reader.read(65536)
                if not data:
                    raise ConnectionError("the client left")
                ws.receive_data(data)

        await send({"msg": "send_hash"})
        await receive()
        await send({"msg": "estimation", "rank": 0, "queue_size": 1, "avg_event_process_time": 1.0,
                    "avg_event_concurrent_process_time": 1.0, "rank_eta": 1.0, "queue_eta": 1.0})
        if self.mode.endswith("_queued"):
            return await self._fault(ws, conn)
        await send({"msg": "send_data"})
        await receive()
        await send({"msg": "process_starts"})
        await send({"msg": "process_generating", "success": True,
                    "output": {"data": [7], "is_generating": True, "duration": 0.1, "average_duration": 0.1}})
        await self._fault(ws, conn)

    async def _fault(self, ws, conn) -> None:
        self.faulted_at = time.monotonic()
        if self.mode.startswith("close"):
            conn.writer.write(ws.send(CloseConnection(code=1000, reason="bye")))
            await conn.writer.drain()
            conn.writer.close()
        elif self.mode.startswith("cut"):
            conn.abort()
        elif self.mode == "silent":  # connection up, no message, no pong: a wedged server
            await asyncio.sleep(60)  # the fault server's stop() cancels this at the test's end


@pytest.mark.parametrize("mode", ["close", "cut", "close_queued", "cut_queued", "silent"])
def test_fake_ws_fault(fault_server, client_for, monkeypatch, mode, loop_thread_alive):
    """The websocket closed cleanly or cut, mid-job or while queued, or silent with the TCP
    connection up (no process_completed, no pong): the job fails within the bound, naming the
    app; a running job keeps its outputs so far."""
    monkeypatch.setattr(_ws, "_PING_INTERVAL_SECONDS", SHORT_PINGS[0])
    monkeypatch.setattr(_ws, "_PING_TIMEOUT_SECONDS", SHORT_PINGS[1])
    fake = FakeQueue(fault_server, mode)
    client = client_for(fault_server.url)
    tasks, threads = loop_tasks(), thread_names()
    job = client.submit(1, "add", 2, api_name="/predict")
    wait_for(lambda: fake.faulted_at is not None, timeout=10, what="the fault")
    error = ends_with_error(job, within=2 * sum(SHORT_PINGS) + 2, since=fake.faulted_at)
    assert isinstance(error, gradio_nb.ConnectionFailed), repr(error)
    if mode == "silent":
        assert "stopped answering its keep-alive pings" in str(error)
    elif mode.startswith("close"):
        assert "closed the job's connection before the job finished" in str(error)
    assert fault_server.url in str(error) or "closed the job's connection" in str(error)
    if not mode.endswith("_queued"):
        assert job.outputs() == [7]  # what came before the fault is kept
        assert fake.received[-1]["data"] == [1, "add", 2]
    else:
        assert job.outputs() == [] and len(fake.received) == 1  # never asked for the inputs
    no_leaks(tasks, threads)
