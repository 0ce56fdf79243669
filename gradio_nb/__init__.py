"""gradio_nb: use any Gradio app as an API from Python and Jupyter.

    from gradio_nb import Client, handle_file
    client = Client("http://127.0.0.1:7860/")     # or Client("owner/space")
    client.predict("hello", api_name="/predict")

In Jupyter, ``%load_ext gradio_nb`` adds the ``%gradio`` magics, and displaying a ``Client`` or
a ``Job`` shows interactive forms and live job cards.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from .client import *  # noqa: E402,F403 - the public API is the core's
from .client import __all__ as _client_all  # noqa: E402
from .client import _hooks  # noqa: E402
from .client import map  # noqa: E402,A004 - public, but not in __all__ (see client/__init__)
from .client._exceptions import ZeroGPUQuotaError, ZeroGPUUnavailableError  # noqa: E402
from .client._exceptions import ZeroGPUTokenWarning  # noqa: E402,F401 - a warning: not in __all__

__all__ = [*_client_all, "ZeroGPUQuotaError", "ZeroGPUUnavailableError", "__version__",
           "load_ipython_extension", "unload_ipython_extension"]


def _notebook_layer() -> Any:
    from . import widgets

    return widgets


_hooks.set_notebook_loader(_notebook_layer)


def _in_kernel() -> bool:
    """True inside a Jupyter kernel; decided without importing IPython."""
    import sys

    ipython = sys.modules.get("IPython")
    if ipython is None or "ipykernel" not in sys.modules:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _blocking_wait(job: Any) -> Any:
    if _in_kernel():
        return _notebook_layer().blocking_wait(job)
    import contextlib

    return contextlib.nullcontext()


def _space_progress() -> Any:
    return _notebook_layer().space_progress() if _in_kernel() else None


def _batch_progress(batch: Any) -> bool:
    return _in_kernel() and _notebook_layer().show_batch_progress(batch)


def _on_job(job: Any) -> None:
    if _in_kernel():
        _notebook_layer().register_job(job)


_hooks.blocking_wait = _blocking_wait
_hooks.on_job = _on_job
_hooks.batch_progress = _batch_progress
_hooks.space_progress = _space_progress


def _frame_html(frame: Any) -> Any:
    """IPython's text/html for a DataFrame: thumbnails and players for ``batch.to_pandas()``
    frames and parts of them (widgets/_frame.py), pandas' own HTML for every other frame."""
    from .client._batch.table import FRAME_MARK, META_COLUMNS

    if FRAME_MARK in frame.attrs or set(META_COLUMNS) <= {str(c) for c in frame.columns}:
        from .widgets._frame import frame_html

        return frame_html(frame)
    return frame._repr_html_()


def _register_frame_formatter(shell: Any) -> None:
    """Show batch frames with thumbnails in ``shell`` (pandas is not imported for this)."""
    formatter = shell.display_formatter.formatters["text/html"]
    # IPython matches the class's __module__: "pandas" since pandas 3, "pandas.core.frame" before
    for module in ("pandas", "pandas.core.frame"):
        formatter.for_type_by_name(module, "DataFrame", _frame_html)


if _in_kernel():
    import IPython

    _register_frame_formatter(IPython.get_ipython())


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext gradio_nb``: register the ``%gradio`` magics."""
    from .magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext gradio_nb``: close the Clients the magics made."""
    from .magics import unload_ipython_extension as unload

    unload(ipython)
