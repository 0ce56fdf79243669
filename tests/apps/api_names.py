"""Endpoints for client.api: a documented generate, unsafe and colliding api_names, two outputs,
a file input. Runs on Gradio 6.31, 5.50 and 4.44.1.

  /generate(text, steps=10, style="plain") -> str       "Make a short text from a prompt."
  /my-fn(x) -> str, /lambda(x) -> str, /2d(x) -> str    names that are not Python identifiers
  /a-b(x) -> str and /a_b(x) -> str                     both become a_b: [] access only
  /pair(a, b) -> (str, float)                           two outputs
  /upload(doc) -> str                                   a file input
"""
import os

import gradio as gr

from _launch import launch


def generate(text, steps, style):
    """Make a short text from a prompt."""
    out = f"{text} x{int(steps)}"
    return out.upper() if style == "fancy" else out


def pair(a, b):
    return a[::-1], b * 2


def upload(doc):
    return os.path.basename(doc)


with gr.Blocks() as demo:
    text = gr.Textbox(label="Prompt", info="What to write about")
    steps = gr.Slider(1, 20, value=10, step=1, label="Steps")
    style = gr.Radio(["plain", "fancy"], value="plain", label="Style")
    out = gr.Textbox(label="Result")
    b = gr.Button()
    b.click(generate, [text, steps, style], out, api_name="generate")
    for name in ("my-fn", "lambda", "2d", "a-b", "a_b"):
        b.click(lambda x, n=name: f"{n}:{x}", text, out, api_name=name)
    num = gr.Number(label="b", value=1.5)
    num_out = gr.Number(label="doubled")
    b.click(pair, [text, num], [out, num_out], api_name="pair")
    doc = gr.File(label="Document", type="filepath")
    b.click(upload, doc, out, api_name="upload")

if __name__ == "__main__":
    launch(demo)
