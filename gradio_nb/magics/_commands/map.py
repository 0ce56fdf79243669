"""Run an endpoint over every row of a DataFrame or every item of a list, with a live card.

  %gradio map /predict --over df
  %gradio map /predict --over prompts --concurrency 4 --cache --name results

--over VAR names a variable of the notebook: a pandas DataFrame (its columns are the
endpoint's parameters, one call per row) or any iterable (each item a dict of keyword
arguments, a tuple of positional ones, or the one argument). The Batch is bound to --name
(default: batch); the card shows the counts, failures and a gallery, then the results table.
The cell waits for the end (Ctrl-C cancels the batch) unless --background. As code:
`batch = client.map(df, api_name="/predict")`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from IPython.core.error import UsageError

from .._parsing import check_variable_name, normalize_api_name
from ._batch_options import add_batch_options, start

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "map"
SUMMARY = "run API_NAME over a DataFrame or list (--over VAR), with a live batch card"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("api_name", metavar="API_NAME", help="the endpoint, e.g. /predict")
    parser.add_argument("--over", required=True, metavar="VAR",
                        help="the DataFrame or iterable variable to run over")
    add_batch_options(parser)


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    __tracebackhide__ = True  # noqa: F841
    api_name = normalize_api_name(args.api_name)
    over = check_variable_name(args.over, "--over variable")
    if over not in magics.user_ns:
        raise UsageError(f"--over {over}: no variable named {over!r} in the notebook; "
                         "define it first (a DataFrame or a list of inputs).")
    inputs = magics.user_ns[over]

    from gradio_nb.widgets._batch_code import map_code

    start(magics, args,
          lambda client, options: client.map(inputs, api_name, **options),
          lambda client_var, name, options: map_code(client_var, over, api_name, name=name, **options))
