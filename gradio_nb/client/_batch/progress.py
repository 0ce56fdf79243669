"""A tqdm bar for a batch in scripts and terminal IPython (done/total, failures, rate).

A listener of the batch: it runs on the loop thread and only hands the numbers to tqdm, which
throttles its own redraws. Red once an item fails, green when everything succeeded; when the
batch ends, one summary line under the bar (what failed and what to do about it). While a
ZeroGPU quota holds the batch back, the bar says until when.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batch import Batch, BatchSnapshot

__all__ = ["attach_progress", "summary"]


def attach_progress(batch: Batch, file: Any = None) -> None:
    """Show ``batch``'s progress on ``file`` (stderr) until it finishes."""
    from tqdm.std import tqdm  # imported only when a bar is shown: it costs import time

    out = file or sys.stderr
    bar = tqdm(total=batch._total, desc=batch.endpoint.name, unit="call", file=out,
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
            out.write(summary(s, batch.endpoint.name) + "\n")
            out.flush()

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


def summary(s: BatchSnapshot, name: str) -> str:
    """``/square: 200/200 done in 12.3 s (16.2 calls/s); 3 failed, 10 from cache`` + a hint."""
    rate = f" ({s.throughput:.1f} calls/s)" if s.throughput else ""
    line = f"{name}: {s.done}/{s.total} done in {s.elapsed:.1f} s{rate}; {s.failed} failed"
    if s.cancelled:
        line += f", {s.cancelled} cancelled"
    if s.cached:
        line += f", {s.cached} from cache"
    if s.failed or s.cancelled:
        line += ". batch.failed lists them; batch.retry_failed() runs them again."
    return line
