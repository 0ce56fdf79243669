"""client.api against old-protocol servers (Gradio 4.44.1 and 5.50, from .venvs/): names,
signatures checked against view_api and the reference client, docs, calls, pickling."""
from __future__ import annotations

import inspect
import pickle
from typing import Literal

import gradio_client
import pytest

import gradio_nb
from gradio_nb.client._protocol.signatures import type_text

pytestmark = pytest.mark.legacy


@pytest.fixture(scope="module", params=["4", "5"], ids=lambda v: f"gradio{v}")
def legacy_url(request, gradio_server):
    return gradio_server("api_names", request.param).url


@pytest.fixture
def client(legacy_url):
    with gradio_nb.Client(legacy_url, verbose=False) as c:
        yield c


def test_names_and_access(client, legacy_url):
    reference = gradio_client.Client(legacy_url, verbose=False, analytics_enabled=False)
    named = list(reference.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert [ep.api_name for ep in client.api] == named
    assert {"generate", "my_fn", "lambda_", "_2d", "pair", "upload"} <= set(dir(client.api))
    assert client.api.my_fn("v") == "my-fn:v" and client.api["/a_b"]("v") == "a_b:v"
    with pytest.raises(AttributeError):
        client.api.genrate


def test_signatures_agree_with_view_api(client):
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    for ep in client.api:
        entry = info[ep.api_name]
        params = list(inspect.signature(ep).parameters.values())
        assert [p.name for p in params] == [e["parameter_name"] for e in entry["parameters"]]
        for param, expected in zip(params, entry["parameters"]):
            if expected["parameter_has_default"]:
                assert param.default == expected["parameter_default"]
            if expected["python_type"]["type"] in ("str", "float", "bool", "int"):
                assert type_text(param.annotation) == expected["python_type"]["type"]
    generate = inspect.signature(client.api.generate).parameters
    assert generate["style"].annotation == Literal["plain", "fancy"]
    assert generate["steps"].default == 10
    assert "Slider 'Steps'" in client.api.generate.__doc__


def test_calls_and_pickling(client):
    assert client.api.generate("old", steps=2, style="fancy") == "OLD X2"
    assert client.api.pair("ab", 2) == ("ba", 4)
    with pytest.raises(TypeError, match="required argument: text"):
        client.api.generate()
    copy = pickle.loads(pickle.dumps(client.api.generate))
    assert copy._client._live_app is None
    assert copy("again") == "again x10"
