"""One module per ``%gradio`` subcommand (jupysql's ``src/sql/cmd`` layout).

Each module defines ``NAME``, ``SUMMARY`` (one line for ``%gradio --help``), ``CELL`` (whether it
takes a cell body: ``"required"``, ``"optional"`` or ``None``), a module docstring (its
``--help`` description), ``add_arguments(parser)`` and ``run(magics, args, cell)``.
"""

from __future__ import annotations

import argparse
import difflib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from .._parsing import CommandParser
from . import close, connect, duplicate, history, jobs, map, predict, reset, sweep, view

if TYPE_CHECKING:
    from .._magics import GradioMagics

__all__ = ["COMMANDS", "dispatch", "main_parser"]

COMMANDS: dict[str, ModuleType] = {
    m.NAME: m for m in (connect, view, predict, map, sweep, jobs, history, reset, close, duplicate)
}

_EPILOG = """\
Run `%gradio COMMAND --help` for a command's options.
Settings: `%config GradioMagics` lists them (default_name, download_dir, show_forms, verbose,
space_timeout); e.g. `%config GradioMagics.default_name = "app"`.
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=100)


def main_parser() -> CommandParser:
    """``%gradio`` with one sub-parser per command (built on each call: it is cheap)."""
    parser = CommandParser(
        prog="%gradio",
        description="Use Gradio apps from IPython and Jupyter.",
        epilog=_EPILOG,
        formatter_class=_Formatter,
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", parser_class=CommandParser
    )
    for name, module in COMMANDS.items():
        sub = subparsers.add_parser(
            name,
            help=module.SUMMARY,
            description=(module.__doc__ or "").strip(),
            formatter_class=_Formatter,
        )
        module.add_arguments(sub)
    return parser


def dispatch(magics: GradioMagics, words: list[str], cell: str | None) -> Any:
    __tracebackhide__ = True  # noqa: F841
    parser = main_parser()
    if not words:
        parser.print_help()
        return None
    first = words[0]
    if not first.startswith("-") and first not in COMMANDS:
        close_matches = difflib.get_close_matches(first, list(COMMANDS), n=1)
        hint = f" Did you mean `{close_matches[0]}`?" if close_matches else ""
        raise UsageError(
            f"unknown %gradio command {first!r}.{hint} Commands: {', '.join(COMMANDS)} "
            f"(see `%gradio --help`)."
        )
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return None
    module = COMMANDS[args.command]
    if cell is not None and module.CELL is None:
        raise UsageError(f"`%%gradio {args.command}` takes no cell body; use the line magic `%gradio {args.command}`.")
    if cell is None and module.CELL == "required":
        raise UsageError(
            f"`{args.command}` needs a cell: write `%%gradio {args.command} ...` on the first line "
            f"of a cell and the arguments below it."
        )
    return module.run(magics, args, cell)
