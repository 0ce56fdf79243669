"""Shared launcher for the replica apps: port from argv[1], loopback only, no SSR.

The same app files run on gradio 6.31, 5.50 and 4.44.1; the few keyword arguments that only
exist in some versions are chosen here.
"""
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

GRADIO_MAJOR = int(gr.__version__.split(".")[0])


def port_from_argv(default: int = 7860) -> int:
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


def interface_kwargs() -> dict:
    """Keyword arguments for gr.Interface that switch flagging off on every version."""
    return {"flagging_mode": "never"} if GRADIO_MAJOR >= 5 else {"allow_flagging": "never"}


def launch(demo, **kwargs):
    if GRADIO_MAJOR >= 5:
        kwargs.setdefault("ssr_mode", False)
    demo.launch(
        server_name="127.0.0.1",
        server_port=port_from_argv(),
        share=False,
        quiet=True,
        **kwargs,
    )
