"""The gradio_nb demo app: a small, deterministic, offline Gradio app with one endpoint per
feature the client and the notebook widgets handle.

    python -m gradio_nb.demo.app --port 7860        # or: python app.py 7860
    gradio-nb demo                                  # this app + JupyterLab on the quickstart

Endpoints (api_name: inputs -> outputs):

    /greet       name, excited (Checkbox)              -> greeting            text
    /calculate   a, operation (Radio), b               -> result              numbers, gr.Error
    /paint       prompt, steps (Slider 1-20), palette  -> status, image       generator, gr.Progress,
                                                                              gr.Info, image output
    /count       n (Slider 1-10)                       -> number so far       plain generator
    /file_info   file                                  -> summary (JSON), upper-cased copy (File)
    /grayscale   image                                 -> image               image in and out
    /remember    word (+ gr.State)                     -> times seen before   session state
    /recall      (gr.State)                            -> the words so far    session state
    /slow        seconds (Slider 1-120)                -> text                async, gr.Progress: Cancel
    /calls       (undocumented)                        -> the call record     for tests
    /zerogpu_generate, /zerogpu_generate_old, /zerogpu_flaky, /zerogpu_ledger  (undocumented)
                 a ZeroGPU Space's per-visitor GPU quota (gradio_nb.demo.zerogpu), for
                 notebooks/zerogpu.ipynb

Every call is recorded (start, then finish / cancel / error) in memory and, when the
environment variable GRADIO_NB_DEMO_RECORD (or --record) names a file, as JSON lines in that
file, so a test can check that a cancelled job never finished on the server. STEP_SECONDS
(GRADIO_NB_DEMO_STEP, default 0.4) paces /paint and /count.

Needs gradio (>= 5; written for 6.31), which is not a dependency of gradio_nb.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import inspect
import itertools
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

try:
    import gradio as gr
except ImportError:  # pragma: no cover - exercised by `gradio-nb demo` without gradio
    sys.exit("The gradio_nb demo app needs gradio, which gradio_nb does not install: pip install gradio")

from PIL import Image, ImageDraw  # a dependency of gradio

if __package__:
    from . import zerogpu
else:  # run as a file (gradio-nb demo): the module next to it, not another installed copy
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import zerogpu  # type: ignore[no-redef]

STEP_SECONDS = float(os.environ.get("GRADIO_NB_DEMO_STEP", "0.4"))
PALETTES = {
    "ocean": [(8, 48, 107), (33, 113, 181), (107, 174, 214), (198, 219, 239)],
    "sunset": [(84, 13, 110), (201, 42, 92), (246, 114, 62), (254, 206, 96)],
    "forest": [(0, 68, 27), (35, 139, 69), (116, 196, 118), (199, 233, 192)],
}
WIDTH, HEIGHT = 192, 128


# --------------------------------------------------------------------------- call record
class CallRecord:
    """Start/finish/cancel/error events of every call, in memory and optionally in a file."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self.events: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, call: int, fn: str, event: str, **extra: Any) -> None:
        entry = {"call": call, "fn": fn, "event": event, "time": round(time.time(), 3), **extra}
        with self._lock:
            self.events.append(entry)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")

    def new_id(self) -> int:
        return next(self._ids)


RECORD = CallRecord(os.environ.get("GRADIO_NB_DEMO_RECORD"))


def recorded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Record the calls of an endpoint function (plain, generator, async or async generator).

    ``functools.wraps`` keeps the signature, so Gradio still sees ``gr.Progress`` defaults.
    """
    name = fn.__name__

    def args_of(args: tuple, kwargs: dict) -> dict[str, Any]:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs)
        return {k: v for k, v in bound.arguments.items()
                if isinstance(v, (str, int, float, bool, type(None)))}

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            call = RECORD.new_id()
            RECORD.add(call, name, "start", args=args_of(args, kwargs))
            try:
                value = await fn(*args, **kwargs)
            except asyncio.CancelledError:
                RECORD.add(call, name, "cancel")
                raise
            except BaseException as exc:
                RECORD.add(call, name, "error", error=str(exc))
                raise
            RECORD.add(call, name, "finish")
            return value
    elif inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            call = RECORD.new_id()
            RECORD.add(call, name, "start", args=args_of(args, kwargs))
            try:
                yield from fn(*args, **kwargs)
            except GeneratorExit:  # closed early: Gradio stopped iterating (cancelled)
                RECORD.add(call, name, "cancel")
                raise
            except BaseException as exc:
                RECORD.add(call, name, "error", error=str(exc))
                raise
            RECORD.add(call, name, "finish")
    else:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            call = RECORD.new_id()
            RECORD.add(call, name, "start", args=args_of(args, kwargs))
            try:
                value = fn(*args, **kwargs)
            except BaseException as exc:
                RECORD.add(call, name, "error", error=str(exc))
                raise
            RECORD.add(call, name, "finish")
            return value
    return wrapper


# --------------------------------------------------------------------------- endpoints
@recorded
def greet(name: str, excited: bool = False) -> str:
    """Say hello."""
    return f"Hello, {name or 'stranger'}{'!' if excited else '.'}"


@recorded
def calculate(a: float, operation: str, b: float) -> float:
    """Add, subtract, multiply or divide two numbers."""
    if operation == "add":
        return a + b
    if operation == "subtract":
        return a - b
    if operation == "multiply":
        return a * b
    if b == 0:
        raise gr.Error("Cannot divide by zero.")
    return a / b


def _picture(prompt: str, steps: int, palette: str, done: int) -> Image.Image:
    """Bands of the palette, one per finished step, and a 'sun' placed by the prompt's hash."""
    colours = PALETTES.get(palette, PALETTES["ocean"])
    img = Image.new("RGB", (WIDTH, HEIGHT), (245, 245, 245))
    draw = ImageDraw.Draw(img)
    band = HEIGHT / steps
    for i in range(done):
        draw.rectangle([0, int(i * band), WIDTH, int((i + 1) * band)], fill=colours[i % len(colours)])
    if done == steps:
        seed = hashlib.sha256(prompt.encode()).digest()
        x, y = 24 + seed[0] % (WIDTH - 48), 20 + seed[1] % (HEIGHT - 40)
        draw.ellipse([x - 14, y - 14, x + 14, y + 14], fill=(255, 236, 160), outline=(60, 60, 60))
    return img


@recorded
def paint(prompt: str, steps: int, palette: str, progress=gr.Progress()):  # noqa: B008
    """Paint a picture band by band: streams a status line and the picture so far."""
    steps = int(steps)
    gr.Info(f"Painting {prompt!r} in {steps} steps ({palette})")
    for i in progress.tqdm(range(steps), desc="painting"):
        time.sleep(STEP_SECONDS)
        yield f"step {i + 1}/{steps}", _picture(prompt, steps, palette, i + 1)
    yield f"done: {prompt} ({palette}, {steps} steps)", _picture(prompt, steps, palette, steps)


@recorded
def count(n: int):
    """Yield 0, 1, ..., n-1 as strings, one per step."""
    for i in range(int(n)):
        time.sleep(STEP_SECONDS / 2)
        yield str(i)


@recorded
def file_info(file: str) -> tuple[dict[str, Any], str]:
    """Describe an uploaded file and send back an upper-cased copy."""
    path = Path(file)
    data = path.read_bytes()
    summary = {
        "name": path.name,
        "bytes": len(data),
        "lines": data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0),
        "sha256": hashlib.sha256(data).hexdigest()[:16],
    }
    out = path.with_name(f"{path.stem}.upper{path.suffix}")
    out.write_bytes(data.upper())
    return summary, str(out)


@recorded
def grayscale(image: Image.Image) -> Image.Image:
    """Convert an image to grayscale."""
    return image.convert("L").convert("RGB")


@recorded
def remember(word: str, words: list[str]) -> tuple[int, list[str]]:
    """How many times this session has seen `word` before (the words live in a gr.State)."""
    return words.count(word), [*words, word]


@recorded
def recall(words: list[str]) -> list[str]:
    """The words this session has remembered, in order."""
    return list(words)


@recorded
async def slow(seconds: float, progress=gr.Progress()) -> str:  # noqa: B008
    """Wait `seconds` (in 0.5 s ticks, with progress): something to cancel."""
    ticks = max(1, int(float(seconds) * 2))
    for i in range(ticks):
        progress((i, ticks), desc="waiting", unit="ticks")
        await asyncio.sleep(0.5)
    return f"waited {float(seconds):g} s"


def calls() -> list[dict[str, Any]]:
    """The call record (undocumented endpoint, for tests)."""
    return list(RECORD.events)


# --------------------------------------------------------------------------- UI
def build() -> gr.Blocks:
    with gr.Blocks(title="gradio_nb demo") as demo:
        gr.Markdown("# gradio_nb demo\nOne tab per endpoint. Use it from Python with "
                    "`gradio_nb.Client(url)` or from Jupyter with `%gradio connect URL`.")
        with gr.Tab("greet"):
            name = gr.Textbox(label="name", value="World")
            excited = gr.Checkbox(label="excited", value=False)
            greeting = gr.Textbox(label="greeting")
            gr.Button("Greet").click(greet, [name, excited], greeting, api_name="greet")
        with gr.Tab("calculate"):
            a = gr.Number(label="a", value=4)
            op = gr.Radio(["add", "subtract", "multiply", "divide"], value="add", label="operation")
            b = gr.Number(label="b", value=5)
            result = gr.Number(label="result")
            gr.Button("Calculate").click(calculate, [a, op, b], result, api_name="calculate")
        with gr.Tab("paint"):
            prompt = gr.Textbox(label="prompt", value="a calm sea")
            steps = gr.Slider(1, 20, value=6, step=1, label="steps")
            palette = gr.Radio(list(PALETTES), value="ocean", label="palette")
            status = gr.Textbox(label="status")
            picture = gr.Image(label="picture", format="png")
            gr.Button("Paint").click(paint, [prompt, steps, palette], [status, picture], api_name="paint")
        with gr.Tab("count"):
            n = gr.Slider(1, 10, value=5, step=1, label="n")
            counted = gr.Textbox(label="count")
            gr.Button("Count").click(count, n, counted, api_name="count")
        with gr.Tab("files"):
            upload = gr.File(label="file", type="filepath")
            summary = gr.JSON(label="summary")
            upper = gr.File(label="upper-cased copy")
            gr.Button("Describe").click(file_info, upload, [summary, upper], api_name="file_info")
            photo = gr.Image(label="image", type="pil")
            gray = gr.Image(label="grayscale", format="png")
            gr.Button("Grayscale").click(grayscale, photo, gray, api_name="grayscale")
        with gr.Tab("state"):
            words = gr.State([])
            word = gr.Textbox(label="word", value="gradio")
            seen = gr.Number(label="seen before", precision=0)
            so_far = gr.JSON(label="words")
            gr.Button("Remember").click(remember, [word, words], [seen, words], api_name="remember")
            gr.Button("Recall").click(recall, words, so_far, api_name="recall")
        with gr.Tab("slow"):
            seconds = gr.Slider(1, 120, value=30, step=1, label="seconds")
            waited = gr.Textbox(label="result")
            gr.Button("Wait").click(slow, seconds, waited, api_name="slow")
        # A ZeroGPU Space's quota, for notebooks/zerogpu.ipynb: hidden from view_api and the page.
        zerogpu.add_endpoints(prefix="zerogpu_", api_visibility="undocumented")
        record = gr.JSON(visible=False)
        gr.Button("calls", visible=False).click(calls, None, record, api_name="calls",
                                                api_visibility="undocumented")
    # Several notebooks (and tests) may share one app: let each endpoint run 8 calls at once.
    demo.queue(default_concurrency_limit=8)
    return demo


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gradio_nb.demo.app", description=__doc__.split("\n\n")[0])
    parser.add_argument("port_arg", nargs="?", type=int, help="port (same as --port)")
    parser.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default 7860)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--record", default=None, help="append the call record to this file (JSON lines)")
    args = parser.parse_args(argv)
    if args.record:
        RECORD.path = Path(args.record)
    port = args.port or args.port_arg or 7860
    build().launch(server_name=args.host, server_port=port, ssr_mode=False, share=False,
                   quiet=True, show_error=True)


if __name__ == "__main__":
    main()
