"""Echoes one request header back (X-Test) and reports the caller: for `--header` and `--auth`."""
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402


def header(name, request: gr.Request):
    return request.headers.get(name.lower(), "")


with gr.Blocks() as demo:
    name = gr.Textbox(label="name")
    out = gr.Textbox(label="value")
    gr.Button().click(header, name, out, api_name="header")

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]), share=False, quiet=True, ssr_mode=False)
