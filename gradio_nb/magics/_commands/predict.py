"""Call an endpoint with the arguments written in the cell, with a live job card.

  %%gradio predict /predict
  text = "hello"
  n = len(words)            # any expression; names come from the notebook

  %%gradio predict /add -o total
  a=1, b=2

The line says which endpoint (API_NAME, e.g. /predict), which Client (--client VAR, default
GradioMagics.default_name) and where the result goes. Without -o the result is the cell's
value: it shows as Out[n] and is in `_`, like any expression's. With -o OUT it is stored in
OUT instead (and not shown again: the card shows it). A failed call raises in the cell;
Ctrl-C (interrupt) cancels the job. --background returns at once: the card stays live, OUT
(when given) is set when the job succeeds, --job VAR keeps the Job.

What is evaluated: only the cell body, which you wrote. It is parsed (ast) either as an
argument list, exactly what could stand between the parentheses of `client.predict(...)`
(`"hello", n=3`, `a=1, b=2`, `*values, **options`), or, when that does not parse, as lines
of `name = expression`, one keyword argument per line. Each expression is evaluated with
eval() in the notebook's namespace, which is only read: a line sees the names bound by the
lines above it, but those are not added to the namespace. Nothing received from the server
is ever evaluated; string values are sent as they are. An empty body calls with no arguments
(the endpoint's defaults), as does the line form `%gradio predict API_NAME`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .._parsing import check_variable_name, normalize_api_name, parse_cell_arguments
from .._shared import notebook_layer, user_errors

if TYPE_CHECKING:
    from gradio_nb.client import Job

    from .._magics import GradioMagics

NAME = "predict"
SUMMARY = "(cell) call API_NAME with the cell's arguments, with a live card"
CELL = "optional"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("api_name", metavar="API_NAME", help="the endpoint, e.g. /predict")
    parser.add_argument("--client", "-c", metavar="VAR", help="the Client's variable (default: client)")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="store the result in OUT instead of returning it (Out[n] / _)")
    parser.add_argument("--job", metavar="VAR", help="also store the Job in VAR")
    parser.add_argument("--background", "-b", action="store_true",
                        help="do not wait: the card stays live, OUT is set when the job succeeds")
    parser.add_argument("--no-card", action="store_true", help="do not show the job card")


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> Any:
    __tracebackhide__ = True  # noqa: F841
    client = magics.client(args.client)
    client_var = magics.variable(args.client)
    api_name = normalize_api_name(args.api_name)
    output = check_variable_name(args.output) if args.output else None
    job_var = check_variable_name(args.job) if args.job else None
    arguments = parse_cell_arguments(cell or "")
    with user_errors():
        client.endpoint(api_name)  # an unknown endpoint is reported before evaluating anything
    values, keywords = arguments.evaluate(magics.user_ns)
    with user_errors():
        job = client.submit(*values, api_name=api_name, **keywords)
    _record(client_var, job)
    if job_var:
        magics.bind(job_var, job)
    if not args.no_card:
        _show_card(job)
    if args.background:
        if output:
            job.add_done_callback(lambda done: _store_result(magics, output, done))
        return None
    try:
        result = job.result()
    except KeyboardInterrupt:
        job.cancel()
        raise
    finally:
        if not args.no_card:
            _wait_card_drawn(job)
    if output:
        magics.bind(output, result)
        return None
    return result


def _record(client_var: str, job: Job) -> None:
    widgets = notebook_layer()
    if widgets is not None:
        import importlib

        importlib.import_module("gradio_nb.widgets.history").record(client_var, job)


def _show_card(job: Job) -> None:
    from IPython.display import display

    widgets = notebook_layer()
    if widgets is not None:
        display(widgets.job_mimebundle(job), raw=True)


def _wait_card_drawn(job: Job) -> None:
    """End the cell only once the card shows the final state: what a kernel client (nbclient,
    a saved notebook) keeps is what was sent while the cell ran."""
    widgets = notebook_layer()
    if widgets is not None and job.done():
        widgets.wait_drawn(job, timeout=5.0)


def _store_result(magics: GradioMagics, name: str, job: Job) -> None:
    if not job.cancelled() and job.exception() is None:  # a cancelled job's exception() raises
        magics.bind(name, job.result())
