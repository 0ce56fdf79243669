"""Apps whose /config is not JSON (very old Gradio): the config is read from the page, and a
Gradio 2.x page is refused with an error that names its version. No server of those days runs
on our Python, so the fault server serves the pages."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradio_nb import GradioNBError
from gradio_nb.client._exceptions import ProtocolError


def serve_page(fault_server, config: dict) -> None:
    async def not_found(req, conn):
        await conn.send(404, {"detail": "Not Found"})

    async def page(req, conn):
        html = f"<html><head><script>window.gradio_config = {json.dumps(config)};</script></head></html>"
        await conn.send(200, html, {"content-type": "text/html"})

    fault_server.routes[("GET", "/config")] = not_found
    fault_server.routes[("GET", "/")] = page


def test_gradio_2_page_is_refused_naming_its_version(fault_server, client_for):
    serve_page(fault_server, {"version": "2.9.4", "mode": "interface", "allow_flagging": "manual",
                              "input_components": [], "output_components": []})
    with pytest.raises(ProtocolError, match=r"runs Gradio 2\.9\.4") as error:
        client_for(fault_server.url)
    assert isinstance(error.value, GradioNBError)


def test_a_page_without_a_config_is_no_gradio_app(fault_server, client_for):
    async def not_found(req, conn):
        await conn.send(404, {"detail": "Not Found"})

    async def page(req, conn):
        await conn.send(200, "<html>It works!</html>", {"content-type": "text/html"})

    fault_server.routes[("GET", "/config")] = not_found
    fault_server.routes[("GET", "/")] = page
    with pytest.raises(ProtocolError, match="not a Gradio app"):
        client_for(fault_server.url)


def test_config_read_from_the_page(fault_server, client_for):
    """A 3.x config served only in the page (and no /info): the client connects and describes
    the API from it."""
    captures = Path(__file__).parents[1] / "protocols" / "captures"
    serve_page(fault_server, json.loads((captures / "3.50-calculator-config.json").read_text()))
    client = client_for(fault_server.url)
    assert [p.name for p in client.endpoint("/predict").parameters] == ["num1", "operation", "num2"]
    assert 'predict(num1, operation, num2, api_name="/predict")' in client.view_api(print_info=False, return_format="str")
