"""The life of one job, as a transition table (in the manner of h11's ``_state.py``).

Theory of operation
-------------------
A job moves through five phases::

    PENDING --estimation--> QUEUED --process_starts--> RUNNING --process_generating--> ITERATING
        \\___________________________\\_________________________\\______process_completed__> DONE

Rule 1: every change to a job's state happens in ``JobState.receive`` (or ``fail``/``cancel``),
driven by ``_TRANSITIONS``. A message the table does not allow in the current phase raises
``IllegalTransition`` naming both; the session fails that job with a ``ProtocolError``.
Rule 2: once DONE, every further message is ignored. The server can complete an event twice
(PROTOCOL.md §9, cancelling in a shared session) and the first completion wins.
Rule 3: the status code shown to users follows gradio_client: it is the kind of the latest
message, but the latest progress units are kept while a job logs or yields.
Rule 4: nothing here does I/O or reads a clock; callers pass ``now``.
Session-level messages (``close_stream``, session-wide ``unexpected_error``) are the session's
business and never reach a job.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .._exceptions import AppError, JobLostError, ProtocolError, QueueError
from .diff import apply_output_diffs
from .messages import (
    Estimation,
    Heartbeat,
    Log,
    Message,
    ProcessCompleted,
    ProcessGenerating,
    ProcessStarts,
    Progress,
    ProgressUnit,
    QueueFull,
    SendData,
    SendHash,
    UnexpectedError,
    UnknownMessage,
)
from .zerogpu import parse_zerogpu_error, zerogpu_error

__all__ = [
    "Status",
    "StatusUpdate",
    "OutputUpdate",
    "Phase",
    "JobState",
    "IllegalTransition",
    "OutputEvent",
    "app_error_from_payload",
    "HIDDEN_ERROR_MESSAGE",
]

HIDDEN_ERROR_MESSAGE = (
    "The upstream Gradio app has raised an exception but has not enabled verbose error "
    "reporting. To enable, set show_error=True in launch()."
)


class Status(enum.Enum):
    """Status codes presented to users (the same values and order as gradio_client's)."""

    STARTING = "STARTING"
    JOINING_QUEUE = "JOINING_QUEUE"
    QUEUE_FULL = "QUEUE_FULL"
    IN_QUEUE = "IN_QUEUE"
    SENDING_DATA = "SENDING_DATA"
    PROCESSING = "PROCESSING"
    ITERATING = "ITERATING"
    PROGRESS = "PROGRESS"
    FINISHED = "FINISHED"
    CANCELLED = "CANCELLED"
    LOG = "LOG"

    @staticmethod
    def ordering(status: Status) -> int:
        """Order of messages, as gradio_client defines it (LOG is not ordered)."""
        return _ORDER.index(status)

    def __lt__(self, other: Status) -> bool:
        return self.ordering(self) < self.ordering(other)


_ORDER = [
    Status.STARTING,
    Status.JOINING_QUEUE,
    Status.QUEUE_FULL,
    Status.IN_QUEUE,
    Status.SENDING_DATA,
    Status.PROCESSING,
    Status.PROGRESS,
    Status.ITERATING,
    Status.FINISHED,
    Status.CANCELLED,
]


@dataclass
class StatusUpdate:
    """What ``Job.status()`` returns (gradio_client's fields)."""

    code: Status
    rank: int | None
    queue_size: int | None
    eta: float | None
    success: bool | None
    time: datetime | None
    progress_data: list[ProgressUnit] | None
    log: tuple[str, str] | None = None
    type: Literal["status", "output"] = "status"


@dataclass
class OutputUpdate:
    """An output, as ``async for update in job`` yields it (gradio_client's fields)."""

    outputs: Any
    success: bool
    type: Literal["output"] = "output"
    final: bool = False


class Phase(enum.Enum):
    PENDING = "pending"  # joined (or joining), no message yet
    QUEUED = "queued"
    RUNNING = "running"
    ITERATING = "iterating"
    DONE = "done"


class IllegalTransition(Exception):
    """A message the job's current phase does not allow."""


P = Phase
_ALIVE = (P.PENDING, P.QUEUED, P.RUNNING, P.ITERATING)

# (phase, message type) -> next phase. Anything absent is illegal.
_TRANSITIONS: dict[tuple[Phase, type], Phase] = {
    (P.PENDING, Estimation): P.QUEUED,
    (P.QUEUED, Estimation): P.QUEUED,
    # Late estimations (status_update_rate) may reach a started job: keep its phase.
    (P.RUNNING, Estimation): P.RUNNING,
    (P.ITERATING, Estimation): P.ITERATING,
    (P.PENDING, ProcessStarts): P.RUNNING,
    (P.QUEUED, ProcessStarts): P.RUNNING,
    # Old "sse" protocol handshakes and session keep-alives change nothing.
    **{(p, kind): p for p in _ALIVE for kind in (SendHash, SendData, Heartbeat, UnknownMessage)},
    **{(p, Progress): (P.RUNNING if p in (P.PENDING, P.QUEUED) else p) for p in _ALIVE},
    **{(p, Log): (P.RUNNING if p in (P.PENDING, P.QUEUED) else p) for p in _ALIVE},
    # A gr.Cache hit yields at join time, without estimation or process_starts.
    **{(p, ProcessGenerating): P.ITERATING for p in _ALIVE},
    **{(p, ProcessCompleted): P.DONE for p in _ALIVE},
    **{(p, QueueFull): P.DONE for p in _ALIVE},
    **{(p, UnexpectedError): P.DONE for p in _ALIVE},
}

_CODES: dict[type, Status] = {
    Estimation: Status.IN_QUEUE,
    ProcessStarts: Status.PROCESSING,
    Progress: Status.PROGRESS,
    Log: Status.LOG,
    ProcessGenerating: Status.ITERATING,
    ProcessCompleted: Status.FINISHED,
    SendHash: Status.JOINING_QUEUE,
    SendData: Status.SENDING_DATA,
    QueueFull: Status.QUEUE_FULL,
    UnexpectedError: Status.FINISHED,
}


def app_error_from_payload(output: dict[str, Any], title: str | None = None) -> AppError:
    """The ``AppError`` for a failed completion's payload (PROTOCOL.md §7); ZeroGPU's refusals
    get their subclasses (``zerogpu.py``)."""
    message = output.get("error")
    if not message:
        return AppError(HIDDEN_ERROR_MESSAGE, title=title or "Error")
    kwargs: dict[str, Any] = {}
    for key in ("duration", "visible", "title"):
        if key in output and output[key] is not None:
            kwargs[key] = output[key]
    if "title" not in kwargs and title:
        kwargs["title"] = title
    problem = parse_zerogpu_error(kwargs.get("title"), str(message))
    if problem is not None:
        return zerogpu_error(problem, str(message), **kwargs)
    return AppError(str(message), **kwargs)


@dataclass(frozen=True)
class OutputEvent:
    """Raw output values (after diffs, before post-processing) produced by a message."""

    data: list[Any]
    final: bool


@dataclass
class JobState:
    """Protocol-level state of one job. Mutated only by the thread that owns the job."""

    diffs: bool = True
    phase: Phase = Phase.PENDING
    code: Status = Status.STARTING
    rank: int | None = None
    queue_size: int | None = None
    eta: float | None = None
    eta_received_at: float | None = None
    progress: tuple[ProgressUnit, ...] = ()
    logs: list[Log] = field(default_factory=list)
    success: bool | None = None
    cancelled: bool = False
    error: BaseException | None = None
    final_data: list[Any] | None = None
    yields: int = 0
    processing_at: float | None = None
    finished_at: float | None = None
    _previous: list[Any] | None = None

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE

    def receive(self, message: Message, now: float) -> OutputEvent | None:
        """Apply one message. Returns the output it carries, if any."""
        if self.phase is Phase.DONE:
            return None  # Rule 2
        kind = type(message)
        next_phase = _TRANSITIONS.get((self.phase, kind))
        if next_phase is None:
            raise IllegalTransition(
                f"can't handle message {kind.__name__} when the job is {self.phase.value}"
            )
        if kind in _CODES:
            self.code = _CODES[kind]
        if next_phase is Phase.RUNNING and self.processing_at is None:
            self.processing_at = now
        self.phase = next_phase
        if isinstance(message, Estimation):
            if next_phase is Phase.QUEUED:
                self.rank, self.queue_size = message.rank, message.queue_size
                self.eta, self.eta_received_at = message.rank_eta, now
            return None
        if isinstance(message, ProcessStarts):
            self.rank, self.queue_size = 0, None
            self.eta, self.eta_received_at = message.eta, now
            return None
        if isinstance(message, Progress):
            self.progress = message.units
            return None
        if isinstance(message, Log):
            self.logs.append(message)
            return None
        if isinstance(message, ProcessGenerating):
            return self._generating(message)
        if isinstance(message, ProcessCompleted):
            return self._completed(message, now)
        if isinstance(message, QueueFull):
            self._finish(now, success=False)
            self.error = _queue_full()
            return None
        if isinstance(message, UnexpectedError):
            self._finish(now, success=False)
            self.error = JobLostError(
                f"The server reported an error for this job: {message.message or 'unexpected error'}"
            )
            return None
        return None

    def _generating(self, message: ProcessGenerating) -> OutputEvent | None:
        if message.data is None:
            return None
        if self.diffs and self._previous is not None:
            data = apply_output_diffs(self._previous, message.data)
        else:
            data = list(message.data)
        self._previous = data
        self.yields += 1
        return OutputEvent(data, final=False)

    def _completed(self, message: ProcessCompleted, now: float) -> OutputEvent | None:
        if message.cancelled:
            self.cancelled = True
            self.code = Status.CANCELLED
            self._finish(now, success=False)
            return None
        if not message.success:
            self.error = app_error_from_payload(message.output, message.title)
            self._finish(now, success=False)
            return None
        data = message.data
        if data is None:
            self.error = _protocol_error("a successful process_completed without 'data'")
            self._finish(now, success=False)
            return None
        self.final_data = data
        self._finish(now, success=True)
        return OutputEvent(list(data), final=True)

    def _finish(self, now: float, *, success: bool) -> None:
        self.phase = Phase.DONE
        self.success = success
        self.finished_at = now
        self._previous = None

    # -- local events ------------------------------------------------------------------------

    def fail(self, error: BaseException, now: float) -> bool:
        """End the job with a local error (connection lost, protocol error). False if done."""
        if self.phase is Phase.DONE:
            return False
        self.error = error
        self.code = Status.FINISHED
        self._finish(now, success=False)
        return True

    def cancel(self, now: float) -> bool:
        """End the job as cancelled by the user. False if it had already finished."""
        if self.phase is Phase.DONE:
            return False
        self.cancelled = True
        self.code = Status.CANCELLED
        self._finish(now, success=False)
        return True


def _protocol_error(detail: str) -> BaseException:
    return ProtocolError(f"The server broke the Gradio protocol: {detail}.")


def _queue_full() -> BaseException:
    return QueueError("Queue is full! Please try again.")
