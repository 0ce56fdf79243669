"""The notebook layer: endpoint forms, live job cards, progress lines, the jobs table, history.

The core never imports this package; ``gradio_nb/__init__.py`` reaches it lazily through
``client/_hooks.py``. Outside a Jupyter kernel (terminal IPython, scripts) every display
function falls back to text.

    display(client)          # client_mimebundle: forms in tabs (+ view_api text)
    client.widget("/echo")   # client_widget: one form
    display(job)             # job_mimebundle: the live card, then a plain final rendering
    job.widget()             # job_widget: the live card widget itself
    display(batch)           # batch_mimebundle: the live batch card, then the results table
    batch.widget()           # batch_widget: the live batch card widget itself

Modules: ``_inputs`` (parameter -> widget dispatch), ``_render`` (output value -> sanitized HTML),
``_card`` (job cards), ``_batch_card`` / ``_batch_view`` (batch cards, results tables, sweep grids), ``_form`` (forms), ``_progress`` (blocking and Space progress lines),
``_jobs`` (registry and table), ``_kernel`` (kernel detection, cell parents, the redraw thread),
``_code`` (the equivalent Python call), ``history`` (public: calls made from forms and magics).
"""

from __future__ import annotations

import weakref

from typing import Any

import ipywidgets as W

from . import history
from ._batch_card import BatchCard, LiveBatchOutput
from ._batch_view import final_rendering as batch_final_rendering
from ._batch_view import summary_line as batch_summary_line
from ._card import JobCard, LiveOutput, final_rendering, status_line, view_bundle
from ._form import client_widget
from ._jobs import jobs_widget, register_job
from ._kernel import frontend_available
from ._progress import blocking_wait, space_progress

__all__ = [
    "batch_mimebundle",
    "batch_widget",
    "blocking_wait",
    "client_mimebundle",
    "client_widget",
    "history",
    "job_mimebundle",
    "job_widget",
    "jobs_widget",
    "register_job",
    "show_batch_progress",
    "space_progress",
    "wait_drawn",
]

# The live views shown for each job, so a cell can end only once they show the final state:
# a kernel client (nbclient, a saved notebook) records only what is sent while the cell runs.
_live_views: "weakref.WeakKeyDictionary[Any, list[LiveOutput | LiveBatchOutput]]" = weakref.WeakKeyDictionary()


def wait_drawn(job: Any, timeout: float = 10.0) -> bool:
    """Block until every live view of ``job`` (or batch) shows its final rendering (False on timeout)."""
    return all(view.wait_drawn(timeout) for view in list(_live_views.get(job, ())))


def client_mimebundle(client: Any) -> dict[str, Any]:
    """What ``display(client)`` shows: the forms, with the ``view_api`` text as ``text/plain``."""
    text = client.view_api(print_info=False, return_format="str")
    if not frontend_available():
        return {"text/plain": text}
    return view_bundle(client_widget(client), text)


def job_widget(job: Any) -> W.Widget:
    """The live card of ``job`` (``job.widget()``)."""
    return JobCard(job)


def job_mimebundle(job: Any) -> dict[str, Any]:
    """What ``display(job)`` shows: plain HTML for a finished job, else a live card that turns
    into plain HTML when the job ends; ``text/plain`` is a one-line status (or the final text)."""
    snapshot = job.snapshot()
    if snapshot.done:
        rendered = final_rendering(snapshot, job.endpoint, job.arguments)
        if not frontend_available():
            return {"text/plain": status_line(snapshot, job.endpoint)}
        return {"text/html": rendered.html, "text/plain": rendered.text}
    if not frontend_available():
        return {"text/plain": status_line(snapshot, job.endpoint)}
    live = LiveOutput(job)
    _live_views.setdefault(job, []).append(live)
    return view_bundle(live, status_line(snapshot, job.endpoint))


def batch_widget(batch: Any) -> W.Widget:
    """The live card of ``batch`` (``batch.widget()``)."""
    return BatchCard(batch)


def show_batch_progress(batch: Any) -> bool:
    """``client.map(..., progress=True)`` in a notebook: the live batch card, shown at once
    (instead of the core's tqdm text on stderr). False without a frontend: tqdm then."""
    if not frontend_available():
        return False
    from IPython.display import display

    display(batch)
    return True


def batch_mimebundle(batch: Any) -> dict[str, Any]:
    """What ``display(batch)`` shows: the plain summary and results table of a finished batch,
    else a live card that turns into them when it ends. Without a frontend (terminal IPython)
    the summary line (and, once finished, the table as text)."""
    snapshot = batch.snapshot()
    if snapshot.finished:
        rendered = batch_final_rendering(batch)
        if not frontend_available():
            return {"text/plain": rendered.text}
        return {"text/html": rendered.html, "text/plain": rendered.text}
    if not frontend_available():
        return {"text/plain": batch_summary_line(snapshot, batch.endpoint)}
    live = LiveBatchOutput(batch)
    _live_views.setdefault(batch, []).append(live)
    return view_bundle(live, batch_summary_line(snapshot, batch.endpoint))
