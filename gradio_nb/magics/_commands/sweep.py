"""Run an endpoint over a grid of parameter values (the cartesian product), with a live card.

  %gradio sweep /predict steps=10,25,50 text="a cat"
  %gradio sweep /predict steps=10,25 guidance=3.5,7 --concurrency 2 --name grid

Each NAME=VALUES word gives one parameter: comma-separated values vary (10,25,50), one value
stays fixed (text="a cat"); parameters not given keep the app's defaults. Each value is read
as a Python literal when it is one (10, 2.5, True, None, "quoted") and as text otherwise; a
value with a comma in it is written as a Python list: choices='["a, b"]' (one fixed value:
'[["a, b"]]'). Nothing is evaluated. A 2-parameter sweep ends as a grid (rows the first,
columns the second). The Batch is bound to --name (default: batch). As code:
`batch = client.sweep("/predict", steps=[10, 25, 50], text="a cat")`.
"""

from __future__ import annotations

import argparse
import ast
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from .._parsing import normalize_api_name
from ._batch_options import add_batch_options, start

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "sweep"
SUMMARY = "run API_NAME over a grid: NAME=V1,V2 varies, NAME=V is fixed, with a live batch card"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("api_name", metavar="API_NAME", help="the endpoint, e.g. /predict")
    parser.add_argument("grid", nargs="+", metavar="NAME=VALUES",
                        help="a parameter and its values: steps=10,25,50 (varies) or text=\"a cat\" (fixed)")
    add_batch_options(parser)


def _value(text: str) -> Any:
    """A Python literal if ``text`` is one, else the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def parse_grid(words: list[str]) -> dict[str, Any]:
    """``["steps=10,25", "text=a cat"]`` -> ``{"steps": [10, 25], "text": "a cat"}``."""
    grid: dict[str, Any] = {}
    for word in words:
        name, sep, text = word.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise UsageError(f"sweep expects NAME=VALUES words such as steps=10,25,50; got {word!r}.")
        if name in grid:
            raise UsageError(f"sweep: {name} is given twice; list its values once: {name}=a,b,c.")
        text = text.strip()
        if not text:
            raise UsageError(f"sweep: {name}= has no value; write {name}=VALUE or {name}=V1,V2.")
        if text.startswith("["):  # a Python list: the values, commas inside them allowed
            value = _value(text)
            if not isinstance(value, list):
                raise UsageError(f"sweep: {name}={text} is not a valid Python list.")
            grid[name] = value
        elif "," in text:
            grid[name] = [_value(part.strip()) for part in text.split(",")]
        else:
            grid[name] = _value(text)
    return grid


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    __tracebackhide__ = True  # noqa: F841
    api_name = normalize_api_name(args.api_name)
    grid = parse_grid(args.grid)

    from gradio_nb.widgets._batch_code import sweep_code

    start(magics, args,
          lambda client, options: client.sweep(api_name, **options, **grid),
          lambda client_var, name, options: sweep_code(client_var, api_name, grid, name=name, **options))
