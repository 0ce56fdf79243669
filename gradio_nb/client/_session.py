"""Sessions: one ``queue/data`` reader per ``session_hash``, routing messages to jobs.

Rules from the server's behaviour (PROTOCOL.md §5.5-5.6):
* exactly one reader per session, opened only after a join (a reader with nothing pending is
  never closed by the server), reopened after ``close_stream`` while events are still pending;
* sse_v3 servers end the stream themselves; for older protocols the client closes it when no
  event is pending and no join is in flight (closing earlier drops the session's queued events);
* a cut connection, a session-wide ``unexpected_error`` or a stream that ends with events
  pending fails those events at once: nothing waits forever.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import TYPE_CHECKING, AsyncIterator, Callable

import httpx

from ._exceptions import ConnectionFailed, GradioNBError, ProtocolError, ServerStoppedError
from ._protocol.messages import (
    CloseStream, Heartbeat, Message, ProcessCompleted, UnexpectedError, parse_message,
)
from ._protocol.sse import SSEParser, decode_json
from ._transport import body_chunks

if TYPE_CHECKING:
    from ._job import Job
    from ._protocol.routes import ProtocolFeatures, Routes
    from ._transport import Transport

__all__ = ["Session", "HeartbeatStream", "new_session_hash"]

log = logging.getLogger("gradio_nb")

# Messages that arrive before their join's response is handled (another job's reader is already
# open on a shared session) are kept briefly, then replayed; an unknown event id is dropped.
_MAX_ORPHANS = 1000


def new_session_hash() -> str:
    return uuid.uuid4().hex[:11]


class Session:
    """One session's pending events and its single stream reader."""

    def __init__(
        self,
        session_hash: str,
        *,
        transport: Transport,
        routes: Routes,
        features: ProtocolFeatures,
        deliver: Callable[[Job, Message], None],
        fail: Callable[[Job, BaseException], None],
        on_idle: Callable[[Session], None] | None = None,
    ) -> None:
        self.hash = session_hash
        self._transport = transport
        self._routes = routes
        self._features = features
        self._deliver = deliver
        self._fail = fail
        self._on_idle = on_idle
        self.pending: dict[str, Job] = {}
        self.joining = 0
        self._orphans: dict[str, list[Message]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.closed = False
        self._clean = True  # no cancel, failure or stray message so far (see reusable)

    # -- registration (loop thread) ------------------------------------------------------------

    def register(self, event_id: str, job: Job) -> None:
        """Route ``event_id``'s messages to ``job`` and make sure a reader is running."""
        self.pending[event_id] = job
        for message in self._orphans.pop(event_id, ()):
            self._dispatch(message)
        if event_id in self.pending:
            self._ensure_reader()

    @property
    def reusable(self) -> bool:
        """Whether a new job may use this session: idle, open, and nothing left over from the
        jobs before (a cancelled event the app may still report, a failed stream, orphans)."""
        return (self._clean and not self.closed and not self.pending and not self.joining
                and not self._orphans)

    def retire(self) -> None:
        """Never give this session to another job (its job was cancelled, say)."""
        self._clean = False

    def forget(self, event_id: str) -> None:
        self.pending.pop(event_id, None)

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(
                self._read(), name=f"gradio_nb-session-{self.hash}"
            )

    # -- the reader ------------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            while self.pending and not self.closed:
                reopen = await self._read_once()
                if not reopen:
                    break
        except asyncio.CancelledError:
            self._fail_all(ConnectionFailed("The client was closed while this job was running."))
            raise
        except ConnectionFailed as exc:
            self._fail_all(ServerStoppedError(
                f"Lost the connection to the app while the job was pending: {exc}"
            ))
        except GradioNBError as exc:
            self._fail_all(exc)
        except Exception as exc:  # noqa: BLE001 - the loop thread must survive anything
            log.exception("session reader crashed")
            self._fail_all(ProtocolError(f"Reading the app's event stream failed: {exc!r}"))
        finally:
            if not self.pending and not self.joining and self._on_idle is not None:
                self._on_idle(self)

    async def _read_once(self) -> bool:
        """Read one ``queue/data`` response. True if it should be opened again."""
        parser = SSEParser()
        async with self._transport.stream(
            "GET", self._routes.data(self.hash), what="Reading the job's event stream",
            headers={"accept": "text/event-stream", "cache-control": "no-store"},
        ) as response:
            chunks = body_chunks(response)
            try:
                async for chunk in chunks:
                    for event in parser.feed(chunk):
                        outcome = self._handle_event(event.data)
                        if outcome == "close":
                            await _drain(chunks)
                            return bool(self.pending)
                        if outcome == "stop":
                            return False
                    if not self._features.server_closes_stream and not self.pending and not self.joining:
                        return False  # sse_v1/v2: the client ends the stream
            except httpx.TransportError as exc:
                raise self._transport.connection_error(exc, "Reading the job's event stream") from exc
        if self.pending:
            raise ServerStoppedError(
                "The app ended the event stream while jobs were pending (the server stopped or "
                "restarted)."
            )
        return False

    def _handle_event(self, data: str) -> str | None:
        if not data:
            return None  # an event without data is not dispatched (WHATWG SSE)
        try:
            message = parse_message(decode_json(data))
        except ValueError as exc:
            self._malformed(f"an event that is not a JSON object ({exc}): {data[:80]!r}")
            return None
        if isinstance(message, Heartbeat):
            return None
        if isinstance(message, CloseStream):
            return "close"
        if isinstance(message, UnexpectedError) and message.event_id is None:
            reason = message.message or "unexpected error"
            if message.session_not_found:
                reason = "the app no longer knows this session (it was dropped or the server restarted)"
            self._fail_all(ServerStoppedError(f"The app reported: {reason}."))
            return "stop"
        self._dispatch(message)
        return None

    def _dispatch(self, message: Message) -> None:
        event_id = message.event_id
        job = self.pending.get(event_id) if event_id else None
        if job is None:
            if event_id and self.joining and len(self._orphans) < _MAX_ORPHANS:
                self._orphans.setdefault(event_id, []).append(message)
            else:
                log.debug("dropping %s for unknown event %s", type(message).__name__, event_id)
            return
        self._deliver(job, message)
        if job._jobstate.done and event_id and (
            not job._cancel_requested or isinstance(message, ProcessCompleted)
        ):
            # A job cancelled here stays routed until the app's own completion for it: that
            # message marks where the app's cancel took effect (App._deliver).
            self.pending.pop(event_id, None)

    def _malformed(self, what: str) -> None:
        self.retire()
        error = ProtocolError(f"The app sent {what}.")
        if len(self.pending) == 1 and not self.joining:
            # With one job per stream the culprit is certain: fail it rather than guess later.
            (job,) = self.pending.values()
            self.pending.clear()
            self._fail(job, error)
        else:
            log.warning("%s", error)

    def _fail_all(self, error: BaseException) -> None:
        self.retire()
        jobs = list(self.pending.values())
        self.pending.clear()
        self._orphans.clear()
        for job in jobs:
            self._fail(job, error)

    # -- closing -------------------------------------------------------------------------------

    async def aclose(self, error: BaseException | None = None) -> None:
        self.closed = True
        if error is not None:
            self._fail_all(error)
        reader = self._reader
        if reader is not None and not reader.done():
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


async def _drain(chunks: AsyncIterator[bytes], timeout: float = 1.0) -> None:
    """Read to the end of a body the server is about to end (it does right after close_stream),
    so its keep-alive connection returns to the pool. A server that keeps it open is left alone:
    the connection is then simply closed."""

    async def consume() -> None:
        async for _ in chunks:
            pass

    try:
        await asyncio.wait_for(consume(), timeout)
    except (asyncio.TimeoutError, httpx.TransportError):
        pass


class HeartbeatStream:
    """Keeps ``GET heartbeat/<session>`` open for a stateful session (PROTOCOL.md §10).

    The server only cares that the connection exists; closing it ends the session's State
    after an hour. Reconnects with backoff on failures while the session lives.
    """

    def __init__(self, transport: Transport, routes: Routes, session_hash: str) -> None:
        self._transport = transport
        self._url = routes.heartbeat(session_hash)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="gradio_nb-heartbeat")

    async def _run(self) -> None:
        delay = 1.0
        while True:
            started = time.monotonic()
            try:
                async with self._transport.http.stream(
                    "GET", self._url, timeout=httpx.Timeout(10.0, read=None),
                ) as response:
                    if response.status_code == 404:
                        return  # app without the route (old Gradio)
                    async for _ in response.aiter_bytes():
                        pass
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - retried below
                pass
            if time.monotonic() - started > 60:
                delay = 1.0
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
