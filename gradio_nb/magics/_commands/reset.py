"""Start a fresh session for a Client: the app's State values start over.

  %gradio reset            # the Client in `client` (GradioMagics.default_name)
  %gradio reset whisper
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .._shared import user_errors

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "reset"
SUMMARY = "start a fresh session (State values start over)"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("var", metavar="VAR", nargs="?", help="the Client's variable (default: client)")


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    client = magics.client(args.var)
    with user_errors():
        client.reset_session()
    magics.say(f"`{magics.variable(args.var)}` has a fresh session: State values start over.")
