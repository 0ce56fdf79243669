"""An endpoint seen as a Python function: its safe name, signature, annotations and docstring.

Pure functions of the ``Endpoint`` model (no I/O). The annotations come from each component's
JSON schema in ``/info``, the same schema gradio_client turns into ``view_api``'s type text, so
the two agree: ``number`` -> ``float``, an ``enum`` -> ``Literal[...]``, ``array`` ->
``list[...]``, a Gradio file -> ``FileData`` (what ``handle_file`` returns).
"""

from __future__ import annotations

import inspect
import keyword
from typing import Any, Literal, Mapping, Union

from .endpoints import Endpoint, Parameter, Return, sanitize_parameter_name
from .files import FileData, contains_file_schema

__all__ = [
    "FileData",
    "REQUIRED",
    "annotation_for",
    "endpoint_doc",
    "endpoint_signature",
    "python_name",
    "type_text",
]


class _Required:
    """Default shown for a required parameter that follows optional ones (see below)."""

    def __repr__(self) -> str:
        return "<required>"

    def __reduce__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

# What gradio_client shows for a schema without a type (gr.JSON): any JSON value.
_ANY_JSON = Union[str, float, bool, list, dict]
_SCALARS: Mapping[str, Any] = {
    "string": str, "number": float, "integer": int, "boolean": bool, "null": type(None),
    "object": dict,
}


def python_name(api_name: str) -> str:
    """``/my-fn`` -> ``my_fn``, ``/lambda`` -> ``lambda_``, ``/2d`` -> ``_2d``: a valid identifier."""
    name = "".join(c if (c.isalnum() or c == "_") else "_" for c in api_name.lstrip("/"))
    if not name:
        return "_"
    if name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or not name.isidentifier():
        name += "_"
    return name


def _is_file_data(schema: Mapping[str, Any]) -> bool:
    """True for the schema of one Gradio ``FileData`` (not a list or a dict holding files)."""
    props = schema.get("properties")
    return isinstance(props, Mapping) and "path" in props and "meta" in props


def _resolve(schema: Any, defs: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        target = defs.get(schema["$ref"].rsplit("/", 1)[-1])
        if isinstance(target, Mapping):
            return target
    return schema if isinstance(schema, Mapping) else {}


def _union(members: list[Any]) -> Any:
    unique: list[Any] = []
    for member in members:
        if member not in unique:
            unique.append(member)
    if not unique:
        return Any
    return unique[0] if len(unique) == 1 else Union[tuple(unique)]


def annotation_for(schema: Mapping[str, Any], *, output: bool = False,
                   defs: Mapping[str, Any] | None = None) -> Any:
    """The Python type for a component's JSON schema (``Any`` when it says nothing useful).

    Order matters: a file is recognised before the object it is; an ``enum`` before its base
    type. Outputs get ``str`` for files: the client downloads them and returns the local path.
    """
    defs = {**(defs or {}), **(schema.get("$defs") or {})} if isinstance(schema, Mapping) else {}
    schema = _resolve(schema, defs)
    if _is_file_data(schema):
        return str if output else FileData
    if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
        return Literal[tuple(schema["enum"])]
    if "const" in schema:
        return Literal[schema["const"]]
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return _union([annotation_for(s, output=output, defs=defs) for s in schema[key]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return _union([annotation_for({**schema, "type": k}, output=output, defs=defs) for k in kind])
    if isinstance(kind, Mapping) or ("type" in schema and not kind and "properties" not in schema):
        return _ANY_JSON  # gr.JSON's {"type": {}}: any JSON value
    if kind == "array":
        if isinstance(schema.get("prefixItems"), list):
            items = [annotation_for(s, output=output, defs=defs) for s in schema["prefixItems"]]
            return tuple[tuple(items)] if items else tuple
        item = annotation_for(schema.get("items") or {}, output=output, defs=defs)
        return list[item]
    if kind in _SCALARS:
        return _SCALARS[kind]
    if "properties" in schema or "additionalProperties" in schema:
        return dict
    return Any


def type_text(annotation: Any) -> str:
    """Short text for an annotation, in view_api's spelling: ``list[Literal['a', 'b']] | None``."""
    if annotation is type(None) or annotation is None:
        return "None"
    if annotation is Any:
        return "Any"
    if isinstance(annotation, type) and not getattr(annotation, "__args__", None):
        return "FileData" if annotation is FileData else annotation.__name__
    origin = getattr(annotation, "__origin__", None)
    args = getattr(annotation, "__args__", ())
    if origin is Union:
        return " | ".join(type_text(a) for a in args)
    if origin is Literal:
        return f"Literal[{', '.join(repr(a) for a in args)}]"
    if origin in (list, tuple, dict):
        return f"{origin.__name__}[{', '.join(type_text(a) for a in args)}]"
    return repr(annotation).replace("typing.", "")


def _parameter_annotation(param: Parameter) -> Any:
    annotation = annotation_for(param.schema)
    if param.has_default and param.default is None and annotation is not Any:
        annotation = Union[annotation, None]  # view_api's "| None" for a None default
    return annotation


def _return_annotation(returns: tuple[Return, ...]) -> Any:
    types = [annotation_for(r.schema, output=True) for r in returns]
    if not types:
        return None
    return types[0] if len(types) == 1 else tuple[tuple(types)]


def endpoint_signature(endpoint: Endpoint) -> inspect.Signature:
    """Parameters in order, named as in view_api, with the app's defaults and schema types.

    Old servers that give no parameter names get positional-only ``arg0, arg1...``.
    """
    params = []
    for p in endpoint.parameters:
        keyword_ok = p.keyword and p.name.isidentifier() and not keyword.iskeyword(p.name)
        params.append(inspect.Parameter(
            p.name if keyword_ok else f"arg{p.index}",
            inspect.Parameter.POSITIONAL_OR_KEYWORD if keyword_ok else inspect.Parameter.POSITIONAL_ONLY,
            default=p.default if p.has_default and keyword_ok else inspect.Parameter.empty,
            annotation=_parameter_annotation(p),
        ))
    # Python cannot spell a required parameter after one with a default; Gradio apps can. Such
    # a parameter shows the REQUIRED marker as its default (the call still fails without it).
    seen_default = False
    for i, param in enumerate(params):
        if param.default is not inspect.Parameter.empty:
            seen_default = True
        elif seen_default and param.kind is not inspect.Parameter.POSITIONAL_ONLY:
            params[i] = param.replace(default=REQUIRED)
    return inspect.Signature(params, return_annotation=_return_annotation(endpoint.returns))


def _component_line(component: str, label: str) -> str:
    return f"{component} {label!r}" if label else component


def endpoint_doc(endpoint: Endpoint, call_hint: str) -> str:
    """The docstring ``help()``, ``ep?`` and Shift-Tab show: description, then each parameter
    (component, type, description, default), then the returns and how to pass files."""
    lines: list[str] = []
    if endpoint.description:
        lines += [endpoint.description.strip(), ""]
    kind = "Generator endpoint" if endpoint.is_generator else "Endpoint"
    lines += [f"{kind} {endpoint.name} of the Gradio app. Same as {call_hint}.", ""]
    has_files = False
    lines.append("Parameters")
    lines.append("----------")
    if not endpoint.parameters:
        lines.append("None")
    for p in endpoint.parameters:
        annotation = _parameter_annotation(p)
        has_files = has_files or p.is_file
        default = f"default {p.default!r}" if p.has_default else "required"
        lines.append(f"{p.name} : {type_text(annotation)}, {default}")
        detail = [_component_line(p.component, p.label)]
        if p.is_file:  # Gradio's type description is FileData's internals: useless here
            detail.append('A file: pass handle_file("path/or/url")')
        elif p.type_description:
            detail.append(p.type_description)
        if p.info:
            detail.append(p.info)
        lines.append("    " + ". ".join(d.rstrip(".") for d in detail) + ".")
    lines += ["", "Returns", "-------"]
    if not endpoint.returns:
        lines.append("None")
    for r in endpoint.returns:
        name = sanitize_parameter_name(r.label) or "value"  # as view_api names it
        lines.append(f"{name} : {type_text(annotation_for(r.schema, output=True))}")
        note = " A local file path (the client downloads the file)." if contains_file_schema(r.schema) else ""
        lines.append(f"    {_component_line(r.component, r.label)}.{note}")
    if len(endpoint.returns) > 1:
        lines.append("(several outputs come back as a tuple)")
    if has_files:
        lines += ["", "File parameters take handle_file(path_or_url): from gradio_nb import handle_file"]
    return "\n".join(lines)
