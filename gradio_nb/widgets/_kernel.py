"""Where widgets run: the kernel, the cell that made them, and the one thread that redraws them.

Theory of operation
-------------------
* Jobs change on the core's loop thread, and ``job.add_listener`` calls us there. Listeners must
  not block, so they only store the snapshot and wake the *ticker*.
* The ticker is one daemon thread for all live views (job cards, the jobs table, the blocking
  progress line). It redraws each view at most every ``MIN_INTERVAL`` seconds (10 Hz), plus a final
  draw when the view says it is finished, plus a slow tick while something runs so that elapsed
  time and ETA countdowns move. With no live view it sleeps on a condition: no polling.
* Display calls made from a thread must carry the parent header of the cell that created the
  view, or ipykernel attributes them to whatever cell runs last. Views capture that header when
  they are created (``capture_parent``) and the ticker draws them inside ``thread_parent``
  (ipykernel >= 7: ``shell.set_thread_parent`` / ``reset_thread_parent``, per thread, via
  contextvars). Widget trait updates need no parent (they are comm messages), but they get one
  too, harmlessly.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, Protocol

__all__ = [
    "MIN_INTERVAL",
    "TICK",
    "View",
    "capture_parent",
    "frontend_available",
    "thread_parent",
    "ticker",
]

log = logging.getLogger("gradio_nb.widgets")

MIN_INTERVAL = 0.1  # seconds between two draws of one view (~10 Hz)
TICK = 0.5  # redraw period of running views with nothing new (elapsed time, ETA countdown)


def _shell() -> Any:
    import sys

    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def frontend_available() -> bool:
    """True inside a Jupyter kernel, where widget views can be shown (comms exist).

    Terminal IPython and plain Python get text instead. Tests patch this to use ipywidgets'
    ``DummyComm`` without a kernel.
    """
    shell = _shell()
    return shell is not None and getattr(shell, "kernel", None) is not None


def capture_parent() -> dict[str, Any] | None:
    """The parent header of the request running now (a cell, or the comm message of a click)."""
    shell = _shell()
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    try:
        parent = kernel.get_parent()
    except Exception:  # noqa: BLE001 - an older kernel: no per-cell routing, but no failure
        return None
    return dict(parent) if parent else None


@contextmanager
def thread_parent(parent: dict[str, Any] | None) -> Iterator[None]:
    """Make display calls of this thread belong to ``parent`` (the cell that made the view)."""
    shell = _shell()
    setter = getattr(shell, "set_thread_parent", None)
    resetter = getattr(shell, "reset_thread_parent", None)
    if not parent or setter is None or resetter is None:
        yield
        return
    tokens = setter(parent)
    try:
        yield
    finally:
        resetter(tokens)


class View(Protocol):
    """Something the ticker redraws. All methods are called on the ticker thread only."""

    parent: dict[str, Any] | None

    def dirty(self) -> bool:
        """New data arrived since the last draw."""

    def running(self) -> bool:
        """Still live (gets a TICK redraw for its clocks); False once the final draw is done."""

    def draw(self, now: float) -> None:
        """Render the latest data. Must not raise for data problems (errors are logged)."""


class _Ticker:
    """The redraw thread (see the module docstring). Started on first use."""

    def __init__(self) -> None:
        self._views: dict[int, tuple[View, float]] = {}  # id -> (view, last draw time)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, view: View) -> None:
        with self._cond:
            self._views.setdefault(id(view), (view, 0.0))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="gradio_nb-widgets", daemon=True)
                self._thread.start()
            self._cond.notify()

    def wake(self) -> None:
        """Called by listeners (any thread) after they stored new data. Never blocks long."""
        with self._cond:
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                timeout = self._next_wait(time.monotonic())
                while timeout is None or timeout > 0:
                    self._cond.wait(timeout)
                    timeout = self._next_wait(time.monotonic())
                due = self._due(time.monotonic())
            for view in due:
                self._draw(view)

    def _next_wait(self, now: float) -> float | None:
        """Seconds until some view is due; None = nothing live (sleep until notified)."""
        wait: float | None = None
        for view, last in self._views.values():
            if view.dirty():
                at = last + MIN_INTERVAL
            elif view.running():
                at = last + TICK
            else:
                continue
            wait = at - now if wait is None else min(wait, at - now)
        return wait

    def _due(self, now: float) -> list[View]:
        due = []
        for key, (view, last) in list(self._views.items()):
            if (view.dirty() and now - last >= MIN_INTERVAL) or (view.running() and now - last >= TICK):
                due.append(view)
                self._views[key] = (view, now)
        return due

    def _draw(self, view: View) -> None:
        try:
            with thread_parent(view.parent):
                view.draw(time.monotonic())
        except Exception:  # noqa: BLE001 - one broken view must not stop the others
            log.exception("redrawing %r failed", view)
        with self._cond:
            if not view.running() and not view.dirty():
                self._views.pop(id(view), None)

    def idle(self, timeout: float = 5.0) -> bool:
        """Wait until no view is live (for tests). True if that happened in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                if not self._views:
                    return True
            time.sleep(0.02)
        return False


ticker = _Ticker()
