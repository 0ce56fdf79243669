"""Shared launcher for the replica apps: port from argv[1], loopback only, no SSR.

The same app files run on gradio 6.31, 5.50 and 4.44.1, and on the old lines (4.5 to 4.21,
3.50); the few keyword arguments that only exist in some versions are chosen here. On 3.x the
queue (the websocket protocol) is switched on as Spaces had it, unless GRADIO_TEST_NO_QUEUE=1
asks for an app without a queue (plain `run/predict` calls).
"""
import inspect
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

GRADIO_MAJOR = int(gr.__version__.split(".")[0])
NO_QUEUE = os.environ.get("GRADIO_TEST_NO_QUEUE") == "1"


def port_from_argv(default: int = 7860) -> int:
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


def interface_kwargs() -> dict:
    """Keyword arguments for gr.Interface that switch flagging off on every version."""
    return {"flagging_mode": "never"} if GRADIO_MAJOR >= 5 else {"allow_flagging": "never"}


def supported(cls, **kwargs) -> dict:
    """The keyword arguments that this Gradio's `cls` accepts (e.g. Interface(api_name=...) and
    Image(format=...) came with 4.x)."""
    params = inspect.signature(cls.__init__).parameters
    return {key: value for key, value in kwargs.items() if key in params}


def launch(demo, **kwargs):
    if GRADIO_MAJOR >= 5:
        kwargs.setdefault("ssr_mode", False)
    if GRADIO_MAJOR < 4 and not NO_QUEUE:
        demo.queue()
    # allowed_paths came with 3.2x (after 3.20): files outside it are served there anyway
    known = inspect.signature(demo.launch).parameters
    demo.launch(
        server_name="127.0.0.1",
        server_port=port_from_argv(),
        share=False,
        quiet=True,
        **{key: value for key, value in kwargs.items() if key in known},
    )
