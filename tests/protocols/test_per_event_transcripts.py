"""The per-event protocols, pure: transcripts recorded from real servers (Gradio 3.50 over its
websocket, 4.5 over sse) replayed through the message parser and the job state machine, and
the 3.x file values (_protocol/files3.py)."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from gradio_nb.client._exceptions import AppError
from gradio_nb.client._protocol import files3
from gradio_nb.client._protocol.job_state import JobState, Status
from gradio_nb.client._protocol.messages import SendData, SendHash, parse_message

CAPTURES = Path(__file__).parent / "captures"


def replay(name: str):
    state, outputs, codes, messages = JobState(diffs=False), [], [], []
    for now, line in enumerate((CAPTURES / f"{name}.jsonl").read_text().splitlines()):
        message = parse_message(json.loads(line))
        messages.append(message)
        event = state.receive(message, float(now))
        codes.append(state.code)
        if event is not None:
            outputs.append(event.data)
    return state, outputs, codes, messages


@pytest.mark.parametrize("name", ["ws-3.50-count-generator", "sse-4.5-count-generator"])
def test_generator(name):
    state, outputs, codes, messages = replay(name)
    assert state.done and state.success and not state.cancelled
    assert outputs[:3] == [["0"], ["1"], ["2"]]
    assert state.final_data == ["2"]
    assert Status.IN_QUEUE in codes and Status.SENDING_DATA in codes and Status.ITERATING in codes
    assert codes[-1] is Status.FINISHED
    # ws asks for the session first; sse carries it in the join URL and names the event
    assert isinstance(messages[0], SendHash) == name.startswith("ws")
    send_data = next(m for m in messages if isinstance(m, SendData))
    assert (send_data.event_id is None) == name.startswith("ws")


@pytest.mark.parametrize("name", ["ws-3.50-gr-error", "sse-4.5-gr-error"])
def test_app_error(name):
    state, outputs, _, _ = replay(name)
    assert state.done and state.success is False and outputs == []
    assert isinstance(state.error, AppError)
    assert "Cannot divide by zero!" in str(state.error)


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


def test_data_urls_round_trip():
    url = files3.data_url(PNG, "pixel.png")
    assert url.startswith("data:image/png;base64,")
    assert files3.decode_data_url(url) == (PNG, ".png")
    with pytest.raises(ValueError, match="not a base64 data: URL"):
        files3.decode_data_url("hello")


def test_3x_file_values():
    on_server = files3.uploaded_3x("/tmp/gradio/abc/a.wav", "a.wav")
    assert on_server == {"name": "/tmp/gradio/abc/a.wav", "data": None, "is_file": True, "orig_name": "a.wav"}
    assert files3.is_file_value_3x(on_server)
    assert files3.is_file_value_3x({"name": "x.png", "data": "data:image/png;base64,AA==", "is_file": False})
    assert not files3.is_file_value_3x({"name": "x", "data": None, "is_file": False})  # nothing to fetch
    assert not files3.is_file_value_3x({"path": "/x", "meta": {"_type": "gradio.FileData"}})
    assert not files3.is_file_value_3x("data:image/png;base64,AA==")


def test_only_image_outputs_are_decoded():
    url = "data:image/png;base64,AA=="
    marked = files3.mark_data_urls([url, url, 3], [True, False, False])
    assert marked[0] == {"name": None, "data": url, "is_file": False}
    assert marked[1:] == [url, 3]  # a Textbox that returns such text keeps it


def test_updates_stand_for_values():
    update = {"__type__": "update"}
    assert files3.resolve_updates([{"__type__": "update", "value": 3}, "x"], None) == [3, "x"]
    assert files3.resolve_updates([update, update], ["c", None]) == ["c", None]  # 3.20 generator end
    assert files3.resolve_updates([update], None) == [None]
    assert files3.changes_nothing([update, update]) and not files3.changes_nothing([update, "x"])
    assert not files3.changes_nothing([{"__type__": "update", "value": 1}])


class ScriptedChannel:
    """Replays a recorded transcript as the server's side of one event's connection."""

    def __init__(self, name: str, cut_after: int | None = None):
        lines = (CAPTURES / f"{name}.jsonl").read_text().splitlines()
        self.messages_ = [parse_message(json.loads(line)) for line in lines][:cut_after]
        self.sent: list[tuple[str, object]] = []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.sent.append(("closed", None))

    async def messages(self):
        for message in self.messages_:
            yield message

    async def send_hash(self):
        self.sent.append(("hash", None))

    async def send_data(self, event_id):
        self.sent.append(("data", event_id))


def run_channel(channel):
    import asyncio
    from types import SimpleNamespace

    from gradio_nb.client._per_event import run_event

    job = SimpleNamespace(event_id=None, _jobstate=JobState(diffs=False))
    asyncio.run(run_event(channel, job, lambda job, message: job._jobstate.receive(message, 0.0)))
    return job


def test_run_event_answers_what_the_server_asks():
    ws = ScriptedChannel("ws-3.50-count-generator")
    job = run_channel(ws)
    assert ws.sent == [("hash", None), ("data", None), ("closed", None)] and job._jobstate.success
    sse = ScriptedChannel("sse-4.5-count-generator")
    job = run_channel(sse)
    (kind, event_id), closed = sse.sent
    assert kind == "data" and event_id and job.event_id == event_id and closed == ("closed", None)


def test_a_connection_closed_mid_job_fails_it():
    from gradio_nb.client._exceptions import ServerStoppedError

    with pytest.raises(ServerStoppedError, match="closed the job's connection"):
        run_channel(ScriptedChannel("ws-3.50-count-generator", cut_after=5))
