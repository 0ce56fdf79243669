"""Plain (non-widget) progress displays: a blocking ``predict()`` and a waking Space.

Both are ``display_data`` outputs with a ``display_id``, updated in place and finally replaced by
nothing (an empty ``text/plain``), so no widget or stale progress stays in the saved notebook.
Updates come from other threads (the ticker, the core's loop), so every display call carries the
parent header of the cell that started the wait.
"""

from __future__ import annotations

import html
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ._card import COLORS, _seconds, describe_status, status_line
from ._kernel import capture_parent, thread_parent, ticker

__all__ = ["BlockingLine", "SpaceCard", "blocking_wait", "space_progress"]

SHOW_AFTER = 0.5  # seconds: quick calls show no progress line at all
EMPTY = {"text/plain": ""}


def _display(bundle: dict[str, Any], handle: Any) -> Any:
    from IPython.display import display

    if handle is None:
        return display(bundle, raw=True, display_id=True)
    handle.update(bundle, raw=True)
    return handle


class BlockingLine:
    """The compact status line of one blocking call (a ticker view)."""

    def __init__(self, job: Any) -> None:
        self.job = job
        self.parent = capture_parent()
        self.handle: Any = None
        self.shown: list[dict[str, Any]] = []  # every bundle displayed (for tests)
        self._lock = threading.Lock()
        self._closed = False
        self._dirty = True
        self._remove = job.add_listener(self._changed)
        ticker.add(self)

    def _changed(self, _snapshot: Any) -> None:
        self._dirty = True
        ticker.wake()

    def dirty(self) -> bool:
        return self._dirty and not self._closed

    def running(self) -> bool:
        return not self._closed

    def bundle(self) -> dict[str, Any]:
        snap = self.job.snapshot()
        state, _ = describe_status(snap)
        line = status_line(snap, self.job.endpoint)
        bars = "".join(
            f' <progress value="{u.fraction:.3f}" max="1" style="width:120px;vertical-align:middle"></progress>'
            for u in snap.progress if u.fraction is not None
        ) if not snap.done else ""
        return {
            "text/plain": f"⏳ {line}",
            "text/html": f'<div class="gnb-wait" style="font-family:monospace;font-size:90%;'
                         f'color:{COLORS[state]}">⏳ {html.escape(line)}{bars}</div>',
        }

    def draw(self, now: float) -> None:
        self._dirty = False
        with self._lock:
            if self._closed or now - self.job.submitted_at < SHOW_AFTER:
                return
            bundle = self.bundle()
            self.handle = _display(bundle, self.handle)
            self.shown.append(bundle)

    def close(self) -> None:
        """Stop, and replace the line by nothing (on the calling thread: the cell's own)."""
        self._remove()
        with self._lock:
            self._closed = True
            if self.handle is not None:
                with thread_parent(self.parent):
                    self.handle.update(EMPTY, raw=True)
                self.shown.append(EMPTY)
        ticker.wake()


@contextmanager
def blocking_wait(job: Any) -> Iterator[BlockingLine]:
    """While ``client.predict()`` blocks in a cell: a progress line, gone when the call returns."""
    line = BlockingLine(job)
    try:
        yield line
    finally:
        line.close()


class SpaceCard:
    """``on_progress(status, elapsed)`` for a Space that builds or wakes up."""

    def __init__(self) -> None:
        self.parent = capture_parent()
        self.handle: Any = None
        self.shown: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def bundle(self, status: Any, elapsed: float) -> dict[str, Any]:
        stage = str(status.stage)
        hardware = f" on {status.hardware}" if status.hardware else ""
        text = f"Space {status.space_id}: {stage}{hardware} · {_seconds(elapsed)}"
        link = (f' <a href="{html.escape(status.url, quote=True)}" target="_blank" rel="noopener noreferrer">'
                f"open on the Hub</a>") if status.url else ""
        if status.failed:
            color, note = COLORS["error"], status.error_message or ""
        elif status.final and not status.running:
            color, note = COLORS["cancelled"], "stopped waiting"
        else:
            color, note = COLORS["queued"], "waiting for the Space to start…"
        if note:
            text += f"\n{note}"
        return {
            "text/plain": text,
            "text/html": (
                f'<div class="gnb-space" style="border-left:3px solid {color};padding:2px 8px">'
                f'<b>{html.escape(status.space_id)}</b> <span style="color:{color}">{html.escape(stage)}</span>'
                f'{html.escape(hardware)} · {_seconds(elapsed)}{link}'
                f'<div style="color:#666;white-space:pre-wrap">{html.escape(note)}</div></div>'
            ),
        }

    def __call__(self, status: Any, elapsed: float) -> None:
        bundle = EMPTY if status.final and status.running else self.bundle(status, elapsed)
        with self._lock, thread_parent(self.parent):
            if bundle is EMPTY and self.handle is None:
                return  # it was running at once: show nothing
            self.handle = _display(bundle, self.handle)
            self.shown.append(bundle)


def space_progress() -> Callable[[Any, float], None] | None:
    """The Space wait card, or None outside a kernel (the core then prints text lines)."""
    from ._kernel import frontend_available

    return SpaceCard() if frontend_available() else None

