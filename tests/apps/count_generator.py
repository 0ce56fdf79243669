"""Replica of the Space gradio/count_generator: /count yields 0, 1, 2 ... into a Textbox.

Also /show (a plain function), as in the original demo.
"""
import os
import time

import gradio as gr

from _launch import launch

DELAY = float(os.environ.get("COUNT_DELAY", "0.1"))


def count(n):
    for i in range(int(n)):
        time.sleep(DELAY)
        yield i


def show(n):
    return str(list(range(int(n))))


with gr.Blocks() as demo:
    with gr.Column():
        num = gr.Number(value=10)
        with gr.Row():
            count_btn = gr.Button("Count")
            list_btn = gr.Button("List")
    with gr.Column():
        out = gr.Textbox()

    count_btn.click(count, num, out, api_name="count")
    list_btn.click(show, num, out, api_name="show")

if __name__ == "__main__":
    launch(demo)
