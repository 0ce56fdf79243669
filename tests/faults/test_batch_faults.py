"""Batches under faults: a 429 storm with Retry-After (fault server), a server killed mid-batch
and a replica that stops mid-batch (real Gradio servers). Figures go to BATCH_FAULT_FIGURES
(printed with -s) for the report."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import gradio_nb
from fault_server import API
from gradio_nb import Client, ConnectionFailed
from servers import APPS, GradioServer

BATCH_FAULT_FIGURES: list[str] = []


def _storm(server, *, rejects_per_item: int, retry_after: str, status: int = 429):
    """Answer each item's first ``rejects_per_item`` joins with ``status`` (+ Retry-After);
    record when each item was refused and admitted, and the most events ever in flight."""
    seen: dict[str, list[tuple[str, float]]] = {}
    peak = {"in_flight": 0}
    original = server._join

    async def join(req, conn):
        item = str(req.json()["data"][0])
        log = seen.setdefault(item, [])
        now = time.monotonic()
        if sum(1 for kind, _ in log if kind == "refused") < rejects_per_item:
            log.append(("refused", now))
            await conn.send(status, {"detail": "Too many requests"}, {"retry-after": retry_after})
            return
        log.append(("admitted", now))
        in_flight = sum(1 for e in server.events.values() if not e.done) + 1
        peak["in_flight"] = max(peak["in_flight"], in_flight)
        await original(req, conn)

    server.routes[("POST", API + "/queue/join")] = join
    return seen, peak


def test_a_429_storm_with_retry_after_ends_with_every_item_done(fault_server, client_for):
    client = client_for(fault_server.url)
    seen, peak = _storm(fault_server, rejects_per_item=2, retry_after="1")
    windows = []
    inputs = [f"slow:0.1:{i}" for i in range(10)]
    start = time.monotonic()
    batch = client.map(inputs, api_name="/echo", concurrency=3, retries=3, progress=False)
    batch.add_listener(lambda s: windows.append(s.concurrency))
    assert batch.results(timeout=120) == inputs
    wall = time.monotonic() - start
    assert all(i.attempts == 3 for i in batch.items)
    assert peak["in_flight"] <= 3, f"{peak['in_flight']} in flight with a cap of 3"
    waits = []
    for item, log in seen.items():
        for (kind, at), (_, next_at) in zip(log, log[1:]):
            assert kind == "refused"
            waits.append(next_at - at)
    assert min(waits) >= 1.0, f"a retry came {min(waits):.3f} s after a Retry-After: 1"
    assert min(windows) < 3  # the 429s lowered the batch's concurrency
    BATCH_FAULT_FIGURES.append(
        f"429 storm: 10 items x 2 refusals (Retry-After: 1), cap 3: all done in {wall:.1f} s, "
        f"peak in flight {peak['in_flight']}, shortest wait {min(waits):.2f} s, lowest window {min(windows)}")


def test_503_and_a_failed_worker_are_retried_without_condemning_the_app(fault_server, client_for):
    client = client_for(fault_server.url)
    seen, _ = _storm(fault_server, rejects_per_item=1, retry_after="0", status=503)
    batch = client.map(["a", "event_error", "b"], api_name="/echo", concurrency=2, retries=3,
                       progress=False)
    values = batch.results(timeout=60)
    assert values[0] == "a" and values[2] == "b"
    assert batch.items[0].attempts == 2  # one 503, then done
    assert isinstance(values[1], gradio_nb.JobLostError) and "worker exploded" in str(values[1])
    assert batch.items[1].attempts == 4  # 503, then three unexpected_errors: the budget of 3
    assert [kind for kind, _ in seen["event_error"]] == ["refused", "admitted", "admitted", "admitted"]


def test_too_many_429s_fail_the_item_clearly(fault_server, client_for):
    client = client_for(fault_server.url)
    _storm(fault_server, rejects_per_item=10, retry_after="0")
    batch = client.map(["x"], api_name="/echo", retries=2, progress=False)
    (value,) = batch.results(timeout=60)
    assert isinstance(value, gradio_nb.TooManyRequestsError)
    assert batch.items[0].attempts == 3


@pytest.fixture
def own_server(tmp_path):
    """A batch_app server of this test alone (it gets killed)."""
    servers = []

    def make():
        server = GradioServer(APPS / "batch_app.py", log_dir=tmp_path)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def _kill_after(batch, server, finished: int, box: dict) -> threading.Thread:
    def watch():
        for item in batch:
            if sum(1 for i in batch.items if i.ok) >= finished:
                break
        box["killed_at"] = time.monotonic()
        server.kill()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_server_killed_mid_batch_keeps_what_finished_and_a_rerun_resumes(own_server, tmp_path):
    server = own_server()
    cache = tmp_path / "cache"
    inputs = [{"x": i, "delay": 0.3} for i in range(40)]
    with Client(server.url, verbose=False) as client:
        batch = client.map(inputs, api_name="/square", concurrency=4, cache=cache, progress=False)
        box: dict = {}
        _kill_after(batch, server, 8, box).join(60)
        values = batch.results(timeout=60)
        ended = time.monotonic() - box["killed_at"]
    done = [i for i in batch.items if i.ok]
    failed = batch.failed
    assert len(done) >= 8 and len(done) + len(failed) == 40
    assert all(i.value == i.inputs["x"] ** 2 for i in done)
    assert all(isinstance(i.error, ConnectionFailed) for i in failed)
    assert "run the batch again" in str(failed[-1].error)
    assert ended < 20, f"the batch took {ended:.1f} s to end after the kill"
    assert len(values) == 40
    server.restart()
    with Client(server.url, verbose=False) as client:
        again = client.map(inputs, api_name="/square", concurrency=4, cache=cache, progress=False)
        assert again.results(timeout=120) == [i * i for i in range(40)]
        calls = client.predict(api_name="/stats")["n"]
    assert again.snapshot().cached == len(done) and calls == 40 - len(done)
    BATCH_FAULT_FIGURES.append(
        f"server killed mid-batch: {len(done)} done kept (cached), {len(failed)} failed "
        f"{ended:.2f} s after the kill; re-run: {again.snapshot().cached} from cache, {calls} calls")


def test_one_replica_stops_mid_batch_and_the_others_finish_it(own_server):
    first, second = own_server(), own_server()
    inputs = [{"x": i, "delay": 0.3} for i in range(40)]
    with Client(first.url, verbose=False) as a, Client(second.url, verbose=False) as b:
        start = time.monotonic()
        batch = gradio_nb.map([a, b], inputs, api_name="/square", concurrency=3, progress=False)
        order = []
        box: dict = {}

        def watch():
            for item in batch:
                order.append(item.index)
                if len(order) == 8:
                    box["killed_at"] = time.monotonic()
                    second.kill()

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        values = batch.results(timeout=120)
        thread.join(10)
        wall = time.monotonic() - start
        survivor_calls = a.predict(api_name="/stats")["n"]
    assert values == [i * i for i in range(40)]
    assert sorted(order) == list(range(40)), "an item was reported twice or never"
    assert not batch.failed
    moved = sum(1 for i in batch.items if i.attempts > 1)
    BATCH_FAULT_FIGURES.append(
        f"replica stopped mid-batch: 40/40 done in {wall:.1f} s, {moved} item(s) moved, "
        f"{survivor_calls} calls on the survivor")


def test_ctrl_c_in_results_cancels_the_batch_promptly(own_server, tmp_path):
    server = own_server()
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from gradio_nb import Client
        client = Client({server.url!r}, verbose=False)
        batch = client.map([{{"x": i, "delay": 30}} for i in range(20)], api_name="/square",
                           concurrency=4, progress=False)
        print("waiting", flush=True)
        try:
            batch.results()
        except KeyboardInterrupt:
            t = time.monotonic()
            s = batch.snapshot()
            print("interrupted", batch.done(), s.cancelled, s.running, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "waiting"
        time.sleep(1.0)  # let the jobs reach the app
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        proc.kill()
    assert "interrupted True" in out, (out, err)
    _, done, cancelled, running = out.split()
    assert int(cancelled) == 20 and int(running) == 0
    assert took < 10
    BATCH_FAULT_FIGURES.append(f"Ctrl-C in results(): 20 items cancelled, process out {took:.2f} s after SIGINT")


def teardown_module(module):
    for line in BATCH_FAULT_FIGURES:
        print("\n[batch faults]", line)
