"""This kernel's jobs: a weak registry (fed by the core's ``on_job`` hook) and a live table.

The registry holds weak references only: a job the user dropped (and the core finished with)
disappears. ``jobs_widget()`` (``%gradio jobs``) shows one row per job with its status, elapsed
time and a Cancel button; it redraws through the ticker while any job runs.
"""

from __future__ import annotations

import html
import itertools
import threading
import weakref
from typing import Any

import ipywidgets as W

from ._card import COLORS, _seconds, describe_status
from ._kernel import capture_parent, ticker

__all__ = ["JobsTable", "jobs", "jobs_widget", "register_job"]

_lock = threading.Lock()
_ids = itertools.count(1)
_registry: dict[int, weakref.ref[Any]] = {}
_tables: weakref.WeakSet[JobsTable] = weakref.WeakSet()


def register_job(job: Any) -> None:
    """Remember ``job`` (weakly). Called by the core for every new job; cheap, any thread."""
    with _lock:
        number = next(_ids)
        _registry[number] = weakref.ref(job)
        for key in [k for k, ref in _registry.items() if ref() is None]:
            del _registry[key]
        tables = list(_tables)
    for table in tables:
        table.added(number, job)


def jobs() -> list[tuple[int, Any]]:
    """(number, job) for every registered job still alive, oldest first."""
    with _lock:
        pairs = [(number, ref()) for number, ref in _registry.items()]
    return [(number, job) for number, job in pairs if job is not None]


class _Row:
    def __init__(self, number: int, job: Any, table: JobsTable) -> None:
        self.job_ref = weakref.ref(job)
        self.number = number
        self.endpoint = job.endpoint.name
        self.status = W.HTML("")
        self.elapsed = W.Label("")
        self.cancel = W.Button(description="Cancel", icon="stop", layout=W.Layout(width="auto"))
        self.cancel.add_class("gnb-cancel")
        self.cancel.on_click(self._cancel)
        self.finished = False
        self.box = W.HBox(
            [W.Label(f"#{number}", layout=W.Layout(width="3em")),
             W.HTML(f"<code>{html.escape(self.endpoint)}</code>", layout=W.Layout(width="14em")),
             self.status, self.elapsed, self.cancel],
            layout=W.Layout(align_items="center", grid_gap="8px"),
        )
        self.remove = job.add_listener(lambda _snap: table.changed())

    def _cancel(self, _button: Any = None) -> None:
        job = self.job_ref()
        self.cancel.disabled = True
        if job is not None:
            job.cancel()

    def draw(self) -> None:
        job = self.job_ref()
        if job is None:
            self.status.value = '<span style="color:#888">gone</span>'
            self.finished = True
            self.cancel.disabled = True
            return
        snap = job.snapshot()
        state, text = describe_status(snap)
        self.status.value = f'<span style="color:{COLORS[state]}">{html.escape(text)}</span>'
        self.elapsed.value = _seconds(snap.elapsed)
        if snap.done:
            self.finished = True
            self.cancel.disabled = True
            self.cancel.layout.visibility = "hidden"
            self.remove()


class JobsTable(W.VBox):
    """Live table of the registered jobs (a ticker view)."""

    def __init__(self) -> None:
        super().__init__([])
        self.add_class("gnb-jobs")
        self.parent = capture_parent()
        self.rows: dict[int, _Row] = {}
        self._dirty = True
        self._lock = threading.Lock()
        self._empty = W.HTML('<i style="color:#888">No jobs yet.</i>')
        self._pending: list[tuple[int, weakref.ref[Any]]] = []
        for number, job in jobs():
            self.rows[number] = _Row(number, job, self)
        with _lock:
            _tables.add(self)
        self._draw_rows()
        ticker.add(self)

    def added(self, number: int, job: Any) -> None:
        """A new job (any thread, maybe the core's loop): its row is made on the next draw."""
        with self._lock:
            self._pending.append((number, weakref.ref(job)))
        self.changed()
        ticker.add(self)

    def changed(self) -> None:
        self._dirty = True
        ticker.wake()

    def dirty(self) -> bool:
        return self._dirty

    def running(self) -> bool:
        return bool(self._pending) or any(not row.finished for row in list(self.rows.values()))

    def _draw_rows(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for number, ref in pending:
            job = ref()
            if job is not None and number not in self.rows:
                self.rows[number] = _Row(number, job, self)
        with self._lock:
            rows = list(self.rows.values())
        for row in rows:
            row.draw()
        self.children = tuple(row.box for row in rows) or (self._empty,)

    def draw(self, now: float) -> None:
        self._dirty = False
        self._draw_rows()


def jobs_widget() -> W.Widget:
    """``%gradio jobs``: every job of this kernel, live, with Cancel buttons."""
    return JobsTable()
