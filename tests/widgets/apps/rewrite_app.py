"""A real Gradio app that makes the "picture that breaks under load" race (issue #11) certain.

Run: python rewrite_app.py PORT   (gradio 6.31, loopback only)

  /paint  a generator that yields a status line and a picture, then the same picture again
          with "done", as the demo app's /paint does after its last band.

Gradio saves a PIL output under a folder named after its bytes and writes it *in place*
(``Path.write_bytes``: truncate, then write), even when the file is already there. So the
second yield of the same picture rewrites the very file the first message pointed to. On a busy
machine a client that downloads that file for the first message can land in the window between
the truncation and the write: Starlette stats a 0-byte file and answers 200 with an empty body.

Here the window is held open by two controlled steps instead of load, so the race happens on
every call: the first download of the call's picture waits until the rewrite has truncated the
file, and the rewrite writes the bytes only once that download has been answered. Nothing else
is changed: the file route, the response and the rewrite are Gradio's own.
"""
import os
import sys
import threading
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import anyio  # noqa: E402
import gradio as gr  # noqa: E402
from gradio import processing_utils, route_utils  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "apps"))
from _launch import launch  # noqa: E402

STEP_TIMEOUT = 60.0  # seconds a controlled step waits for the other side before giving up


class _Race:
    """The two controlled steps of one /paint call (calls run one at a time: the queue's default)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.saves = 0  # pictures saved by this call: the second one is the rewrite
        self.hold_get = True  # only the first download of the call is held
        self.truncated = threading.Event()  # the rewrite has emptied the file
        self.served = threading.Event()  # the held download has been answered


race = _Race()
_save_pil_to_cache = processing_utils.save_pil_to_cache


def _rewrite_slowly(img, cache_dir, name="image", format="webp"):
    """Gradio's save, except that the call's rewrite pauses between truncating and writing."""
    state = race
    state.saves += 1
    if state.saves == 2:
        data = processing_utils.encode_pil_to_bytes(img, format)
        target = Path(cache_dir) / processing_utils.hash_bytes(data) / f"{name}.{format}"
        with open(target.resolve(), "wb"):  # what write_bytes does first
            state.truncated.set()
            state.served.wait(STEP_TIMEOUT)
    return _save_pil_to_cache(img, cache_dir, name, format)


class _HeldFileResponse(route_utils.FileResponse):
    """The call's first download of its picture is answered at the moment of the truncation."""

    async def __call__(self, scope, receive, send):
        state = race
        with state.lock:
            hold, state.hold_get = state.hold_get and str(self.path).endswith(".png"), False
        if hold:
            await anyio.to_thread.run_sync(state.truncated.wait, STEP_TIMEOUT)
        try:
            await super().__call__(scope, receive, send)
        finally:
            if hold:
                state.served.set()


processing_utils.save_pil_to_cache = _rewrite_slowly
route_utils.FileResponse = _HeldFileResponse


def paint(prompt: str):
    global race
    race = _Race()
    shade = sum(prompt.encode()) % 200
    img = Image.new("RGB", (48, 32), (30, shade, 200))
    yield f"painted {prompt}", img
    yield f"done: {prompt}", img


demo = gr.Interface(paint, gr.Textbox(label="prompt"),
                    [gr.Textbox(label="status"), gr.Image(label="picture", format="png")],
                    api_name="paint", flagging_mode="never")

if __name__ == "__main__":
    launch(demo)
