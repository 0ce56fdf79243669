"""Helpers shared by the tests that drive the replica apps (tests/apps/*.py)."""
from __future__ import annotations

import math
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
