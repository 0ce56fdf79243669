"""Feed a recorded SSE body through the pure protocol layer, as the session reader does."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from gradio_nb.client._protocol.job_state import JobState
from gradio_nb.client._protocol.messages import Message, parse_message
from gradio_nb.client._protocol.sse import SSEParser, decode_json


def messages(body: str, *, chunk: int | None = None, seed: int = 0) -> list[Message]:
    """Decode ``body`` fed as UTF-8 bytes in chunks of ``chunk`` bytes (random sizes when 0,
    whole when None): a chunk may end inside a character, as a socket read may."""
    parser = SSEParser()
    rng = random.Random(seed)
    out: list[Message] = []
    raw = body.encode()
    i = 0
    while i < len(raw):
        size = len(raw) if chunk is None else (chunk or rng.randint(1, 40))
        for event in parser.feed(raw[i : i + size]):
            out.append(parse_message(decode_json(event.data)))
        i += size
    for event in parser.close():
        out.append(parse_message(decode_json(event.data)))
    return out


@dataclass
class Replayed:
    state: JobState
    outputs: list[list[Any]] = field(default_factory=list)  # raw data lists, per output event
    order: list[str] = field(default_factory=list)  # message kinds in order


def replay(body: str, *, diffs: bool = True, chunk: int | None = None) -> dict[str, Replayed]:
    """Per event id: the final JobState and every output it produced."""
    jobs: dict[str, Replayed] = {}
    for now, message in enumerate(messages(body, chunk=chunk)):
        if message.event_id is None:
            continue
        job = jobs.setdefault(message.event_id, Replayed(JobState(diffs=diffs)))
        job.order.append(type(message).__name__)
        event = job.state.receive(message, float(now))
        if event is not None:
            job.outputs.append(event.data)
    return jobs
