"""The endpoint form and the job card against a Gradio 3.50 app (its websocket queue): the
same widgets, unchanged, on the oldest protocol."""
from __future__ import annotations

import time

import ipywidgets as W
import pytest

import gradio_nb.widgets as widgets
from gradio_nb import Client
from gradio_nb.widgets._card import LiveOutput
from gradio_nb.widgets._form import EndpointForm

pytestmark = pytest.mark.legacy


def wait_final(live: LiveOutput, timeout: float = 60.0) -> list:
    """The distinct outputs the card showed until its final swap."""
    seen: list = []
    deadline = time.monotonic() + timeout
    while live.final is None and time.monotonic() < deadline:
        value = live.card.outputs_view.value
        if value and (not seen or seen[-1] != value):
            seen.append(value)
        time.sleep(0.02)
    assert live.final is not None, "the card never reached its final state"
    return seen


def test_form_on_gradio3(gradio_server, frontend):
    client = Client(gradio_server("calculator", "3.50").url, verbose=False)
    try:
        form = widgets.client_widget(client, "/predict")
        assert isinstance(form, EndpointForm)
        num1, operation, num2 = form.fields
        assert isinstance(operation.control, (W.RadioButtons, W.Dropdown, W.ToggleButtons))
        num1.control.value, operation.control.value, num2.control.value = 4, "multiply", 2.5
        assert "num1=4" in form.code.value and "num2=2.5" in form.code.value
        form.run_button.click()
        assert form.message.value == ""
        live = form.cards.children[0]
        wait_final(live)
        assert "10" in live.final.html
    finally:
        client.close()


def test_job_card_streams_a_gradio3_generator(gradio_server, frontend):
    client = Client(gradio_server("count_generator", "3.50", env={"COUNT_DELAY": "0.3"}).url, verbose=False)
    try:
        live = LiveOutput(client.submit(4, api_name="/count"))
        seen = wait_final(live)
        assert any("0" in o and "3" not in o for o in seen), seen  # a yield shown before the end
        assert "3" in live.final.html
    finally:
        client.close()
