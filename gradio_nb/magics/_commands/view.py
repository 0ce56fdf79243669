"""Show the forms of a Client again (one tab per endpoint, or one endpoint's form).

  %gradio view                 # the Client in `client` (GradioMagics.default_name)
  %gradio view whisper --all   # also the undocumented endpoints
  %gradio view --api /predict  # one endpoint's form
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .._shared import user_errors
from .._parsing import normalize_api_name

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "view"
SUMMARY = "show a Client's forms again (--all: undocumented endpoints too)"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("var", metavar="VAR", nargs="?", help="the Client's variable (default: client)")
    parser.add_argument("--all", action="store_true", help="also show the undocumented endpoints")
    parser.add_argument("--api", metavar="API_NAME", help="only this endpoint's form, e.g. /predict")


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    client = magics.client(args.var)
    with user_errors():
        if args.all:
            client.load_all_endpoints()
        api_name = None
        if args.api is not None:
            api_name = normalize_api_name(args.api)
            client.endpoint(api_name)  # unknown names: UsageError listing the valid ones
    magics.show_client(client, api_name=api_name, undocumented=args.all)
