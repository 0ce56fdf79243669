"""A tqdm bar for a batch in scripts and terminal IPython (done/total, failures, rate).

A listener of the batch: it runs on the loop thread and only hands the numbers to tqdm, which
throttles its own redraws. Red once an item fails, green when everything succeeded. While a
ZeroGPU quota holds the batch back, the bar says until when.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batch import Batch, BatchSnapshot

__all__ = ["attach_progress"]


def attach_progress(batch: Batch, file: Any = None) -> None:
    """Show ``batch``'s progress on ``file`` (stderr) until it finishes."""
    from tqdm.std import tqdm  # imported only when a bar is shown: it costs import time

    bar = tqdm(total=batch._total, desc=batch.endpoint.name, unit="call", file=file or sys.stderr,
               dynamic_ncols=True, leave=True, mininterval=0.2)
    shown = {"done": 0, "red": False}

    def update(s: BatchSnapshot) -> None:
        if s.total is not None and bar.total != s.total:
            bar.total = s.total
        if s.failed and not shown["red"]:
            shown["red"] = True
            bar.colour = "red"
        bar.set_postfix_str(_postfix(s), refresh=False)
        if s.done > shown["done"]:
            bar.update(s.done - shown["done"])
            shown["done"] = s.done
        if s.finished:
            if not s.failed and not s.cancelled:
                bar.colour = "green"
            elif not shown["red"]:
                bar.colour = "red"
            bar.close()
            remove()

    remove = batch.add_listener(update)


def _postfix(s: BatchSnapshot) -> str:
    parts = [f"running={s.running}"]
    if s.quota_until is not None:
        parts.insert(0, f"waiting for ZeroGPU quota until {s.quota_until:%H:%M:%S}")
    if s.failed:
        parts.append(f"failed={s.failed}")
    if s.cancelled:
        parts.append(f"cancelled={s.cancelled}")
    if s.cached:
        parts.append(f"cached={s.cached}")
    if s.retrying:
        parts.append(f"retrying={s.retrying}")
    return ", ".join(parts)
