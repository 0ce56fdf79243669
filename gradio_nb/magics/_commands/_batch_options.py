"""What ``%gradio map`` and ``%gradio sweep`` share: their options, starting the batch, its
card, its history entry and where it is bound."""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, Any, Callable

from IPython.core.error import UsageError

from .._parsing import check_variable_name
from .._shared import notebook_layer, user_errors

if TYPE_CHECKING:
    from gradio_nb.client import Batch, Client

    from .._magics import GradioMagics

__all__ = ["add_batch_options", "batch_options", "start"]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", "-c", metavar="VAR", help="the Client's variable (default: client)")
    parser.add_argument("--concurrency", "-j", metavar="N", type=_positive,
                        help="calls in flight at once (default: adaptive)")
    parser.add_argument("--cache", nargs="?", const=True, default=None, metavar="DIR",
                        help="reuse results of earlier identical calls (in DIR, or the default cache)")
    parser.add_argument("--retries", metavar="N", type=int, default=None, help="retries per item (default 3)")
    parser.add_argument("--name", "-o", metavar="VAR", default="batch",
                        help="bind the Batch to VAR (default: batch)")
    parser.add_argument("--background", "-b", action="store_true",
                        help="do not wait for the batch to end (the card stays live)")
    parser.add_argument("--no-card", action="store_true", help="do not show the batch card")


def batch_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of ``map``/``sweep`` the options give (defaults left out)."""
    options: dict[str, Any] = {}
    if args.concurrency is not None:
        options["concurrency"] = args.concurrency
    if args.cache is not None:
        options["cache"] = args.cache
    if args.retries is not None:
        if args.retries < 0:
            raise UsageError(f"--retries must be 0 or more, got {args.retries}.")
        options["retries"] = args.retries
    return options


def start(magics: GradioMagics, args: argparse.Namespace,
          begin: Callable[[Client, dict[str, Any]], Batch],
          code: Callable[[str, str, dict[str, Any]], str]) -> None:
    """Start the batch (``begin(client, options)``), bind it to --name, record
    ``code(client_var, name, options)`` in the history, show its live card and wait for the end
    unless --background (Ctrl-C cancels the batch). The card is the cell's output, so the Batch
    is bound rather than returned (it would show twice)."""
    __tracebackhide__ = True  # noqa: F841
    client = magics.client(args.client)
    client_var = magics.variable(args.client)
    name = check_variable_name(args.name)
    options = batch_options(args)
    widgets = notebook_layer()
    live = widgets is not None and widgets.frontend_available()  # else a terminal: tqdm + text
    with user_errors():
        batch = begin(client, {**options, "progress": not live})
    magics.bind(name, batch)
    if widgets is not None:
        importlib.import_module("gradio_nb.widgets.history").record_batch(
            client_var, client, batch, code(client_var, name, options))
    if live and not args.no_card:
        from IPython.display import display

        display(widgets.batch_mimebundle(batch), raw=True)
    if args.background:
        return
    try:
        batch.results()
    except KeyboardInterrupt:
        batch.cancel()
        raise
    except Exception:  # noqa: BLE001 - failures stay in the batch; the card and summary show them
        pass
    if live and not args.no_card:
        widgets.wait_drawn(batch, timeout=5.0)
    elif not live:
        print(widgets.batch_mimebundle(batch)["text/plain"] if widgets is not None else repr(batch))
