"""``Batch.to_pandas()``: the finished items as a DataFrame (pandas is an optional extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._exceptions import ConfigError

if TYPE_CHECKING:
    from .batch import Batch

__all__ = ["FRAME_MARK", "META_COLUMNS", "to_pandas", "output_columns"]

# The columns after the inputs and outputs (the notebook layer recognises batch frames by them).
META_COLUMNS = ("status", "error", "elapsed_s", "attempts", "cached")
# Set in the frame's ``attrs`` (which pandas carries over to column selections and filters), so
# the notebook layer shows its media columns as thumbnails; the data itself stays plain.
FRAME_MARK = "gradio_nb.batch"


def output_columns(batch: Batch) -> list[str]:
    """The endpoint's outputs, named as ``view_api`` shows them (unique, never empty)."""
    names: list[str] = []
    for position, ret in enumerate(batch.endpoint.returns):
        name = ret.label or f"output {position}"
        while name in names:
            name += "_"
        names.append(name)
    return names or ["output"]


def to_pandas(batch: Batch) -> Any:
    """Input columns, output columns, then status, error, elapsed_s, attempts, cached."""
    try:
        import pandas as pd
    except ImportError:
        raise ConfigError(
            'Batch.to_pandas() needs pandas: pip install "gradio_nb[pandas]" (or pip install pandas).'
        ) from None
    outputs = output_columns(batch)
    inputs = [p.name for p in batch.endpoint.parameters]
    # An output named like an input or like one of our own columns ("status") keeps its value.
    taken = {*inputs, *META_COLUMNS}
    outputs = [name + " (output)" if name in taken else name for name in outputs]
    meta = list(META_COLUMNS)
    extra: dict[str, None] = {}  # inputs of items that could not be bound (arg0, unknown names)
    rows = []
    for item in batch.items:
        row: dict[str, Any] = {name: item.inputs.get(name) for name in inputs}
        for name, value in item.inputs.items():
            if name not in row:
                extra[name] = None
                row[name] = value
        if len(outputs) == 1:
            values: tuple[Any, ...] = (item.value,)
        elif isinstance(item.value, (tuple, list)) and len(item.value) == len(outputs):
            values = tuple(item.value)
        else:
            values = (None,) * len(outputs)
        row.update(zip(outputs, values))
        row.update(status=item.status, error=None if item.error is None else str(item.error),
                   elapsed_s=item.elapsed, attempts=item.attempts, cached=item.cached)
        rows.append(row)
    columns = [*inputs, *(name for name in extra if name not in outputs), *outputs, *meta]
    index = pd.Index([item.index for item in batch.items], name="index")
    frame = pd.DataFrame(rows, columns=columns, index=index)
    frame.attrs[FRAME_MARK] = batch.endpoint.name
    return frame
