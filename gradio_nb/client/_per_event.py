"""Protocols with one connection per event: ``sse`` (Gradio 4.0-4.7) and ``ws`` (3.x, see _ws.py).

The server opens the conversation: ``send_hash`` (ws only) asks which session and endpoint,
``send_data`` asks for the inputs once the event reaches the front of the queue; then come the
same ``estimation`` / ``process_starts`` / ``progress`` / ``process_generating`` /
``process_completed`` messages as on the later protocols, so jobs go through the same states
(``_protocol/job_state.py``). The connection ends with the event; closing it early is how
these servers learn that the client is gone (a queued event is dropped, a generator stops).
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Mapping, Protocol

import httpx

from ._exceptions import ServerStoppedError
from ._protocol.messages import Heartbeat, Message, SendData, SendHash, parse_message
from ._protocol.sse import SSEParser, decode_json
from ._transport import body_chunks

if TYPE_CHECKING:
    from ._job import Job
    from ._protocol.routes import Routes
    from ._transport import Transport

__all__ = ["ChannelBase", "EventChannel", "SSEv0Channel", "run_event"]


class EventChannel(Protocol):
    """One event's connection: messages in, the two answers the server asks for out."""

    async def __aenter__(self) -> EventChannel: ...
    async def __aexit__(self, *exc: object) -> None: ...
    def messages(self) -> AsyncIterator[Message]: ...
    async def send_hash(self) -> None: ...
    async def send_data(self, event_id: str | None) -> None: ...


async def run_event(channel: EventChannel, job: Job, deliver: Callable[[Job, Message], None]) -> None:
    """Drive one event to its end, handing every message to ``deliver`` (App._deliver)."""
    async with channel:
        async for message in channel.messages():
            if isinstance(message, SendHash):
                await channel.send_hash()
            elif isinstance(message, SendData):
                if message.event_id:
                    job.event_id = message.event_id
                await channel.send_data(message.event_id)
            deliver(job, message)
            if job._jobstate.done:
                return
    if not job._jobstate.done:
        raise ServerStoppedError(
            "The app closed the job's connection before the job finished (the server stopped or "
            "restarted)."
        )


class ChannelBase:
    """What both channels hold: the app's transport and routes, the event's payload (as for
    ``queue/join``) and headers, and the connection, closed on exit."""

    def __init__(self, transport: Transport, routes: Routes, payload: Mapping[str, Any],
                 headers: Mapping[str, str]) -> None:
        self._transport = transport
        self._routes = routes
        self._payload = payload
        self._headers = dict(headers)
        self._stack = AsyncExitStack()

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()


class SSEv0Channel(ChannelBase):
    """``sse`` (Gradio 4.0-4.7): ``GET queue/join?fn_index=&session_hash=`` streams the event's
    messages; its inputs go in ``POST queue/data`` when the server sends ``send_data``."""

    _response: httpx.Response | None = None

    async def __aenter__(self) -> SSEv0Channel:
        url = self._routes.join_per_event(self._payload["fn_index"], self._payload["session_hash"])
        self._response = await self._stack.enter_async_context(self._transport.stream(
            "GET", url, what="Joining the queue",
            headers={**self._headers, "accept": "text/event-stream"},
        ))
        return self

    async def messages(self) -> AsyncIterator[Message]:
        assert self._response is not None
        parser = SSEParser()
        try:
            async for chunk in body_chunks(self._response):
                for event in parser.feed(chunk):
                    if not event.data:
                        continue
                    message = parse_message(decode_json(event.data))
                    if not isinstance(message, Heartbeat):
                        yield message
        except httpx.TransportError as exc:
            raise self._transport.connection_error(exc, "Reading the job's event stream") from exc

    async def send_hash(self) -> None:  # never asked on sse: the join URL carries the hash
        return None

    async def send_data(self, event_id: str | None) -> None:
        await self._transport.request(
            "POST", self._routes.send_data, what="Sending the job's inputs",
            json={**self._payload, "event_id": event_id}, headers=self._headers,
        )
