"""``GradioMagics``: the ``%gradio`` line/cell magic, its settings, and what commands share.

The magic only splits the line and dispatches: each subcommand lives in its own module under
``_commands/`` (``connect.py``, ``predict.py``...), and each of those is a thin adapter over the
client core and the notebook layer (``gradio_nb.widgets``). What several commands need (finding
a Client by variable name, binding names, asking for a secret, turning the core's "you gave me
something unusable" errors into ``UsageError``, showing forms) is here, once.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
import weakref
from typing import TYPE_CHECKING, Any

from IPython.core.error import StdinNotImplementedError, UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from traitlets import Bool, Float, TraitError, Unicode, validate

from . import _commands
from ._parsing import HelpShown, check_variable_name, split_line
from ._shared import notebook_layer, user_errors

if TYPE_CHECKING:
    from gradio_nb.client import Client

__all__ = ["GradioMagics"]


@magics_class
class GradioMagics(Magics):
    """The ``%gradio`` magics. Settings: ``%config GradioMagics.<name> = value``."""

    default_name = Unicode(
        "client",
        help="Variable that `%gradio connect` binds, and that the other commands use, when no VAR is given.",
    ).tag(config=True)
    download_dir = Unicode(
        None,
        allow_none=True,
        help="Folder for files that Clients made by `%gradio connect` download; None: the core's default.",
    ).tag(config=True)
    show_forms = Bool(
        True, help="Show the endpoint forms after `%gradio connect` and `%gradio duplicate`."
    ).tag(config=True)
    verbose = Bool(
        True, help="Print what the magics do: connections, Space start-up progress, duplication steps."
    ).tag(config=True)
    space_timeout = Float(
        300.0,
        allow_none=True,
        help="Seconds to wait for a Hugging Face Space to build or wake up (None: no limit).",
    ).tag(config=True)

    @validate("default_name")
    def _check_default_name(self, proposal: Any) -> str:
        name = proposal["value"]
        if not name.isidentifier():
            raise TraitError(f"default_name must be a Python identifier, not {name!r}")
        return str(name)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        # The Clients these magics made (for `%unload_ext`); weak, so that rebinding a name lets
        # the old Client be collected (its finalizer closes it).
        self._clients: list[weakref.ref[Client]] = []

    # -- the magic -------------------------------------------------------------------------------

    @line_cell_magic
    def gradio(self, line: str = "", cell: str | None = None) -> Any:
        __tracebackhide__ = True  # noqa: F841 - IPython hides this frame in tracebacks
        words = split_line(line)
        try:
            return _commands.dispatch(self, words, cell)
        except HelpShown:
            return None

    # -- what the commands share ---------------------------------------------------------------

    @property
    def user_ns(self) -> dict[str, Any]:
        return self.shell.user_ns  # type: ignore[no-any-return]

    def variable(self, name: str | None) -> str:
        """The variable a command works on: ``name`` or the configured default."""
        return check_variable_name(name or self.default_name)

    def client(self, name: str | None) -> Client:
        """The ``Client`` bound to ``name`` (default: ``default_name``) in the user namespace."""
        from gradio_nb.client import AsyncClient, Client

        var = self.variable(name)
        if var not in self.user_ns:
            option = "" if var == self.default_name else f" --name {var}"
            raise UsageError(f"No variable `{var}`: connect first with `%gradio connect SRC{option}`.")
        value = self.user_ns[var]
        if isinstance(value, AsyncClient):
            raise UsageError(
                f"`{var}` is an AsyncClient; the magics work with a Client (`%gradio connect`), "
                f"or await its methods yourself."
            )
        if not isinstance(value, Client):
            raise UsageError(f"`{var}` is a {type(value).__name__}, not a gradio_nb Client.")
        return value

    def bind(self, name: str, value: Any) -> None:
        self.user_ns[name] = value

    def connect(self, src: str, **kwargs: Any) -> Client:
        """``Client(src, **kwargs)`` with the magics' settings; remembered for ``%unload_ext``."""
        from gradio_nb.client import Client

        kwargs.setdefault("verbose", self.verbose)
        kwargs.setdefault("space_timeout", self.space_timeout)
        if "download_files" not in kwargs and self.download_dir:
            kwargs["download_files"] = self.download_dir
        with user_errors():
            client = Client(src, **kwargs)
        self._clients.append(weakref.ref(client))
        return client

    def clients(self) -> list[Client]:
        """The Clients made by these magics that are still alive."""
        alive = [c for c in (ref() for ref in self._clients) if c is not None]
        self._clients = [weakref.ref(c) for c in alive]
        return alive

    def close_all(self) -> int:
        """Close every Client these magics made; returns how many were open."""
        closed = 0
        for client in self.clients():
            if not client.closed:
                with contextlib.suppress(Exception):
                    client.close()
                    closed += 1
        self._clients.clear()
        return closed

    def ask_secret(self, prompt: str) -> str:
        """Ask with ``getpass`` (never echoed; ipykernel turns it into a password box)."""
        try:
            value = getpass.getpass(prompt)
        except (StdinNotImplementedError, EOFError):
            raise UsageError(
                "cannot ask for a secret here (no input available). Give it through a variable "
                "instead, e.g. `--auth user:$password`, or an environment variable."
            ) from None
        return value

    def confirm(self, question: str) -> bool:
        """Ask a yes/no question with ``input()``; only "y"/"yes" is a yes."""
        try:
            answer = input(question)
        except (StdinNotImplementedError, EOFError):
            raise UsageError("cannot ask for confirmation here (no input available); pass --yes.") from None
        return answer.strip().lower() in {"y", "yes"}

    def warn_if_in_cell(self, secrets: dict[str, str | None]) -> None:
        """Warn when a secret is written literally in the running cell (so in the notebook)."""
        with contextlib.suppress(Exception):
            cell = self.shell.history_manager.input_hist_raw[-1]
            for what, value in secrets.items():
                if value and len(value) >= 4 and value in cell:
                    print(
                        f"Warning: the {what} is written in this cell, so it is saved with the "
                        f"notebook. Leave its value out to be asked for it, or use a $variable.",
                        file=sys.stderr,
                    )

    def say(self, message: str) -> None:
        if self.verbose:
            print(message)

    # -- the notebook layer ----------------------------------------------------------------------

    def show_client(self, client: Client, api_name: str | None = None, *, undocumented: bool = False) -> None:
        """The forms (one tab per endpoint, or one endpoint's form); text outside Jupyter.

        ``undocumented``: also one form per undocumented endpoint (after ``load_all_endpoints``).
        """
        from IPython.display import display

        widgets = notebook_layer()
        extra = _undocumented_endpoints(client) if undocumented else []
        if widgets is None or not widgets.frontend_available():
            if api_name is not None:
                print(client.endpoint(api_name).signature())
                return
            print(client.view_api(print_info=False, return_format="str"))
            for endpoint in extra:
                print(f" - {endpoint.signature()}  (undocumented)")
            return
        if api_name is not None:
            display(widgets.client_widget(client, api_name=api_name))
            return
        display(widgets.client_mimebundle(client), raw=True)
        for endpoint in extra:
            display(widgets.client_widget(client, api_name=endpoint.api_name))


def _undocumented_endpoints(client: Client) -> list[Any]:
    return [e for e in client.all_endpoints if e.visibility == "undocumented" and e.documented]


def _help_as_docstring() -> None:
    """``%gradio?`` shows the same text as ``%gradio --help``."""
    GradioMagics.gradio.__doc__ = _commands.main_parser().format_help()


_help_as_docstring()
