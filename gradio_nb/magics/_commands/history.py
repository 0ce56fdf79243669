"""Every call made from the forms and the magics, as runnable code with its inputs, outputs
and durations.

  %gradio history                # print the code
  %gradio history -o calls       # also store the entries (a list) in `calls`
  %gradio history -f calls.py    # also write the code to a file
  %gradio history --load         # put the code in the next cell
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from IPython.core.error import UsageError

from .._shared import notebook_layer
from .._parsing import check_variable_name

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "history"
SUMMARY = "the calls made from forms and magics, as runnable code (-o VAR stores them)"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="VAR", help="store the entries (a list) in VAR")
    parser.add_argument("-f", "--file", metavar="FILE", help="write the code to FILE")
    parser.add_argument("--load", action="store_true", help="put the code in the next cell")


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    widgets = notebook_layer()
    if widgets is None:
        raise UsageError("`%gradio history` needs the notebook layer (gradio_nb.widgets), which is not installed.")
    history = importlib.import_module("gradio_nb.widgets.history")
    if args.output is not None:
        magics.bind(check_variable_name(args.output), list(history.entries()))
    code = history.as_code()
    if args.file is not None:
        try:
            Path(args.file).expanduser().write_text(code, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.file}: {exc.strerror or exc}.") from None
    if args.load:
        magics.shell.set_next_input(code, replace=False)
    if not code.strip():
        print("No calls yet: calls made from the forms and from %%gradio predict appear here.")
    elif not args.load:
        print(code)
