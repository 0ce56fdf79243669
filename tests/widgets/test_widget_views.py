"""The redraw thread, cell parents, the Space card, code generation and the public surface,
with fake jobs (no server)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

import gradio_nb.widgets as widgets
from gradio_nb.client._protocol.job_state import Status
from gradio_nb.client._protocol.messages import Log, ProgressUnit
from gradio_nb.client._job import JobSnapshot
from gradio_nb.widgets import _kernel, _progress
from gradio_nb.widgets._card import JobCard, describe_status, final_rendering, status_line
from gradio_nb.widgets._code import call_code


def snap(**kw) -> JobSnapshot:
    base = dict(code=Status.PROCESSING, rank=None, queue_size=None, eta=None, eta_received_at=None,
                progress=(), logs=(), outputs=(), done=False, success=None, cancelled=False, result=None,
                error=None, submitted_at=time.monotonic(), processing_at=None, finished_at=None)
    base.update(kw)
    return JobSnapshot(**base)


class FakeJob:
    """Just what views use: endpoint, snapshot(), add_listener(), cancel(), done()."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.submitted_at = time.monotonic()
        self.arguments = {}
        self._snap = snap(submitted_at=self.submitted_at)
        self.listeners = []
        self.cancelled = threading.Event()

    def snapshot(self):
        return self._snap

    def add_listener(self, fn):
        self.listeners.append(fn)
        return lambda: self.listeners.remove(fn) if fn in self.listeners else None

    def push(self, **kw):
        self._snap = replace(self._snap, **kw)
        for fn in list(self.listeners):
            fn(self._snap)

    def done(self):
        return self._snap.done

    def cancel(self):
        self.cancelled.set()
        return True


def endpoint(spec, api_name):
    return next(e for e in spec.endpoints.values() if e.api_name == api_name)


def wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_public_surface():
    assert sorted(widgets.__all__) == sorted([
        "batch_mimebundle", "batch_widget", "blocking_wait", "client_mimebundle", "client_widget", "history", "job_mimebundle",
        "job_widget", "jobs_widget", "register_job", "show_batch_progress", "space_progress", "wait_drawn"])
    for name in widgets.__all__:
        assert getattr(widgets, name) is not None
    assert callable(widgets.history.record) and callable(widgets.history.as_code)
    assert callable(widgets.history.record_batch)


def test_status_texts(protocol_app_spec):
    assert describe_status(snap(code=Status.IN_QUEUE, rank=1, queue_size=5, eta=4.0,
                                eta_received_at=time.monotonic())) [1].startswith("in queue 2/5 · ETA ")
    assert describe_status(snap(done=True, cancelled=True)) == ("cancelled", "cancelled")
    unit = ProgressUnit(index=2, length=4, unit="steps", desc="looping")
    line = status_line(snap(progress=(unit,)), endpoint(protocol_app_spec, "/progress"))
    assert line.startswith("/progress · running · looping · 2/4 steps · 50%")


def test_card_draws_bars_logs_and_throttles(protocol_app_spec):
    job = FakeJob(endpoint(protocol_app_spec, "/progress"))
    draws = []
    card = JobCard(job)
    original = card.draw
    card.draw = lambda now: (draws.append(now), original(now))
    for i in range(200):  # a burst of 200 updates
        job.push(progress=(ProgressUnit(index=i, length=200, desc="burst"),))
    job.push(logs=(Log(None, log="careful <b>", level="warning", title="Heads up"),))
    assert wait(lambda: "careful" in card.logs.value)
    assert len(draws) < 50  # throttled: not one draw per update
    assert card.bars.rows()[0][1].startswith("burst · 199/200")
    assert "careful &lt;b&gt;" in card.logs.value and "Heads up" in card.logs.value
    card.cancel_button.click()
    assert job.cancelled.is_set() and card.cancel_button.disabled
    job.push(done=True, cancelled=True, finished_at=time.monotonic())
    assert card.wait_drawn(10)
    assert "cancelled" in card.header.value and card.bars.children == ()
    assert job.listeners == []  # stopped listening


def test_error_rendering_for_any_exception(protocol_app_spec):
    ep = endpoint(protocol_app_spec, "/echo")
    final = final_rendering(snap(done=True, error=ConnectionError("gone <away>")), ep)
    assert "ConnectionError" in final.html and "gone &lt;away&gt;" in final.html and "#dc2626" in final.html


def test_ticker_draws_with_the_cells_parent(monkeypatch, protocol_app_spec):
    calls = []

    class Shell:
        kernel = object()

        def set_thread_parent(self, parent):
            calls.append(("set", parent["header"]["msg_id"], threading.current_thread().name))
            return "token"

        def reset_thread_parent(self, token):
            calls.append(("reset", token))

    monkeypatch.setattr(_kernel, "_shell", lambda: Shell())
    monkeypatch.setattr(_kernel, "capture_parent", lambda: {"header": {"msg_id": "cell-7"}})
    import gradio_nb.widgets._card as card_module
    monkeypatch.setattr(card_module, "capture_parent", lambda: {"header": {"msg_id": "cell-7"}})
    job = FakeJob(endpoint(protocol_app_spec, "/echo"))
    card = JobCard(job)
    job.push(done=True, success=True, result="hi", outputs=("hi",), finished_at=time.monotonic())
    assert card.wait_drawn(10)
    assert ("set", "cell-7", "gradio_nb-widgets") in calls and ("reset", "token") in calls


def test_space_card_shows_stages_then_nothing(monkeypatch):
    shown = []
    monkeypatch.setattr(_progress, "_display", lambda bundle, handle: (shown.append(bundle), handle or 1)[1])

    @dataclass
    class Status_:
        space_id: str = "owner/app"
        stage: str = "BUILDING"
        hardware: str | None = "cpu-basic"
        url: str = "https://huggingface.co/spaces/owner/app"
        final: bool = False
        running: bool = False
        failed: bool = False
        error_message: str | None = None

    card = _progress.SpaceCard()
    card(Status_(), 3.0)
    card(Status_(stage="APP_STARTING"), 9.0)
    card(Status_(stage="RUNNING", running=True, final=True), 12.0)
    assert "owner/app" in shown[0]["text/html"] and "BUILDING" in shown[0]["text/plain"]
    assert "APP_STARTING" in shown[1]["text/plain"] and shown[-1] == {"text/plain": ""}
    failed = _progress.SpaceCard()
    failed(Status_(stage="BUILD_ERROR", failed=True, final=True, error_message="pip <failed>"), 30.0)
    assert "pip &lt;failed&gt;" in shown[-1]["text/html"] and "#dc2626" in shown[-1]["text/html"]
    assert widgets.space_progress() is None  # no kernel here: the core prints text lines


def test_call_code(protocol_app_spec):
    add = endpoint(protocol_app_spec, "/add")
    assert call_code(add, {"a": 1, "b": 10}, "demo") == 'demo.predict(a=1, b=10, api_name="/add")'
    assert call_code(add, {"a": 1, "b": 2}, "not valid") .startswith("client.predict(")
    file_info = endpoint(protocol_app_spec, "/file_info")
    code = call_code(file_info, {file_info.parameters[0].name: {"path": "/tmp/x.txt", "meta": {"_type": "gradio.FileData"}}})
    assert "handle_file('/tmp/x.txt')" in code
