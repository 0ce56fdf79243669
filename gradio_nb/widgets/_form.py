"""Endpoint forms: one field per parameter (``_inputs``), a Run button, the equivalent code, cards.

Run submits without blocking (``client.submit``); the job's card appears under the form, newest
first (``MAX_CARDS`` kept), and the call goes to ``history``. The click handler may run on any
thread while a cell executes (JupyterLab), so it touches only its own widgets, under a lock, and
never blocks on the job. Its errors (a bad JSON field, a missing file...) are shown on the form.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as W

from ..client._protocol.signatures import python_name
from . import history
from ._card import LiveOutput, close_tree
from ._code import api_call_code, call_code
from ._inputs import Field, FieldError, field_for
from ._run_over import RunOverPanel

__all__ = ["EndpointForm", "client_var_name", "client_widget", "tab_form"]

MAX_CARDS = 5


class _Unset:
    def __repr__(self) -> str:
        return "..."


_UNSET = _Unset()


def client_var_name(client: Any) -> str | None:
    """The name the user gave this client in the notebook (``client``, ``demo``...), if any."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    names = [name for name, value in list(shell.user_ns.items())
             if value is client and not name.startswith("_") and name.isidentifier()]
    return names[0] if names else None


class EndpointForm(W.VBox):
    """The form of one endpoint."""

    def __init__(self, client: Any, endpoint: Any, client_var: str | None = None) -> None:
        self.client = client
        self.endpoint = endpoint
        self.client_var = client_var or client_var_name(client)
        self._api_attribute = _api_attribute(client, endpoint)
        self.fields: list[Field] = [field_for(p) for p in endpoint.parameters]
        self.run_button = W.Button(description="Run", icon="play", button_style="primary")
        self.run_button.add_class("gnb-run")
        self.run_button.on_click(self._run_clicked)
        self.message = W.HTML("")
        self.code = W.HTML("")
        self.cards = W.VBox([])
        self.cards.add_class("gnb-cards")
        self._lock = threading.Lock()
        description = (f'<div style="color:#444">{html.escape(endpoint.description)}</div>'
                       if endpoint.description else "")
        kind = " · generator" if endpoint.is_generator else ""
        title = W.HTML(f'<b><code>{html.escape(endpoint.name)}</code></b>'
                       f'<span style="color:#888">{kind}</span>{description}')
        if not self.fields:
            inputs: list[W.Widget] = [W.HTML('<i style="color:#888">No parameters.</i>')]
        else:
            inputs = [f.view for f in self.fields]
        self.run_over = RunOverPanel(self)  # "Run over…": a map over a variable or pasted lines
        super().__init__(
            [title, *inputs, W.HBox([self.run_button, self.run_over.toggle, self.message]), self.run_over,
             self.code, self.cards],
            layout=W.Layout(padding="4px"),
        )
        self.add_class("gnb-form")
        for f in self.fields:
            for widget in f.watch:
                widget.observe(self._refresh_code, "value")
        self._refresh_code()

    # -- values ------------------------------------------------------------------------------

    def arguments(self) -> dict[str, Any]:
        """The current arguments, by parameter name. Raises FieldError (shown on the field)."""
        values: dict[str, Any] = {}
        failed: list[str] = []
        for f in self.fields:
            try:
                values[f.parameter.name] = f.value()
            except FieldError:
                failed.append(f.parameter.label or f.parameter.name)
        if failed:
            raise FieldError(f"Check {', '.join(failed)}.")
        return values

    def code_text(self) -> str:
        arguments: dict[str, Any] = {}
        for f in self.fields:
            try:
                arguments[f.parameter.name] = f.to_wire()
            except (FieldError, ValueError):
                arguments[f.parameter.name] = _UNSET  # not valid yet: shown as ...
        code = call_code(self.endpoint, arguments, self.client_var)
        if getattr(self.client, "api", None) is None:
            return code
        spelled = api_call_code(self.endpoint, arguments, self.client_var, self._api_attribute)
        return f"{code}\n# or, the endpoint as a function:\n{spelled}"

    def _refresh_code(self, _change: Any = None) -> None:
        self.code.value = (
            '<details class="gnb-code" open><summary style="color:#666">Python</summary>'
            f'<pre style="user-select:text;margin:0">{html.escape(self.code_text())}</pre></details>'
        )

    # -- running -----------------------------------------------------------------------------

    def submit(self) -> Any:
        """Submit the current values; returns the Job (what the Run button does)."""
        arguments = self.arguments()
        if self.endpoint.documented and all(p.keyword for p in self.endpoint.parameters):
            job = self.client.submit(api_name=self.endpoint.api_name, **arguments) if self.endpoint.api_name \
                else self.client.submit(fn_index=self.endpoint.fn_index, **arguments)
        else:
            target = {"api_name": self.endpoint.api_name} if self.endpoint.api_name else \
                {"fn_index": self.endpoint.fn_index}
            job = self.client.submit(*arguments.values(), **target)
        history.record(self.client_var, job)
        for f in self.fields:  # a typed password must not linger in the (saveable) widget state
            if isinstance(f.control, W.Password):
                f.control.value = ""
        self.show_card(LiveOutput(job))
        return job

    def show_card(self, live: W.Output) -> None:
        """Put a job's or a batch's live output first under the form (``MAX_CARDS`` kept)."""
        with self._lock:
            cards = [live, *self.cards.children]
            for old in cards[MAX_CARDS:]:
                if getattr(old, "final", None) is not None:
                    close_tree(old)  # still-running ones close their card themselves when done
            self.cards.children = tuple(cards[:MAX_CARDS])

    def _run_clicked(self, _button: Any = None) -> None:
        self.message.value = ""
        try:
            self.submit()
        except FieldError as exc:
            self.message.value = f'<span style="color:#dc2626">{html.escape(str(exc))}</span>'
        except Exception as exc:  # noqa: BLE001 - shown on the form: a click has no cell to raise in
            self.message.value = (f'<span style="color:#dc2626"><b>{html.escape(type(exc).__name__)}</b>: '
                                  f'{html.escape(str(exc))}</span>')


def client_widget(client: Any, api_name: str | None = None) -> W.Widget:
    """All documented endpoints in tabs, or the one form for ``api_name``."""
    var = client_var_name(client)
    if api_name is not None:
        return EndpointForm(client, client.endpoint(api_name), var)
    endpoints = list(client.endpoints)
    if not endpoints:
        return W.HTML('<i>This app documents no endpoint.</i>')
    if len(endpoints) == 1:
        return EndpointForm(client, endpoints[0], var)
    # Forms are built when their tab is first selected: big apps have dozens of endpoints.
    slots = [W.VBox([]) for _ in endpoints]
    tabs = W.Tab(children=slots, titles=[e.name for e in endpoints], selected_index=0)
    tabs.add_class("gnb-client")

    def build(index: int | None) -> None:
        if index is not None and not slots[index].children:
            slots[index].children = (EndpointForm(client, endpoints[index], var),)

    tabs.observe(lambda change: build(change["new"]), "selected_index")
    build(0)
    return tabs


def tab_form(tabs: W.Tab, index: int) -> EndpointForm:
    """The form in tab ``index`` of a ``client_widget`` (built on first access, like a click)."""
    tabs.selected_index = index
    return tabs.children[index].children[0]


def _api_attribute(client: Any, endpoint: Any) -> str | None:
    """The endpoint's ``client.api`` attribute, if it has one (colliding names have none)."""
    api = getattr(client, "api", None)
    if api is None or not endpoint.api_name:
        return None
    name = python_name(endpoint.api_name)
    return name if name in dir(api) else None
