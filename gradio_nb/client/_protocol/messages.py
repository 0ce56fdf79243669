"""Typed messages of the ``queue/data`` stream (PROTOCOL.md §5.2).

``parse_message`` is the only place that reads raw message dicts; everything past it works on
these frozen dataclasses. Unknown message kinds become ``UnknownMessage`` rather than errors,
because newer servers add kinds and a client must carry on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

__all__ = [
    "Message",
    "Estimation",
    "ProcessStarts",
    "Progress",
    "ProgressUnit",
    "Log",
    "ProcessGenerating",
    "ProcessCompleted",
    "Heartbeat",
    "CloseStream",
    "UnexpectedError",
    "SendHash",
    "SendData",
    "QueueFull",
    "UnknownMessage",
    "parse_message",
]


@dataclass(frozen=True, slots=True)
class ProgressUnit:
    """One ``gr.Progress`` unit: either a fraction (``progress``) or ``index``/``length`` steps."""

    index: int | None = None
    length: int | None = None
    unit: str | None = None
    progress: float | None = None
    desc: str | None = None

    @property
    def fraction(self) -> float | None:
        """Completion in [0, 1], from whichever form the server used."""
        if self.progress is not None:
            return max(0.0, min(1.0, float(self.progress)))
        if self.index is not None and self.length:
            return max(0.0, min(1.0, self.index / self.length))
        return None


@dataclass(frozen=True, slots=True)
class Estimation:
    event_id: str | None
    rank: int | None = None
    queue_size: int | None = None
    rank_eta: float | None = None


@dataclass(frozen=True, slots=True)
class ProcessStarts:
    event_id: str | None
    eta: float | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    event_id: str | None
    units: tuple[ProgressUnit, ...] = ()


@dataclass(frozen=True, slots=True)
class Log:
    event_id: str | None
    log: str = ""
    level: str = "info"
    title: str | None = None
    duration: float | None = None
    visible: bool = True


@dataclass(frozen=True, slots=True)
class ProcessGenerating:
    """One generator yield. ``data`` is full values or diffs (see ``diff.py``)."""

    event_id: str | None
    data: list[Any] | None
    success: bool = True
    streaming: bool = False  # process_streaming (connection="stream" events)


@dataclass(frozen=True, slots=True)
class ProcessCompleted:
    """The end of an event: ``data`` on success, the error payload on failure.

    ``output == {}`` with ``success`` is how the server reports a cancelled event (§9).
    """

    event_id: str | None
    success: bool
    output: dict[str, Any] = field(default_factory=dict)
    title: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.success and not self.output

    @property
    def data(self) -> list[Any] | None:
        data = self.output.get("data")
        return data if isinstance(data, list) else None


@dataclass(frozen=True, slots=True)
class Heartbeat:
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class CloseStream:
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class UnexpectedError:
    """A stream-level failure; with ``event_id`` None it concerns the whole session."""

    event_id: str | None
    message: str = ""
    session_not_found: bool = False


@dataclass(frozen=True, slots=True)
class SendHash:  # old "sse" protocol only
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class SendData:  # old "sse" protocol only
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class QueueFull:  # old "sse" protocol only
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class UnknownMessage:
    event_id: str | None
    msg: str
    raw: dict[str, Any]


Message = Union[
    Estimation,
    ProcessStarts,
    Progress,
    Log,
    ProcessGenerating,
    ProcessCompleted,
    Heartbeat,
    CloseStream,
    UnexpectedError,
    SendHash,
    SendData,
    QueueFull,
    UnknownMessage,
]


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_float(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _progress_units(raw: Any) -> tuple[ProgressUnit, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        ProgressUnit(
            index=_opt_int(u.get("index")),
            length=_opt_int(u.get("length")),
            unit=_opt_str(u.get("unit")),
            progress=_opt_float(u.get("progress")),
            desc=_opt_str(u.get("desc")),
        )
        for u in raw
        if isinstance(u, dict)
    )


def _generating(raw: dict[str, Any], event_id: str | None, streaming: bool) -> ProcessGenerating:
    output = raw.get("output")
    data = output.get("data") if isinstance(output, dict) else None
    return ProcessGenerating(
        event_id, data if isinstance(data, list) else None, bool(raw.get("success", True)), streaming
    )


def _completed(raw: dict[str, Any], event_id: str | None) -> ProcessCompleted:
    output = raw.get("output")
    return ProcessCompleted(
        event_id,
        success=bool(raw.get("success", False)),
        output=output if isinstance(output, dict) else {},
        title=_opt_str(raw.get("title")),
    )


def parse_message(raw: dict[str, Any]) -> Message:
    """Turn one decoded ``queue/data`` JSON object into a typed message."""
    kind = raw.get("msg")
    event_id = _opt_str(raw.get("event_id"))
    if kind == "estimation":
        return Estimation(
            event_id,
            _opt_int(raw.get("rank")),
            _opt_int(raw.get("queue_size")),
            _opt_float(raw.get("rank_eta")),
        )
    if kind == "process_starts":
        return ProcessStarts(event_id, _opt_float(raw.get("eta")))
    if kind == "progress":
        return Progress(event_id, _progress_units(raw.get("progress_data")))
    if kind == "log":
        return Log(
            event_id,
            log=str(raw.get("log", "")),
            level=str(raw.get("level") or "info"),
            title=_opt_str(raw.get("title")),
            duration=_opt_float(raw.get("duration")),
            visible=bool(raw.get("visible", True)),
        )
    if kind == "process_generating":
        return _generating(raw, event_id, streaming=False)
    if kind == "process_streaming":
        return _generating(raw, event_id, streaming=True)
    if kind == "process_completed":
        return _completed(raw, event_id)
    if kind == "heartbeat":
        return Heartbeat(event_id)
    if kind == "close_stream":
        return CloseStream(event_id)
    if kind == "unexpected_error":
        return UnexpectedError(
            event_id, str(raw.get("message") or ""), bool(raw.get("session_not_found", False))
        )
    if kind == "send_hash":
        return SendHash(event_id)
    if kind == "send_data":
        return SendData(event_id)
    if kind == "queue_full":
        return QueueFull(event_id)
    return UnknownMessage(event_id, str(kind), raw)
