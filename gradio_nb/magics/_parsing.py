"""Parsing for ``%gradio``: argparse that raises ``UsageError``, ``K=V`` options, cell bodies.

No IPython shell and no client here: everything is a pure function of its text, so it is tested
without a shell (``tests/magics/test_parsing.py``).
"""

from __future__ import annotations

import argparse
import ast
import keyword
import re
import shlex
from typing import Any, NoReturn, Sequence

from IPython.core.error import UsageError

__all__ = [
    "ASK",
    "CellArguments",
    "CommandParser",
    "HelpShown",
    "check_variable_name",
    "normalize_api_name",
    "parse_auth",
    "parse_cell_arguments",
    "parse_headers",
    "parse_pairs",
    "split_line",
]


class _Ask:
    """Sentinel: an option given without its value (``--token``), so the value is asked."""

    def __repr__(self) -> str:
        return "<ask>"


ASK: Any = _Ask()


class HelpShown(Exception):
    """Raised by ``CommandParser.exit`` after ``--help`` printed: the command stops quietly."""


class CommandParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` for a magic: mistakes raise ``UsageError`` (no traceback, no
    ``SystemExit``), and ``--help`` prints the help then stops the command."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\n{self.format_usage().rstrip()}\n(see `{self.prog} --help`)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise UsageError(message or f"{self.prog}: error")
        if message:
            print(message, end="")
        raise HelpShown


def split_line(line: str) -> list[str]:
    """Shell-like words of a magic's line (quotes group, ``#`` is not a comment)."""
    try:
        return shlex.split(line, posix=True)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise UsageError(f"cannot split the line into words: {exc}.") from None


def check_variable_name(name: str, what: str = "variable name") -> str:
    """``name`` if it can be bound in the user namespace, else ``UsageError``."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"{name!r} is not a valid {what} (a Python identifier such as `client`).")
    return name


def normalize_api_name(api_name: str) -> str:
    """``"predict"`` -> ``"/predict"``; ``"/predict"`` stays."""
    api_name = api_name.strip()
    if not api_name or api_name == "/":
        raise UsageError("API_NAME is empty; write it as shown by `client.view_api()`, e.g. /predict.")
    return api_name if api_name.startswith("/") else "/" + api_name


# RFC 9110 field-name: a token (tchar+).
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def parse_headers(items: Sequence[str]) -> dict[str, str]:
    """``["K=V", "X-Api-Key=abc"]`` -> ``{"K": "V", ...}``. Values are never echoed in errors."""
    headers: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise UsageError(f"--header expects NAME=VALUE, got {_redact(item)!r} (no '=').")
        if not name:
            raise UsageError("--header expects NAME=VALUE; the NAME before '=' is empty.")
        if not _HEADER_NAME.match(name):
            raise UsageError(f"--header: {name!r} is not a valid HTTP header name.")
        if any(c in value for c in "\r\n\0"):
            raise UsageError(f"--header {name}: the value contains a line break or NUL.")
        if name.lower() in {k.lower() for k in headers}:
            raise UsageError(f"--header {name} is given twice.")
        headers[name] = value.strip()
    return headers


def parse_pairs(items: Sequence[str], option: str) -> dict[str, Any]:
    """``["NAME=VALUE", "OTHER"]`` -> ``{"NAME": "VALUE", "OTHER": ASK}`` (a bare NAME is asked)."""
    pairs: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not name:
            raise UsageError(f"{option} expects NAME or NAME=VALUE; the NAME is empty.")
        if name in pairs:
            raise UsageError(f"{option} {name} is given twice.")
        pairs[name] = value if sep else ASK
    return pairs


def parse_auth(value: str) -> tuple[str, str | Any]:
    """``"user:pass"`` -> ``("user", "pass")``; ``"user"`` -> ``("user", ASK)``."""
    user, sep, password = value.partition(":")
    if not user:
        raise UsageError("--auth expects USER or USER:PASS; the USER is empty.")
    return user, (password if sep else ASK)


def _redact(text: str) -> str:
    return text if len(text) <= 12 else text[:4] + "…"


# ------------------------------------------------------------------------------------------------
# %%gradio predict: the cell body
# ------------------------------------------------------------------------------------------------
_CALL = "__gradio_nb_arguments__"
_FILENAME = "<%%gradio predict>"


class CellArguments:
    """The parsed body of ``%%gradio predict``: what ``evaluate`` will ``eval``.

    Two forms, tried in this order:

    1. an argument list, exactly what could stand between the parentheses of
       ``client.predict(...)``: ``"hello", n=3`` / ``a=1, b=2`` / ``*values, **options``
       (one ``text = "hello"`` line is this form too);
    2. lines of ``name = expression`` (comments and blank lines allowed), each giving one keyword
       argument.

    Only the expressions are evaluated, by ``evaluate``, with ``eval`` in the namespace given
    (the notebook's). In form 2 a line also sees the names bound by the lines above it; those
    names are not added to the namespace. Nothing else is evaluated: not the line of the magic,
    not anything received from a server.
    """

    def __init__(self, body: str) -> None:
        self.body = body
        self._call: Any = None
        self._lines: list[tuple[str, Any]] = []
        source = body.strip()
        if not source:
            return
        try:
            tree = ast.parse(f"{_CALL}(\n{body}\n)", _FILENAME, mode="eval")
        except SyntaxError:
            tree = None
        if tree is not None and isinstance(tree.body, ast.Call) and _is_call(tree.body):
            self._call = compile(tree, _FILENAME, "eval")
            return
        self._lines = _assignment_lines(body)

    def evaluate(self, namespace: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """``(args, kwargs)``, evaluated with ``namespace`` as globals (read, never written).

        Exceptions raised by the user's expressions propagate unchanged.
        """
        __tracebackhide__ = True  # noqa: F841 - IPython hides this frame in tracebacks
        if self._call is not None:
            def collect(*args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
                return args, kwargs

            args, kwargs = eval(self._call, namespace, {_CALL: collect})
            return args, kwargs
        kwargs = {}
        for name, code in self._lines:
            kwargs[name] = eval(code, namespace, dict(kwargs))
        return (), kwargs


def _is_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id == _CALL


def _assignment_lines(body: str) -> list[tuple[str, Any]]:
    try:
        module = ast.parse(body, _FILENAME, mode="exec")
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        raise UsageError(
            f"the cell body is neither an argument list (a=1, b=2) nor lines of `name = value`: "
            f"{exc.msg}{where}."
        ) from None
    lines: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for stmt in module.body:
        value: ast.expr | None = None
        target: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        if not isinstance(target, ast.Name) or value is None:
            raise UsageError(
                f"line {stmt.lineno} of the cell body: expected `name = value` (one argument per "
                f"line), or write the arguments as a list: a=1, b=2."
            )
        if target.id in seen:
            raise UsageError(f"argument {target.id!r} is given twice in the cell body.")
        seen.add(target.id)
        expression = ast.Expression(value)
        ast.copy_location(expression, value)
        lines.append((target.id, compile(expression, _FILENAME, "eval")))
    return lines


def parse_cell_arguments(body: str) -> CellArguments:
    return CellArguments(body)
