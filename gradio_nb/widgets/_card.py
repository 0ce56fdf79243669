"""Job cards: a live view of one job, drawn from ``JobSnapshot``s (the model computes, the view shows).

    card = JobCard(job)          # job.widget(): the live widget
    bundle = job_mimebundle(job) # display(job): see "What stays in the notebook" below

Life of a card: ``job.add_listener`` (loop thread) stores the newest snapshot and wakes the ticker
(``_kernel``), which draws at most every 0.1 s, every 0.5 s while running (elapsed, ETA
countdown), and once more when the job is done; then the card stops listening and leaves the
ticker. Cancel calls ``job.cancel()``, which is thread-safe, from whatever thread runs the click.

What stays in the notebook
--------------------------
``display(job)`` of a finished job is plain ``text/html`` + ``text/plain``: no widget at all.
For a live job the cell shows an ``Output`` widget (``LiveOutput``) holding the card; when the job
ends the card's widgets are closed and the Output's content is replaced by a plain
``display_data`` of the final rendering (HTML + text). What is saved is then one Output model whose
only content is static HTML: it renders from saved widget state (JupyterLab "save widget state",
nbclient/nbconvert which store widget state by default) without a kernel, with no dangling models.
Forms use the same ``LiveOutput`` under their Run button.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any, Callable, Mapping

import ipywidgets as W

from ._kernel import capture_parent, ticker
from ._render import Budget, Rendered, chat_message_parameter, render_chat_turn, render_outputs

__all__ = ["Following", "JobCard", "LiveOutput", "close_tree", "describe_status", "final_rendering", "status_line",
           "view_bundle"]

COLORS = {"running": "#2563eb", "queued": "#7c3aed", "done": "#16a34a", "error": "#dc2626",
          "cancelled": "#6b7280"}


def _seconds(value: float) -> str:
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(int(value), 60)
    return f"{minutes}:{seconds:02d} min" if minutes < 60 else f"{minutes // 60}:{minutes % 60:02d} h"


def describe_status(snap: Any) -> tuple[str, str]:
    """(state, text): state is a key of COLORS; text is e.g. "in queue 2/5 · ETA 3.0 s"."""
    code = snap.code.value
    if snap.done:
        if snap.cancelled:
            return "cancelled", "cancelled"
        if snap.error is not None:
            return "error", "failed"
        return "done", "done"
    eta = snap.eta_remaining
    eta_text = f" · ETA {_seconds(eta)}" if eta is not None else ""
    if code == "IN_QUEUE":
        if snap.rank is not None:
            size = f"/{snap.queue_size}" if snap.queue_size else ""
            return "queued", f"in queue {snap.rank + 1}{size}{eta_text}"
        return "queued", f"in queue{eta_text}"
    if code == "QUEUE_FULL":
        return "queued", "queue full"
    if code in ("STARTING", "JOINING_QUEUE", "SENDING_DATA"):
        return "queued", "starting"
    if snap.outputs:
        return "running", f"streaming ({len(snap.outputs)} update{'s' if len(snap.outputs) != 1 else ''}){eta_text}"
    return "running", f"running{eta_text}"


def _unit_text(unit: Any) -> str:
    parts = [unit.desc] if unit.desc else []
    if unit.index is not None and unit.length:
        parts.append(f"{unit.index}/{unit.length}" + (f" {unit.unit}" if unit.unit else ""))
    elif unit.index is not None:
        parts.append(f"{unit.index}" + (f" {unit.unit}" if unit.unit else ""))
    fraction = unit.fraction
    if fraction is not None:
        parts.append(f"{fraction:.0%}")
    return " · ".join(parts) or "…"


def status_line(snap: Any, endpoint: Any) -> str:
    """The one-line text status: "/echo · in queue 2/5 · ETA 3.0 s · 1.2 s"."""
    state, text = describe_status(snap)
    line = f"{endpoint.name} · {text}"
    if snap.progress and not snap.done:
        line += " · " + " | ".join(_unit_text(u) for u in snap.progress)
    return f"{line} · {_seconds(snap.elapsed)}"


def _error_parts(error: BaseException) -> tuple[str, str]:
    title = getattr(error, "title", None) or type(error).__name__
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return str(title), str(message)


def _header_html(snap: Any, endpoint: Any) -> str:
    state, text = describe_status(snap)
    color = COLORS[state]
    return (
        f'<div class="gnb-card-header" style="display:flex;gap:8px;align-items:center">'
        f'<code style="font-weight:bold">{html.escape(endpoint.name)}</code>'
        f'<span class="gnb-status gnb-status-{state}" style="color:#fff;background:{color};'
        f'border-radius:4px;padding:0 6px">{html.escape(text)}</span>'
        f'<span style="color:#666">{_seconds(snap.elapsed)}</span></div>'
    )


_LEVEL_COLORS = {"warning": "#b45309", "error": "#dc2626", "success": "#16a34a"}


def _logs_html(logs: Any) -> str:
    rows = []
    for entry in logs:
        if not getattr(entry, "visible", True):
            continue
        color = _LEVEL_COLORS.get(entry.level, "#2563eb")
        title = f"<b>{html.escape(entry.title)}</b> " if entry.title else ""
        rows.append(f'<div class="gnb-log gnb-log-{html.escape(entry.level)}" '
                    f'style="border-left:3px solid {color};padding-left:6px;margin:2px 0">'
                    f'{title}{html.escape(entry.log)}</div>')
    return "".join(rows)


def _logs_text(logs: Any) -> str:
    return "\n".join(f"[{e.level}] {e.title + ': ' if e.title else ''}{e.log}" for e in logs)


def _outputs(snap_value: Any, endpoint: Any, arguments: Mapping[str, Any] | None) -> Rendered:
    """An endpoint's outputs; a chat endpoint's as the conversation turn (message and reply)."""
    message = chat_message_parameter(endpoint)
    if message is not None and arguments is not None and message.name in arguments:
        return render_chat_turn(arguments[message.name], snap_value, Budget())
    return render_outputs(endpoint.returns, snap_value, Budget())


def _body(snap: Any, endpoint: Any, arguments: Mapping[str, Any] | None = None) -> Rendered:
    """Outputs (the newest one while streaming), or the error, or the cancellation."""
    if snap.done and snap.cancelled:
        body = Rendered('<div class="gnb-cancelled" style="color:#6b7280">Cancelled.</div>', "Cancelled.")
        if snap.outputs:  # a cancelled generator keeps what it produced
            out = _outputs(snap.outputs[-1], endpoint, arguments)
            body = Rendered(body.html + out.html, body.text + "\n" + out.text)
        return body
    if snap.done and snap.error is not None:
        title, message = _error_parts(snap.error)
        return Rendered(
            f'<div class="gnb-error" style="color:#991b1b;background:#fef2f2;border:1px solid #dc2626;'
            f'border-radius:4px;padding:6px"><b>{html.escape(title)}</b><br>'
            f'<span style="white-space:pre-wrap">{html.escape(message)}</span></div>',
            f"{title}: {message}",
        )
    if snap.done:
        return _outputs(snap.result, endpoint, arguments)
    if snap.outputs:
        return _outputs(snap.outputs[-1], endpoint, arguments)
    return Rendered("", "")


def final_rendering(snap: Any, endpoint: Any, arguments: Mapping[str, Any] | None = None) -> Rendered:
    """The static card of a finished job: header, logs, result or error (plain HTML + text).
    ``arguments`` (the job's) let a chat endpoint's card show the message with the reply."""
    body = _body(snap, endpoint, arguments)
    logs = _logs_html(snap.logs)
    text = "\n".join(filter(None, [status_line(snap, endpoint), _logs_text(snap.logs), body.text]))
    return Rendered(
        f'<div class="gnb-card gnb-final" style="border:1px solid #ddd;border-radius:6px;padding:6px 8px">'
        f'{_header_html(snap, endpoint)}{logs}{body.html}</div>',
        text,
    )


class _Bars(W.VBox):
    """One progress bar per gr.Progress unit (index, length, desc)."""

    def show(self, units: Any) -> None:
        while len(self.children) < len(units):
            bar = W.FloatProgress(min=0.0, max=1.0, value=0.0, layout=W.Layout(width="240px"))
            label = W.Label("")
            self.children = (*self.children, W.HBox([bar, label]))
        if len(self.children) > len(units):
            for row in self.children[len(units):]:
                row.close()
            self.children = self.children[: len(units)]
        for row, unit in zip(self.children, units):
            bar, label = row.children
            fraction = unit.fraction
            bar.value = fraction if fraction is not None else 0.0
            bar.bar_style = "" if fraction is not None else "info"
            label.value = _unit_text(unit)

    def rows(self) -> list[tuple[float, str]]:
        """(value, label) per bar, for tests."""
        return [(row.children[0].value, row.children[1].value) for row in self.children]


class Following:
    """The listener side of a live card (job or batch), drawn by the ticker: the source's
    listener (loop thread) stores the newest snapshot and wakes the ticker; ``_take`` hands it
    to ``draw`` (ticker thread). Call ``_follow(source)`` last in ``__init__``."""

    def _follow(self, source: Any) -> None:
        self._lock = threading.Lock()
        self._latest: Any = None
        self._received_at = time.monotonic()  # when _latest came (an ETA counts down from it)
        self._dirty = True
        self._final = False
        self._final_drawn = threading.Event()
        self._source = source
        self._remove_listener = source.add_listener(self._changed)
        ticker.add(self)  # type: ignore[arg-type]
        if source.done():  # no more changes will come: draw the final state now
            self._changed(source.snapshot())

    def _changed(self, snap: Any) -> None:
        with self._lock:
            self._latest = snap
            self._received_at = time.monotonic()
            self._dirty = True
        ticker.wake()

    def _take(self) -> tuple[Any, float]:
        """(the newest snapshot, when it came), and the view is clean again."""
        with self._lock:
            snap = self._latest if self._latest is not None else self._source.snapshot()
            self._dirty = False
            return snap, self._received_at

    def dirty(self) -> bool:
        return self._dirty

    def running(self) -> bool:
        return not self._final

    def wait_drawn(self, timeout: float = 10.0) -> bool:
        """Block until the final state has been drawn."""
        return self._final_drawn.wait(timeout)


class JobCard(Following, W.VBox):
    """The live card of one job. Draws on the ticker thread only (see the module docstring)."""

    def __init__(self, job: Any, *, on_final: Callable[[JobCard, Any], None] | None = None, **kwargs: Any) -> None:
        self.job = job
        self.endpoint = job.endpoint
        self.parent = capture_parent()
        self.header = W.HTML("")
        self.bars = _Bars()
        self.logs = W.HTML("")
        self.outputs_view = W.HTML("")
        self.cancel_button = W.Button(description="Cancel", icon="stop", button_style="warning",
                                      layout=W.Layout(width="auto"))
        self.cancel_button.add_class("gnb-cancel")
        self.cancel_button.on_click(self._cancel_clicked)
        super().__init__(
            [W.HBox([self.header, self.cancel_button], layout=W.Layout(justify_content="space-between")),
             self.bars, self.logs, self.outputs_view],
            layout=W.Layout(border="1px solid #ddd", padding="4px 8px", margin="4px 0"),
            **kwargs,
        )
        self.add_class("gnb-card")
        self._on_final = on_final
        self._drawn_outputs: tuple[int, int] | None = None
        self.snapshot: Any = None  # the last drawn snapshot
        self._follow(job)

    # -- clicks (any thread) ---------------------------------------------------------------------

    def _cancel_clicked(self, _button: Any = None) -> None:
        self.cancel_button.disabled = True
        self.cancel_button.description = "Cancelling…"
        if not self.job.cancel():
            self.cancel_button.description = "Cancel"

    # -- the ticker's side ------------------------------------------------------------------

    def draw(self, now: float) -> None:
        snap, _ = self._take()
        if self._final:
            return
        self.header.value = _header_html(snap, self.endpoint)
        self.bars.show(() if snap.done else snap.progress)
        self.logs.value = _logs_html(snap.logs)
        key = (len(snap.outputs), id(snap.outputs[-1]) if snap.outputs else 0) if not snap.done else None
        if key is None or key != self._drawn_outputs:  # re-render outputs only when they changed
            self.outputs_view.value = _body(snap, self.endpoint, self.job.arguments).html
            self._drawn_outputs = key
        self.snapshot = snap
        if snap.done:
            self._final = True
            self._remove_listener()
            self.cancel_button.layout.display = "none"
            self.cancel_button.disabled = True
            self.add_class(f"gnb-card-{describe_status(snap)[0]}")
            if self._on_final is not None:
                self._on_final(self, snap)
            self._final_drawn.set()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(status_line(self.job.snapshot(), self.endpoint))


def view_bundle(widget: W.Widget, text: str) -> dict[str, Any]:
    """The mimebundle that shows ``widget`` (what ``Widget._repr_mimebundle_`` returns)."""
    return {
        "text/plain": text,
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": widget.model_id,
        },
    }


class LiveOutput(W.Output):
    """Shows a job's live card; once the job is done, only its plain final rendering.

    Subclasses (the batch card's ``LiveBatchOutput``) change which card is made and how it ends.
    """

    def __init__(self, job: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("gnb-live")
        self.job = job
        self.final: Rendered | None = None
        self._swap = threading.Lock()  # the final swap may race with this constructor
        with self._swap:
            self.card = self._make_card(job)
            if self.final is None:
                self.outputs = ({"output_type": "display_data", "metadata": {},
                                 "data": view_bundle(self.card, self._text(job))},)

    def _make_card(self, job: Any) -> Any:
        return JobCard(job, on_final=self._finish)

    def _text(self, job: Any) -> str:
        return status_line(job.snapshot(), job.endpoint)

    def _render_final(self, card: Any, snap: Any) -> Rendered:
        return final_rendering(snap, card.endpoint, card.job.arguments)

    def _finish(self, card: Any, snap: Any) -> None:
        rendered = self._render_final(card, snap)
        with self._swap:
            self.final = rendered
            self.outputs = ({"output_type": "display_data", "metadata": {},
                             "data": {"text/html": rendered.html, "text/plain": rendered.text}},)
        close_tree(card)

    def wait_drawn(self, timeout: float = 10.0) -> bool:
        """Block until the final rendering has replaced the card."""
        return self.card.wait_drawn(timeout) and self.final is not None


def close_tree(widget: W.Widget) -> None:
    """Close a widget, its children, layouts and styles (their models leave the kernel)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for name in ("layout", "style"):
        sub = getattr(widget, name, None)
        if isinstance(sub, W.Widget):
            sub.close()
    widget.close()
