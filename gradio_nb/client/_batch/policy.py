"""The batch scheduler as a pure policy: events and a clock in, actions out. No I/O, no sleep.

Theory of operation
-------------------
Each replica (a client of the app) has a *window*: how many of the batch's jobs it may have in
flight. The window starts at the replica's cap and follows AIMD: a 429 halves it (once per round
of jobs: a 429 from a job started before the last decrease does not count again), each success
adds ``1/window`` (about +1 per window of successes) up to the cap. ``decide(now)`` fills every
live, unpaused replica's free slots, retries first (those whose delay has passed), then fresh
items (``Start(None, r)``: the driver pulls the next input, then calls ``assign`` or
``release``). The driver reports each job's end with ``finished``; the policy answers whether the
item is done, failed, or will be retried (and when).

Retries: 429, 503 and lost connections, up to ``retries`` times per item, after
``base * 2**(n-1)`` seconds (capped) plus up to ``jitter`` of that at random; a ``Retry-After``
hint is a floor, and a 429's hint also pauses the replica until then. App errors never retry.

Replicas: ``dead_after`` lost connections in a row (no success between) declare a replica dead.
Its in-flight items go back to the queue at once, without using a retry, and run on the others;
``replica_lost`` returns them so the driver can drop their old jobs (a stale ``finished`` for a
moved item is ignored). With no live replica left, ``decide`` fails what waits
(``Fail``) and ``dead`` tells the driver to fail the inputs not read yet.

ZeroGPU quotas (``Outcome.QUOTA``): the refusal says when the caller's quota allows again
(``retry_after``; unknown: ``quota_probe`` seconds). That replica starts nothing before then
and the item goes back to the queue at once (``Verdict.REQUEUED``), for the other replicas or
for this one when its pause ends: its attempt counts, not as a failure (nor as a retry). A wait longer than ``quota_wait`` (None: any wait is accepted) stops the batch instead
(``Verdict.STOP``): the driver fails every unfinished item with that refusal. A quota refusal or
a "pending credits exceeded" (``Outcome.PENDING_CREDITS``: a 429 of ZeroGPU, retried and halving
the window like one) also stops the replica's window from growing again: a ZeroGPU Space, whose
window starts at 1 (``start=``), grows only while neither comes.
"""

from __future__ import annotations

import enum
import heapq
import random
from dataclasses import dataclass, field
from typing import Sequence

from .._exceptions import (
    ConnectionFailed,
    JobLostError,
    QueueError,
    TooManyRequestsError,
    ZeroGPUQuotaError,
    ZeroGPUUnavailableError,
)

__all__ = ["Outcome", "Verdict", "Start", "Fail", "Policy", "classify"]


class Outcome(enum.Enum):
    """How one job of an item ended, as far as scheduling cares."""

    OK = "ok"
    FATAL = "fatal"  # the app's error, bad input, cancelled: never retried
    RATE_LIMITED = "rate_limited"  # HTTP 429
    RETRYABLE = "retryable"  # HTTP 503 (queue full or stopped)
    CONNECTION_LOST = "connection_lost"  # the replica could not be reached / the stream broke
    QUOTA = "quota"  # ZeroGPU: the caller's GPU quota ran out until retry_after
    PENDING_CREDITS = "pending_credits"  # ZeroGPU: too many of the caller's tasks at once


class Verdict(enum.Enum):
    """What ``Policy.finished`` decided for the item."""

    DONE = "done"
    FAILED = "failed"
    RETRY = "retry"
    STALE = "stale"  # a job of an item that has moved on (replica died): ignore it
    REQUEUED = "requeued"  # a quota wait: the item runs again when its replica's pause ends
    STOP = "stop"  # a quota wait longer than quota_wait: the item and every unfinished one fail


def classify(error: BaseException | None) -> Outcome:
    """Map a job's error to an ``Outcome`` (None means success)."""
    if error is None:
        return Outcome.OK
    if isinstance(error, TooManyRequestsError):
        return Outcome.RATE_LIMITED
    if isinstance(error, ZeroGPUQuotaError):
        return Outcome.QUOTA
    if isinstance(error, ZeroGPUUnavailableError):
        return Outcome.PENDING_CREDITS if error.reason == "pending_credits" else Outcome.RETRYABLE
    if isinstance(error, (QueueError, JobLostError)):  # the app is up; this call failed
        return Outcome.RETRYABLE
    if isinstance(error, ConnectionFailed):
        return Outcome.CONNECTION_LOST
    return Outcome.FATAL


@dataclass(frozen=True)
class Start:
    """Start a job on ``replica``: for item ``index``, or (None) for the next input."""

    replica: int
    index: int | None


@dataclass(frozen=True)
class Fail:
    """Give up on item ``index``: no replica is left to run it."""

    index: int


@dataclass
class _Replica:
    cap: int
    window: float
    alive: bool = True
    paused_until: float = 0.0
    in_flight: dict[int, float] = field(default_factory=dict)  # index -> started at
    reserved: int = 0  # Start(None) actions the driver has not assigned yet
    lost_in_a_row: int = 0
    last_decrease: float = float("-inf")
    grows: bool = True  # False once a ZeroGPU quota or pending-credits refusal came
    quota_until: float = 0.0  # paused for a ZeroGPU quota until then

    @property
    def limit(self) -> int:
        return max(1, int(self.window))

    @property
    def busy(self) -> int:
        return len(self.in_flight) + self.reserved


class Policy:
    """Decides what a batch does next. Loop-thread code owns it; nothing in it blocks."""

    def __init__(
        self,
        caps: Sequence[int],
        *,
        retries: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        jitter: float = 0.5,
        dead_after: int = 3,
        quota_wait: float | None = 1800.0,
        quota_probe: float = 60.0,
        start: Sequence[int | None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """``caps``: each replica's most jobs in flight; ``start``: its first window (None or
        left out: its cap); ``quota_wait``: the longest ZeroGPU quota wait to accept (None: any);
        ``quota_probe``: the wait when a quota refusal gives no time."""
        if not caps or any(c < 1 for c in caps):
            raise ValueError("every replica needs a concurrency of at least 1")
        firsts = list(start) if start is not None else [None] * len(caps)
        self.replicas = [_Replica(cap=c, window=float(min(c, f) if f else c))
                         for c, f in zip(caps, firsts)]
        self.quota_wait, self.quota_probe = quota_wait, quota_probe
        self.retries = retries
        self.base_delay, self.max_delay, self.jitter = base_delay, max_delay, jitter
        self.dead_after = dead_after
        self._rng = rng or random.Random()
        self._waiting: list[tuple[float, int, int]] = []  # heap of (ready at, seq, index)
        self._seq = 0
        self.failures: dict[int, int] = {}  # index -> retried failures so far (live items only)
        self.source_done = False
        self.stopped = False

    # -- queries -----------------------------------------------------------------------------

    @property
    def dead(self) -> bool:
        """No replica is alive: nothing can run any more."""
        return not any(r.alive for r in self.replicas)

    @property
    def running(self) -> int:
        return sum(len(r.in_flight) for r in self.replicas)

    @property
    def waiting(self) -> int:
        """Items waiting for a retry (or for a slot after their replica died)."""
        return len(self._waiting)

    @property
    def window(self) -> int:
        """Jobs the batch may have in flight right now, over its live replicas."""
        return sum(r.limit for r in self.replicas if r.alive)

    @property
    def idle(self) -> bool:
        """Nothing in flight, nothing waiting, and no input left (or stopped)."""
        if any(r.busy for r in self.replicas):
            return False
        return self.stopped or (self.source_done and not self._waiting)

    def replica_of(self, index: int) -> int | None:
        for number, replica in enumerate(self.replicas):
            if index in replica.in_flight:
                return number
        return None

    def quota_paused(self, now: float) -> list[int]:
        """The replicas waiting for a ZeroGPU quota at ``now``."""
        return [n for n, r in enumerate(self.replicas) if r.alive and r.quota_until > now]

    def next_wakeup(self, now: float) -> float | None:
        """When ``decide`` may have something new to do without any event (a retry is due,
        a pause ends). None: only an event can change anything."""
        if self.stopped or self.dead:
            return None
        times = []
        if self._waiting and self._waiting[0][0] > now:
            times.append(self._waiting[0][0])
        # An item ready now still waits after decide(): every live replica is full or paused,
        # so only a job's end (an event) or a pause's end can start it.
        has_work = bool(self._waiting) or not self.source_done
        times += [r.paused_until for r in self.replicas
                  if r.alive and r.paused_until > now and has_work]
        return max(min(times), now) if times else None

    # -- decisions ---------------------------------------------------------------------------

    def decide(self, now: float) -> list[Start | Fail]:
        """The actions to carry out now."""
        if self.stopped:
            return []
        if self.dead:
            failed = [Fail(index) for _, _, index in sorted(self._waiting)]
            self._waiting.clear()
            for action in failed:
                self.failures.pop(action.index, None)
            return list(failed)
        actions: list[Start | Fail] = []
        for number, replica in enumerate(self.replicas):
            if not replica.alive or replica.paused_until > now:
                continue
            while replica.busy < replica.limit:
                if self._waiting and self._waiting[0][0] <= now:
                    _, _, index = heapq.heappop(self._waiting)
                    replica.in_flight[index] = now
                    actions.append(Start(number, index))
                elif not self.source_done:
                    replica.reserved += 1
                    actions.append(Start(number, None))
                else:
                    break
        return actions

    # -- events ------------------------------------------------------------------------------

    def assign(self, replica: int, index: int, now: float) -> None:
        """The driver read input ``index`` for a ``Start(replica, None)`` and started it."""
        r = self.replicas[replica]
        r.reserved -= 1
        r.in_flight[index] = now

    def release(self, replica: int, *, exhausted: bool = False) -> None:
        """A ``Start(replica, None)`` started nothing: the input was served from the cache or
        refused before sending (``exhausted``: there was no input left)."""
        self.replicas[replica].reserved -= 1
        if exhausted:
            self.source_done = True

    def finished(self, index: int, replica: int, outcome: Outcome, now: float,
                 retry_after: float | None = None) -> tuple[Verdict, float | None]:
        """A job of ``index`` on ``replica`` ended. Returns the verdict and, for RETRY, when."""
        r = self.replicas[replica]
        started = r.in_flight.pop(index, None)
        if started is None:
            return Verdict.STALE, None
        if outcome is Outcome.OK:
            r.lost_in_a_row = 0
            if r.grows:
                r.window = min(float(r.cap), r.window + 1.0 / r.window)
            self.failures.pop(index, None)
            return Verdict.DONE, None
        if outcome is Outcome.FATAL or self.stopped:
            self.failures.pop(index, None)
            return Verdict.FAILED, None
        if outcome is Outcome.QUOTA:
            r.grows = False
            wait = self.quota_probe if retry_after is None else max(0.0, retry_after)
            if self.quota_wait is not None and wait > self.quota_wait:
                self.failures.pop(index, None)
                self.stop()
                return Verdict.STOP, None
            self.pause(replica, now + wait)
            r.quota_until = r.paused_until
            self._push(now, index)  # another replica may run it now; this one is paused
            return Verdict.REQUEUED, r.paused_until
        if outcome is Outcome.PENDING_CREDITS:
            r.grows = False
        if outcome in (Outcome.RATE_LIMITED, Outcome.PENDING_CREDITS):
            if started >= r.last_decrease:  # one decrease per round of jobs
                r.window = max(1.0, r.window / 2)
                r.last_decrease = now
            if retry_after is not None:
                r.paused_until = max(r.paused_until, now + retry_after)
        if outcome is Outcome.CONNECTION_LOST:
            r.lost_in_a_row += 1
            if r.lost_in_a_row >= self.dead_after:
                r.in_flight[index] = started  # moves with the others, without using a retry
                self.replica_lost(replica, now)
                return Verdict.RETRY, now
        count = self.failures.get(index, 0) + 1
        if count > self.retries:
            self.failures.pop(index, None)
            return Verdict.FAILED, None
        self.failures[index] = count
        at = now + self.retry_delay(count, retry_after)
        self._push(at, index)
        return Verdict.RETRY, at

    def retry_delay(self, failure: int, retry_after: float | None = None) -> float:
        """Seconds before retry number ``failure`` (1-based): exponential, capped, jittered;
        never sooner than the server's ``Retry-After``."""
        delay = min(self.max_delay, self.base_delay * 2 ** (failure - 1))
        delay += self._rng.uniform(0.0, delay * self.jitter)
        if retry_after is not None:
            delay = max(delay, retry_after + self._rng.uniform(0.0, self.base_delay * self.jitter))
        return delay

    def replica_lost(self, replica: int, now: float) -> list[int]:
        """``replica`` is gone: its in-flight items wait for the others. Returns them."""
        r = self.replicas[replica]
        r.alive = False
        moved = list(r.in_flight)
        r.in_flight.clear()
        for index in moved:
            self._push(now, index)
        return moved

    def pause(self, replica: int, until: float) -> None:
        """Start nothing on ``replica`` before ``until`` (a quota, a Retry-After)."""
        r = self.replicas[replica]
        r.paused_until = max(r.paused_until, until)

    def stop(self) -> list[int]:
        """Start nothing more (cancel, or the first failure with errors="raise"). Returns the
        items that were waiting for a retry: they end now."""
        self.stopped = True
        dropped = [index for _, _, index in self._waiting]
        self._waiting.clear()
        return dropped

    def _push(self, at: float, index: int) -> None:
        self._seq += 1
        heapq.heappush(self._waiting, (at, self._seq, index))
