"""Listeners of a job or a batch: called on the loop thread with one fresh snapshot per change."""

from __future__ import annotations

import logging
from typing import Callable, Sequence, TypeVar

__all__ = ["add_listener", "call_listeners"]

S = TypeVar("S")
log = logging.getLogger("gradio_nb")


def add_listener(listeners: list[Callable[[S], None]], listener: Callable[[S], None]) -> Callable[[], None]:
    """Add ``listener`` to ``listeners``; returns a remover that may be called more than once."""
    listeners.append(listener)

    def remove() -> None:
        try:
            listeners.remove(listener)
        except ValueError:
            pass

    return remove


def call_listeners(listeners: Sequence[Callable[[S], None]], snapshot: Callable[[], S], what: str) -> None:
    """Call each listener with the same snapshot (taken once, only if someone listens). A broken
    listener (a view) is logged and never breaks the ``what`` it listens to."""
    if not listeners:
        return
    snap = snapshot()
    for listener in list(listeners):
        try:
            listener(snap)
        except Exception:  # noqa: BLE001 - a broken view must not break the job or batch
            log.exception("%s listener failed", what)
