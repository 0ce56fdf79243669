"""Extension points the notebook layer fills in. The core calls them; it never imports it.

``gradio_nb/__init__.py`` installs defaults that, inside a Jupyter kernel, lazily import
``gradio_nb.widgets``; elsewhere they are ``None`` and the core prints plain text (or nothing).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ._job import Job

__all__ = ["blocking_wait", "batch_progress", "space_progress", "on_job", "notebook", "set_notebook_loader"]

# Given the job a blocking predict() waits for, returns a context manager that shows its
# progress while the caller blocks (a compact line in a notebook). None: show nothing.
blocking_wait: Callable[[Job], AbstractContextManager[Any]] | None = None

# Called by map()/sweep() with progress=True: shows the batch's progress and returns True (the
# live batch card in a notebook), or returns False to leave it to the core's tqdm bar.
batch_progress: Callable[[Any], bool] | None = None

# Called with every new Job (the notebook layer keeps a registry for `%gradio jobs`).
on_job: Callable[[Job], None] | None = None

# Returns the on_progress callback used while a Space builds or wakes up (a card in a
# notebook). None: the terminal line renderer of _spaces.
space_progress: Callable[[], Callable[..., None] | None] | None = None

_notebook_loader: Callable[[], Any] | None = None


def set_notebook_loader(loader: Callable[[], Any]) -> None:
    """Register how to import the notebook layer (a module with the display functions)."""
    global _notebook_loader
    _notebook_loader = loader


def notebook() -> Any:
    """The notebook layer (``gradio_nb.widgets``), for ``widget()`` and rich display."""
    from ._exceptions import GradioNBError

    if _notebook_loader is None:
        raise GradioNBError("The notebook layer is not available; import gradio_nb, not gradio_nb.client.")
    return _notebook_loader()
