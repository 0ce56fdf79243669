"""Keep httpx's command-line client out of ``import httpx``.

httpx 0.28's ``__init__`` imports ``httpx._main``, its CLI, which imports click, rich and
pygments whenever they are installed (gradio, typer and many notebook stacks install them).
That is about 65 ms, a third of the first ``Client(url)`` in a process, for code a client never
runs. Until httpx loads it lazily itself (its successor already does), we register a stand-in
for ``httpx._main`` before httpx is first imported: its ``main`` loads the real CLI on first
call, and any other attribute does the same, so ``httpx.main()`` and ``httpx._main.X`` keep
working. If httpx is already imported there is nothing to save and nothing is touched.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAME = "httpx._main"


def _real_cli() -> types.ModuleType:
    module = sys.modules.get(_NAME)
    if isinstance(module, _DeferredCLI):
        del sys.modules[_NAME]
        module = importlib.import_module(_NAME)
    return module  # type: ignore[return-value]


class _DeferredCLI(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real_cli(), name)


def _main(*args: Any, **kwargs: Any) -> Any:
    return _real_cli().main(*args, **kwargs)


def defer_httpx_cli() -> None:
    """Install the stand-in unless httpx (or its CLI) is already loaded."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return
    stand_in = _DeferredCLI(_NAME, "Stand-in for httpx's CLI, loaded on first use (gradio_nb).")
    stand_in.main = _main  # type: ignore[attr-defined]
    sys.modules[_NAME] = stand_in
