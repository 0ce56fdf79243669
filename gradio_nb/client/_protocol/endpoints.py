"""Endpoints: what an app offers and how a call's arguments become the wire ``data`` list.

Input: the ``/config`` JSON and the ``/info`` JSON (PROTOCOL.md §2-3). Output: ``AppSpec`` with
``Endpoint``/``Parameter``/``Return`` models, endpoint resolution with errors that help, argument
binding, and the ``view_api`` text of gradio_client, character for character.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from .._exceptions import ArgumentError, EndpointNotFoundError, ProtocolError
from .files import contains_file_schema, is_file_data_with_meta
from .files3 import is_file_schema_3x

__all__ = [
    "AppSpec",
    "Endpoint",
    "Parameter",
    "Return",
    "SKIP_COMPONENTS",
    "build_app_spec",
    "clean_info",
    "render_view_api",
    "sanitize_parameter_name",
]

# Component types whose values never reach API users (gradio_client's list, PROTOCOL.md §2.1).
SKIP_COMPONENTS = frozenset(
    {"state", "row", "column", "tabs", "tab", "tabitem", "box", "form", "accordion", "group",
     "interpretation", "dataset", "sidebar"}
)
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def sanitize_parameter_name(name: str) -> str:
    """gradio_client's display form of a label: alphanumerics and ``_``, lower case."""
    return "".join(c for c in name if c.isalnum() or c in " _").replace(" ", "_").lower()


@dataclass(frozen=True)
class Parameter:
    """One argument of an endpoint (a non-State input component)."""

    index: int  # position among the endpoint's API parameters
    name: str  # keyword name (parameter_name), or "argument <i>" on old servers
    label: str
    component: str  # "Textbox", "Number", ... as /info spells it
    component_type: str  # config type: "textbox", "number", ...
    component_id: int | None
    props: Mapping[str, Any]
    has_default: bool
    default: Any
    python_type: str
    type_description: str
    schema: Mapping[str, Any]
    example: Any = None
    keyword: bool = True  # False when the server gave no parameter_name

    @property
    def required(self) -> bool:
        return not self.has_default

    @property
    def is_file(self) -> bool:
        return contains_file_schema(self.schema) or is_file_schema_3x(self.schema)

    @property
    def info(self) -> str | None:
        value = self.props.get("info")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Return:
    """One output the caller receives (a non-skipped output component)."""

    label: str
    component: str
    component_type: str
    component_id: int | None
    props: Mapping[str, Any]
    python_type: str
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class Endpoint:
    """One callable listener of the app."""

    fn_index: int
    api_name: str | None  # "/echo"; None for unnamed listeners of old servers
    visibility: str  # "public" | "undocumented" | "private"
    parameters: tuple[Parameter, ...]
    returns: tuple[Return, ...]
    input_types: tuple[str, ...]  # config types of every input, State included
    output_skip: tuple[bool, ...]  # per output: dropped from results (State, layout)
    is_generator: bool
    backend_fn: bool
    documented: bool  # parameters came from /info (keywords and defaults allowed)
    description: str = ""
    has_state: bool = False  # reads or writes gr.State: must run in the client's own session
    file_outputs: bool = False
    queued: bool = True  # False: a 3.x listener with queue=False, called with run/predict

    @property
    def name(self) -> str:
        return self.api_name or f"fn_index={self.fn_index}"

    @property
    def callable(self) -> bool:
        return self.visibility != "private"

    def signature(self) -> str:
        """``predict(a, b=10, api_name="/add")``: the call a user would write."""
        parts = [
            p.name if not p.has_default or not p.keyword else f"{p.name}={p.default!r}"
            for p in self.parameters
        ]
        target = f'api_name="{self.api_name}"' if self.api_name else f"fn_index={self.fn_index}"
        return f"predict({', '.join([*parts, target])})"

    # -- arguments ---------------------------------------------------------------------------

    def bind(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> list[Any]:
        """Positional + keyword arguments -> one value per API parameter, defaults filled in.

        Raises ``ArgumentError`` naming the parameter and showing the signature.
        """
        if not self.documented:
            if kwargs:
                raise ArgumentError(
                    f"{self.name} takes positional arguments only: the app does not document its "
                    f"parameter names. Call it as {self.signature()} with values in order."
                )
            return list(args)
        params = self.parameters
        if len(args) > len(params):
            raise ArgumentError(
                f"{self.name} takes {len(params)} argument(s) but {len(args)} were given.\n"
                f"  Signature: {self.signature()}"
            )
        values: list[Any] = list(args) + [MISSING] * (len(params) - len(args))
        by_name = {p.name: p for p in params if p.keyword}
        for key, value in kwargs.items():
            param = by_name.get(key)
            if param is None:
                raise ArgumentError(self._unknown_keyword_message(key))
            if param.index < len(args):
                raise ArgumentError(
                    f"Parameter `{key}` is already set as a positional argument.\n"
                    f"  Signature: {self.signature()}"
                )
            values[param.index] = value
        for param in params:
            if values[param.index] is MISSING:
                if not param.has_default:
                    raise ArgumentError(
                        f"No value provided for required argument: {param.name}\n"
                        f"  Signature: {self.signature()}"
                    )
                values[param.index] = copy.deepcopy(param.default)
        return values

    def _unknown_keyword_message(self, key: str) -> str:
        names = [p.name for p in self.parameters if p.keyword]
        message = f"Parameter `{key}` is not a valid key-word argument of {self.name}."
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
        if close:
            message += f" Did you mean `{close[0]}`?"
        message += f"\n  Signature: {self.signature()}"
        return message

    def wire_data(self, values: Sequence[Any]) -> list[Any]:
        """Insert ``None`` for every State input (the server keeps State itself, §8)."""
        if "state" not in self.input_types:
            return list(values)
        data: list[Any] = list(values)
        for position, kind in enumerate(self.input_types):
            if kind == "state":
                data.insert(position, None)
        return data

    def keep_outputs(self, data: Sequence[Any]) -> list[Any]:
        """Drop State and layout outputs."""
        return [value for value, skip in zip(data, self.output_skip) if not skip]

    def unwrap(self, values: list[Any]) -> Any:
        """A single output is returned bare, several as a tuple (gradio_client's shape)."""
        kept = sum(1 for skip in self.output_skip if not skip)
        if kept == 1:
            return values[0] if values else None
        return tuple(values)


@dataclass(frozen=True)
class AppSpec:
    """What ``/config`` and ``/info`` say about an app."""

    version: str
    protocol: str
    api_prefix: str
    max_file_size: int | None
    connect_heartbeat: bool
    show_error: bool
    root: str | None
    space_id: str | None
    endpoints: Mapping[int, Endpoint]
    info: Mapping[str, Any]  # gradio_client's view_api(return_format="dict")
    components: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    queue: bool = True  # the 3.x config's enable_queue (4.x always queues)
    cancels: Mapping[int, tuple[int, ...]] = field(default_factory=dict)  # fn_index -> cancelled

    def canceller_of(self, fn_index: int) -> int | None:
        """The app's listener that cancels ``fn_index`` (a Stop button), cancelling the fewest
        others: how a job is cancelled on servers before the cancel route (4.29)."""
        found = [(len(targets), dep) for dep, targets in self.cancels.items() if fn_index in targets]
        return min(found)[1] if found else None

    def documented(self) -> list[Endpoint]:
        """Endpoints listed by /info (public ones), in config order."""
        return [e for e in self.endpoints.values() if e.documented and e.visibility == "public"]

    def callable(self) -> list[Endpoint]:
        return [e for e in self.endpoints.values() if e.callable and e.backend_fn]

    def resolve(self, api_name: str | None = None, fn_index: int | None = None) -> Endpoint:
        """Pick the endpoint for a call, as gradio_client does, with errors that help."""
        if api_name is not None:
            if not isinstance(api_name, str):
                raise EndpointNotFoundError(
                    f"api_name must be a string such as '/predict', not {type(api_name).__name__}."
                )
            for endpoint in self.endpoints.values():
                if endpoint.api_name == api_name and endpoint.callable:
                    return endpoint
            raise EndpointNotFoundError(self._unknown_api_name_message(api_name))
        if fn_index is not None:
            endpoint = self.endpoints.get(fn_index)  # type: ignore[arg-type]
            if endpoint is None or not endpoint.callable:
                raise EndpointNotFoundError(
                    f"Invalid function index: {fn_index}. {self._valid_names_hint()}"
                )
            return endpoint
        candidates = [
            e
            for e in self.endpoints.values()
            if e.callable and e.api_name and e.backend_fn and e.visibility == "public"
        ]
        if len(candidates) == 1:
            return candidates[0]
        raise EndpointNotFoundError(
            "This Gradio app might have multiple endpoints. Please specify an `api_name` or "
            f"`fn_index`. {self._valid_names_hint()}"
        )

    def _public_names(self) -> list[str]:
        return [e.api_name for e in self.endpoints.values()
                if e.api_name and e.visibility == "public" and e.backend_fn]

    def _valid_names_hint(self) -> str:
        names = self._public_names()
        return f"Valid api_names: {', '.join(names)}." if names else "The app has no public endpoint."

    def _unknown_api_name_message(self, api_name: str) -> str:
        message = f"Cannot find a function with `api_name`: {api_name}."
        names = self._public_names()
        if not api_name.startswith("/"):
            message += " Did you mean to use a leading slash?"
            if "/" + api_name in names:
                message += f' Use api_name="/{api_name}".'
        else:
            close = difflib.get_close_matches(api_name, names, n=1, cutoff=0.6)
            if close:
                message += f" Did you mean {close[0]!r}?"
        return f"{message} {self._valid_names_hint()}"


# -- building -------------------------------------------------------------------------------


def clean_info(raw: Mapping[str, Any]) -> dict[str, Any]:
    """gradio_client's view of ``/info``: no private endpoints, no visibility keys, no snippets."""
    info: dict[str, Any] = {"named_endpoints": {}, "unnamed_endpoints": {}}
    for section in ("named_endpoints", "unnamed_endpoints"):
        for key, endpoint in (raw.get(section) or {}).items():
            endpoint = dict(endpoint)
            endpoint.pop("code_snippets", None)
            visibility = endpoint.pop("api_visibility", None)
            show_api = endpoint.pop("show_api", True)
            if visibility == "private" or (visibility is None and show_api is False):
                continue
            info[section][key] = endpoint
    return info


def _visibility(dep: Mapping[str, Any]) -> str:
    visibility = dep.get("api_visibility")
    if visibility in ("public", "undocumented", "private"):
        return str(visibility)
    if dep.get("api_name") is False:  # gradio 5.0: api_name=False meant private
        return "private"
    if dep.get("show_api") is False:
        return "undocumented"
    return "public"


def _internal(dep: Mapping[str, Any], inputs: list[Mapping[str, Any]],
              outputs: list[Mapping[str, Any]]) -> bool:
    """A listener Gradio adds itself that servers before ``show_api`` on dependencies (4.19)
    still list in /info: the examples table's ``/load_example`` (its one input is the Dataset,
    and Gradio always registers it with ``queue=False``) and a generator Interface's
    ``/cleanup`` (no inputs; it only shows and hides the Submit and Stop buttons; unqueued
    too). The app's UI never calls them as APIs, and they made calls without ``api_name``
    ambiguous. An app's own listener of a Dataset, or one that returns a Button (queued, as
    listeners are by default), is an API like any other: that day's gradio_client lists and
    calls it."""
    if "show_api" in dep or "api_visibility" in dep:
        return False  # the server says itself what is internal
    if dep.get("queue") is not False:  # Gradio registers both unqueued; an app's are queued
        return False
    if inputs:
        return all(c.get("type") == "dataset" for c in inputs)
    return bool(outputs) and all(c.get("type") == "button" for c in outputs)


def _python_type(entry: Mapping[str, Any]) -> tuple[str, str]:
    python_type = entry.get("python_type")
    if isinstance(python_type, Mapping):
        return str(python_type.get("type", "Any")), str(python_type.get("description") or "")
    return "Any", ""


def _component_name(component: Mapping[str, Any]) -> str:
    kind = str(component.get("type", ""))
    return kind.capitalize()


# Names a parameter cannot take: predict() and submit() use them themselves.
_RESERVED_NAMES = frozenset({"api_name", "fn_index", "result_callbacks"})


def _name_old_parameters(entry: Mapping[str, Any], api_inputs: list[Mapping[str, Any]]) -> dict[str, Any]:
    """An /info entry of a server before ``parameter_name`` (4.21 has none, 4.26 has): name each parameter
    after its label, as that era's ``view_api`` showed it, and take its default from the
    component's initial value (the rule later servers use), so keyword calls work there too.

    A label that is no usable keyword (empty, a duplicate, a reserved name) becomes
    ``param_<i>``, as later servers name parameters they cannot name.
    """
    params = list(entry.get("parameters") or [])
    if not params or all("parameter_name" in p for p in params):
        return dict(entry)
    taken: set[str] = set()
    named = []
    for i, param in enumerate(params):
        param = dict(param)
        name = sanitize_parameter_name(str(param.get("label") or ""))
        if not name.isidentifier() or name in _RESERVED_NAMES or name in taken:
            name = f"param_{i}"
        taken.add(name)
        props = (api_inputs[i].get("props") or {}) if i < len(api_inputs) else {}
        value = props.get("value")
        param["parameter_name"] = name
        param["parameter_has_default"] = value is not None
        param["parameter_default"] = value
        named.append(param)
    return {**entry, "parameters": named}


def _parameters(
    info_entry: Mapping[str, Any] | None,
    api_inputs: list[Mapping[str, Any]],
) -> tuple[tuple[Parameter, ...], bool]:
    """Parameters from /info when listed (with names and defaults), else from the config."""
    params: list[Parameter] = []
    if info_entry is not None:
        entries = list(info_entry.get("parameters") or [])
        for i, entry in enumerate(entries):
            component = api_inputs[i] if i < len(api_inputs) else _EMPTY
            name = entry.get("parameter_name")
            python_type, description = _python_type(entry)
            params.append(
                Parameter(
                    index=i,
                    name=str(name) if name else f"argument {i}",
                    label=str(entry.get("label") or (component.get("props") or {}).get("label") or ""),
                    component=str(entry.get("component") or _component_name(component)),
                    component_type=str(component.get("type") or str(entry.get("component", "")).lower()),
                    component_id=component.get("id"),
                    props=MappingProxyType(dict(component.get("props") or {})),
                    has_default=bool(entry.get("parameter_has_default", False)),
                    default=entry.get("parameter_default"),
                    python_type=python_type,
                    type_description=description,
                    schema=MappingProxyType(dict(entry.get("type") or {})),
                    example=entry.get("example_input"),
                    keyword=bool(name),
                )
            )
        return tuple(params), True
    for i, component in enumerate(api_inputs):
        props = component.get("props") or {}
        schema = component.get("api_info_as_input") or component.get("api_info") or {}
        params.append(
            Parameter(
                index=i,
                name=f"argument {i}",
                label=str(props.get("label") or f"parameter_{component.get('id')}"),
                component=_component_name(component),
                component_type=str(component.get("type", "")),
                component_id=component.get("id"),
                props=MappingProxyType(dict(props)),
                has_default=False,
                default=None,
                python_type="Any",
                type_description="",
                schema=MappingProxyType(dict(schema)),
                example=component.get("example_inputs"),
                keyword=False,
            )
        )
    return tuple(params), False


def _returns(
    info_entry: Mapping[str, Any] | None, api_outputs: list[Mapping[str, Any]]
) -> tuple[Return, ...]:
    entries = list((info_entry or {}).get("returns") or [])
    out: list[Return] = []
    for i, component in enumerate(api_outputs):
        entry = entries[i] if i < len(entries) else {}
        props = component.get("props") or {}
        python_type, _ = _python_type(entry) if entry else ("Any", "")
        out.append(
            Return(
                label=str(entry.get("label") or props.get("label") or f"value_{component.get('id')}"),
                component=str(entry.get("component") or _component_name(component)),
                component_type=str(component.get("type", "")),
                component_id=component.get("id"),
                props=MappingProxyType(dict(props)),
                python_type=python_type,
                schema=MappingProxyType(
                    dict(entry.get("type") or component.get("api_info_as_output")
                         or component.get("api_info") or {})
                ),
            )
        )
    return tuple(out)


def _skipped(component: Mapping[str, Any]) -> bool:
    return bool(component.get("skip_api", component.get("type") in SKIP_COMPONENTS))


def _skipped_input(component: Mapping[str, Any]) -> bool:
    """An input the call does not carry. On 3.x (components without ``skip_api``) a Dataset
    input is carried: the browser sends the clicked sample's index and that day's
    gradio_client sends the caller's value, though the server's /info leaves it out."""
    if "skip_api" not in component and component.get("type") == "dataset":
        return False
    return _skipped(component)


# The parameter a 3.x /info leaves out for a Dataset input (4.x documents it so).
_DATASET_ENTRY = {"type": {"type": "integer", "description": "index of selected example"},
                  "python_type": {"type": "int", "description": "index of selected example"},
                  "component": "Dataset"}


def _with_dataset_parameters(entry: Mapping[str, Any], api_inputs: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A 3.x /info entry with the Dataset inputs it left out put back in their places."""
    params = list(entry.get("parameters") or [])
    datasets = [i for i, c in enumerate(api_inputs) if c.get("type") == "dataset"]
    if not datasets or len(params) + len(datasets) != len(api_inputs):
        return dict(entry)
    for i in datasets:
        label = (api_inputs[i].get("props") or {}).get("label") or f"parameter_{api_inputs[i].get('id')}"
        params.insert(i, {"label": label, **_DATASET_ENTRY})
    return {**entry, "parameters": params}


def build_app_spec(
    config: Mapping[str, Any],
    raw_info: Mapping[str, Any],
    all_info: Mapping[str, Any] | None = None,
) -> AppSpec:
    """Combine ``/config`` and ``/info`` into an ``AppSpec``.

    ``all_info`` (``/info?all_endpoints=1``) documents undocumented endpoints too, so they get
    keyword arguments and defaults; ``view_api`` still shows only ``raw_info``, as gradio_client.
    """
    if not isinstance(config, Mapping) or "dependencies" not in config:
        raise ProtocolError("The app's /config has no 'dependencies': is this a Gradio app?")
    protocol = str(config.get("protocol") or "ws")
    components = {c["id"]: c for c in config.get("components") or [] if "id" in c}
    info = clean_info(raw_info)
    named: dict[str, Any] = dict(clean_info(all_info)["named_endpoints"]) if all_info else {}
    named.update(info["named_endpoints"])
    unnamed: dict[str, Any] = info["unnamed_endpoints"]
    endpoints: dict[int, Endpoint] = {}
    for position, dep in enumerate(config["dependencies"]):
        fn_index = int(dep.get("id", position))
        raw_name = dep.get("api_name")
        api_name = "/" + raw_name if isinstance(raw_name, str) and raw_name else None
        inputs = [components.get(i, {"id": i}) for i in dep.get("inputs") or []]
        outputs = [components.get(i, {"id": i}) for i in dep.get("outputs") or []]
        api_inputs = [c for c in inputs if not _skipped_input(c)]
        api_outputs = [c for c in outputs if not _skipped(c)]
        internal = _internal(dep, inputs, outputs)
        if internal and api_name:
            named.pop(api_name, None)
            info["named_endpoints"].pop(api_name, None)
        info_entry = named.get(api_name) if api_name else None
        if info_entry is None:
            info_entry = unnamed.get(str(fn_index))
        if info_entry is not None:
            # Old servers: names and defaults filled in, for view_api too.
            original = info_entry
            info_entry = _name_old_parameters(_with_dataset_parameters(info_entry, api_inputs), api_inputs)
            for table, key in ((named, api_name), (info["named_endpoints"], api_name),
                               (unnamed, str(fn_index))):
                if table.get(key) is original:
                    table[key] = info_entry
        parameters, documented = _parameters(info_entry, api_inputs)
        returns = _returns(info_entry, api_outputs)
        input_types = tuple(str(c.get("type", "")) for c in inputs)
        touches_state = "state" in input_types or any(c.get("type") == "state" for c in outputs)
        endpoints[fn_index] = Endpoint(
            fn_index=fn_index,
            api_name=api_name,
            visibility="undocumented" if internal else _visibility(dep),
            parameters=parameters,
            returns=returns,
            input_types=input_types,
            output_skip=tuple(_skipped(c) for c in outputs),
            is_generator=bool((dep.get("types") or {}).get("generator", False)),
            backend_fn=dep.get("backend_fn", True) is not False,
            documented=documented,
            description=str((info_entry or {}).get("description") or ""),
            has_state=touches_state,
            file_outputs=any(contains_file_schema(c.get("api_info") or {}) for c in outputs),
            queued=dep.get("queue") is not False,
        )
    max_file_size = config.get("max_file_size")
    return AppSpec(
        version=str(config.get("version") or "0").strip(),  # 3.35 sent "3.35.2\n"
        protocol=protocol,
        api_prefix=str(config.get("api_prefix") or ""),
        max_file_size=max_file_size if isinstance(max_file_size, int) else None,
        connect_heartbeat=bool(config.get("connect_heartbeat", True)),
        show_error=bool(config.get("show_error", False)),
        root=config.get("root") if isinstance(config.get("root"), str) else None,
        space_id=config.get("space_id") if isinstance(config.get("space_id"), str) else None,
        endpoints=MappingProxyType(endpoints),
        info=info,
        components=MappingProxyType(components),
        queue=config.get("enable_queue", True) is not False,
        cancels=MappingProxyType({
            int(dep.get("id", position)): tuple(int(i) for i in dep["cancels"])
            for position, dep in enumerate(config["dependencies"]) if dep.get("cancels")
        }),
    )


# -- view_api text ----------------------------------------------------------------------------


def _file_default_repr(value: Any) -> Any:
    if is_file_data_with_meta(value):
        return f'handle_file("{value.get("url")}")'
    if isinstance(value, dict):
        return {k: _file_default_repr(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_file_default_repr(v) for v in value]
    return value


def _render_endpoint(name_or_index: str | int, entry: Mapping[str, Any]) -> str:
    params = entry.get("parameters") or []
    names = [sanitize_parameter_name(p.get("parameter_name") or p["label"]) for p in params]
    rendered = ", ".join(names)
    if rendered:
        rendered += ", "
    returns = [sanitize_parameter_name(r["label"]) for r in entry.get("returns") or []]
    rendered_returns = ", ".join(returns)
    if len(returns) > 1:
        rendered_returns = f"({rendered_returns})"
    final = f'api_name="{name_or_index}"' if isinstance(name_or_index, str) else f"fn_index={name_or_index}"
    text = f"\n - predict({rendered}{final}) -> {rendered_returns}\n"
    if entry.get("oauth_token"):
        text += (
            "    Acts on your behalf: this endpoint takes your Hugging Face "
            f"token ({entry['oauth_token']}). Pass it with "
            "Client(..., oauth_token=...) to grant it.\n"
        )
    text += "    Parameters:\n"
    if params:
        for p in params:
            python_type = p.get("python_type") or {}
            desc = f" ({python_type['description']})" if python_type.get("description") else ""
            default = _file_default_repr(p.get("parameter_default"))
            has_default = p.get("parameter_has_default", False)
            default_info = f"(not required, defaults to:   {default})" if has_default else "(required)"
            type_ = python_type.get("type", "Any")
            if has_default and default is None:
                type_ += " | None"
            name = sanitize_parameter_name(p.get("parameter_name") or p["label"])
            text += f"     - [{p['component']}] {name}: {type_} {default_info} {desc} \n"
    else:
        text += "     - None\n"
    text += "    Returns:\n"
    if entry.get("returns"):
        for r in entry["returns"]:
            python_type = r.get("python_type") or {}
            desc = f" ({python_type['description']})" if python_type.get("description") else ""
            text += (
                f"     - [{r['component']}] {sanitize_parameter_name(r['label'])}: "
                f"{python_type.get('type', 'Any')}{desc} \n"
            )
    else:
        text += "     - None\n"
    return text


def render_view_api(info: Mapping[str, Any], all_endpoints: bool | None = None) -> str:
    """The text ``gradio_client.Client.view_api()`` prints, from a ``clean_info`` dict."""
    named = info.get("named_endpoints") or {}
    unnamed = info.get("unnamed_endpoints") or {}
    if not named and all_endpoints is None:
        all_endpoints = True
    text = "Client.predict() Usage Info\n---------------------------\n"
    text += f"Named API endpoints: {len(named)}\n"
    for api_name, entry in named.items():
        text += _render_endpoint(api_name, entry)
    if all_endpoints:
        text += f"\nUnnamed API endpoints: {len(unnamed)}\n"
        for fn_index, entry in unnamed.items():
            text += _render_endpoint(int(fn_index), entry)
    elif unnamed:
        text += (
            f"\nUnnamed API endpoints: {len(unnamed)}, to view, run "
            "Client.view_api(all_endpoints=True)\n"
        )
    return text
