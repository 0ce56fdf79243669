"""Reports the request headers each call carried, and relays a call to another app (a Space).

/header(name): the value of header `name` on the call's request, "" if absent.
/relay(space, library): as a Gradio app calling a ZeroGPU Space does, calls /header("x-ip-token")
of `space` through `library` ("gradio_nb" or "gradio_client") with
`client.add_zero_gpu_headers(...)`, and returns what that app saw. HF_ENDPOINT (the Hub
stand-in) resolves the Space id to a loopback app.
/relay_generate(space, library): the same, calling /generate("relayed", 1) of a ZeroGPU stand-in
(tests/zerogpu/zerogpu_app.py), which charges the quota of the visitor it saw (its /ledger).
"""
import sys
from pathlib import Path

import gradio as gr

from _launch import launch

# The gradio_nb of this checkout, whichever is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def header(name, request: gr.Request):
    return request.headers.get(name, "")


def _relay(space, library, *args, api_name):
    if library == "gradio_nb":
        from gradio_nb import Client
    else:
        from gradio_client import Client
    client = Client(space, verbose=False)
    try:
        headers = client.add_zero_gpu_headers({})
        return client.predict(*args, api_name=api_name, headers=headers)
    finally:
        if hasattr(client, "close"):
            client.close()


def relay(space, library):
    return _relay(space, library, "x-ip-token", api_name="/header")


def relay_generate(space, library):
    return _relay(space, library, "relayed", 1, api_name="/generate")


with gr.Blocks() as demo:
    name = gr.Textbox(label="name")
    space = gr.Textbox(label="space")
    library = gr.Textbox(label="library")
    out = gr.Textbox(label="value")
    gr.Button().click(header, name, out, api_name="header")
    gr.Button().click(relay, [space, library], out, api_name="relay")
    gr.Button().click(relay_generate, [space, library], out, api_name="relay_generate")

if __name__ == "__main__":
    launch(demo)
