"""Checking arguments against an endpoint's JSON schemas before anything is sent.

Deliberately forgiving: only values the app certainly cannot use are refused (a string for a
number, a choice that is not offered, a bare path where a file is expected...). Anything the
schema does not pin down (``$ref``, unknown keywords, ``None`` for optional values) passes, so a
valid call is never blocked. ``Client(..., validate=False)`` turns the check off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .._exceptions import ArgumentError
from .files import contains_file_schema, is_file_data_with_meta

if TYPE_CHECKING:
    from .endpoints import Endpoint

__all__ = ["check_arguments", "problem"]


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def problem(schema: Mapping[str, Any], value: Any, *, allow_custom: bool = False) -> str | None:
    """What is wrong with ``value`` for ``schema`` ("expected ..."), or None if it may be fine."""
    if value is None or not isinstance(schema, Mapping) or not schema:
        return None
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            problems = [problem(b, value, allow_custom=allow_custom) for b in branches]
            if any(p is None for p in problems):
                return None
            return " or ".join(dict.fromkeys(p for p in problems if p))
    if contains_file_schema(schema) and schema.get("type") in ("object", None):
        if isinstance(value, str):
            return "a file: wrap paths and URLs in handle_file(...)"
        if isinstance(value, dict) and not is_file_data_with_meta(value) and "path" not in value:
            return "a file made with handle_file(...)"
        return None
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and not allow_custom and value not in enum:
        shown = ", ".join(repr(e) for e in enum[:12]) + (", ..." if len(enum) > 12 else "")
        return f"one of {shown}"
    kind = schema.get("type")
    if kind == "number" and not _is_number(value):
        return "a number"
    if kind == "integer" and not (_is_number(value) and float(value).is_integer()):
        return "an integer"
    if kind == "boolean" and not isinstance(value, bool):
        return "True or False"
    if kind == "array":
        if not isinstance(value, (list, tuple)):
            return "a list"
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                issue = problem(items, item, allow_custom=allow_custom)
                if issue:
                    return f"a list whose items are {issue} (item {i} is {_describe(item)})"
    if kind == "object" and not isinstance(value, Mapping) and not contains_file_schema(schema):
        return "a dict"
    return None


def check_arguments(endpoint: Endpoint, values: Sequence[Any]) -> None:
    """Raise ``ArgumentError`` for the first value its parameter's schema rules out."""
    for param, value in zip(endpoint.parameters, values):
        allow_custom = bool(param.props.get("allow_custom_value", False))
        issue = problem(param.schema, value, allow_custom=allow_custom)
        if issue:
            raise ArgumentError(
                f"Invalid value for parameter `{param.name}` of {endpoint.name} "
                f"([{param.component}] {param.label or param.name}): expected {issue}, "
                f"got {_describe(value)}.\n  Signature: {endpoint.signature()}\n"
                "  (Pass validate=False to Client to send it anyway.)"
            )
