"""The live card of a batch: counts, a progress bar, throughput, ETA, Cancel all, the latest
failures and a thumbnail gallery of media outputs, drawn from ``BatchSnapshot``s.

Life of a card (as the job card's, ``_card``): ``batch.add_listener`` calls ``_changed`` on the
loop thread for every finished item; it only stores the snapshot and wakes the ticker
(``_kernel``), which draws at most every 0.1 s however fast items finish, every 0.5 s while the
batch runs (elapsed time, ETA countdown), and once more when it ends. A draw sends a comm
message only for the parts that changed (the gallery and the failures only when new items
brought some), so a 10,000-item batch costs the frontend a few messages per draw, at ~10 Hz.

``display(batch)`` shows ``LiveBatchOutput``: an Output holding the card that, when the batch
ends, closes the card's widgets and keeps only the plain final rendering (``_batch_view``): it
survives saving and nbconvert with no widget state.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Callable

import ipywidgets as W

from ._batch_view import MAX_FAILURES, counts_html, failures_html, final_rendering, gallery_html, media_values
from ._card import Following, LiveOutput
from ._kernel import capture_parent
from ._render import Budget, Rendered

__all__ = ["BatchCard", "LiveBatchOutput", "MAX_THUMBS"]

MAX_THUMBS = 32  # newest media thumbnails on a live card (bounded comm messages)


class BatchCard(Following, W.VBox):
    """The live card of one batch. Draws on the ticker thread only (see the module docstring)."""

    def __init__(self, batch: Any, *, on_final: Callable[[BatchCard, Any], None] | None = None,
                 **kwargs: Any) -> None:
        self.batch = batch
        self.endpoint = batch.endpoint
        self.parent = capture_parent()
        self.header = W.HTML("")
        self.bar = W.FloatProgress(min=0.0, max=1.0, value=0.0, layout=W.Layout(width="320px"))
        self.failures = W.HTML("")
        self.gallery = W.HTML("")
        self.cancel_button = W.Button(description="Cancel all", icon="stop", button_style="warning",
                                      layout=W.Layout(width="auto"))
        self.cancel_button.add_class("gnb-cancel-all")
        self.cancel_button.on_click(self._cancel_clicked)
        super().__init__(
            [self.header, W.HBox([self.bar, self.cancel_button], layout=W.Layout(align_items="center")),
             self.failures, self.gallery],
            layout=W.Layout(border="1px solid #ddd", padding="4px 8px", margin="4px 0"),
            **kwargs,
        )
        self.add_class("gnb-batch-card")
        self._on_final = on_final
        self._seen: set[int] = set()  # indexes of the items already looked at
        self._thumbs: deque[Any] = deque(maxlen=MAX_THUMBS)  # newest items with media outputs
        self._failed: deque[Any] = deque(maxlen=MAX_FAILURES)
        self.snapshot: Any = None  # the last drawn snapshot
        self._follow(batch)

    # -- clicks (any thread) ---------------------------------------------------------------------

    def _cancel_clicked(self, _button: Any = None) -> None:
        self.cancel_button.disabled = True
        self.cancel_button.description = "Cancelling…"
        if not self.batch.cancel():  # thread-safe; returns once the batch has ended
            self.cancel_button.description = "Cancel all"

    # -- the ticker's side ------------------------------------------------------------------

    def _take_new_items(self, snap: Any) -> tuple[bool, bool]:
        """Look at the items finished since the last draw: (new media?, new failures?)."""
        if snap.done <= len(self._seen):
            return False, False
        fresh = [item for item in self.batch.items if item.index not in self._seen]
        media = failed = False
        for item in fresh:
            self._seen.add(item.index)
            if item.status == "failed":
                self._failed.append(item)
                failed = True
            elif media_values(item, self.endpoint):
                self._thumbs.append(item)
                media = True
        return media, failed

    def draw(self, now: float) -> None:
        snap, received_at = self._take()
        if self._final:
            return
        media, failed = self._take_new_items(snap)
        header = counts_html(snap, self.endpoint, now, received_at)
        if header != self.header.value:  # a trait assignment is a comm message: only on change
            self.header.value = header
        fraction = snap.done / snap.total if snap.total else 0.0
        if fraction != self.bar.value:
            self.bar.value = fraction
        style = "danger" if snap.failed else ("success" if snap.finished else "")
        if style != self.bar.bar_style:
            self.bar.bar_style = style
        if failed:
            self.failures.value = ('<div style="font-size:90%;color:#991b1b">Latest failures</div>'
                                   + failures_html(list(self._failed)))
        if media:
            self.gallery.value = gallery_html(list(self._thumbs), self.endpoint, Budget())
        self.snapshot = snap
        if snap.finished:
            self._final = True
            self._remove_listener()
            self.cancel_button.layout.display = "none"
            self.cancel_button.disabled = True
            if self._on_final is not None:
                self._on_final(self, snap)
            self._final_drawn.set()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self.batch))


class LiveBatchOutput(LiveOutput):
    """Shows a batch's live card; once the batch has ended, only its plain final rendering."""

    def __init__(self, batch: Any, **kwargs: Any) -> None:
        self.batch = batch
        super().__init__(batch, **kwargs)

    def _make_card(self, batch: Any) -> BatchCard:
        return BatchCard(batch, on_final=self._finish)

    def _text(self, batch: Any) -> str:
        return repr(batch)

    def _render_final(self, card: Any, snap: Any) -> Rendered:
        return final_rendering(self.batch)
