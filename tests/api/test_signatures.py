"""Signatures and docs of client.api functions, checked against view_api for every component of
the many-components app, and IPython's completion of endpoint names and keyword arguments."""
from __future__ import annotations

import inspect
import pydoc
import re
from typing import Any, Literal, Union

import pytest

from gradio_nb import Client, FileData
from gradio_nb.client._protocol.signatures import REQUIRED, annotation_for, type_text


@pytest.fixture(scope="module")
def many(gradio_server):
    with Client(gradio_server("protocol/many_components").url, verbose=False) as client:
        yield client


def _view_api_type(text: str, output: bool) -> str:
    """view_api's type text in our spelling: gradio_client writes objects as ``dict(a: T, ...)``
    and files as ``filepath``; we annotate ``dict`` and FileData (a local path for outputs)."""
    while True:
        shorter = re.sub(r"dict\([^()]*\)", "dict", text)
        if shorter == text:
            break
        text = shorter
    text = re.sub(r"\bfilepath\b", "str" if output else "FileData", text)
    parts = []  # "dict | dict" is one type for us
    for part in _split_union(text):
        if part not in parts:
            parts.append(part)
    return " | ".join(parts)


def _split_union(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "[(" and 1 or char in "])" and -1 or 0
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    if len(parts) == 1 and text.startswith("list[") and text.endswith("]"):
        return [f"list[{' | '.join(dict.fromkeys(_split_union(text[5:-1])))}]"]
    return parts


def test_signatures_agree_with_view_api_for_every_component(many):
    info = many.view_api(print_info=False, return_format="dict")
    components = set()
    for api_name, entry in info["named_endpoints"].items():
        signature = inspect.signature(many.api[api_name])
        params = list(signature.parameters.values())
        assert [p.name for p in params] == [e["parameter_name"] for e in entry["parameters"]], api_name
        for param, expected in zip(params, entry["parameters"]):
            components.add(expected["component"])
            where = f"{api_name} {param.name} [{expected['component']}]"
            if expected["parameter_has_default"]:
                assert param.default == expected["parameter_default"], where
            else:
                assert param.default in (inspect.Parameter.empty, REQUIRED), where
            want = _view_api_type(expected["python_type"]["type"], output=False)
            if expected["parameter_has_default"] and expected["parameter_default"] is None:
                want += " | None"  # as view_api's text shows it
            assert type_text(param.annotation) == want, where
        returns = [_view_api_type(r["python_type"]["type"], output=True) for r in entry["returns"]]
        got = type_text(signature.return_annotation)
        assert got == (returns[0] if len(returns) == 1 else f"tuple[{', '.join(returns)}]"), api_name
    # the app's inputs: every kind is covered, none skipped
    assert {"Slider", "Radio", "Dropdown", "Checkbox", "Checkboxgroup", "Textbox", "Number", "Colorpicker",
            "Datetime", "Code", "Json", "Dataframe", "Image", "Audio", "Video", "File", "Gallery",
            "Multimodaltextbox"} <= components


def test_annotations_are_real_types(many, client):
    sig = inspect.signature(many.api.simple_inputs)
    p = sig.parameters
    assert p["param_0"].annotation is float and p["param_4"].annotation is bool
    assert p["param_6"].annotation is str and p["param_12"].annotation is dict
    assert p["param_1"].annotation == Literal["a", "b", "c"]
    assert p["param_3"].annotation == list[Literal["x", "y", "z"]]
    assert p["param_11"].annotation == Union[str, float, bool, list, dict]  # gr.JSON: any JSON
    # a required parameter after optional ones: Python cannot spell it, the marker says so
    assert p["param_13"].default is REQUIRED and repr(REQUIRED) == "<required>"
    media = inspect.signature(many.api.media_inputs).parameters
    assert media["param_0"].annotation is FileData and media["param_4"].annotation == list[FileData]
    assert inspect.signature(client.api.upload).return_annotation is str
    assert inspect.signature(client.api.pair).return_annotation == tuple[str, float]
    assert str(inspect.signature(client.api.upload)) == "(doc: gradio_nb.FileData) -> str"


@pytest.mark.parametrize(("schema", "annotation"), [
    ({"type": "integer"}, int),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, Union[str, None]),
    ({"type": ["string", "number"]}, Union[str, float]),
    ({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]}, tuple[str, float]),
    ({"$defs": {"X": {"type": "boolean"}}, "$ref": "#/$defs/X"}, bool),
    ({"const": "file"}, Literal["file"]),
    ({}, Any),
])
def test_annotation_for_schema_shapes(schema, annotation):
    assert annotation_for(schema) == annotation


def test_doc_says_component_type_description_and_default(client):
    doc = client.api.generate.__doc__
    assert doc.startswith("Make a short text from a prompt.\n")  # the endpoint's own description first
    assert 'client.predict(..., api_name="/generate")' in doc
    assert "text : str, required\n    Textbox 'Prompt'. What to write about." in doc
    assert "steps : float, default 10\n    Slider 'Steps'." in doc
    assert "style : Literal['plain', 'fancy'], default 'plain'\n    Radio 'Style'." in doc
    assert "Returns\n-------\nresult : str\n    Textbox 'Result'." in doc
    upload = client.api.upload.__doc__
    assert 'doc : FileData, required\n    File \'Document\'. A file: pass handle_file("path/or/url").' in upload
    assert "from gradio_nb import handle_file" in upload
    assert "result : str" in client.api.pair.__doc__ and "doubled : float" in client.api.pair.__doc__
    assert "as a tuple" in client.api.pair.__doc__
    assert type(client.api.generate).__doc__.startswith("One endpoint of a ``Client``")  # the class keeps its own


def test_help_shows_the_signature_and_the_doc(client):
    text = pydoc.render_doc(client.api.generate, renderer=pydoc.plaintext)
    assert "generate(text: str, steps: float = 10, style: Literal['plain', 'fancy'] = 'plain') -> str" in text
    assert "Make a short text from a prompt." in text and "Slider 'Steps'" in text
    assert inspect.getdoc(client.api.generate) == client.api.generate.__doc__


@pytest.fixture
def shell(api_app):
    # As in a notebook, IPython runs before the client is made.
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    with Client(api_app.url, verbose=False) as client:
        ip.user_ns["client"] = client
        yield ip
        del ip.user_ns["client"]


def _complete(ip, text):
    from IPython.core.completer import provisionalcompleter

    with provisionalcompleter():
        return [c.text for c in ip.Completer.completions(text, len(text))]


def test_ipython_completes_endpoints_and_keywords(shell):
    assert _complete(shell, "client.api.ge") == ["generate"]
    assert "lambda_" in _complete(shell, "client.api.la")
    assert "text=" in _complete(shell, "client.api.generate(te")
    assert set(_complete(shell, "client.api.generate('a', st")) >= {"steps=", "style="}
    assert "b=" in _complete(shell, "client.api.pair(a='x', ")


def test_ipython_inspector_shows_the_doc(shell):
    info = shell.object_inspect("client.api.generate", detail_level=0)
    assert info["found"]
    assert "Make a short text from a prompt." in info["docstring"]
    assert "steps: float = 10" in (info.get("definition") or info.get("init_definition") or "")
