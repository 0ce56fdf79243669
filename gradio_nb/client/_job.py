"""Job: one call of an endpoint, usable from sync code, from async code and from widgets.

``Job`` is a real ``concurrent.futures.Future``, as gradio_client's is, so ``wait``,
``as_completed``, ``add_done_callback``, ``result``, ``exception``, ``done`` and ``cancelled``
behave as for any future. The future stays PENDING while the job lives (gradio_nb runs no
executor, and a remote job can always be cancelled) and ends once, on the loop thread
(``_settle``): ``set_result``, ``set_exception``, or ``Future.cancel`` followed by
``set_running_or_notify_cancel``, which also wakes ``wait()``/``as_completed()`` waiters.

The job's protocol state (``JobState``) is changed only on the loop thread, under ``_lock``.
Everyone else reads: ``result()`` blocks on the future's condition; ``await job`` is woken by a
done callback through ``call_soon_threadsafe``; sync iteration waits on a
``threading.Condition``; async iteration is woken the same way as ``await``; listeners (the
notebook layer) are called on the loop thread and read ``snapshot()``. Nothing polls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Generator, Iterator, Mapping

from . import _callbacks, _loop
from ._listeners import add_listener, call_listeners
from ._exceptions import JobCancelledError, JobTimeoutError
from ._protocol.job_state import JobState, OutputUpdate, Phase, Status, StatusUpdate
from ._protocol.messages import Log, ProgressUnit

if TYPE_CHECKING:
    from ._protocol.endpoints import Endpoint

__all__ = ["Job", "JobSnapshot"]

Listener = Callable[["JobSnapshot"], None]


@dataclass(frozen=True)
class JobSnapshot:
    """An immutable picture of a job, safe to read from any thread."""

    code: Status
    rank: int | None
    queue_size: int | None
    eta: float | None
    eta_received_at: float | None
    progress: tuple[ProgressUnit, ...]
    logs: tuple[Log, ...]
    outputs: tuple[Any, ...]
    done: bool
    success: bool | None
    cancelled: bool
    result: Any
    error: BaseException | None
    submitted_at: float
    processing_at: float | None
    finished_at: float | None

    @property
    def elapsed(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return max(0.0, end - self.submitted_at)

    @property
    def eta_remaining(self) -> float | None:
        """The server's ETA counted down from when it was received."""
        if self.eta is None or self.eta_received_at is None or self.done:
            return None
        return max(0.0, self.eta - (time.monotonic() - self.eta_received_at))


class Job(concurrent.futures.Future):  # type: ignore[type-arg]
    """A submitted call: a ``concurrent.futures.Future``, as gradio_client's ``Job``, and awaitable.

    ``result(timeout)``, ``done()``, ``outputs()``, ``status()``, ``cancel()``, iteration over the
    outputs (``for value in job``), ``await job`` and ``async for update in job``; and, as any
    future, ``concurrent.futures.wait(jobs)`` and ``as_completed(jobs)``.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        arguments: Mapping[str, Any],
        *,
        canceller: Callable[[Job], bool],
        diffs: bool,
        verbose: bool = True,
        space_id: str | None = None,
    ) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.arguments = dict(arguments)
        self.submitted_at = time.monotonic()
        self.event_id: str | None = None
        self.session_hash: str | None = None
        self.verbose = verbose
        self.space_id = space_id
        self._canceller = canceller
        self._jobstate = JobState(diffs=diffs)  # not ``_state``: that one is the Future's
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._outputs: list[Any] = []
        self._final: Any = None  # the final value (not ``_result``: that one is the Future's)
        self._error: BaseException | None = None  # what result() raises, once done
        self._listeners: list[Listener] = []
        self._wakers: list[Callable[[], None]] = []
        self._cancel_requested = False
        self._never_sent = False  # refused before sending (see _fail_before_sending)
        self._request: tuple[list[Any], Mapping[str, str] | None] | None = None  # values, headers
        self._retried = 0  # times the app was asked again (ZeroGPU found no GPU)
        self._retry_wait: asyncio.Task[None] | None = None  # the backoff before the next try
        self._settling = False
        self._delivery: asyncio.Task[None] | None = None
        self._owner: Any = None  # set by the client; keeps it (and its connection) alive  # output processing chain (loop thread)

    # -- state changes (loop thread only) ----------------------------------------------------

    def _update(self, change: Callable[[JobState], Any]) -> Any:
        """Apply ``change`` to the state under the lock, then notify. Returns its result."""
        with self._lock:
            value = change(self._jobstate)
        self._notify(wake=False)
        return value

    def _add_output(self, value: Any, *, final: bool) -> None:
        with self._lock:
            if final:
                self._final = value
                if not self._outputs:
                    self._outputs.append(value)
            else:
                self._outputs.append(value)
        if final:
            self._settle()
        else:
            self._notify(wake=True)

    def _fail_delivery(self, error: BaseException) -> None:
        """An output could not be processed (e.g. a download failed): the job fails with it."""
        with self._lock:
            if not self._jobstate.fail(error, time.monotonic()):
                self._jobstate.error, self._jobstate.success = error, False
        self._settle()

    def _fail_before_sending(self, error: BaseException) -> None:
        """End a job that was never sent (its arguments were refused), in the submitting thread.

        The one change made outside the loop thread: nobody else has seen the job yet.
        Iterating such a job yields nothing and ends quietly, as in gradio_client; ``result()``
        raises ``error``.
        """
        self._never_sent = True
        with self._lock:
            self._jobstate.fail(error, time.monotonic())
        self._settle()

    def _settle(self) -> None:
        """Resolve the future from the (finished) state, exactly once.

        The future is resolved outside the lock: its done callbacks run right there and may
        read ``snapshot()``.
        """
        with self._lock:
            state = self._jobstate
            if self.done() or self._settling:
                return
            self._settling = True
            if state.cancelled:
                self._error = JobCancelledError(f"Job {self._label()} was cancelled.")
            else:
                self._error = state.error
        if state.cancelled:
            # PENDING -> CANCELLED wakes result() and runs the done callbacks; then
            # CANCELLED_AND_NOTIFIED tells wait()/as_completed() waiters, as an executor would.
            concurrent.futures.Future.cancel(self)
            self.set_running_or_notify_cancel()
        elif self._error is not None:
            self.set_exception(self._error)
        else:
            self.set_result(self._final)
        self._notify(wake=True)

    def _notify(self, *, wake: bool) -> None:
        """Tell readers. ``wake``: outputs or completion changed (sync iterators care only then)."""
        with self._lock:
            if wake:
                self._changed.notify_all()
            wakers, self._wakers = self._wakers, []
        for waker in wakers:
            waker()
        call_listeners(self._listeners, self.snapshot, "job")

    def _label(self) -> str:
        return self.endpoint.name + (f" (event {self.event_id})" if self.event_id else "")

    # -- reading ---------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The ``Client`` or ``AsyncClient`` that submitted this job."""
        return self._owner

    def snapshot(self) -> JobSnapshot:
        done = self.done()
        with self._lock:
            s = self._jobstate
            return JobSnapshot(
                code=s.code,
                rank=s.rank,
                queue_size=s.queue_size,
                eta=s.eta,
                eta_received_at=s.eta_received_at,
                progress=s.progress,
                logs=tuple(s.logs),
                outputs=tuple(self._outputs),
                done=done,
                success=s.success if done else None,
                cancelled=s.cancelled,
                result=self._final,
                error=s.error,
                submitted_at=self.submitted_at,
                processing_at=s.processing_at,
                finished_at=s.finished_at,
            )

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(snapshot)`` on the loop thread after every change. Returns a remover."""
        return add_listener(self._listeners, listener)

    def add_done_callback(self, fn: Callable[[Job], Any]) -> None:  # type: ignore[override]
        """Call ``fn(job)`` once the job has ended (at once if it has), as ``Future`` does.

        Callbacks of jobs that end later run on gradio_nb's callback thread, never on the loop
        thread, so they may block or call ``result()`` (as in gradio_client).
        """

        def call(_: concurrent.futures.Future[Any]) -> None:
            if _loop.in_loop_thread():
                _callbacks.run(fn, self)
            else:
                fn(self)

        super().add_done_callback(call)

    def _when_done(self, fn: Callable[[Job], Any]) -> None:
        """Call ``fn(job)`` where the job ends (the loop thread), or at once if it has ended.

        For the core's own bookkeeping (batches), which must not wait for the callback thread:
        ``fn`` must be quick and must not block.
        """
        concurrent.futures.Future.add_done_callback(self, lambda _: fn(self))

    def running(self) -> bool:
        """True from submit until the job ends, queued included, as in gradio_client.

        ``status().code`` tells a queued job (``IN_QUEUE``) from a running one (``PROCESSING``).
        """
        return not self.done()

    def status(self) -> StatusUpdate:
        """The latest status, as gradio_client's ``StatusUpdate``."""
        now = datetime.now()
        done = self.done()
        with self._lock:
            s = self._jobstate
            if s.cancelled:
                return StatusUpdate(Status.CANCELLED, 0, None, None, False, now, None)
            if done:
                return StatusUpdate(Status.FINISHED, 0, None, None, s.error is None, now,
                                    list(s.progress) or None)
            log = (s.logs[-1].log, s.logs[-1].level) if s.logs else None
            return StatusUpdate(
                code=s.code,
                rank=s.rank,
                queue_size=s.queue_size,
                eta=s.eta if s.phase is Phase.QUEUED else None,
                success=None,
                time=now,
                progress_data=list(s.progress) or None,
                log=log,
            )

    def outputs(self) -> list[Any]:
        """Every output so far: each generator yield, or the single final value."""
        with self._lock:
            return list(self._outputs)

    @property
    def logs(self) -> list[Log]:
        """``gr.Info``/``gr.Warning``/``gr.Success`` messages the app sent for this job."""
        with self._lock:
            return list(self._jobstate.logs)

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the final value (the last yield for generators) and return it.

        Raises the job's error, ``JobCancelledError`` (a ``CancelledError``) for a cancelled
        job, or ``JobTimeoutError`` (a ``TimeoutError``) when ``timeout`` runs out.
        """
        if not self.done():
            _loop.check_may_block()
        try:
            return super().result(timeout)
        except (concurrent.futures.CancelledError, TimeoutError) as exc:
            raise self._translated(exc, timeout) from None

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The job's error, or None if it succeeded; raises as ``result()`` for a cancelled job."""
        if not self.done():
            _loop.check_may_block()
        try:
            return super().exception(timeout)
        except (concurrent.futures.CancelledError, TimeoutError) as exc:
            raise self._translated(exc, timeout) from None

    def _translated(self, exc: BaseException, timeout: float | None) -> BaseException:
        """Future's bare CancelledError/TimeoutError, as ours (with what happened and what to do)."""
        if self.cancelled() and self._error is not None:
            return self._error
        if not self.done():
            return JobTimeoutError(
                f"Job {self._label()} did not finish within {timeout} s; it is still running "
                "(call job.cancel() to stop it)."
            )
        return exc  # the job's own error happened to be one of these

    def cancel(self) -> bool:
        """Cancel the job. Returns False if it had already finished.

        A queued job is removed from the queue and never runs; a running generator stops after
        its current iteration. Other jobs of the same Client are not affected.
        """
        if self.done():
            return False
        return bool(self._canceller(self))

    # -- waiting ---------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Any]:
        """Yield each output as it arrives; raise the job's error, if any, at the end.

        A cancelled job, or one whose arguments were refused before sending, ends quietly.
        """
        if not self.done():
            _loop.check_may_block()
        seen = 0
        while True:
            with self._lock:
                while len(self._outputs) <= seen and not self._settled():
                    self._changed.wait()
                fresh = self._outputs[seen:]
                finished = self._settled()
            for value in fresh:
                yield value
            seen += len(fresh)
            if finished and seen >= len(self.outputs()):
                break
        error = self._error
        if error is not None and not isinstance(error, JobCancelledError) and not self._never_sent:
            raise error

    def _settled(self) -> bool:
        """``done()`` for code that holds ``_lock`` (``_settle`` sets ``_settling`` under it)."""
        return self._settling

    def __await__(self) -> Generator[Any, None, Any]:
        return self._wait_async().__await__()

    async def _wait_async(self) -> Any:
        """``await job``: the result, or the job's error (``JobCancelledError`` if cancelled).

        Not ``asyncio.wrap_future``: for a cancelled future it would raise
        ``asyncio.CancelledError``, which means "this task was cancelled" to the caller's loop.
        """
        if not self.done():
            loop = asyncio.get_running_loop()
            waiter = loop.create_future()

            def wake(_: concurrent.futures.Future[Any]) -> None:
                if not loop.is_closed():
                    loop.call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(None))

            concurrent.futures.Future.add_done_callback(self, wake)  # the loop thread: quick
            await waiter
        if self._error is not None:
            raise self._error
        return self._final

    async def _changed_async(self) -> None:
        """Wait (in whatever loop runs this) until anything about the job changes."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(None))

        with self._lock:
            if self._settled():
                return
            self._wakers.append(wake)
        await waiter

    async def __aiter__(self) -> AsyncIterator[StatusUpdate | OutputUpdate]:
        """Yield every output as an ``OutputUpdate`` and status changes as ``StatusUpdate``.

        The last update is ``OutputUpdate(final=True)``, as in gradio_client.
        """
        seen = 0
        last_code: Status | None = None
        while True:
            with self._lock:
                fresh = self._outputs[seen:]
                finished = self._settled()
            if not finished:
                status = self.status()
                if status.code is not last_code:
                    last_code = status.code
                    yield status
            for value in fresh:
                yield OutputUpdate(outputs=value, success=True)
            seen += len(fresh)
            if finished:
                break
            await self._changed_async()
        error = self._error
        yield OutputUpdate(
            outputs=None if error is not None else self._final, success=error is None, final=True
        )

    def widget(self) -> Any:
        """A live card for this job (Jupyter)."""
        from . import _hooks

        return _hooks.notebook().job_widget(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        from . import _hooks

        return _hooks.notebook().job_mimebundle(self)

    def __repr__(self) -> str:
        s = self.snapshot()
        state = "cancelled" if s.cancelled else ("done" if s.done else s.code.value.lower())
        return f"<Job {self.endpoint.name} {state}>"

    def __reduce__(self) -> Any:
        raise TypeError(
            "A Job cannot be pickled: it is a call in flight on this process's connection. "
            "Send the client or the endpoint (client.api.<name>) and the arguments instead, "
            "and call or submit there."
        )
