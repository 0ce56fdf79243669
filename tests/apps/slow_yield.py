"""Replica of the Space abidlabs/test-yield: yields the characters of its input, one per
YIELD_SECONDS (default 1.0), as a gr.Interface with one endpoint, /predict."""
import os
import time

import gradio as gr

from _launch import interface_kwargs, launch

DELAY = float(os.environ.get("YIELD_SECONDS", "1.0"))


def predict(text):
    for ch in text:
        time.sleep(DELAY)
        yield ch


demo = gr.Interface(predict, gr.Textbox(label="text"), gr.Textbox(label="output"), **interface_kwargs())

if __name__ == "__main__":
    launch(demo)
