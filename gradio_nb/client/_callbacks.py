"""The thread that runs user callbacks (``Job.add_done_callback``, ``result_callbacks``).

Jobs finish on the loop thread, where a callback that blocks (gradio_client users may even call
``predict`` in one) would stall every job of the process. So callbacks run here instead, one
at a time and in the order the jobs finished.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from typing import Any, Callable

__all__ = ["run"]

log = logging.getLogger("gradio_nb")
_pool: concurrent.futures.ThreadPoolExecutor | None = None
_lock = threading.Lock()


def run(fn: Callable[..., Any], *args: Any) -> None:
    """Call ``fn(*args)`` on the callback thread; an exception is logged, as Future does."""
    global _pool

    def call() -> None:
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - one broken callback must not silence the others
            log.exception("exception calling callback %r", fn)

    with _lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gradio_nb-callbacks")
        try:
            _pool.submit(call)
        except RuntimeError:  # the interpreter is shutting down: nobody is left to tell
            pass
