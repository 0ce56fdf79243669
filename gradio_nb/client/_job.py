"""Job: one call of an endpoint, usable from sync code, from async code and from widgets.

The job's protocol state (``JobState``) is changed only on the loop thread, under ``_lock``.
Everyone else reads: ``result()`` blocks on a ``concurrent.futures.Future``; ``await job``
wraps that future for the caller's loop; sync iteration waits on a ``threading.Condition``;
async iteration is woken through ``call_soon_threadsafe``; listeners (the notebook layer) are
called on the loop thread and read ``snapshot()``. Nothing polls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Generator, Iterator, Mapping

from . import _loop
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


class Job:
    """A submitted call. Compatible with gradio_client's ``Job``, and awaitable.

    ``result(timeout)``, ``done()``, ``outputs()``, ``status()``, ``cancel()``, iteration over the
    outputs (``for value in job``), ``await job`` and ``async for update in job``.
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
        self.endpoint = endpoint
        self.arguments = dict(arguments)
        self.submitted_at = time.monotonic()
        self.event_id: str | None = None
        self.session_hash: str | None = None
        self.verbose = verbose
        self.space_id = space_id
        self._canceller = canceller
        self._state = JobState(diffs=diffs)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._outputs: list[Any] = []
        self._result: Any = None
        self._future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._future.set_running_or_notify_cancel()
        self._listeners: list[Listener] = []
        self._wakers: list[Callable[[], None]] = []
        self._cancel_requested = False
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
            value = change(self._state)
        self._notify(wake=False)
        return value

    def _add_output(self, value: Any, *, final: bool) -> None:
        with self._lock:
            if final:
                self._result = value
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
            if not self._state.fail(error, time.monotonic()):
                self._state.error, self._state.success = error, False
        self._settle()

    def _settle(self) -> None:
        """Resolve the completion future from the (finished) state, exactly once.

        The future is resolved outside the lock: its done callbacks run right there and may
        read ``snapshot()``.
        """
        with self._lock:
            state = self._state
            if self._future.done() or self._settling:
                return
            self._settling = True
            if state.cancelled:
                error: BaseException | None = JobCancelledError(f"Job {self._label()} was cancelled.")
            else:
                error = state.error
            result = self._result
        if error is not None:
            self._future.set_exception(error)
        else:
            self._future.set_result(result)
        self._notify(wake=True)

    def _notify(self, *, wake: bool) -> None:
        """Tell readers. ``wake``: outputs or completion changed (sync iterators care only then)."""
        with self._lock:
            if wake:
                self._changed.notify_all()
            wakers, self._wakers = self._wakers, []
        for waker in wakers:
            waker()
        if self._listeners:
            snapshot = self.snapshot()
            for listener in list(self._listeners):
                try:
                    listener(snapshot)
                except Exception:  # noqa: BLE001 - a broken view must not break the job
                    import logging

                    logging.getLogger("gradio_nb").exception("job listener failed")

    def _label(self) -> str:
        return self.endpoint.name + (f" (event {self.event_id})" if self.event_id else "")

    # -- reading ---------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The ``Client`` or ``AsyncClient`` that submitted this job."""
        return self._owner

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            s = self._state
            return JobSnapshot(
                code=s.code,
                rank=s.rank,
                queue_size=s.queue_size,
                eta=s.eta,
                eta_received_at=s.eta_received_at,
                progress=s.progress,
                logs=tuple(s.logs),
                outputs=tuple(self._outputs),
                done=self._future.done(),
                success=s.success if self._future.done() else None,
                cancelled=s.cancelled,
                result=self._result,
                error=s.error,
                submitted_at=self.submitted_at,
                processing_at=s.processing_at,
                finished_at=s.finished_at,
            )

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(snapshot)`` on the loop thread after every change. Returns a remover."""
        self._listeners.append(listener)

        def remove() -> None:
            try:
                self._listeners.remove(listener)
            except ValueError:
                pass

        return remove

    def add_done_callback(self, fn: Callable[[Job], Any]) -> None:
        """Call ``fn(job)`` once the job has finished (at once if it already has)."""
        self._future.add_done_callback(lambda _: fn(self))

    def done(self) -> bool:
        return self._future.done()

    def status(self) -> StatusUpdate:
        """The latest status, as gradio_client's ``StatusUpdate``."""
        now = datetime.now()
        with self._lock:
            s = self._state
            if s.cancelled:
                return StatusUpdate(Status.CANCELLED, 0, None, None, False, now, None)
            if self._future.done():
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
            return list(self._state.logs)

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the final value (the last yield for generators) and return it."""
        if not self._future.done():
            _loop.check_may_block()
        try:
            return self._future.result(timeout)
        except concurrent.futures.TimeoutError:
            raise JobTimeoutError(
                f"Job {self._label()} did not finish within {timeout} s; it is still running "
                "(call job.cancel() to stop it)."
            ) from None

    def exception(self, timeout: float | None = None) -> BaseException | None:
        return self._future.exception(timeout)

    def cancel(self) -> bool:
        """Cancel the job. Returns False if it had already finished.

        A queued job is removed from the queue and never runs; a running generator stops after
        its current iteration. Other jobs of the same Client are not affected.
        """
        if self._future.done():
            return False
        return bool(self._canceller(self))

    # -- waiting ---------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Any]:
        """Yield each output as it arrives; raise the job's error, if any, at the end."""
        if not self._future.done():
            _loop.check_may_block()
        seen = 0
        while True:
            with self._lock:
                while len(self._outputs) <= seen and not self._future.done():
                    self._changed.wait()
                fresh = self._outputs[seen:]
                finished = self._future.done()
            for value in fresh:
                yield value
            seen += len(fresh)
            if finished and seen >= len(self.outputs()):
                break
        error = self._future.exception()
        if error is not None and not isinstance(error, JobCancelledError):
            raise error

    def __await__(self) -> Generator[Any, None, Any]:
        return asyncio.wrap_future(self._future).__await__()

    async def _changed_async(self) -> None:
        """Wait (in whatever loop runs this) until anything about the job changes."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(None))

        with self._lock:
            if self._future.done():
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
                finished = self._future.done()
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
        error = self._future.exception()
        yield OutputUpdate(
            outputs=None if error is not None else self._result, success=error is None, final=True
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
