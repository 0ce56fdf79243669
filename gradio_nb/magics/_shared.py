"""Helpers the command modules share with ``GradioMagics`` (kept apart to avoid import cycles)."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from IPython.core.error import UsageError

__all__ = ["notebook_layer", "user_errors"]


def notebook_layer() -> Any:
    """``gradio_nb.widgets``, or None while it is not installed (plain text is shown instead)."""
    try:
        import gradio_nb.widgets as widgets
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("gradio_nb.widgets"):
            return None
        raise
    if getattr(widgets, "__file__", None) is None:  # a namespace package: not built yet
        return None
    return widgets


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """The core's errors about what the user gave (a wrong URL, a refused login, an unknown
    endpoint, a missing argument...) become ``UsageError``: their message, no traceback."""
    from gradio_nb.client import (
        AuthenticationError,
        ConfigError,
        ConnectionFailed,
        SpaceError,
        TooManyRequestsError,
    )

    try:
        yield
    except (ConfigError, ConnectionFailed, AuthenticationError, SpaceError, TooManyRequestsError) as exc:
        raise UsageError(f"{type(exc).__name__}: {exc}") from None
