"""The Gradio 6.31 app every benchmark contender talks to.

Run:  python bench/bench_app.py PORT

Binds 127.0.0.1 only, ssr_mode=False (one Python process answers everything),
no max_file_size, and max_threads high enough for 1,000 events in flight (the
queue runs at most ``max_threads`` events at once, whatever the listeners'
concurrency_limit says). Endpoints are ``async def`` where possible so that the
server adds as little of its own latency as it can.

Endpoints (api_name):
  /echo        Textbox -> Textbox, returns its input (concurrency_limit=None)
  /stream      async generator: yields ``"<i>|<time.time()>"`` n times, ``interval`` s apart
  /echo_file   File -> File, returns the uploaded file (upload + download)
  /sleep       sleeps ``seconds`` then returns ``tag`` (concurrency_limit=None)
  /calls       how many times /echo has run (queue=False; bench/batch.py counts app calls)
"""
from __future__ import annotations

import asyncio
import os
import sys
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio 6.31 rebuilds a pandas summary of its last 10,000 events after every event (for its
# /monitoring page), so each event costs the server more the longer it has run: the order in
# which contenders ran would decide the ratios. Rebuild it at most once per billion events.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000000000")

import gradio as gr  # noqa: E402


_calls = {"echo": 0}


async def echo(text: str) -> str:
    _calls["echo"] += 1  # bench/batch.py checks that a cached re-run calls the app zero times
    return text


def calls() -> dict:
    return dict(_calls)


async def stream(n: float, interval: float):
    for i in range(int(n)):
        if i:
            await asyncio.sleep(interval)
        # Stamp as late as possible: the emit time is this instant.
        yield f"{i}|{time.time()!r}"


def echo_file(path: str) -> str:
    return path


async def sleep(seconds: float, tag: str) -> str:
    await asyncio.sleep(seconds)
    return tag


def build() -> gr.Blocks:
    with gr.Blocks(analytics_enabled=False) as demo:
        text_in = gr.Textbox(label="text")
        text_out = gr.Textbox(label="out")
        n = gr.Number(label="n", value=20, precision=0)
        interval = gr.Number(label="interval", value=0.05)
        file_in = gr.File(label="file", type="filepath")
        file_out = gr.File(label="file out")
        seconds = gr.Number(label="seconds", value=2.0)
        gr.Button("echo").click(
            echo, text_in, text_out, api_name="echo", concurrency_limit=None
        )
        gr.Button("stream").click(
            stream, [n, interval], text_out, api_name="stream", concurrency_limit=None
        )
        gr.Button("echo_file").click(
            echo_file, file_in, file_out, api_name="echo_file", concurrency_limit=None
        )
        gr.Button("sleep").click(
            sleep, [seconds, text_in], text_out, api_name="sleep", concurrency_limit=None
        )
        gr.Button("calls").click(calls, None, gr.JSON(), api_name="calls", queue=False)
    return demo


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 7899
    build().queue(default_concurrency_limit=None).launch(
        server_name="127.0.0.1",
        server_port=port,
        ssr_mode=False,
        share=False,
        quiet=True,
        max_threads=4000,
        show_error=True,
    )
