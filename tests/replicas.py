"""Helpers shared by the tests that drive the replica apps (tests/apps/*.py)."""
from __future__ import annotations

import math
import re
import struct
import time
import wave
from pathlib import Path

# The local stand-ins for the Spaces used by the client guide (tests/apps/<name>.py).
REPLICAS = (
    "translator",  # abidlabs/en2fr
    "transcriber",  # abidlabs/whisper
    "calculator",  # gradio/calculator
    "image_generator",  # abidlabs/image_generator
    "count_generator",  # gradio/count_generator
    "slow_yield",  # abidlabs/test-yield
    "word_count",  # the guide's gr.State demo
)

# What tests/apps/transcriber.py answers for a 1-second 16 kHz file, and for a 2-second one.
WHISPER_1S = "This is a test of the whisper speech recognition model."
WHISPER_2S = (
    "This is a test of the whisper speech recognition model. It listens to a short "
    "recording and writes down what."
)


def write_wav(path, seconds: float = 1.0, rate: int = 16000, freq: float = 440.0) -> Path:
    """A mono 16-bit sine-wave WAV file, written with the stdlib only."""
    frames = int(seconds * rate)
    data = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(frames)
    )
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data)
    return Path(path)


def code_name(status) -> str:
    """The name of a StatusUpdate's code ("FINISHED"), whatever enum class carries it."""
    code = status.code
    return getattr(code, "name", str(code))


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02, what: str = "condition"):
    """Poll `predicate` until it is truthy; raise AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def image_pixels(path):
    """(width, height, pixel rows) of an image file, via PIL."""
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("RGB")
        return img.size, [[img.getpixel((x, y)) for x in range(img.size[0])] for y in range(img.size[1])]


def check_gr_error(client, app_error) -> None:
    """The calculator's gr.Error reaches the caller as `app_error`; the client still works."""
    import pytest

    with pytest.raises(app_error, match="Cannot divide by zero!"):
        client.predict(3, "divide", 0, api_name="/predict")
    assert client.predict(3, "divide", 1, api_name="/predict") == 3


def check_count_generator(client) -> None:
    """/count 3: each yield in order through iteration and outputs(), the last as the result."""
    job = client.submit(3, api_name="/count")
    assert list(job) == ["0", "1", "2"]
    assert job.outputs() == ["0", "1", "2"]
    assert job.result() == "2"
    assert code_name(job.status()) == "FINISHED"


def probe_ticks(server, tag: str) -> int:
    """How many steps tests/apps/cancel_probe.py's generator made for `tag`, from the server's log."""
    return len(re.findall(rf"^tick {re.escape(tag)} \d+$", server.log(), re.M))


def probe_stopped(server, tag: str) -> int:
    """cancel_probe's generator for `tag` has stopped: after the step in flight at the cancel
    (0.6 s), the same count of steps 1 s (4 steps) apart, and fewer than the 40 it makes when
    left alone. Returns that count."""
    time.sleep(0.6)
    before = probe_ticks(server, tag)
    time.sleep(1.0)
    after = probe_ticks(server, tag)
    assert before == after < 40, f"{tag}: the app's generator went on ({before} then {after} steps)"
    return after
