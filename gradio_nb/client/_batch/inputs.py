"""What a batch runs over: items as call arguments, DataFrame rows, sweep grids. No I/O.

An item is a dict (keyword arguments), a tuple (positional arguments) or a bare value (the one
parameter). Everything here is lazy: a generator of a million items is read one at a time.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .._exceptions import ArgumentError
from .._protocol.endpoints import Endpoint

__all__ = ["as_call", "rows_of", "sweep_grid", "known_length"]


def as_call(item: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """One input item -> (args, kwargs) for ``Endpoint.bind``."""
    if isinstance(item, Mapping):
        return (), {str(k): v for k, v in item.items()}
    if isinstance(item, tuple):
        return item, {}
    return (item,), {}


def _is_dataframe(value: Any) -> bool:
    cls = type(value)
    return cls.__name__ == "DataFrame" and cls.__module__.split(".")[0] == "pandas"


def rows_of(inputs: Any, endpoint: Endpoint) -> Iterable[Any]:
    """``inputs`` as an iterable of items; a pandas DataFrame gives one dict per row.

    A DataFrame's columns must be parameter names: an unknown column is an ``ArgumentError``
    listing the parameters, raised before anything runs.
    """
    if not _is_dataframe(inputs):
        if isinstance(inputs, (str, bytes, Mapping)):
            raise ArgumentError(
                f"map() needs an iterable of items (one per call), not a {type(inputs).__name__}: "
                "wrap a single item in a list, e.g. map([item])."
            )
        try:
            iter(inputs)
        except TypeError:
            raise ArgumentError(
                f"map() needs an iterable of items (a list, a generator, a DataFrame), "
                f"not {type(inputs).__name__}."
            ) from None
        return inputs
    names = [p.name for p in endpoint.parameters]
    unknown = [str(c) for c in inputs.columns if str(c) not in names]
    if unknown:
        usable = [str(c) for c in inputs.columns if str(c) in names]
        hint = f", e.g. df[{usable}]" if usable else ""
        raise ArgumentError(
            f"The DataFrame has column(s) {unknown} that {endpoint.name} has no parameter for. "
            f"Its parameters are {names}: rename the columns, or select the others{hint}."
        )
    columns = [str(c) for c in inputs.columns]

    def rows() -> Iterator[dict[str, Any]]:
        for values in inputs.itertuples(index=False, name=None):
            yield dict(zip(columns, (_plain(v) for v in values)))

    return _Sized(rows(), len(inputs))


def _plain(value: Any) -> Any:
    """numpy scalars (from DataFrame cells) as Python values, so they serialise as JSON."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value


class _Sized:
    """An iterator that knows its length (DataFrame rows, sweep grids)."""

    def __init__(self, it: Iterator[Any], length: int) -> None:
        self._it, self._length = it, length

    def __iter__(self) -> Iterator[Any]:
        return self._it

    def __len__(self) -> int:
        return self._length


def known_length(inputs: Any) -> int | None:
    """``len(inputs)`` when it has one (lists, DataFrames, grids), else None (generators)."""
    try:
        return len(inputs)
    except TypeError:
        return None


def sweep_grid(endpoint: Endpoint, grid: Mapping[str, Any]) -> _Sized:
    """The cartesian product of ``grid``: lists (and tuples, ranges) vary, other values are
    fixed, parameters not given keep the app's defaults. To pass a list as one fixed value,
    wrap it: ``choices=[["a", "b"]]``."""
    names = [p.name for p in endpoint.parameters]
    unknown = [k for k in grid if k not in names]
    if unknown:
        raise ArgumentError(
            f"sweep(): {endpoint.name} has no parameter(s) {unknown}; its parameters are {names}."
        )
    varied = {k: list(v) for k, v in grid.items() if isinstance(v, (list, tuple, range))}
    fixed = {k: v for k, v in grid.items() if k not in varied}
    empty = [k for k, v in varied.items() if not v]
    if empty:
        raise ArgumentError(f"sweep(): {empty} vary over an empty list: there would be no calls.")
    keys: Sequence[str] = list(varied)
    length = 1
    for values in varied.values():
        length *= len(values)

    def items() -> Iterator[dict[str, Any]]:
        for combo in itertools.product(*(varied[k] for k in keys)):
            yield {**fixed, **dict(zip(keys, combo))}

    return _Sized(items(), length)
