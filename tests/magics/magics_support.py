"""Helpers for the %gradio tests: ``shown(captured)`` and a recording stand-in for
``gradio_nb.widgets`` (the API the magics program against).

The magics tests check what the magics ask the notebook layer to show, whatever the real widgets
look like. ``tests/magics/test_with_widgets.py`` runs the same paths on the real module.
"""

from __future__ import annotations

import sys
import time
import types
from typing import Any


ALICE = "hf_alice_TESTTOKEN_aaaaaaaaaaaaaaaa"  # the Hub stand-in's token for user alice


class View:
    """What a widget factory returns: displays as text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def make() -> types.ModuleType:
    widgets = types.ModuleType("gradio_nb.widgets")
    history = types.ModuleType("gradio_nb.widgets.history")
    widgets.__file__ = history.__file__ = __file__
    widgets.calls = calls = []  # (function name, argument)
    history.records = records = []  # (client_var, job, recorded_at)

    def client_widget(client: Any, api_name: str | None = None) -> View:
        calls.append(("client_widget", client, api_name))
        return View(f"<forms {client.src} api_name={api_name}>")

    def client_mimebundle(client: Any) -> dict[str, Any]:
        calls.append(("client_mimebundle", client))
        names = " ".join(e.api_name for e in client.endpoints)
        return {"text/plain": f"<forms {client.src}: {names}>"}

    def job_widget(job: Any) -> View:
        calls.append(("job_widget", job))
        return View(f"<card {job.endpoint.api_name}>")

    def job_mimebundle(job: Any) -> dict[str, Any]:
        calls.append(("job_mimebundle", job))
        return {"text/plain": f"<card {job.endpoint.api_name}>"}

    def jobs_widget() -> View:
        calls.append(("jobs_widget", None))
        return View("<jobs table>")

    def blocking_wait(job: Any) -> Any:
        import contextlib

        return contextlib.nullcontext()

    def frontend_available() -> bool:
        return True

    def wait_drawn(job: Any, timeout: float = 10.0) -> bool:
        calls.append(("wait_drawn", job))
        return True

    def batch_mimebundle(batch: Any) -> dict[str, Any]:
        calls.append(("batch_mimebundle", batch))
        return {"text/plain": f"<batch card {batch.endpoint.api_name}>"}

    def register_job(job: Any) -> None:
        calls.append(("register_job", job))

    def record(client_var: str, job: Any) -> None:
        records.append((client_var, job, time.monotonic()))

    def record_batch(client_var: str, client: Any, batch: Any, code: str) -> None:
        records.append((client_var, batch, time.monotonic(), code))

    def entries() -> list[dict[str, Any]]:
        out = []
        for var, job, *_ in records:
            if not hasattr(job, "arguments"):  # a batch: its code was recorded
                continue
            snap = job.snapshot()
            out.append({"client": var, "api_name": job.endpoint.api_name, "arguments": dict(job.arguments),
                        "result": snap.result, "duration": snap.elapsed})
        return out

    def as_code() -> str:
        lines = []
        for e in entries():
            args = ", ".join(f"{k}={v!r}" for k, v in e["arguments"].items())
            sep = ", " if args else ""
            lines.append(f"{e['client']}.predict({args}{sep}api_name={e['api_name']!r})  # -> {e['result']!r}")
        return "\n".join(lines)

    for fn in (client_widget, client_mimebundle, job_widget, job_mimebundle, jobs_widget, blocking_wait,
               frontend_available, register_job, wait_drawn, batch_mimebundle):
        setattr(widgets, fn.__name__, fn)
    for fn in (record, record_batch, entries, as_code):
        setattr(history, fn.__name__, fn)
    widgets.history = history
    return widgets


def install_fake_widgets(monkeypatch: Any) -> types.ModuleType:
    import gradio_nb

    import gradio_nb.widgets._batch_code as batch_code  # pure: the real one serves the magics

    widgets = make()
    monkeypatch.setitem(sys.modules, "gradio_nb.widgets._batch_code", batch_code)
    monkeypatch.setitem(sys.modules, "gradio_nb.widgets", widgets)
    monkeypatch.setitem(sys.modules, "gradio_nb.widgets.history", widgets.history)
    monkeypatch.setattr(gradio_nb, "widgets", widgets, raising=False)
    return widgets


def shown(captured: Any) -> str:
    """Everything a command printed or displayed (IPython's ``capture_output``), as one text."""
    parts = [captured.stdout, captured.stderr]
    parts += [output.data.get("text/plain", "") for output in captured.outputs]
    return "\n".join(parts)
