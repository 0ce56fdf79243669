"""Client.add_zero_gpu_headers, end to end: a Gradio 6.31 app (the "outer" app) calls another
app as a Space (the "inner" app, resolved through the Hub stand-in) inside its event function,
and passes its own user's x-ip-token on, exactly as with gradio_client.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from gradio_nb import Client
from gradio_nb.demo import hub_standin

INNER_SPACE = "zerogpu/inner"
ZEROGPU_SPACE = "zerogpu/painter"  # the ZeroGPU stand-in: it charges the visitor it saw
ZEROGPU_APP = Path(__file__).resolve().parents[1] / "zerogpu" / "zerogpu_app.py"


@pytest.fixture(scope="module")
def apps(gradio_server, tmp_path_factory):
    """(outer app URL, inner app URL, ZeroGPU stand-in URL); the outer app resolves INNER_SPACE
    to the inner app and ZEROGPU_SPACE to the stand-in."""
    inner = gradio_server("headers_app")
    zerogpu = gradio_server(str(ZEROGPU_APP))
    hub = hub_standin.HubStandin(port=0)
    hub.state.add_space(INNER_SPACE, host=inner.url)
    hub.state.add_space(ZEROGPU_SPACE, host=zerogpu.url, hardware="zero-a10g")
    hub.start()
    env = {"HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_TOKEN": "",
           "HF_HOME": str(tmp_path_factory.mktemp("hf-home"))}
    try:
        outer = gradio_server("headers_app", env=env)
        yield outer.url, inner.url, zerogpu.url
    finally:
        hub.stop()


@pytest.mark.parametrize("library", ["gradio_nb", "gradio_client"])
def test_an_app_passes_its_users_ip_token_on_to_a_space(apps, library) -> None:
    """The outer app's user sends x-ip-token; the inner app (the Space) sees the same one.
    gradio_client in the outer app is the reference: both must relay it."""
    outer, _, _ = apps
    with Client(outer, verbose=False) as client:
        seen = client.predict(INNER_SPACE, library, api_name="/relay", headers={"x-ip-token": "tok-123"})
        assert seen == "tok-123"
        # no token on the outer request: nothing to pass on
        assert client.predict(INNER_SPACE, library, api_name="/relay") == ""


@pytest.mark.parametrize("library", ["gradio_nb", "gradio_client"])
def test_a_zerogpu_space_charges_the_forwarded_visitor(apps, library) -> None:
    """The issue's proof: the ZeroGPU stand-in records the x-ip-token it saw, and counts the
    call against that visitor's quota (not the outer app's)."""
    outer, _, zerogpu = apps
    visitor = f"visitor-{uuid.uuid4().hex}"
    with Client(outer, verbose=False) as client:
        assert client.predict(ZEROGPU_SPACE, library, api_name="/relay_generate",
                              headers={"x-ip-token": visitor}) == "painted relayed (1s of GPU)"
    with Client(zerogpu, verbose=False) as standin:
        rows = [row for row in standin.predict(api_name="/ledger") if row["x_ip_token"] == visitor]
    assert [(row["who"], row["outcome"], row["prompt"]) for row in rows] == [(f"ip:{visitor}", "ok", "relayed")]


def test_outside_a_gradio_request_or_for_a_plain_url_nothing_is_added(apps) -> None:
    _, inner, _ = apps
    with Client(inner, verbose=False) as client:
        headers = {"a": "b"}
        assert client.add_zero_gpu_headers(headers) is headers and headers == {"a": "b"}
