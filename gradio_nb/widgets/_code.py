"""The Python call equivalent to a form submission: ``client.predict(..., api_name="/x")``, and
the same call through ``client.api`` (``client.api.x(...)``).

Secrets never appear: a parameter that ``is_secret`` gets ``getpass.getpass()`` instead of its
value, so the code stays runnable without recording the password.
"""

from __future__ import annotations

import keyword
from typing import Any, Mapping

from ._inputs import is_secret

__all__ = ["SECRET_PLACEHOLDER", "api_call_code", "call_code", "literal", "needs_imports"]

SECRET_PLACEHOLDER = 'getpass.getpass("{label}: ")'


def _is_file_data(value: Any) -> bool:
    return isinstance(value, Mapping) and (value.get("meta") or {}).get("_type") == "gradio.FileData"


def literal(value: Any, indent: int = 4) -> str:
    """A Python expression for ``value``; FileData becomes ``handle_file("...")``."""
    if _is_file_data(value):
        source = value.get("url") or value.get("path")
        return f"handle_file({str(source)!r})"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{literal(k)}: {literal(v, indent)}" for k, v in value.items()]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(v, indent) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, float) and value != value:  # NaN
        return 'float("nan")'
    return repr(value)


def _argument_texts(endpoint: Any, arguments: Mapping[str, Any]) -> list[str]:
    by_name = {p.name: p for p in endpoint.parameters}
    parts = []
    for name, value in arguments.items():
        param = by_name.get(name)
        if param is not None and is_secret(param):
            text = SECRET_PLACEHOLDER.format(label=(param.label or name).replace('"', "'"))
        else:
            text = literal(value)
        keyword_ok = param is not None and param.keyword and name.isidentifier() and not keyword.iskeyword(name)
        parts.append(f"{name}={text}" if keyword_ok else text)
    return parts


def _valid_var(client_var: str | None) -> str:
    ok = client_var and client_var.isidentifier() and not keyword.iskeyword(client_var)
    return client_var if ok else "client"  # type: ignore[return-value]


def _call(head: str, parts: list[str]) -> str:
    one_line = f"{head}({', '.join(parts)})"
    if len(one_line) <= 88:
        return one_line
    return f"{head}(\n" + "".join(f"    {part},\n" for part in parts) + ")"


def call_code(endpoint: Any, arguments: Mapping[str, Any], client_var: str | None = None,
              method: str = "predict") -> str:
    """``client.predict(text="hi", api_name="/echo")`` for these arguments (by parameter name)."""
    parts = _argument_texts(endpoint, arguments)
    parts.append(f'api_name="{endpoint.api_name}"' if endpoint.api_name else f"fn_index={endpoint.fn_index}")
    return _call(f"{_valid_var(client_var)}.{method}", parts)


def api_call_code(endpoint: Any, arguments: Mapping[str, Any], client_var: str | None = None,
                  attribute: str | None = None) -> str:
    """The same call through ``client.api``: ``client.api.echo(text="hi")``, or
    ``client.api["/my-fn"](...)`` when the endpoint has no attribute (``attribute=None``)."""
    if attribute:
        head = f"{_valid_var(client_var)}.api.{attribute}"
    else:
        key = repr(endpoint.api_name) if endpoint.api_name else str(endpoint.fn_index)
        head = f"{_valid_var(client_var)}.api[{key}]"
    return _call(head, _argument_texts(endpoint, arguments))


def needs_imports(code: str) -> list[str]:
    lines = []
    if "getpass.getpass(" in code:
        lines.append("import getpass")
    if "handle_file(" in code:
        lines.append("from gradio_nb import handle_file")
    return lines
