"""Shared launch helper for the protocol-capture apps (vendored from shared/protocol/apps).

Every app takes its port as the first command-line argument (default 7870) and
binds to 127.0.0.1 only.  SSR / Node and static workers stay off so that one
Python process answers everything.

The apps were written for gradio 6.31; the helpers below let them run on 5.50 and 4.44.1 too.
"""
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

GRADIO_MAJOR = int(gr.__version__.split(".")[0])


def port_from_argv(default: int = 7870) -> int:
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


def launch_kwargs(**kwargs) -> dict:
    if GRADIO_MAJOR >= 5:
        kwargs.setdefault("ssr_mode", False)
    return kwargs


def launch(demo, **kwargs):
    demo.launch(
        server_name="127.0.0.1",
        server_port=port_from_argv(),
        share=False,
        quiet=False,
        **launch_kwargs(**kwargs),
    )


def no_flagging() -> dict:
    """gr.Interface keyword arguments that switch flagging off."""
    return {"flagging_mode": "never"} if GRADIO_MAJOR >= 5 else {"allow_flagging": "never"}


def visibility(api_name: str, api_visibility: str = "public") -> dict:
    """Event-listener keyword arguments for an endpoint's name and visibility.

    6.x: api_visibility="public"|"undocumented"|"private". Before: show_api=False meant
    undocumented and api_name=False private (PROTOCOL.md §16).
    """
    if GRADIO_MAJOR >= 6:
        return {"api_name": api_name, "api_visibility": api_visibility}
    if api_visibility == "undocumented":
        return {"api_name": api_name, "show_api": False}
    if api_visibility == "private":
        return {"api_name": False, "show_api": False}
    return {"api_name": api_name}


def messages_chatbot(**kwargs):
    """A Chatbot that takes the openai-style messages format on every version."""
    if GRADIO_MAJOR < 6:
        kwargs.setdefault("type", "messages")
    return gr.Chatbot(**kwargs)


def notice_kwargs(**kwargs) -> dict:
    """Keep gr.Error/gr.Warning's `title` only where it exists (5.x and later)."""
    if GRADIO_MAJOR < 5:
        kwargs.pop("title", None)
    return kwargs
