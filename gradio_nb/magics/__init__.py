"""``%gradio``: IPython magics over the client core and the notebook widgets.

``%load_ext gradio_nb`` registers one line-and-cell magic with subcommands::

    %gradio connect SRC [--name VAR] [--token [T]] [--auth USER[:PASS]] [--header K=V ...]
                        [--download-dir D | --no-download] [--no-forms]
    %gradio view [VAR] [--all] [--api API_NAME]
    %%gradio predict API_NAME [--client VAR] [-o OUT] [--job VAR] [--background] [--no-card]
    %gradio jobs
    %gradio history [-o VAR] [-f FILE] [--load]
    %gradio reset [VAR]
    %gradio close [VAR | --all]
    %gradio duplicate FROM [--to ID] [--hardware H] [--public] [--sleep-timeout MIN]
                           [--secret NAME[=VALUE] ...] [--token [T]] [--name VAR] [--yes]

``%gradio --help`` and ``%gradio COMMAND --help`` describe them; ``%config GradioMagics``
lists the settings. Mistakes raise ``UsageError`` (a message, no traceback).
``%unload_ext gradio_nb`` closes the Clients the magics made and removes the magic.

Layout: ``_magics.py`` (the magic, its settings, what commands share), ``_parsing.py`` (pure
parsing), ``_commands/<name>.py`` (one thin adapter per subcommand).
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_ipython_extension", "unload_ipython_extension"]


def _instance(ipython: Any) -> Any:
    from ._magics import GradioMagics

    for configurable in getattr(ipython, "configurables", []):
        if isinstance(configurable, GradioMagics):
            return configurable
    return None


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%gradio`` (once per shell)."""
    from ._magics import GradioMagics

    magics = _instance(ipython)
    if magics is None:
        magics = GradioMagics(ipython)  # adds itself to ipython.configurables (for %config)
    ipython.register_magics(magics)


def unload_ipython_extension(ipython: Any) -> None:
    """Close the Clients the magics made, then remove ``%gradio`` and its settings."""
    magics = _instance(ipython)
    if magics is None:
        return
    magics.close_all()
    manager = ipython.magics_manager
    for kind in ("line", "cell"):
        if getattr(manager.magics[kind].get("gradio"), "__self__", None) is magics:
            del manager.magics[kind]["gradio"]
    manager.registry.pop(type(magics).__name__, None)
    ipython.configurables.remove(magics)
