"""x-gradio-user is always "api" on a call, as gradio_client sends it: apps tell API calls from
browser users by it, so neither per-call headers= (in any spelling) nor Client(headers=) may
change it. Other headers get through. Checked on what a Gradio 6.31 app's gr.Request saw."""
from __future__ import annotations

import gradio_client
import pytest

from gradio_nb import Client


@pytest.fixture(scope="module")
def headers_app(gradio_server):
    return gradio_server("headers_app")


@pytest.mark.parametrize("spelling", ["x-gradio-user", "X-Gradio-User", "X-GRADIO-USER"])
def test_per_call_headers_cannot_replace_x_gradio_user(headers_app, spelling) -> None:
    with Client(headers_app.url, verbose=False) as client:
        seen = client.predict("x-gradio-user", api_name="/header", headers={spelling: "bob"})
        assert seen == "api"
        assert client.predict("x-custom", api_name="/header", headers={"x-custom": "v"}) == "v"


def test_client_headers_cannot_replace_x_gradio_user(headers_app) -> None:
    with Client(headers_app.url, verbose=False, headers={"X-Gradio-User": "carol", "x-team": "a"}) as client:
        assert client.predict("x-gradio-user", api_name="/header") == "api"
        assert client.predict("x-team", api_name="/header") == "a"


def test_gradio_client_does_the_same_for_the_lower_case_header(headers_app) -> None:
    """The reference behaviour the tests above extend to every spelling."""
    reference = gradio_client.Client(headers_app.url, verbose=False, analytics_enabled=False)
    assert reference.predict("x-gradio-user", api_name="/header", headers={"x-gradio-user": "bob"}) == "api"
