"""The "Run over…" mode of an endpoint form: a ``map`` over a notebook variable or pasted lines.

The panel lists the DataFrames, lists and tuples of the user namespace (refreshed each time it
opens), or takes pasted lines, one call per line, each line the value of one chosen parameter
(the form's other fields are sent as they are). Start calls ``client.map`` (never blocks), shows
the batch card under the form and records the batch in ``history``; the equivalent
``client.map(...)`` line is shown to copy.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from . import history
from ._batch_card import LiveBatchOutput
from ._batch_code import map_code
from ._code import literal
from ._inputs import FieldError

if TYPE_CHECKING:
    from ._form import EndpointForm

__all__ = ["RunOverPanel", "namespace_sources"]

PASTE = "(paste lines)"
MAX_CODE_ITEMS = 20  # pasted items written out in the code line; past that, "..." for the rest


def namespace_sources() -> dict[str, Any]:
    """The user's DataFrames, lists and tuples, by name (none outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    if shell is None:
        return {}
    found = {}
    for name, value in list(shell.user_ns.items()):
        if name.startswith("_") or not name.isidentifier():
            continue
        if isinstance(value, (list, tuple)) or type(value).__name__ == "DataFrame":
            found[name] = value
    return found


def _coerce(param: Any, line: str, number: int) -> Any:
    """A pasted line as the parameter's JSON type (numbers and booleans; text stays text)."""
    kind = (param.schema or {}).get("type")
    text = line.strip()
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            value = float(text)
            return int(value) if value.is_integer() and "." not in text else value
    except ValueError:
        raise FieldError(f"Line {number}: {param.name} is a number; {text!r} is not.") from None
    if kind == "boolean":
        return text.lower() in ("true", "1", "yes", "on")
    return line


class RunOverPanel(W.VBox):
    """Hidden until its toggle ("Run over…") is pressed; see the module docstring."""

    def __init__(self, form: EndpointForm) -> None:
        self.form = form
        names = [p.name for p in form.endpoint.parameters]
        self.toggle = W.ToggleButton(description="Run over…", icon="list", value=False,
                                     layout=W.Layout(width="auto"))
        self.toggle.add_class("gnb-run-over-toggle")
        if not names:  # nothing to vary
            self.toggle.layout.display = "none"
        self.source = W.Dropdown(options=[PASTE], value=PASTE, description="Over",
                                 layout=W.Layout(width="320px"))
        self.parameter = W.Dropdown(options=names, value=names[0] if names else None,
                                    description="Lines go to", style={"description_width": "auto"})
        self.lines = W.Textarea(placeholder="one input per line", rows=4, layout=W.Layout(width="420px"))
        self.concurrency = W.BoundedIntText(value=0, min=0, max=1024, description="Concurrency",
                                            style={"description_width": "auto"}, layout=W.Layout(width="180px"))
        self.cache = W.Checkbox(value=False, description="cache", indent=False, layout=W.Layout(width="auto"))
        self.start_button = W.Button(description="Start", icon="forward", button_style="primary")
        self.start_button.add_class("gnb-run-over-start")
        self.message = W.HTML("")
        self.code = W.HTML("")
        self._sources: dict[str, Any] = {}
        super().__init__(
            [W.HBox([self.source, self.parameter]), self.lines,
             W.HBox([self.concurrency, self.cache, self.start_button, self.message]), self.code],
            layout=W.Layout(display="none", border="1px dashed #bbb", padding="4px", margin="2px 0"),
        )
        self.add_class("gnb-run-over")
        self.toggle.observe(self._toggled, "value")
        self.source.observe(self._source_changed, "value")
        for widget in (self.parameter, self.lines, self.concurrency, self.cache):
            widget.observe(self._refresh_code, "value")
        self.start_button.on_click(self._start_clicked)

    # -- the panel -----------------------------------------------------------------------------

    def _toggled(self, change: Any) -> None:
        self.layout.display = None if change["new"] else "none"
        if change["new"]:
            self.refresh_sources()

    def refresh_sources(self) -> None:
        """List the namespace's DataFrames and lists again (they change between cells)."""
        self._sources = namespace_sources()
        current = self.source.value
        self.source.options = [PASTE, *self._sources]
        self.source.value = current if current in self.source.options else PASTE
        self._refresh_code()

    def _source_changed(self, _change: Any = None) -> None:
        pasting = self.source.value == PASTE
        for widget in (self.lines, self.parameter):
            widget.layout.display = None if pasting else "none"
        self._refresh_code()

    def _options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.concurrency.value:
            options["concurrency"] = self.concurrency.value
        if self.cache.value:
            options["cache"] = True
        return options

    def _pasted_items(self) -> list[dict[str, Any]]:
        """One item per non-empty line: the line for the chosen parameter, the form's other
        fields as they are (an empty or invalid field is left to the app's default)."""
        fixed: dict[str, Any] = {}
        for f in self.form.fields:
            if f.parameter.name == self.parameter.value:
                continue
            try:
                fixed[f.parameter.name] = f.value()
            except (FieldError, ValueError):
                continue
        param = next(p for p in self.form.endpoint.parameters if p.name == self.parameter.value)
        lines = [line for line in self.lines.value.splitlines() if line.strip()]
        return [{**fixed, param.name: _coerce(param, line, number)} for number, line in enumerate(lines, 1)]

    def inputs(self) -> tuple[Any, str]:
        """(what map runs over, its Python source for the code line)."""
        if self.source.value != PASTE:
            return self._sources[self.source.value], self.source.value
        items = self._pasted_items()
        shown = ", ".join(literal(item) for item in items[:MAX_CODE_ITEMS])
        more = ", ..." if len(items) > MAX_CODE_ITEMS else ""
        return items, f"[{shown}{more}]"

    def code_text(self) -> str:
        _, source = self.inputs()
        return map_code(self.form.client_var, source, self.form.endpoint.api_name, name="batch",
                        **self._options())

    def _refresh_code(self, _change: Any = None) -> None:
        try:
            code = self.code_text()
        except FieldError as exc:  # a pasted line is not valid yet: say which, keep the last code
            self.message.value = f'<span style="color:#dc2626">{html.escape(str(exc))}</span>'
            return
        self.message.value = ""
        self.code.value = ('<details class="gnb-code" open><summary style="color:#666">Python</summary>'
                           f'<pre style="user-select:text;margin:0">{html.escape(code)}</pre></details>')

    # -- starting --------------------------------------------------------------------------------

    def start(self) -> Any:
        """Start the map; its card goes under the form. Returns the Batch."""
        inputs, _ = self.inputs()
        if not len(inputs):
            raise FieldError("Nothing to run over: paste some lines, or pick a non-empty variable.")
        form = self.form
        batch = form.client.map(inputs, form.endpoint.api_name, progress=False, **self._options())
        history.record_batch(form.client_var, form.client, batch, self.code_text())
        form.show_card(LiveBatchOutput(batch))
        return batch

    def _start_clicked(self, _button: Any = None) -> None:
        self.message.value = ""
        try:
            self.start()
        except Exception as exc:  # noqa: BLE001 - shown on the form: a click has no cell to raise in
            self.message.value = (f'<span style="color:#dc2626"><b>{html.escape(type(exc).__name__)}</b>: '
                                  f'{html.escape(str(exc))}</span>')
