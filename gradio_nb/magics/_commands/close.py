"""Close a Client: its connection ends, pending jobs fail. The variable stays bound.

  %gradio close            # the Client in `client` (GradioMagics.default_name)
  %gradio close whisper
  %gradio close --all      # every Client these magics made
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from IPython.core.error import UsageError

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "close"
SUMMARY = "close a Client (--all: every Client the magics made)"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("var", metavar="VAR", nargs="?", help="the Client's variable (default: client)")
    parser.add_argument("--all", action="store_true", help="close every Client made by %%gradio")


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    if args.all:
        if args.var is not None:
            raise UsageError("give VAR or --all, not both.")
        count = magics.close_all()
        magics.say(f"Closed {count} client{'s' if count != 1 else ''}.")
        return
    client = magics.client(args.var)
    client.close()
    magics.say(f"Closed `{magics.variable(args.var)}` ({client.src}).")
