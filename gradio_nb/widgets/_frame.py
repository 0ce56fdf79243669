"""``batch.to_pandas()`` shown in a notebook: image columns as thumbnails, audio as players.

The frame itself keeps plain paths and values; only its HTML rendering changes, through an
IPython ``text/html`` formatter that ``gradio_nb/__init__.py`` registers for ``DataFrame`` in a
kernel. It applies to frames ``to_pandas`` marked (``attrs``, which pandas keeps in column
selections and filters) or that have the columns it adds (status, error, elapsed_s, attempts,
cached); any other frame renders as pandas renders it.
"""

from __future__ import annotations

import html
from typing import Any

from gradio_nb.client._batch.table import FRAME_MARK, META_COLUMNS

from ._batch_view import thumbnail
from ._render import Budget, _as_file, _kind_of

__all__ = ["BATCH_COLUMNS", "frame_html", "is_batch_frame", "media_columns"]

BATCH_COLUMNS = frozenset(META_COLUMNS)
_SAMPLE = 20  # values looked at to decide whether a column holds media


def is_batch_frame(frame: Any) -> bool:
    """True for a frame made by ``Batch.to_pandas()`` (or cut from one)."""
    try:
        return FRAME_MARK in frame.attrs or BATCH_COLUMNS <= {str(c) for c in frame.columns}
    except Exception:  # noqa: BLE001 - not a frame we know
        return False


def media_columns(frame: Any) -> list[int]:
    """The positions of the object/string columns whose values are local image or audio files
    (by position: a name may repeat)."""
    found = []
    for position, column in enumerate(frame.columns):
        series = frame.iloc[:, position]
        if str(column) in BATCH_COLUMNS or not _texty(series.dtype):
            continue
        sample = [v for v in series.head(_SAMPLE * 5) if not _missing(v)][:_SAMPLE]
        files = [_as_file(v) for v in sample]
        if sample and all(f is not None and _kind_of(f) in ("image", "audio") for f in files):
            found.append(position)
    return found


def frame_html(frame: Any) -> str | None:
    """The frame's HTML with thumbnails and players in its media columns (``None``: pandas')."""
    import pandas as pd

    media = media_columns(frame)
    if not media:
        return frame._repr_html_()
    limit = pd.get_option("display.max_rows") or len(frame)
    shown = frame if len(frame) <= limit else frame.head(limit)
    budget = Budget()

    def cell(value: Any) -> str:
        return "" if _missing(value) else html.escape(str(value))

    def media_cell(value: Any) -> str:
        if _missing(value):
            return ""
        return thumbnail(value, budget, str(value)) or html.escape(str(value))

    # escape=False so our <img>/<audio> survive: every other cell is escaped by ``cell``
    # one formatter per column by position: column names may repeat
    formatters = [media_cell if position in media else cell for position in range(len(shown.columns))]
    table = shown.rename(columns=lambda c: html.escape(str(c))).to_html(
        escape=False, formatters=formatters, na_rep="", classes="gnb-frame")
    if len(frame) > len(shown):
        note = f'<p style="color:#666">{len(shown)} of {len(frame)} rows shown × {len(frame.columns)} columns</p>'
    else:
        note = f'<p style="color:#666">{len(frame)} rows × {len(frame.columns)} columns</p>'
    return f"<div>{table}{note}</div>"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # None or NaN


def _texty(dtype: Any) -> bool:
    """Object or string columns (pandas 3 gives strings their own dtype)."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    return is_object_dtype(dtype) or is_string_dtype(dtype)
