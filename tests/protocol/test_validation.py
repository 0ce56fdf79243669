"""Structural schema checks on the schemas of real Gradio 6.31 components (issue #19)."""
from __future__ import annotations

import gradio as gr
import pytest

from gradio_nb import handle_file
from gradio_nb.client._protocol.validation import problem

FILE = handle_file(__file__)


@pytest.mark.parametrize("value", [
    {"text": "hi", "files": [FILE]},
    {"text": "hi", "files": [FILE, FILE]},
    {"text": "hi", "files": []},
    {"text": "hi"},          # gradio_client sends it and the server fills `files`
    {"text": ""},
])
def test_multimodal_textbox_values_that_contain_files_pass(value) -> None:
    assert problem(gr.MultimodalTextbox().api_info(), value) is None


def test_a_bare_path_nested_in_an_object_is_refused_with_where_it_is() -> None:
    issue = problem(gr.MultimodalTextbox().api_info(), {"text": "hi", "files": ["x.png"]})
    assert issue is not None
    assert issue.startswith("at ['files'][0]: expected a file: wrap paths and URLs in handle_file")
    assert "'x.png'" in issue


@pytest.mark.parametrize("component, good, bad", [
    (gr.ImageEditor, {"background": FILE, "layers": [FILE, FILE], "composite": None},
     {"background": "x.png", "layers": []}),
    (gr.Gallery, [{"image": FILE, "caption": "a"}, {"video": FILE, "caption": None}],
     [{"image": "x.png", "caption": None}]),
    (gr.ImageSlider, [FILE, FILE], ["x.png", FILE]),
    (gr.Files, [FILE], ["x.png"]),
    (gr.Image, FILE, "x.png"),
])
def test_files_and_objects_are_checked_at_any_depth(component, good, bad) -> None:
    schema = component().api_info()
    assert problem(schema, good) is None
    assert problem(schema, bad) is not None


def test_uncertain_schemas_let_values_through() -> None:
    assert problem({"$ref": "#/$defs/Missing"}, 3) is None                  # unresolvable
    assert problem({"type": {}, "description": "any valid json"}, object()) is None
    assert problem({"type": "string"}, 3) is None                           # servers coerce
    assert problem({"type": "object", "properties": {"a": {"type": "number"}}}, {"b": "x"}) is None
    recursive = {"$defs": {"N": {"type": "array", "items": {"$ref": "#/$defs/N"}}}, "$ref": "#/$defs/N"}
    deep: list = []
    for _ in range(100):
        deep = [deep]
    assert problem(recursive, deep) is None                                 # no RecursionError


def test_type_lists_prefix_items_and_required_keys() -> None:
    assert problem({"type": ["number", "null"]}, "x") == "a number or None"
    assert problem({"type": "array", "prefixItems": [{"type": "number"}]}, ["x"]) is not None
    assert problem({"type": "object", "required": ["path"]}, {"url": "u"}) == "a dict with 'path'"


def test_choices_are_enforced_only_by_gradio_5_and_newer() -> None:
    from gradio_nb.client._protocol.routes import protocol_features

    assert not protocol_features("sse_v3", "4.44.1").choices_enforced   # warns, then passes it on
    assert protocol_features("sse_v3", "5.0.0").choices_enforced
    assert protocol_features("sse_v3", "6.31.0").choices_enforced
    radio = gr.Radio(choices=["a", "b"]).api_info()
    assert problem(radio, "c") == "one of 'a', 'b'"
    assert problem(radio, "c", allow_custom=True) is None
