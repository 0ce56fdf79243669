"""Server-sent events: body chunks in, Gradio message dicts out.

The SSE framing is decoded by httpx-sse's decoders (WHATWG rules: ``\\r\\n``/``\\r``/``\\n``
line ends, comments, multi-line ``data:``); this module only adds incremental feeding (of the
raw bytes: an event stream is UTF-8 whatever its headers say) and the JSON step, so the stream
reader stays a short loop and the tests need no server.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from httpx_sse import ServerSentEvent
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

__all__ = ["SSEParser", "ServerSentEvent", "decode_json"]


class SSEParser:
    """Incremental SSE decoder: ``feed(chunk)`` returns the events completed by ``chunk``."""

    __slots__ = ("_lines", "_events", "_utf8")

    def __init__(self) -> None:
        self._lines = SSELineDecoder()
        self._events = SSEDecoder()
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace").decode

    def feed(self, data: bytes | str) -> list[ServerSentEvent]:
        """The events completed by ``data``: body bytes (a character may be split between two
        chunks), or text."""
        text = self._utf8(data) if isinstance(data, bytes) else data
        out: list[ServerSentEvent] = []
        for line in self._lines.decode(text):
            event = self._events.decode(line)
            if event is not None:
                out.append(event)
        return out

    def close(self) -> list[ServerSentEvent]:
        """Flush at the end of the stream, including an event cut before its blank line.

        The spec discards such an event, but Gradio aborts the connection right after its last
        message when a session is unknown (PROTOCOL.md §5.6): keeping it gives a precise error.
        """
        out: list[ServerSentEvent] = []
        rest = self._lines.decode(self._utf8(b"", True))
        for line in [*rest, *self._lines.flush(), ""]:
            event = self._events.decode(line)
            if event is not None:
                out.append(event)
        return out


def decode_json(data: str) -> dict[str, Any]:
    """The JSON object carried by one event's data. Raises ``ValueError`` for anything else."""
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value
