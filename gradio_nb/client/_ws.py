"""``ws``: the Gradio 3.x queue, one websocket per event (``queue/join``).

httpx-ws runs the websocket over the client's own ``httpx.AsyncClient``: the same loop thread,
connection pool, TLS context, proxies, connect timeout, cookies and header policy (the HF token
only to the Space's hosts) as every other request, and no second event loop or thread. Reads
have no timeout, since an event may wait long in the queue; keep-alive pings (every 20 s, 20 s
to answer) find a dead connection instead.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, AsyncIterator, Mapping

import httpx
from httpx_ws import HTTPXWSException, WebSocketDisconnect, WebSocketNetworkError, aconnect_ws

from ._exceptions import ProtocolError, ServerStoppedError
from ._per_event import ChannelBase
from ._protocol.messages import Message, parse_message

if TYPE_CHECKING:
    from httpx_ws import AsyncWebSocketSession

__all__ = ["WebSocketChannel"]

# 3.x sends images and audio as base64 inside the messages: allow big ones.
_MAX_MESSAGE_BYTES = 256 * 1024 * 1024
# A job may wait long without a message (queued, or a slow call): a server that stops answering
# pings (hung, or a dead peer behind a proxy) ends the job after at most interval + timeout.
_PING_INTERVAL_SECONDS = 20.0
_PING_TIMEOUT_SECONDS = 20.0
_WHAT = "Reading the job's websocket"


class WebSocketChannel(ChannelBase):
    """One event on a 3.x queue: ``send_hash`` is answered with the session and endpoint,
    ``send_data`` with the inputs (``{"data", "event_data", "fn_index", "session_hash"}``)."""

    _ws: AsyncWebSocketSession | None = None

    async def __aenter__(self) -> WebSocketChannel:
        try:
            self._ws = await self._stack.enter_async_context(aconnect_ws(
                self._routes.join, self._transport.http, headers=self._headers,
                max_message_size_bytes=_MAX_MESSAGE_BYTES,
                keepalive_ping_interval_seconds=_PING_INTERVAL_SECONDS,
                keepalive_ping_timeout_seconds=_PING_TIMEOUT_SECONDS,
            ))
        except httpx.TransportError as exc:
            raise self._transport.connection_error(exc, "Joining the queue") from exc
        except HTTPXWSException as exc:
            # A refused upgrade: 403 for an app with auth when the login cookie is missing,
            # 404 when the app has no queue after all.
            raise ProtocolError(f"The app refused the queue's websocket ({self._routes.join}): {exc}") from exc
        return self

    async def messages(self) -> AsyncIterator[Message]:
        assert self._ws is not None
        while True:
            try:
                text = await self._ws.receive_text()
            except WebSocketDisconnect:
                return  # the server closes after process_completed (run_event checks the job)
            except WebSocketNetworkError as exc:  # also what a keep-alive ping timeout raises
                raise ServerStoppedError(
                    f"{_WHAT} failed: the connection broke, or the app stopped answering its "
                    f"keep-alive pings for {_PING_TIMEOUT_SECONDS:g} s ({self._transport.src}). "
                    "Is the app running?"
                ) from exc
            except (httpx.TransportError, HTTPXWSException) as exc:
                raise self._transport.connection_error(exc, _WHAT) from exc
            try:
                raw = json.loads(text)
            except ValueError:
                raise ProtocolError(f"The app sent a websocket message that is not JSON: {text[:80]!r}") from None
            if not isinstance(raw, dict):
                raise ProtocolError(f"The app sent a websocket message that is not an object: {text[:80]!r}")
            yield parse_message(raw)

    async def send_hash(self) -> None:
        await self._send({"session_hash": self._payload["session_hash"], "fn_index": self._payload["fn_index"]})

    async def send_data(self, event_id: str | None) -> None:
        await self._send({key: self._payload[key] for key in ("data", "event_data", "fn_index", "session_hash")})

    async def _send(self, message: Mapping[str, Any]) -> None:
        assert self._ws is not None
        try:
            await self._ws.send_text(json.dumps(message))
        except (httpx.TransportError, HTTPXWSException) as exc:
            raise self._transport.connection_error(exc, "Sending on the job's websocket") from exc
