"""Discovery on old servers, without I/O (PROTOCOL.md §16): a config scraped from the page, the
Gradio 2.x refusal, and the API description computed locally for servers without ``/info``
(3.20 has none, 3.30 serves it), never asked of a hosted helper Space: these machines, and many users', are
offline, and an app's API should not be described by a third party.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from .._exceptions import ProtocolError

__all__ = ["config_from_page", "check_supported", "describe_locally", "local_info"]

_PAGE_CONFIG = re.compile(r"window\.gradio_config\s*=\s*(.*?);\s*</script>", re.DOTALL)
_SKIP = frozenset({"state", "row", "column", "tabs", "tab", "tabitem", "box", "form", "accordion",
                   "group", "interpretation", "dataset"})
_JSON_TYPES = {"string": "str", "number": "int | float", "integer": "int", "boolean": "bool",
               "array": "list", "object": "dict"}


def config_from_page(html: str, src: str) -> dict[str, Any]:
    """The ``window.gradio_config`` an old app's page carries (its ``/config`` is not JSON)."""
    match = _PAGE_CONFIG.search(html)
    if match is None:
        raise ProtocolError(
            f"{src} is not a Gradio app: its /config is not JSON and its page has no "
            "window.gradio_config. Check the URL (the app's root, e.g. http://host:7860/)."
        )
    try:
        config = json.loads(match.group(1))
    except ValueError as exc:
        raise ProtocolError(f"The window.gradio_config in {src}'s page is not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise ProtocolError(f"The window.gradio_config in {src}'s page is not an object.")
    return config


def check_supported(config: Mapping[str, Any], src: str) -> None:
    """Gradio 2.x configs (``allow_flagging`` at the top, no dependencies) get a clear error."""
    if "dependencies" in config:
        return
    version = config.get("version")
    if "allow_flagging" in config or (isinstance(version, str) and version.startswith("2.")):
        raise ProtocolError(
            f"{src} runs Gradio {version if isinstance(version, str) else '2.x'}, whose API "
            "gradio_nb cannot call (it speaks Gradio 3.x to 6.x). Ask the app's owner to upgrade "
            "Gradio, or call its page by hand."
        )
    raise ProtocolError(f"The config of {src} has no 'dependencies': is this a Gradio app?")


def _python_type(component: Mapping[str, Any]) -> dict[str, str]:
    api_info = component.get("api_info") or {}
    schema = api_info.get("info", api_info) if isinstance(api_info, Mapping) else {}
    if component.get("serializer") in ("FileSerializable", "ImgSerializable", "VideoSerializable"):
        return {"type": "str", "description": "filepath on your computer (or URL) of file"}
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    return {"type": _JSON_TYPES.get(kind, "Any") if isinstance(kind, str) else "Any", "description": ""}


def _entry(component: Mapping[str, Any], default_label: str) -> dict[str, Any]:
    props = component.get("props") or {}
    api_info = component.get("api_info") or {}
    schema = api_info.get("info", api_info) if isinstance(api_info, Mapping) else {}
    return {
        "label": props.get("label") or default_label,
        "type": dict(schema) if isinstance(schema, Mapping) else {},
        "python_type": _python_type(component),
        "component": str(component.get("type", "")).capitalize(),
    }


def describe_locally(config: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """For a server without ``/info``: (config, info). The config's buttons are marked
    ``skip_api``, as 4.x marks them: on these servers the Interface's own listener also
    returns the Submit/Stop buttons' visibility updates, which are no values for a caller.
    A button that a listener takes as an input stays a parameter: its label is a value the
    call carries, as 3.50's /info lists it and that day's gradio_client sends it."""
    config = dict(config)
    taken = {i for dep in config.get("dependencies") or [] for i in dep.get("inputs") or []}
    config["components"] = [
        {**c, "skip_api": True}
        if c.get("type") == "button" and "skip_api" not in c and c.get("id") not in taken else c
        for c in config.get("components") or []
    ]
    return config, local_info(config)


def local_info(config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``/info`` a server without one would have given, from its config: every backend
    listener (named by ``api_name``, else by position), labels as those servers labelled."""
    components = {c["id"]: c for c in config.get("components") or []
                  if "id" in c and not c.get("skip_api")}
    info: dict[str, Any] = {"named_endpoints": {}, "unnamed_endpoints": {}}
    for position, dep in enumerate(config.get("dependencies") or []):
        if dep.get("backend_fn") is False or dep.get("api_name") is False:
            continue
        inputs = [components[i] for i in dep.get("inputs") or [] if i in components]
        outputs = [components[i] for i in dep.get("outputs") or [] if i in components]
        entry = {
            "parameters": [_entry(c, f"parameter_{c.get('id')}") for c in inputs
                           if c.get("type") not in _SKIP],
            "returns": [_entry(c, f"value_{c.get('id')}") for c in outputs if c.get("type") not in _SKIP],
        }
        if isinstance(dep.get("api_name"), str) and dep["api_name"]:
            info["named_endpoints"]["/" + dep["api_name"]] = entry
        else:
            info["unnamed_endpoints"][str(dep.get("id", position))] = entry
    return info
