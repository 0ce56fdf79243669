"""The batch driver: carries out the ``Policy``'s actions on the loop thread.

One task per batch (not per item): read the next input, bind and validate it, look it up in the
cache, submit it as a ``Job``; each job's end is an event for the policy. Between events the
task waits on an ``asyncio.Event``, with a timer only when a retry or a pause is due.
A ZeroGPU quota refusal either pauses its replica (the policy decides) or stops the batch: then
every unfinished item fails with that refusal, so ``retry_failed()`` resumes exactly them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from .. import _loop
from .._exceptions import (
    ConnectionFailed,
    GradioNBError,
    JobCancelledError,
    ProtocolError,
    ZeroGPUQuotaError,
)
from .batch import Batch, Item
from .inputs import as_call
from .policy import Fail, Outcome, Policy, Verdict, classify

if TYPE_CHECKING:
    from .._client import _ClientBase
    from .._job import Job
    from .._protocol.endpoints import Endpoint
    from .cache import ResultCache

__all__ = ["Driver"]

log = logging.getLogger("gradio_nb")

# Inputs read (cache hits, refused items) before the driver lets other tasks of the loop run.
_YIELD_EVERY = 256

# The loop keeps only weak references to tasks: a batch its user dropped still runs to its end.
_running: set[Driver] = set()


@dataclass
class _Pending:
    """An item read from the inputs and not finished yet."""

    arguments: Mapping[str, Any]
    values: list[Any]
    key: str | None
    first_sent: float | None = None
    attempts: int = 0
    job: Job | None = None
    replica: int = 0


class Driver:
    """Runs one batch over its replicas (loop thread only, except ``__init__``)."""

    def __init__(self, batch: Batch, clients: Sequence[_ClientBase], endpoints: Sequence[Endpoint],
                 source: Iterator[Any], policy: Policy, *, cache: ResultCache | None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.batch = batch
        self.clients = list(clients)
        self.endpoints = list(endpoints)
        self._names = [p.name for p in self.endpoints[0].parameters] if self.endpoints[0].documented else []
        self.source = source
        self.policy = policy
        self.cache = cache
        if cache is not None:
            from .cache import cache_key  # sqlite3 is imported only for batches with a cache

            self._key = cache_key
        self.headers = dict(headers) if headers else None
        self._pending: dict[int, _Pending] = {}
        self._read = 0
        self._sessions: list[Any] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._cancelling = False
        self._last_lost: dict[int, BaseException] = {}
        self._quota_errors: dict[int, ZeroGPUQuotaError] = {}  # replica -> its last refusal
        self._stop_error: BaseException | None = None  # a quota wait too long stopped the batch
        self._quota_shown: float | None = None  # the quota wait's end the listeners last saw

    # -- life cycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Loop thread: begin the batch."""
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="gradio_nb-batch")
        _running.add(self)
        self._task.add_done_callback(lambda _: _running.discard(self))

    def live_counts(self) -> tuple[int, int, int]:
        """(running, waiting for a retry, window): read without a lock, for snapshots."""
        policy = self.policy
        return policy.running, policy.waiting, policy.window

    def quota_wait(self) -> tuple[datetime | None, ZeroGPUQuotaError | None, int]:
        """(until when, why, replicas paused) of the batch's ZeroGPU quota wait, for snapshots:
        the paused replica that resumes first; (None, None, 0) when none waits."""
        now = time.monotonic()
        paused = self.policy.quota_paused(now)
        if not paused:
            return None, None, 0
        first = min(paused, key=lambda n: self.policy.replicas[n].quota_until)
        until = datetime.now() + timedelta(seconds=self.policy.replicas[first].quota_until - now)
        return until, self._quota_errors.get(first), len(paused)

    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        try:
            self._sessions = [c._app.batch_session(e) for c, e in zip(self.clients, self.endpoints)]
            while True:
                self._wake.clear()
                await self._step()
                self._show_quota_wait()
                if self.policy.idle:
                    break
                wake_at = self.policy.next_wakeup(time.monotonic())
                timer = None if wake_at is None else loop.call_at(wake_at, self._wake.set)
                try:
                    await self._wake.wait()
                finally:
                    if timer is not None:
                        timer.cancel()
        except asyncio.CancelledError:
            self._cancel_all(ConnectionFailed("The batch was stopped while this item was pending."))
            raise
        except GradioNBError as exc:  # the cache broke (CacheError): stop, never a wrong result
            self.batch._record_error(exc, fatal=True)
            self._cancel_all(JobCancelledError(f"The batch stopped: {exc}"))
        except Exception as exc:  # noqa: BLE001 - a batch must end, whatever happened
            log.exception("batch driver failed")
            self.batch._record_error(ProtocolError(f"The batch stopped on an internal error: {exc!r}"),
                                     fatal=True)
            self._cancel_all(JobCancelledError("The batch stopped on an internal error."))
        finally:
            for client, session in zip(self.clients, self._sessions):
                if session is not None and not client._app.closed:
                    await client._app.end_batch_session(session)
            if self.cache is not None:
                self.cache.close()
            self.batch._finish()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # -- carrying out actions ----------------------------------------------------------------------

    async def _step(self) -> None:
        policy = self.policy
        served = 0
        while True:
            actions = policy.decide(time.monotonic())
            if not actions:
                break
            for action in actions:
                if isinstance(action, Fail):
                    self._fail_unrun(action.index)
                elif action.index is None:
                    served += not self._start_next(action.replica)
                else:
                    self._send(action.index, action.replica)
            if served >= _YIELD_EVERY:  # a long run of cache hits: let other tasks run
                served = 0
                await asyncio.sleep(0)
        if policy.dead and not policy.source_done:
            error = self._dead_error()
            self.batch._record_error(error, fatal=self.batch._total is None)
            await self._end_unread(error)
        elif policy.stopped and not policy.source_done:
            await self._end_unread(self._stop_error
                                   or JobCancelledError("The batch was cancelled before this item ran."))

    def _start_next(self, replica: int) -> bool:
        """Read and start the next input. False if nothing was sent (cache hit, bad item, end)."""
        policy = self.policy
        try:
            item = next(self.source)
        except StopIteration:
            policy.release(replica, exhausted=True)
            return False
        except Exception as exc:  # noqa: BLE001 - the user's generator raised
            policy.release(replica, exhausted=True)
            # The batch ends with what it has; batch.error (raised with errors="raise") says why.
            self.batch._record_error(exc, fatal=True)
            log.error("the batch's inputs raised %r after %d item(s); no more items are read",
                      exc, self._read)
            return False
        index = self._read
        self._read += 1
        self.batch._record_read(self._read)
        client = self.clients[replica]
        args, kwargs = as_call(item)
        try:
            _, values, arguments, refused = client._bind(args, kwargs, self.endpoints[replica].api_name,
                                                         self.endpoints[replica].fn_index)
            if refused is not None:
                raise refused
        except GradioNBError as exc:  # a bad item fails alone, before anything is sent for it
            policy.release(replica)
            self._record(index, Item(index, _given(args, kwargs, self._names), error=exc, given=(item,)))
            return False
        key = self._key(client.src, self.endpoints[replica], values) if self.cache else None
        if key is not None and self.cache is not None:
            hit, value = self.cache.get(key)
            if hit:
                policy.release(replica)
                self._record(index, Item(index, arguments, value=value, cached=True))
                return False
        self._pending[index] = _Pending(arguments, values, key)
        policy.assign(replica, index, time.monotonic())
        self._send(index, replica)
        return True

    def _send(self, index: int, replica: int) -> None:
        pending = self._pending[index]
        pending.attempts += 1
        if pending.first_sent is None:
            pending.first_sent = time.monotonic()
        client = self.clients[replica]
        app = client._app
        session = self._sessions[replica] if self._sessions else None
        if session is None and self.endpoints[replica].has_state and not app.closed:
            session = app.fresh_session()  # State: every item starts from the initial value
        job = client._new_job(self.endpoints[replica], pending.values, dict(pending.arguments),
                              self.headers, None, session=session, announce=False)
        pending.job, pending.replica = job, replica
        job._when_done(lambda done, i=index, r=replica: _loop.call_soon(self._job_done, i, r, done))

    def _job_done(self, index: int, replica: int, job: Job) -> None:
        try:
            error = job.exception(timeout=0)
        except concurrent.futures.CancelledError as exc:  # JobCancelledError is one
            error = exc
        outcome = classify(error)
        if self._cancelling and outcome is not Outcome.OK:
            outcome = Outcome.FATAL
        policy = self.policy
        was_alive = policy.replicas[replica].alive
        retry_after = getattr(error, "retry_after", None)
        if isinstance(retry_after, timedelta):  # a ZeroGPU quota's wait
            retry_after = retry_after.total_seconds()
        now = time.monotonic()
        verdict, at = policy.finished(index, replica, outcome, now, retry_after)
        if isinstance(error, ZeroGPUQuotaError):
            self._quota_errors[replica] = error
        if outcome is Outcome.CONNECTION_LOST and error is not None:
            self._last_lost[replica] = error
        if was_alive and not policy.replicas[replica].alive:
            self._replica_died(replica)
        pending = self._pending.get(index)
        if verdict is Verdict.STALE or pending is None:
            self._poke()  # its slot is free (or, once stopped, the batch may be idle now)
            return
        if verdict is Verdict.DONE:
            value = job.result()
            if pending.key is not None and self.cache is not None:
                self.cache.put(pending.key, value)
            self._finish_item(index, value=value)
        elif verdict is Verdict.FAILED:
            self._finish_item(index, error=error)
            if self.batch.errors == "raise" and not self._cancelling and error is not None:
                self.batch._record_error(error)
                self.cancel()
        elif verdict is Verdict.REQUEUED:
            until = datetime.now() + timedelta(seconds=(at or now) - now)
            log.info("%s: ZeroGPU quota spent on %s; its calls wait until %s",
                     self.batch.endpoint.name, self.clients[replica].src, f"{until:%H:%M:%S}")
        elif verdict is Verdict.STOP:
            assert error is not None
            self._stop_on_quota(error)
        self._show_quota_wait()
        self._poke()

    def _show_quota_wait(self) -> None:
        """Tell the listeners (tqdm, cards) when a quota wait starts, moves or ends: no item
        finishes then, so no other change would."""
        paused = self.policy.quota_paused(time.monotonic())
        until = min((self.policy.replicas[n].quota_until for n in paused), default=None)
        if until != self._quota_shown:
            self._quota_shown = until
            self.batch._notify()

    def _stop_on_quota(self, error: BaseException) -> None:
        """A quota wait longer than ``quota_wait``: finished items stay; every other one fails
        now with ``error`` (those in flight are cancelled, the unread ones in ``_step``)."""
        self._stop_error = error
        self.batch._record_error(error)
        log.warning("%s: the batch stopped: %s", self.batch.endpoint.name, str(error).splitlines()[0])
        for index, pending in list(self._pending.items()):
            if pending.job is not None and not pending.job.done():
                pending.job.cancel()
            self._finish_item(index, error=error)

    def _replica_died(self, replica: int) -> None:
        """Its in-flight items moved to the queue (policy); drop their old jobs."""
        why = self._last_lost.get(replica)
        log.warning("replica %s stopped answering (%s); its items move to the other replicas",
                    self.clients[replica].src, why)
        for pending in self._pending.values():
            job = pending.job
            if job is not None and not job.done() and pending.replica == replica:
                job.cancel()

    # -- ending items ------------------------------------------------------------------------------

    def _finish_item(self, index: int, *, value: Any = None, error: BaseException | None = None) -> None:
        pending = self._pending.pop(index)
        elapsed = time.monotonic() - pending.first_sent if pending.first_sent is not None else 0.0
        self._record(index, Item(index, pending.arguments, value=value, error=error,
                                 elapsed=elapsed, attempts=pending.attempts))

    def _record(self, index: int, item: Item) -> None:
        self.batch._record(item)

    def _dead_error(self) -> ConnectionFailed:
        where = ", ".join(c.src for c in self.clients)
        last = next(iter(self._last_lost.values()), None)
        return ConnectionFailed(
            f"No replica of this batch is reachable any more ({where}; last error: {last}). "
            "This item was not run: run the batch again when the app is back (with cache=... "
            "only the unfinished items run)."
        )

    def _fail_unrun(self, index: int) -> None:
        if index in self._pending:
            self._finish_item(index, error=self._dead_error())

    async def _end_unread(self, error: BaseException) -> None:
        """The batch stops early (cancelled, no replica left). Inputs of known length each get
        an item with ``error``, so ``results()`` has one slot per input; a generator is not
        read further (it may never end)."""
        self.policy.source_done = True
        if self.batch._total is None:
            return
        for count, item in enumerate(self.source, 1):
            index = self._read
            self._read += 1
            args, kwargs = as_call(item)
            self._record(index, Item(index, _given(args, kwargs, self._names), error=error, given=(item,)))
            if count % _YIELD_EVERY == 0:
                self.batch._record_read(self._read)
                await asyncio.sleep(0)
        self.batch._record_read(self._read)

    def cancel(self) -> None:
        """Loop thread: stop reading inputs, end waiting items, cancel the jobs in flight."""
        if self._cancelling:
            return
        self._cancelling = True
        for index in self.policy.stop():
            if index in self._pending:
                self._finish_item(index, error=JobCancelledError("The batch was cancelled."))
        for pending in list(self._pending.values()):
            if pending.job is not None and not pending.job.done():
                pending.job.cancel()
        self._poke()

    def _cancel_all(self, error: BaseException) -> None:
        self.policy.stop()
        for index, pending in list(self._pending.items()):
            if pending.job is not None and not pending.job.done():
                pending.job.cancel()
            self._finish_item(index, error=error)


def _given(args: tuple[Any, ...], kwargs: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """The inputs of an item that was not bound (it could not be, or it was never read), named
    by the endpoint's parameters where they can be, so its row sits under the right columns."""
    positional = {(names[i] if i < len(names) else f"arg{i}"): v for i, v in enumerate(args)}
    return {**positional, **kwargs}
