"""The Python line equivalent to a batch started from a form or a magic:
``results = client.map(df, api_name="/predict", concurrency=4)`` or
``client.sweep("/predict", steps=[10, 25], text="a cat")``, for history and copy-paste."""

from __future__ import annotations

import keyword
from typing import Any, Mapping

from ._code import literal

__all__ = ["map_code", "sweep_code"]


def _name(var: str | None, default: str) -> str:
    return var if var and var.isidentifier() and not keyword.iskeyword(var) else default


def _options(options: Mapping[str, Any]) -> list[str]:
    """``concurrency=4, cache=True`` for the options that differ from map's defaults."""
    return [f"{key}={literal(value)}" for key, value in options.items() if value not in (None, False)]


def _assign(code: str, name: str | None) -> str:
    return f"{name} = {code}" if name else code


def map_code(client_var: str | None, inputs: str, api_name: str, *, name: str | None = None,
             **options: Any) -> str:
    """``name = client.map(inputs, api_name="/x", ...)``; ``inputs`` is Python source."""
    parts = [inputs, f'api_name="{api_name}"', *_options(options)]
    return _assign(f"{_name(client_var, 'client')}.map({', '.join(parts)})", name)


def sweep_code(client_var: str | None, api_name: str, grid: Mapping[str, Any], *,
               name: str | None = None, **options: Any) -> str:
    """``name = client.sweep("/x", steps=[10, 25], text="a cat", ...)``."""
    parts = [f'"{api_name}"', *(f"{key}={literal(value)}" for key, value in grid.items()), *_options(options)]
    return _assign(f"{_name(client_var, 'client')}.sweep({', '.join(parts)})", name)
