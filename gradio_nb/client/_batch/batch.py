"""``Batch`` and ``Item``: what ``map``/``sweep`` return, usable from sync and async code.

A batch's state changes on the loop thread only (``_Driver`` calls the ``_record_*`` methods),
under ``_lock``. Other threads read: ``results()`` and sync iteration wait on a
``threading.Condition``; ``await batch`` wraps a ``concurrent.futures.Future``; ``async for`` is
woken through ``call_soon_threadsafe``; listeners get frozen ``BatchSnapshot``s on the loop
thread. Nothing polls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Generator, Iterator, Mapping

from .. import _loop
from .._exceptions import JobCancelledError, JobTimeoutError, ZeroGPUQuotaError
from .._listeners import add_listener, call_listeners

if TYPE_CHECKING:
    from .._protocol.endpoints import Endpoint
    from .driver import Driver

__all__ = ["Batch", "Item", "BatchSnapshot"]

log = logging.getLogger("gradio_nb")

Listener = Callable[["BatchSnapshot"], None]


@dataclass(frozen=True)
class Item:
    """One finished call of a batch.

    ``index`` is the input's position; ``inputs`` the arguments by parameter name; ``value`` the
    result (None if it failed); ``error`` the exception (None if it succeeded); ``elapsed`` the
    seconds from its first submission to its end; ``attempts`` how many times it was sent;
    ``cached`` whether it came from the cache without calling the app.
    """

    index: int
    inputs: Mapping[str, Any]
    value: Any = None
    error: BaseException | None = None
    elapsed: float = 0.0
    attempts: int = 0
    cached: bool = False
    # The input exactly as given, for items never bound (refused or not run): retry_failed
    # sends it again as it was. None for bound items, whose ``inputs`` hold every parameter.
    given: tuple[Any] | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> str:
        """"done", "cached", "failed" or "cancelled"."""
        if isinstance(self.error, JobCancelledError):
            return "cancelled"
        if self.error is not None:
            return "failed"
        return "cached" if self.cached else "done"


@dataclass(frozen=True)
class BatchSnapshot:
    """The live counts of a batch, frozen (safe to read from any thread).

    ``done`` counts every finished item (succeeded, failed, cancelled, cached); ``queued`` the
    items not started yet (None when the input length is unknown); ``throughput`` finished
    calls per second (cache hits excluded); ``eta`` seconds left at that rate, if known.

    ZeroGPU quota waits: ``quota_until`` is when (a local ``datetime``) the first replica waiting
    for its quota may call again, None when none waits; ``quota_error`` why (that replica's
    ``ZeroGPUQuotaError``); ``quota_paused`` how many replicas wait. A countdown is
    ``quota_until - datetime.now()``.
    """

    total: int | None
    read: int
    done: int
    succeeded: int
    failed: int
    cancelled: int
    cached: int
    running: int
    retrying: int
    queued: int | None
    concurrency: int
    throughput: float | None
    eta: float | None
    started_at: float
    finished_at: float | None
    finished: bool
    quota_until: datetime | None = None
    quota_error: ZeroGPUQuotaError | None = None
    quota_paused: int = 0

    @property
    def elapsed(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return max(0.0, end - self.started_at)


class Batch:
    """A run of one endpoint over many inputs: ``client.map(...)`` / ``client.sweep(...)``.

    ``len(batch)`` (when the input length is known), ``done()``, ``results(timeout)`` in input
    order, ``for item in batch`` (as each call finishes), ``await batch``, ``async for item in
    batch``, ``failed``, ``retry_failed()``, ``cancel()``, ``to_pandas()``, ``snapshot()`` and
    ``add_listener(fn)``.
    """

    def __init__(self, endpoint: Endpoint, *, total: int | None, errors: str,
                 retry: Callable[..., Batch]) -> None:
        self.endpoint = endpoint
        self.errors = errors
        self._total = total
        self._retry = retry
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._items: dict[int, Item] = {}
        self._order: list[int] = []  # indexes in the order they finished
        self._read = 0
        self._counts = {"done": 0, "failed": 0, "cancelled": 0, "cached": 0}
        self._error: BaseException | None = None  # errors="raise": the first failure
        self._fatal = False
        self._future: concurrent.futures.Future[list[Any]] = concurrent.futures.Future()
        self._future.set_running_or_notify_cancel()
        self._listeners: list[Listener] = []
        self._wakers: list[Callable[[], None]] = []
        self._started_at = time.monotonic()
        self._finished_at: float | None = None
        self._driver: Driver | None = None

    # -- recording (loop thread only) ------------------------------------------------------------

    def _record_read(self, count: int) -> None:
        with self._lock:
            self._read = count

    def _record(self, item: Item) -> None:
        with self._lock:
            self._items[item.index] = item
            self._order.append(item.index)
            self._counts[item.status] += 1
            self._changed.notify_all()
        self._notify()

    def _record_error(self, error: BaseException, *, fatal: bool = False) -> None:
        """The batch's own error: with errors="raise" the first failure; ``fatal`` errors
        (the inputs raised, the cache broke, no replica left for a generator) are raised by
        ``results()`` whatever ``errors`` says."""
        with self._lock:
            if self._error is None:
                self._error = error
                self._fatal = fatal

    def _finish(self) -> None:
        with self._lock:
            if self._future.done():
                return
            self._finished_at = time.monotonic()
            if self._total is None:
                self._total = self._read  # a generator: its length is known now
            error = self._error
            self._changed.notify_all()
        if error is not None and (self.errors == "raise" or self._fatal):
            self._future.set_exception(error)
        else:
            self._future.set_result(self._values())
        self._notify()

    def _values(self) -> list[Any]:
        with self._lock:
            items = [self._items[i] for i in sorted(self._items)]
        return [item.error if item.error is not None else item.value for item in items]

    def _notify(self) -> None:
        with self._lock:
            wakers, self._wakers = self._wakers, []
        for waker in wakers:
            waker()
        call_listeners(self._listeners, self.snapshot, "batch")

    # -- reading ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        if self._total is None:
            raise TypeError(
                "This batch's length is unknown (its inputs are a generator); use "
                "batch.snapshot().read for the inputs read so far."
            )
        return self._total

    def done(self) -> bool:
        """True once every item has finished (or the batch was cancelled)."""
        return self._future.done()

    @property
    def error(self) -> BaseException | None:
        """What stopped the batch early, if anything: the first failure with errors="raise",
        the inputs' own exception, a broken cache, or no replica left."""
        return self._error

    @property
    def failed(self) -> list[Item]:
        """The items that failed (cancelled ones included), in input order."""
        with self._lock:
            return [self._items[i] for i in sorted(self._items) if self._items[i].error is not None]

    @property
    def items(self) -> list[Item]:
        """The items finished so far, in input order."""
        with self._lock:
            return [self._items[i] for i in sorted(self._items)]

    def snapshot(self) -> BatchSnapshot:
        driver = self._driver
        running, retrying, window = driver.live_counts() if driver is not None else (0, 0, 0)
        quota_until, quota_error, quota_paused = (driver.quota_wait() if driver is not None
                                                  else (None, None, 0))
        now = time.monotonic()
        with self._lock:
            c = self._counts
            done = sum(c.values())
            finished = self._future.done()
            calls = c["done"] + c["failed"] + c["cancelled"]
            elapsed = (self._finished_at or now) - self._started_at
            throughput = calls / elapsed if calls and elapsed > 0 else None
            total = self._total
            queued = None if total is None else max(0, total - done - running - retrying)
            left = None if total is None else max(0, total - done)
            eta = (left / throughput) if throughput and left is not None and not finished else None
            return BatchSnapshot(
                total=total, read=self._read, done=done, succeeded=c["done"] + c["cached"],
                failed=c["failed"], cancelled=c["cancelled"], cached=c["cached"],
                running=0 if finished else running, retrying=0 if finished else retrying,
                queued=0 if finished else queued, concurrency=window,
                throughput=throughput, eta=0.0 if finished else eta,
                started_at=self._started_at, finished_at=self._finished_at, finished=finished,
                **({} if finished else dict(quota_until=quota_until, quota_error=quota_error,
                                            quota_paused=quota_paused)),
            )

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(snapshot)`` on the loop thread after every change. Returns a remover.

        Listeners must be quick and must not block (views throttle and hand off).
        """
        return add_listener(self._listeners, listener)

    # -- waiting ---------------------------------------------------------------------------------

    def results(self, timeout: float | None = None) -> list[Any]:
        """Wait for every item; their values in input order.

        With errors="collect" (the default) a failed item's slot holds its exception, as
        ``asyncio.gather(return_exceptions=True)`` does; with errors="raise" the first failure
        is raised. Ctrl-C cancels the batch (its remote jobs too) and raises KeyboardInterrupt.
        """
        if not self._future.done():
            _loop.check_may_block()
        try:
            return self._future.result(timeout)
        except concurrent.futures.TimeoutError:
            raise JobTimeoutError(
                f"The batch did not finish within {timeout} s; it is still running (batch.cancel() "
                "stops it)."
            ) from None
        except KeyboardInterrupt:
            self.cancel()
            raise

    def __iter__(self) -> Iterator[Item]:
        """Yield each ``Item`` as its call finishes (completion order)."""
        if not self._future.done():
            _loop.check_may_block()
        seen = 0
        try:
            while True:
                with self._lock:
                    while len(self._order) <= seen and not self._future.done():
                        self._changed.wait()
                    fresh = [self._items[i] for i in self._order[seen:]]
                    finished = self._future.done() and len(self._order) == seen + len(fresh)
                yield from fresh
                seen += len(fresh)
                if finished:
                    break
        except KeyboardInterrupt:
            self.cancel()
            raise
        self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._error is not None and (self.errors == "raise" or self._fatal):
            raise self._error

    def __await__(self) -> Generator[Any, None, list[Any]]:
        return asyncio.wrap_future(self._future).__await__()

    async def __aiter__(self) -> AsyncIterator[Item]:
        """``async for item in batch``: each ``Item`` as its call finishes."""
        seen = 0
        loop = asyncio.get_running_loop()
        while True:
            waiter = loop.create_future()

            def wake(waiter: asyncio.Future[None] = waiter) -> None:
                loop.call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(None))

            with self._lock:
                fresh = [self._items[i] for i in self._order[seen:]]
                finished = self._future.done()
                if not fresh and not finished:
                    self._wakers.append(wake)
            for item in fresh:
                yield item
            seen += len(fresh)
            if finished and not fresh:
                break
            if not fresh:
                await waiter
        self._raise_if_failed()

    # -- control ---------------------------------------------------------------------------------

    def cancel(self) -> bool:
        """End everything pending (remote jobs included); finished results stay. Returns False
        if the batch had already finished."""
        if self._future.done() or self._driver is None:
            return False
        driver = self._driver
        if _loop.in_loop_thread():
            driver.cancel()
        else:
            _loop.call_soon(driver.cancel)
            with self._lock:  # cancelling is prompt: wait for the batch to end, bounded
                self._changed.wait_for(self._future.done, timeout=10.0)
        return True

    def retry_failed(self, **options: Any) -> Batch:
        """A new batch (same client(s), endpoint and options) over the items that failed.

        ``options`` override ``map``'s keyword options for it, e.g. after a batch stopped on a
        ZeroGPU quota: ``batch.retry_failed(quota_wait=None)`` waits as long as it takes.
        """
        failed = self.failed
        if not failed:
            log.info("retry_failed(): no item failed; the new batch is empty")
        return self._retry(failed, **options)

    def to_pandas(self) -> Any:
        """The items as a DataFrame: input columns, output columns named as in ``view_api``,
        then status, error, elapsed_s, attempts, cached. Needs pandas
        (``pip install "gradio_nb[pandas]"``)."""
        from .table import to_pandas

        return to_pandas(self)

    def widget(self) -> Any:
        """A live card for this batch (Jupyter): counts, progress, failures, a gallery."""
        from .. import _hooks

        return _hooks.notebook().batch_widget(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        from .. import _hooks

        return _hooks.notebook().batch_mimebundle(self)

    def __reduce__(self) -> Any:
        raise TypeError(
            "A Batch cannot be pickled: it is tied to live connections and a running event loop. "
            "Pickle what made it instead (the app URL, the endpoint's api_name and the inputs), "
            "or the finished values: batch.results() or batch.to_pandas()."
        )

    def __repr__(self) -> str:
        s = self.snapshot()
        total = "?" if s.total is None else s.total
        state = "finished" if s.finished else "running"
        return (f"<Batch {self.endpoint.name} {state}: {s.done}/{total} done, {s.failed} failed, "
                f"{s.cached} cached>")
