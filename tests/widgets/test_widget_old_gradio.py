"""The endpoint form and the job card against every old Gradio line (the `old_version` fixture:
4.21 sse_v2.1, 4.19 sse_v2, 4.10 sse_v1, 4.5 sse, 3.50 ws, 3.20 ws without /info): the same
widgets, unchanged, on each protocol."""
from __future__ import annotations

import time

import ipywidgets as W
import pytest

import gradio_nb.widgets as widgets
from gradio_nb import Client
from gradio_nb.widgets._card import LiveOutput
from gradio_nb.widgets._form import EndpointForm

pytestmark = pytest.mark.legacy


@pytest.fixture(scope="module", autouse=True)
def servers_of_the_line(gradio_server, old_version) -> None:
    """Both apps of a line start together (start-ups overlap)."""
    gradio_server.prestart([(app, old_version) for app in ("calculator", "slow_yield")])


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


def test_form_builds_and_sends(gradio_server, old_version, frontend):
    client = Client(gradio_server("calculator", old_version).url, verbose=False)
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


def test_job_card_streams_a_generator(gradio_server, old_version, frontend):
    client = Client(gradio_server("slow_yield", old_version).url, verbose=False)  # a character a second
    try:
        live = LiveOutput(client.submit("123", api_name="/predict"))
        seen = wait_final(live)
        assert any("1" in o and "3" not in o for o in seen), seen  # a yield shown before the end
        assert "3" in live.final.html
    finally:
        client.close()
