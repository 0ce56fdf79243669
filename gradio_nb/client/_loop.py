"""The process-wide event-loop thread, and the portal sync code uses to reach it.

All of gradio_nb's I/O runs on one asyncio loop in one daemon thread, started on first use and
shared by every Client. Sync callers block on a ``concurrent.futures.Future``
(``run_sync``); coroutines of another loop (the user's, Jupyter's) await a wrapped future
(``run_async``). No ``asyncio.run`` in the caller's thread, no nest_asyncio, no thread per job.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import threading
from typing import Any, Awaitable, Callable, Coroutine, TypeVar

__all__ = ["get_loop", "in_loop_thread", "check_may_block", "run_sync", "run_async", "call_soon",
           "register_closer", "shutdown", "spawn"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_pid: int | None = None
_closers: list[Callable[[], Awaitable[None]]] = []


def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def get_loop() -> asyncio.AbstractEventLoop:
    """The shared loop, started on first use (and again in a forked child)."""
    global _loop, _thread, _pid
    loop = _loop
    if loop is not None and _pid == os.getpid() and not loop.is_closed():
        return loop
    with _lock:
        if _loop is None or _pid != os.getpid() or _loop.is_closed():
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            thread = threading.Thread(
                target=_run, args=(loop, ready), name="gradio_nb-loop", daemon=True
            )
            thread.start()
            ready.wait()
            _loop, _thread, _pid = loop, thread, os.getpid()
        return _loop


def in_loop_thread() -> bool:
    return _thread is not None and threading.current_thread() is _thread


_BLOCKING_IN_LOOP = (
    "A blocking gradio_nb call was made from gradio_nb's own event-loop thread (for example "
    "inside a job listener). It would wait forever; use AsyncClient and await it, or call it "
    "from another thread."
)


def check_may_block() -> None:
    """Refuse to block the loop thread: whatever we would wait for needs that thread to run."""
    if in_loop_thread():
        raise RuntimeError(_BLOCKING_IN_LOOP)


def run_sync(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run ``coro`` on the loop thread and block this thread until it is done.

    A KeyboardInterrupt while waiting cancels the coroutine (its ``finally`` blocks run on the
    loop) and is re-raised at once.
    """
    if in_loop_thread():
        coro.close()
        raise RuntimeError(_BLOCKING_IN_LOOP)
    future = asyncio.run_coroutine_threadsafe(coro, get_loop())
    try:
        return future.result(timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise
    except BaseException:
        if not future.done():
            future.cancel()
        raise


async def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Await ``coro`` on the loop thread from whatever loop is running here."""
    loop = get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        return await coro
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:
        future.cancel()
        raise


def call_soon(fn: Callable[..., Any], *args: Any) -> None:
    """Schedule ``fn(*args)`` on the loop thread (thread-safe, does not wait)."""
    loop = get_loop()
    if in_loop_thread():
        loop.call_soon(fn, *args)
    else:
        loop.call_soon_threadsafe(fn, *args)


_background: set[asyncio.Future[Any]] = set()


def spawn(make: Callable[[], Awaitable[Any]]) -> None:
    """Run ``make()`` as a task on the loop thread, from any thread, without waiting for it.

    The loop keeps only weak references to tasks, so a fire-and-forget task that nothing else
    references (the close of a Client that was dropped) could be collected half way, leaving
    its connections open: this set holds each task until it is done.
    """

    def start() -> None:
        task = asyncio.ensure_future(make())
        _background.add(task)
        task.add_done_callback(_background.discard)

    call_soon(start)


def register_closer(closer: Callable[[], Awaitable[None]]) -> Callable[[], None]:
    """Register a coroutine function run by ``shutdown``; returns an unregister function."""
    _closers.append(closer)

    def unregister() -> None:
        try:
            _closers.remove(closer)
        except ValueError:
            pass

    return unregister


def shutdown(timeout: float = 5.0) -> None:
    """Close every registered client, then stop and join the loop thread.

    Runs at interpreter exit; tests call it to prove nothing is left behind.
    """
    global _loop, _thread
    with _lock:
        loop, thread = _loop, _thread
        if loop is None or thread is None or _pid != os.getpid() or loop.is_closed():
            return
        closers = list(_closers)

        async def close_all() -> None:
            await asyncio.gather(*(c() for c in closers), return_exceptions=True)
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if thread.is_alive() and not in_loop_thread():
            try:
                asyncio.run_coroutine_threadsafe(close_all(), loop).result(timeout)
            except Exception:  # noqa: BLE001 - best effort at exit
                pass
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
        _loop, _thread = None, None


atexit.register(shutdown)
