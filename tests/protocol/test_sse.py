"""The SSE decoder on every recorded queue/data body, whole and in random chunks."""

from __future__ import annotations

import pytest

from gradio_nb.client._protocol.messages import UnknownMessage
from gradio_nb.client._protocol.sse import SSEParser, decode_json

from .captures import all_stream_captures, streams
from .replay import messages

# /call routes use named events and the heartbeat route sends plain text: not queue/data.
QUEUE_DATA = [name for name in all_stream_captures() if name not in ("rest-call-api", "heartbeat")]


def queue_data_streams(name: str) -> list:
    return [s for s in streams(name) if not s.body.startswith("data: ALIVE")]


@pytest.mark.parametrize("name", QUEUE_DATA)
def test_every_recorded_message_is_known(name: str) -> None:
    for stream in queue_data_streams(name):
        decoded = messages(stream.body)
        assert decoded, f"{name}#{stream.index} decoded nothing"
        unknown = [m for m in decoded if isinstance(m, UnknownMessage)]
        assert not unknown, unknown


@pytest.mark.parametrize("name", QUEUE_DATA)
@pytest.mark.parametrize("chunk", [1, 7, 0])
def test_chunking_does_not_change_the_messages(name: str, chunk: int) -> None:
    for stream in queue_data_streams(name):
        assert messages(stream.body, chunk=chunk, seed=stream.index) == messages(stream.body)


def test_crlf_comments_and_multiline_data() -> None:
    parser = SSEParser()
    events = parser.feed(': keep-alive comment\r\ndata: {"msg":\r\ndata: "heartbeat"}\r\n\r\nda')
    events += parser.feed('ta: {"msg": "close_stream"}\n\n')
    assert [decode_json(e.data) for e in events] == [{"msg": "heartbeat"}, {"msg": "close_stream"}]


def test_bytes_are_utf8_even_split_inside_a_character() -> None:
    raw = 'data: {"msg": "log", "log": "héllo ✓"}\n\n'.encode()
    cut = raw.index("✓".encode()) + 1  # inside the three bytes of ✓
    parser = SSEParser()
    events = parser.feed(raw[:cut]) + parser.feed(raw[cut:])
    assert [decode_json(e.data)["log"] for e in events] == ["héllo ✓"]
    # a stream cut inside a character ends with a replacement character, not an exception
    parser = SSEParser()
    assert parser.feed(raw[:cut]) == []
    (event,) = parser.close()
    assert event.data.endswith("héllo \ufffd")


def test_event_cut_before_its_blank_line_is_recovered_at_close() -> None:
    parser = SSEParser()
    assert parser.feed('data: {"msg": "heartbeat"}\n') == []
    assert [decode_json(e.data) for e in parser.close()] == [{"msg": "heartbeat"}]
    assert parser.close() == []


@pytest.mark.parametrize("bad", ["not json", "[1, 2]", '"text"', "{"])
def test_non_object_json_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_json(bad)


def test_heartbeat_route_body_is_plain_text() -> None:
    (stream, *_) = streams("heartbeat")
    events = SSEParser().feed(stream.body)
    assert events and all(e.data == "ALIVE" for e in events)
