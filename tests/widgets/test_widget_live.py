"""Forms, cards, the jobs table and history against a real Gradio 6.31 app (tests/widgets/apps)."""
from __future__ import annotations

import time

import ipywidgets as W
import pytest

import gradio_nb.widgets as widgets
from gradio_nb import Client
from gradio_nb.widgets import _progress, history
from gradio_nb.widgets._card import LiveOutput
from gradio_nb.widgets._form import EndpointForm
from widget_helpers import wait_for

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def server(widget_app):
    return widget_app


@pytest.fixture
def client(server):
    c = Client(server.url, verbose=False)
    yield c
    c.close()


def record_card(live: LiveOutput, timeout: float = 60.0) -> dict[str, list]:
    """Every distinct bars/logs/outputs state the card showed until its final swap."""
    seen: dict[str, list] = {"bars": [], "logs": [], "outputs": [], "headers": []}
    card = live.card
    deadline = time.monotonic() + timeout
    while live.final is None and time.monotonic() < deadline:
        for key, value in (("bars", card.bars.rows()), ("logs", card.logs.value),
                           ("outputs", card.outputs_view.value), ("headers", card.header.value)):
            if value and (not seen[key] or seen[key][-1] != value):
                seen[key].append(value)
        time.sleep(0.02)
    assert live.final is not None, "the card never reached its final state"
    return seen


def test_form_run_shows_progress_logs_and_leaves_plain_output(client, frontend):
    form = widgets.client_widget(client, "/work")
    assert isinstance(form, EndpointForm)
    (steps,) = form.fields
    assert isinstance(steps.control, W.IntSlider) and (steps.control.min, steps.control.max) == (1, 10)
    steps.control.value = 4
    assert 'steps=4' in form.code.value and 'api_name=&quot;/work&quot;' in form.code.value
    form.run_button.click()
    assert form.message.value == ""
    live = form.cards.children[0]
    assert isinstance(live, LiveOutput)
    assert live.outputs[0]["data"][WIDGET_VIEW]["model_id"] == live.card.model_id  # live card inside
    seen = record_card(live)
    stepping = [rows for rows in seen["bars"] if rows and "stepping" in rows[0][1]]
    assert stepping, seen["bars"]
    assert any("/4 steps" in rows[0][1] for rows in stepping)
    assert any(0 < rows[0][0] < 1 for rows in stepping)  # a bar part-way
    assert "starting the work" in seen["logs"][-1] and "Heads up" in seen["logs"][-1]
    assert any("running" in h for h in seen["headers"])
    (final,) = live.outputs
    assert final["output_type"] == "display_data" and WIDGET_VIEW not in final["data"]
    assert "worked 4 steps" in final["data"]["text/html"] and "worked 4 steps" in final["data"]["text/plain"]
    assert "almost done" in final["data"]["text/html"]  # logs stay in the plain rendering
    assert live.card.comm is None  # the live widgets were closed
    entry = history.entries()[-1]
    assert entry.api_name == "/work" and entry.arguments == {"steps": 4}


def test_generator_outputs_stream_into_the_card(client, frontend):
    job = client.submit(4, api_name="/stream")
    live = LiveOutput(job)
    seen = record_card(live)
    partial = [o for o in seen["outputs"] if "[0]" in o and "[3]" not in o]
    assert partial, seen["outputs"]  # an intermediate yield was shown before the end
    assert "[0][1][2][3]" in live.final.html


def test_cancel_really_cancels_the_server_job(client, frontend):
    job = client.submit(200, api_name="/ticks")
    card = widgets.job_widget(job)
    wait_for(lambda: len(job.outputs()) >= 2)
    card.cancel_button.click()
    assert card.cancel_button.disabled
    assert card.wait_drawn(30)
    assert job.snapshot().cancelled and "cancelled" in card.header.value
    counts = [client.predict(api_name="/tick_count")]

    def stopped():
        time.sleep(1.0)
        counts.append(client.predict(api_name="/tick_count"))
        return counts[-1] == counts[-2]

    wait_for(stopped, timeout=30)
    assert counts[-1] < 150  # the generator stopped long before its 200 ticks


def test_error_card_is_red_with_the_apps_message(client, frontend):
    job = client.submit("x", api_name="/boom")
    live = LiveOutput(job)
    assert live.wait_drawn(30)
    html = live.final.html
    assert "gnb-error" in html and "#dc2626" in html and "Boom title" in html
    assert "the &lt;b&gt;message&lt;/b&gt; of the app" in html  # the app's text, escaped
    assert "Boom title: the <b>message</b> of the app" in live.final.text


def test_display_of_jobs_live_finished_and_in_a_terminal(client, frontend, monkeypatch):
    job = client.submit(api_name="/rich")
    job.result(30)
    bundle = widgets.job_mimebundle(job)  # finished: plain, no widget at all
    assert set(bundle) == {"text/html", "text/plain"}
    assert "data:image/png;base64," in bundle["text/html"] and "<script" not in bundle["text/html"]
    running = client.submit(3, api_name="/stream")
    live_bundle = widgets.job_mimebundle(running)
    assert WIDGET_VIEW in live_bundle and live_bundle["text/plain"].startswith("/stream · ")
    running.result(30)
    monkeypatch.setattr(widgets, "frontend_available", lambda: False)
    text = widgets.job_mimebundle(job)
    assert set(text) == {"text/plain"} and text["text/plain"].startswith("/rich · done")
    assert widgets.client_mimebundle(client) == {"text/plain": client.view_api(print_info=False, return_format="str")}


def test_client_widget_has_a_tab_per_endpoint(client, frontend):
    tabs = widgets.client_widget(client)
    assert isinstance(tabs, W.Tab)
    assert list(tabs.titles) == [e.name for e in client.endpoints]
    assert tabs.children[1].children == ()  # built when first shown
    from gradio_nb.widgets._form import tab_form
    work = tab_form(tabs, [e.name for e in client.endpoints].index("/work"))
    assert isinstance(work, EndpointForm) and work.endpoint.api_name == "/work"
    bundle = widgets.client_mimebundle(client)
    assert bundle["text/plain"] == client.view_api(print_info=False, return_format="str")
    assert bundle[WIDGET_VIEW]["model_id"]


def test_history_replays_as_code_and_keeps_no_secrets(client, frontend, server):
    history.clear()
    form = widgets.client_widget(client, "/echo_all")
    text, steps, key, choice = form.fields
    text.control.value = "hello"
    key.control.value = "hunter2-secret"
    choice.control.value = "b"
    assert "hunter2" not in form.code.value and "getpass" in form.code.value
    form.run_button.click()
    assert key.control.value == ""  # the password left the widget state
    live = form.cards.children[0]
    assert live.wait_drawn(30)
    (entry,) = history.entries()
    assert entry.arguments[key.parameter.name] == "<secret>"
    assert "hunter2" not in repr(entry.arguments) and "hunter2" not in entry.code
    assert entry.status == "done" and entry.duration is not None
    assert entry.result == ["hello", 3, "hunter2-secret", "b"]  # (this app echoes it back itself)
    code = history.as_code()
    assert "hunter2" not in code and f"Client({server.url!r})" in code
    namespace = {"getpass": type("G", (), {"getpass": staticmethod(lambda prompt="": "pw")})}
    exec(compile(code.replace("import getpass\n", ""), "<history>", "exec"), namespace)
    assert namespace["client"].src == client.src
    namespace["client"].close()


def test_jobs_table_lists_jobs_and_cancels(client, frontend):
    job = client.submit(200, api_name="/ticks")
    widgets.register_job(job)  # (the core's hook does this in a kernel)
    table = widgets.jobs_widget()
    row = wait_for(lambda: next((r for r in table.rows.values() if r.job_ref() is job), None))
    wait_for(lambda: "running" in row.status.value or "streaming" in row.status.value)
    row.cancel.click()
    wait_for(lambda: "cancelled" in row.status.value)
    assert job.snapshot().cancelled and row.cancel.disabled


def test_blocking_wait_shows_a_line_then_nothing(client, frontend, monkeypatch):
    shown = []

    def fake_display(bundle, handle):
        shown.append(bundle)
        return handle or object()

    monkeypatch.setattr(_progress, "_display", fake_display)

    class Handle:
        def update(self, bundle, raw=False):
            shown.append(bundle)

    job = client.submit(api_name="/work", steps=3)
    with widgets.blocking_wait(job) as line:
        job.result(60)
        wait_for(lambda: line.handle is not None)
        line.handle = Handle()
    assert any("⏳ /work" in b["text/plain"] for b in shown[:-1])
    assert shown[-1] == {"text/plain": ""}  # replaced by nothing
    quick = client.submit(api_name="/tick_count")
    with widgets.blocking_wait(quick) as line:
        quick.result(30)
    assert line.handle is None  # a quick call shows no line at all
