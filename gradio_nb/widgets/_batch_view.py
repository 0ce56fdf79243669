"""A batch as HTML and text: counts, failures, thumbnails, the results table and the sweep grid.

Pure (files are read, nothing is displayed): the live card (``_batch_card``), the final plain
rendering that stays in the notebook, and the DataFrame formatter (``_frame``) share it. Media go
through ``_render``'s file handling, so they are embedded as ``data:`` URLs within a ``Budget``
and survive saving and nbconvert; app text is escaped.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, Iterable, Mapping, Sequence

from gradio_nb.client._batch.table import output_columns

from ._card import _error_parts, _seconds
from ._render import Budget, Rendered, _as_file, _kind_of, _src, render_value

__all__ = [
    "MAX_ROWS",
    "counts_html",
    "failures_html",
    "final_rendering",
    "grid_axes",
    "summary_line",
    "thumbnail",
]

MAX_ROWS = 200  # rows of the final table; the rest is in batch.to_pandas()
MAX_FAILURES = 5  # latest failures shown on the card
THUMB_PX = 64
_HOVER_CHARS = 80

STATE_COLORS = {"running": "#2563eb", "done": "#16a34a", "failed": "#dc2626", "cancelled": "#6b7280"}


def _short(value: Any, limit: int = _HOVER_CHARS) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inputs_text(inputs: Mapping[str, Any]) -> str:
    """``a=1, text='a cat'``: an item's inputs on one line (hover titles, failure lists)."""
    return ", ".join(f"{name}={_short(value, 40)}" for name, value in inputs.items())


def state_of(s: Any) -> str:
    """"running", "done" (all succeeded), "failed" (some failed) or "cancelled"."""
    if not s.finished:
        return "running"
    if s.cancelled:
        return "cancelled"
    return "failed" if s.failed else "done"


def _eta(s: Any, received_at: float | None, now: float | None) -> float | None:
    """The snapshot's ETA counted down by the time since it was taken."""
    if s.eta is None or s.finished:
        return None
    waited = (now - received_at) if now is not None and received_at is not None else 0.0
    return max(0.0, s.eta - waited)


def quota_text(s: Any) -> str | None:
    """``waiting for ZeroGPU quota until 14:32:05 (1:15 left)`` while a quota holds the batch."""
    until = getattr(s, "quota_until", None)
    if until is None or s.finished:
        return None
    left = max(0.0, (until - datetime.now(until.tzinfo)).total_seconds())
    return f"waiting for ZeroGPU quota until {until:%H:%M:%S} ({timedelta(seconds=round(left))} left)"


def _elapsed(s: Any, now: float | None) -> float:
    return s.elapsed if now is None or s.finished else max(0.0, now - s.started_at)


def summary_line(s: Any, endpoint: Any, now: float | None = None, received_at: float | None = None) -> str:
    """``/predict · 150/200 done · 3 running · 45 queued · 2 failed · 10 from cache · 12.5 calls/s · ETA 3.6 s · 12.0 s``"""
    total = "?" if s.total is None else s.total
    parts = [endpoint.name, f"{s.done}/{total} done"]
    if not s.finished:
        parts.append(f"{s.running + s.retrying} running")
        if s.queued is not None:
            parts.append(f"{s.queued} queued")
    parts.append(f"{s.failed} failed")
    if s.cancelled:
        parts.append(f"{s.cancelled} cancelled")
    if s.cached:
        parts.append(f"{s.cached} from cache")
    if s.throughput:
        parts.append(f"{s.throughput:.1f} calls/s")
    eta = _eta(s, received_at, now)
    if eta is not None:
        parts.append(f"ETA {_seconds(eta)}")
    quota = quota_text(s)
    if quota is not None:
        parts.append(quota)
    parts.append(_seconds(_elapsed(s, now)))
    return " · ".join(parts)


def counts_html(s: Any, endpoint: Any, now: float | None = None, received_at: float | None = None) -> str:
    """The card's header: endpoint, state badge and the summary numbers, each in its own span
    (class ``gnb-n-<name>``) so tests and the browser read them."""
    state = state_of(s)
    total = "?" if s.total is None else s.total

    def n(name: str, value: Any, label: str, color: str = "#111") -> str:
        return (f'<span class="gnb-count" style="margin-right:10px">{label} '
                f'<b class="gnb-n-{name}" style="color:{color}">{html.escape(str(value))}</b></span>')

    numbers = [f'<span class="gnb-count" style="margin-right:10px"><b class="gnb-n-done">{s.done}</b>'
               f'/<b class="gnb-n-total">{total}</b> done</span>']
    if not s.finished:
        numbers.append(n("running", s.running + s.retrying, "running"))
        numbers.append(n("queued", "?" if s.queued is None else s.queued, "queued"))
    numbers.append(n("failed", s.failed, "failed", "#dc2626" if s.failed else "#111"))
    if s.cancelled:
        numbers.append(n("cancelled", s.cancelled, "cancelled"))
    numbers.append(n("cached", s.cached, "from cache"))
    rate = f"{s.throughput:.1f}/s" if s.throughput else "–"
    numbers.append(n("rate", rate, "throughput"))
    eta = _eta(s, received_at, now)
    if not s.finished:
        numbers.append(n("eta", _seconds(eta) if eta is not None else "–", "ETA"))
    numbers.append(n("elapsed", _seconds(_elapsed(s, now)), "elapsed"))
    quota = quota_text(s)
    if quota is not None:  # counts down at every redraw (the card's ticker)
        error = getattr(s, "quota_error", None)
        why = html.escape(str(getattr(error, "app_message", "") or error or ""), quote=True)
        numbers.append(f'<span class="gnb-quota" title="{why}" style="color:#b45309">'
                       f'{html.escape(quota)}</span>')
    color = STATE_COLORS[state]
    return (
        '<div class="gnb-batch-header" style="display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center">'
        f'<code style="font-weight:bold">{html.escape(endpoint.name)}</code>'
        f'<span class="gnb-status gnb-status-{state}" style="color:#fff;background:{color};'
        f'border-radius:4px;padding:0 6px">{state}</span>{"".join(numbers)}</div>'
    )


def failures_html(items: Sequence[Any]) -> str:
    """The failed items given (newest last): their inputs and the app's message."""
    rows = []
    for item in items:
        title, message = _error_parts(item.error)
        rows.append(
            '<div class="gnb-failure" style="border-left:3px solid #dc2626;padding-left:6px;margin:2px 0">'
            f'<code>#{item.index}</code> <span class="gnb-failure-inputs">{html.escape(inputs_text(item.inputs))}</span>'
            f' → <b>{html.escape(title)}</b>: <span style="white-space:pre-wrap">{html.escape(message)}</span></div>'
        )
    return "".join(rows)


def media_values(item: Any, endpoint: Any) -> list[Any]:
    """The output values of a successful item that are images or audio files."""
    if item.error is not None:
        return []
    n = len(endpoint.returns)
    values = [item.value] if n <= 1 else list(item.value) if isinstance(item.value, (list, tuple)) else []
    found = []
    for value in values:
        file = _as_file(value)
        if file is not None and _kind_of(file) in ("image", "audio"):
            found.append(value)
    return found


def thumbnail(value: Any, budget: Budget, title: str = "") -> str | None:
    """A small <img> or audio player for an image/audio file value; None for anything else."""
    file = _as_file(value)
    kind = _kind_of(file) if file is not None else None
    if file is None or kind not in ("image", "audio"):
        return None
    src = _src(file, budget, "image/png" if kind == "image" else "audio/wav")
    hover = html.escape(title, quote=True)
    if src is None:  # past the embedding budget: the file's name, where it is
        return f'<span class="gnb-thumb-file" title="{hover}">{html.escape(file.name)}</span>'
    quoted = html.escape(src, quote=True)
    if kind == "image":
        return (f'<img class="gnb-thumb" src="{quoted}" title="{hover}" alt="{html.escape(file.name, quote=True)}"'
                f' style="height:{THUMB_PX}px;max-width:{THUMB_PX * 2}px;object-fit:contain;'
                'border:1px solid #ddd;border-radius:3px">')
    return (f'<audio class="gnb-thumb-audio" controls src="{quoted}" title="{hover}"'
            ' style="height:32px;max-width:220px"></audio>')


def gallery_html(items: Iterable[Any], endpoint: Any, budget: Budget | None = None) -> str:
    """Thumbnails of the media outputs of ``items``, each titled with its inputs (hover)."""
    budget = budget if budget is not None else Budget()
    cells = []
    for item in items:
        for value in media_values(item, endpoint):
            thumb = thumbnail(value, budget, f"#{item.index} {inputs_text(item.inputs)}")
            if thumb is not None:
                cells.append(f'<span class="gnb-gallery-item" style="display:inline-block;margin:2px">{thumb}</span>')
    if not cells:
        return ""
    return f'<div class="gnb-gallery" style="display:flex;flex-wrap:wrap">{"".join(cells)}</div>'


def _cell(component_type: str, value: Any, budget: Budget, title: str = "") -> Rendered:
    """One table/grid cell: a thumbnail for media, else the value as its component shows it."""
    thumb = thumbnail(value, budget, title)
    if thumb is not None:
        return Rendered(thumb, str(value))
    if value is None:
        return Rendered("", "")
    if isinstance(value, (str, int, float, bool)):
        text = _short(value if isinstance(value, str) else repr(value), 200)
        return Rendered(html.escape(text), text)
    return render_value(component_type, value, None, budget)


def _outputs_of(item: Any, count: int) -> list[Any]:
    if count <= 1:
        return [item.value]
    if isinstance(item.value, (list, tuple)) and len(item.value) == count:
        return list(item.value)
    return [None] * count


_TABLE = ('<table class="gnb-batch-table" style="border-collapse:collapse;font-size:90%">')
_TD = 'style="border:1px solid #ddd;padding:2px 6px;vertical-align:middle"'


def table_html(items: Sequence[Any], endpoint: Any, budget: Budget) -> Rendered:
    """The results table: index, inputs, outputs (thumbnails for media), status, error."""
    inputs = [p.name for p in endpoint.parameters]
    for item in items:  # inputs of items that could not be bound (arg0, unknown names)
        inputs += [name for name in item.inputs if name not in inputs]
    outputs = output_columns_of(endpoint)
    types = [r.component_type for r in endpoint.returns] or [""]
    head = "".join(f"<th {_TD}>{html.escape(c)}</th>" for c in ["#", *inputs, *outputs, "status", "error"])
    rows, lines = [], [["#", *inputs, *outputs, "status", "error"]]
    for item in items[:MAX_ROWS]:
        cells, texts = [str(item.index)], [str(item.index)]
        for name in inputs:
            rendered = _cell("", item.inputs.get(name), budget)
            cells.append(rendered.html)
            texts.append(rendered.text)
        for ctype, value in zip(types, _outputs_of(item, len(outputs))):
            rendered = _cell(ctype, value, budget, inputs_text(item.inputs))
            cells.append(rendered.html)
            texts.append(rendered.text)
        error = "" if item.error is None else ": ".join(_error_parts(item.error))
        color = {"failed": "#dc2626", "cancelled": "#6b7280"}.get(item.status, "#111")
        cells += [f'<span style="color:{color}">{item.status}</span>', html.escape(error)]
        texts += [item.status, error]
        rows.append(f'<tr class="gnb-row gnb-row-{item.status}">' + "".join(f"<td {_TD}>{c}</td>" for c in cells) + "</tr>")
        lines.append(texts)
    more = ""
    text = _aligned(lines)
    if len(items) > MAX_ROWS:
        more = (f'<div style="color:#666">… {len(items) - MAX_ROWS} more rows: '
                '<code>batch.to_pandas()</code> has them all.</div>')
        text += f"\n… {len(items) - MAX_ROWS} more rows"
    return Rendered(f"{_TABLE}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}",
                    text)


def _aligned(rows: Sequence[Sequence[str]]) -> str:
    """Rows of cells as text columns (one line per row, cells cut at 40 characters)."""
    cut = [[_short(" ".join(cell.split()), 40) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cut) for i in range(len(cut[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in cut)


def output_columns_of(endpoint: Any) -> list[str]:
    """The output column names, as ``to_pandas`` names them (it reads ``batch.endpoint`` only)."""
    return output_columns(SimpleNamespace(endpoint=endpoint))  # type: ignore[arg-type]


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def grid_axes(items: Sequence[Any]) -> tuple[str, list[Any], str, list[Any]] | None:
    """(row parameter, its values, column parameter, its values) when exactly two inputs vary
    over ``items`` and they hold each pair once (a 2-parameter sweep); else None."""
    if len(items) < 2:
        return None
    names = list(items[0].inputs)
    values: dict[str, dict[Any, Any]] = {name: {} for name in names}
    for item in items:
        if list(item.inputs) != names:
            return None
        for name in names:
            values[name].setdefault(_hashable(item.inputs[name]), item.inputs[name])
    varied = [name for name in names if len(values[name]) > 1]
    if len(varied) != 2:
        return None
    rows, cols = varied
    pairs = {(_hashable(i.inputs[rows]), _hashable(i.inputs[cols])) for i in items}
    complete = len(values[rows]) * len(values[cols]) == len(items)  # a full product, not a map
    if len(pairs) != len(items) or not complete or len(items) > MAX_ROWS:
        return None
    return rows, list(values[rows].values()), cols, list(values[cols].values())


def grid_html(items: Sequence[Any], endpoint: Any, budget: Budget) -> Rendered | None:
    """A 2-parameter sweep as a grid: rows one parameter, columns the other; each cell the first
    output (a thumbnail for an image, else its value), or the error."""
    axes = grid_axes(items)
    if axes is None:
        return None
    rows, row_values, cols, col_values = axes
    by_pair = {(_hashable(i.inputs[rows]), _hashable(i.inputs[cols])): i for i in items}
    ctype = endpoint.returns[0].component_type if endpoint.returns else ""
    count = len(endpoint.returns)
    head = f'<th {_TD}>{html.escape(rows)} \\ {html.escape(cols)}</th>' + "".join(
        f'<th {_TD}>{html.escape(_short(v, 40))}</th>' for v in col_values)
    body, lines = [], [[f"{rows} \\ {cols}", *(_short(v, 40) for v in col_values)]]
    for rv in row_values:
        cells, texts = [], []
        for cv in col_values:
            item = by_pair.get((_hashable(rv), _hashable(cv)))
            if item is None:
                cells.append("")
                texts.append("")
            elif item.error is not None:
                cells.append(f'<span style="color:#dc2626">{html.escape(item.status)}</span>')
                texts.append(item.status)
            else:
                rendered = _cell(ctype, _outputs_of(item, count)[0], budget, inputs_text(item.inputs))
                cells.append(rendered.html)
                texts.append(rendered.text)
        body.append(f'<tr><th {_TD}>{html.escape(_short(rv, 40))}</th>' + "".join(
            f'<td class="gnb-grid-cell" {_TD}>{c}</td>' for c in cells) + "</tr>")
        lines.append([_short(rv, 40), *texts])
    return Rendered(f'<table class="gnb-sweep-grid" style="border-collapse:collapse;font-size:90%">'
                    f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>",
                    _aligned(lines))


def final_rendering(batch: Any) -> Rendered:
    """The plain rendering a finished batch leaves: the summary line, the sweep grid (2 varied
    parameters), the results table with thumbnails, and the failures' messages."""
    s = batch.snapshot()
    items = batch.items
    budget = Budget()
    summary = summary_line(s, batch.endpoint)
    grid = grid_html(items, batch.endpoint, budget)
    table = table_html(items, batch.endpoint, budget)
    parts = [f'<div class="gnb-batch-summary">{counts_html(s, batch.endpoint)}</div>']
    texts = [summary]
    if grid is not None:
        parts.append(grid.html)
        parts.append(f'<details><summary>All results</summary>{table.html}</details>')
        texts.append(grid.text)
    else:
        parts.append(table.html)
        texts.append(table.text)
    return Rendered(
        '<div class="gnb-batch gnb-final" style="border:1px solid #ddd;border-radius:6px;padding:6px 8px">'
        + "".join(parts) + "</div>",
        "\n".join(texts),
    )
