"""Checking arguments against an endpoint's JSON schemas before anything is sent.

The check is structural: objects, arrays (``items`` and ``prefixItems``), ``anyOf``/``oneOf``,
``$ref`` into ``$defs``, and files at any depth (a MultimodalTextbox's ``files``, an
ImageEditor's ``background`` and ``layers``, Gallery items, an ImageSlider's pair...).

It is deliberately forgiving: only values the app certainly cannot use are refused (a string
for a number, a choice that is not offered, a bare path where a file is expected, a string
where an object of files is expected, an object without a ``required`` key, which the
server's pydantic model refuses too...). Whatever the schema does not pin down passes: an
unresolvable ``$ref``, unknown keywords, extra object keys, strings (servers coerce), ``None``
(optional values). A value gradio_client sends and the server
accepts must never be refused. ``Client(..., validate=False)`` turns the check off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .._exceptions import ArgumentError
from .files import is_file_data_with_meta, is_file_schema

if TYPE_CHECKING:
    from .endpoints import Endpoint

__all__ = ["check_arguments", "problem"]

# How deep a ``$ref`` chain may go: recursive schemas (a tree of nodes) stop being checked there.
_MAX_DEPTH = 32


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _file_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return "a file: wrap paths and URLs in handle_file(...)"
    if isinstance(value, Mapping):
        if is_file_data_with_meta(value) or "path" in value or "url" in value:
            return None
        return "a file made with handle_file(...)"
    return "a file made with handle_file(...)"


def _at(where: str, issue: str, value: Any) -> str:
    """An issue found inside a value, with where: "at ['files'][0]: expected ..., got ..."."""
    return issue if issue.startswith("at [") else f"at {where}: expected {issue}, got {_describe(value)}"


class _Checker:
    """One validation pass; ``defs`` are the root schema's ``$defs`` (``definitions``)."""

    def __init__(self, root: Mapping[str, Any], allow_custom: bool) -> None:
        defs = root.get("$defs", root.get("definitions"))
        self.defs: Mapping[str, Any] = defs if isinstance(defs, Mapping) else {}
        self.allow_custom = allow_custom

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
        ref = schema.get("$ref")
        if ref is None:
            return schema
        target = self.defs.get(str(ref).rsplit("/", 1)[-1]) if str(ref).startswith("#/") else None
        return target if isinstance(target, Mapping) else None  # unknown: cannot be sure

    def check(self, schema: Any, value: Any, where: str, depth: int = 0) -> str | None:
        if value is None or not isinstance(schema, Mapping) or not schema or depth > _MAX_DEPTH:
            return None
        resolved = self.resolve(schema)
        if resolved is None:
            return None
        schema = resolved
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                problems = [self.check(b, value, where, depth + 1) for b in branches]
                if any(p is None for p in problems):
                    return None
                return " or ".join(dict.fromkeys(p for p in problems if p))
        all_of = schema.get("allOf")
        if isinstance(all_of, list):
            for branch in all_of:
                issue = self.check(branch, value, where, depth + 1)
                if issue:
                    return issue
        if is_file_schema(schema):
            return _file_problem(value)
        enum = schema.get("enum")
        if isinstance(enum, list) and enum and not self.allow_custom and value not in enum:
            shown = ", ".join(repr(e) for e in enum[:12]) + (", ..." if len(enum) > 12 else "")
            return f"one of {shown}"
        kinds = schema.get("type")
        if isinstance(kinds, list):
            kinds = [k for k in kinds if isinstance(k, str)]
            problems = [self.check({**schema, "type": k}, value, where, depth + 1) for k in kinds]
            if not problems or any(p is None for p in problems):
                return None
            return " or ".join(dict.fromkeys(p for p in problems if p))
        if kinds == "null":
            return "None"
        if kinds == "number" and not _is_number(value):
            return "a number"
        if kinds == "integer" and not (_is_number(value) and float(value).is_integer()):
            return "an integer"
        if kinds == "boolean" and not isinstance(value, bool):
            return "True or False"
        if kinds == "array" or (kinds is None and ("items" in schema or "prefixItems" in schema)):
            return self._array(schema, value, where, depth)
        if kinds == "object" or (kinds is None and "properties" in schema):
            return self._object(schema, value, where, depth)
        return None

    def _array(self, schema: Mapping[str, Any], value: Any, where: str, depth: int) -> str | None:
        if not isinstance(value, (list, tuple)):
            return "a list"
        items = schema.get("items")
        prefix = schema.get("prefixItems")
        if isinstance(items, list):  # draft-04 tuples
            prefix, items = items, schema.get("additionalItems")
        prefix = prefix if isinstance(prefix, list) else []
        for i, item in enumerate(value):
            item_schema = prefix[i] if i < len(prefix) else items
            issue = self.check(item_schema, item, f"{where}[{i}]", depth + 1)
            if issue:
                return _at(f"{where}[{i}]", issue, item)
        return None

    def _object(self, schema: Mapping[str, Any], value: Any, where: str, depth: int) -> str | None:
        if not isinstance(value, Mapping):
            return "a dict"
        required = schema.get("required")
        missing = [k for k in required if k not in value] if isinstance(required, list) else []
        if missing:  # pydantic on the server refuses these too
            return "a dict with " + ", ".join(repr(k) for k in missing)
        props = schema.get("properties")
        props = props if isinstance(props, Mapping) else {}
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            item_schema = props.get(key, extra if isinstance(extra, Mapping) else None)
            issue = self.check(item_schema, item, f"{where}[{key!r}]", depth + 1)
            if issue:
                return _at(f"{where}[{key!r}]", issue, item)
        return None


def problem(schema: Mapping[str, Any], value: Any, *, allow_custom: bool = False) -> str | None:
    """What is wrong with ``value`` for ``schema`` ("expected ..."), or None if it may be fine."""
    if not isinstance(schema, Mapping):
        return None
    return _Checker(schema, allow_custom).check(schema, value, "")


def check_arguments(endpoint: Endpoint, values: Sequence[Any], *, choices_enforced: bool = True) -> None:
    """Raise ``ArgumentError`` for the first value its parameter's schema rules out.

    ``choices_enforced``: whether the server refuses a value outside a component's choices
    (Gradio 5+); Gradio 4 passes it to the function, so it must not be refused here.
    """
    for param, value in zip(endpoint.parameters, values):
        allow_custom = not choices_enforced or bool(param.props.get("allow_custom_value", False))
        issue = problem(param.schema, value, allow_custom=allow_custom)
        if issue:
            # Nested issues already say where and what they got ("at ['files'][0]: ...").
            detail = (f"at {param.name}{issue[3:]} (in {_describe(value)})" if issue.startswith("at [")
                      else f"expected {issue}, got {_describe(value)}")
            raise ArgumentError(
                f"Invalid value for parameter `{param.name}` of {endpoint.name} "
                f"([{param.component}] {param.label or param.name}): {detail}."
                f"\n  Signature: {endpoint.signature()}\n"
                "  (Pass validate=False to Client to send it anyway.)"
            )
