"""A Gradio app for fault and load tests. Port in argv[1]; binds 127.0.0.1.

  /sleep_echo(text, seconds=1.0)   async sleep, returns text       concurrency_limit=None
  /stream(n=1000, delay=0.2)       generator yielding "0", "1"...  concurrency_limit=None
  /queued(text, seconds=30)        blocking sleep, returns text    concurrency_limit=1
"""
import asyncio
import os
import sys
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402


async def sleep_echo(text, seconds=1.0):
    await asyncio.sleep(float(seconds))
    return text


async def stream(n=1000, delay=0.2):
    for i in range(int(n)):
        yield str(i)
        await asyncio.sleep(float(delay))


def queued(text, seconds=30):
    time.sleep(float(seconds))
    return text


with gr.Blocks() as demo:
    text = gr.Textbox(label="text")
    seconds = gr.Number(value=1.0, label="seconds")
    n = gr.Number(value=1000, label="n", precision=0)
    delay = gr.Number(value=0.2, label="delay")
    out = gr.Textbox(label="out")
    btn = gr.Button()
    btn.click(sleep_echo, [text, seconds], out, api_name="sleep_echo", concurrency_limit=None)
    btn.click(stream, [n, delay], out, api_name="stream", concurrency_limit=None)
    btn.click(queued, [text, seconds], out, api_name="queued", concurrency_limit=1)

demo.queue(default_concurrency_limit=None, max_size=None)

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]), ssr_mode=False, quiet=True)
