"""A Run button whose /slow call sleeps SLOW_SECONDS (default 30) for the text "first" and
answers at once otherwise, and a Stop button that cancels it (cancels=[...]): how apps before
Gradio 4.29 let a running call be cancelled. The queue runs one call at a time."""
import os
import time

import gradio as gr

from _launch import launch

SLOW = float(os.environ.get("SLOW_SECONDS", "30"))


def slow(text):
    if text == "first":
        time.sleep(SLOW)
    return text


with gr.Blocks() as demo:
    box = gr.Textbox(label="text")
    out = gr.Textbox(label="out")
    run = gr.Button("Run")
    stop = gr.Button("Stop")
    event = run.click(slow, box, out, api_name="slow")
    stop.click(None, None, None, cancels=[event])

if __name__ == "__main__":
    launch(demo)
