"""The app the batch tests run over: counts its calls, so tests can see what reached it."""
import os
import tempfile
import threading
import time

import gradio as gr

from _launch import launch

_calls = {"n": 0, "in_flight": 0, "max_in_flight": 0}
_lock = threading.Lock()


def _enter():
    with _lock:
        _calls["n"] += 1
        _calls["in_flight"] += 1
        _calls["max_in_flight"] = max(_calls["max_in_flight"], _calls["in_flight"])


def _leave():
    with _lock:
        _calls["in_flight"] -= 1


def square(x: float, delay: float = 0.0):
    _enter()
    try:
        if x < 0:
            raise gr.Error(f"negative input {x}")
        if delay:
            time.sleep(delay)
        return x * x
    finally:
        _leave()


def describe(text: str, n: int = 1, shout: bool = False):
    _enter()
    try:
        out = " ".join([text.upper() if shout else text] * int(n))
        return out, len(out)
    finally:
        _leave()


def whoami(tag: str, request: gr.Request):
    _enter()
    try:
        return request.session_hash
    finally:
        _leave()


def stats():
    with _lock:
        return dict(_calls)


def reset_stats():
    with _lock:
        _calls.update(n=0, in_flight=0, max_in_flight=0)
    return "ok"


def write_file(text: str):
    _enter()
    try:
        fd, path = tempfile.mkstemp(suffix=".txt", dir=os.environ.get("GRADIO_TEMP_DIR"))
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path
    finally:
        _leave()


def tally(word, seen):
    _enter()
    try:
        return len(seen) + 1, seen + [word]
    finally:
        _leave()


def verdict(text: str):
    return "fine" if text else "empty"


with gr.Blocks() as demo:
    x = gr.Number(label="x")
    delay = gr.Number(value=0.0, label="delay")
    y = gr.Number(label="square")
    text = gr.Textbox(label="text")
    n = gr.Number(value=1, label="n", precision=0)
    shout = gr.Checkbox(value=False, label="shout")
    said = gr.Textbox(label="said")
    length = gr.Number(label="length")
    j = gr.JSON()
    status = gr.Textbox()
    f_out = gr.File(label="file")
    seen = gr.State([])
    count = gr.Number(label="count")
    verdict_out = gr.Textbox(label="status")  # labelled like one of to_pandas()'s own columns
    btn = gr.Button()
    btn.click(square, [x, delay], y, api_name="square", concurrency_limit=None)
    btn.click(describe, [text, n, shout], [said, length], api_name="describe", concurrency_limit=None)
    btn.click(whoami, text, said, api_name="whoami", concurrency_limit=None)
    btn.click(square, [x, delay], y, api_name="one_at_a_time", concurrency_limit=1)
    btn.click(stats, None, j, api_name="stats", queue=False)
    btn.click(reset_stats, None, status, api_name="reset_stats", queue=False)
    btn.click(write_file, text, f_out, api_name="write_file", concurrency_limit=None)
    btn.click(tally, [text, seen], [count, seen], api_name="tally", concurrency_limit=None)
    btn.click(verdict, text, verdict_out, api_name="verdict")

if __name__ == "__main__":
    launch(demo)
