"""The Gradio app that plays a Space's host in tests/spaces: ``python space_app.py PORT``.

Two endpoints: /predict (greet) and /add. Loopback only, no analytics, no SSR.
"""
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402


def greet(name: str) -> str:
    return "Hello " + name + "!"


def add(a: float, b: float) -> float:
    return a + b


with gr.Blocks() as demo:
    name = gr.Textbox(label="name")
    out = gr.Textbox(label="greeting")
    gr.Button("greet").click(greet, name, out, api_name="predict")
    a = gr.Number(label="a")
    b = gr.Number(label="b")
    total = gr.Number(label="total")
    gr.Button("add").click(add, [a, b], total, api_name="add")

if __name__ == "__main__":
    demo.launch(
        server_name="127.0.0.1",
        server_port=int(sys.argv[1]) if len(sys.argv) > 1 else 7860,
        share=False,
        quiet=True,
        ssr_mode=False,
    )
