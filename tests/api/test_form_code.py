"""The endpoint form's copyable code offers the client.api spelling beside predict."""
from __future__ import annotations

from gradio_nb.widgets._code import api_call_code, call_code
from gradio_nb.widgets._form import EndpointForm


def test_form_code_has_both_spellings(client):
    form = EndpointForm(client, client.endpoint("/generate"), "demo")
    form.fields[0].control.value = "a cat"
    predict, comment, api = form.code_text().splitlines()
    assert predict == """demo.predict(text='a cat', steps=10, style='plain', api_name="/generate")"""
    assert comment == "# or, the endpoint as a function:"
    assert api == "demo.api.generate(text='a cat', steps=10, style='plain')"
    assert "demo.api.generate(" in form.code.value


def test_colliding_and_unsafe_names(client):
    assert EndpointForm(client, client.endpoint("/a-b"), "c").code_text().endswith("c.api['/a-b'](x='')")
    assert EndpointForm(client, client.endpoint("/lambda"), "c").code_text().endswith("c.api.lambda_(x='')")


def test_api_call_code_wraps_long_calls(client):
    endpoint = client.endpoint("/generate")
    text = api_call_code(endpoint, {"text": "x" * 80, "steps": 3}, "client", "generate")
    assert text == f"client.api.generate(\n    text='{'x' * 80}',\n    steps=3,\n)"
    assert call_code(endpoint, {"text": "y"}, "not valid") == """client.predict(text='y', api_name="/generate")"""
    assert api_call_code(endpoint, {"text": "y"}, None, None) == "client.api['/generate'](text='y')"
