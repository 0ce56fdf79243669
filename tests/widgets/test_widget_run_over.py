"""The forms' "Run over…" mode against a real Gradio 6.31 app (tests/widgets/apps/batch_view_app.py):
a variable of the notebook or pasted lines start a map, whose card shows under the form (#11)."""
from __future__ import annotations

import html

import pytest

import gradio_nb.widgets as widgets
from gradio_nb import Client
from gradio_nb.widgets import history
from gradio_nb.widgets._batch_card import LiveBatchOutput
from gradio_nb.widgets._run_over import PASTE


@pytest.fixture
def client(batch_view_app):
    c = Client(batch_view_app.url, verbose=False)
    yield c
    c.close()


@pytest.fixture
def user_ns():
    """An IPython shell's namespace, as the forms see it in a kernel."""
    from IPython.testing.globalipapp import get_ipython

    shell = get_ipython()  # the process's one test shell (the magics tests share it)
    before = set(shell.user_ns)
    history.clear()
    yield shell.user_ns
    for name in set(shell.user_ns) - before:
        del shell.user_ns[name]
    history.clear()


def finished_card(form) -> LiveBatchOutput:
    live = form.cards.children[0]
    assert isinstance(live, LiveBatchOutput)
    assert live.wait_drawn(120)
    return live


def test_run_over_a_dataframe_variable(client, user_ns, frontend):
    pd = pytest.importorskip("pandas")
    user_ns["client"] = client
    user_ns["tiles"] = pd.DataFrame({"n": [1, 2, 3], "size": [4, 4, 4]})
    user_ns["not_a_source"] = 42
    form = widgets.client_widget(client, "/tile")
    panel = form.run_over
    assert panel.layout.display == "none"
    panel.toggle.value = True  # "Run over…": the panel opens and lists the namespace's sources
    assert panel.layout.display is None
    assert "tiles" in panel.source.options and "not_a_source" not in panel.source.options
    panel.source.value = "tiles"
    panel.concurrency.value = 2
    assert 'batch = client.map(tiles, api_name="/tile", concurrency=2)' in html.unescape(panel.code.value)
    panel.start_button.click()
    assert panel.message.value == ""
    live = finished_card(form)
    page = live.final.html
    assert page.count('<img class="gnb-thumb" src="data:image/png;base64,') == 3
    assert "3/3 done" in live.final.text
    (entry,) = history.entries()
    assert entry.code == 'batch = client.map(tiles, api_name="/tile", concurrency=2)'
    assert entry.status == "done"


def test_run_over_pasted_lines_uses_the_other_fields(client, user_ns, frontend):
    form = widgets.client_widget(client, "/tile")
    panel = form.run_over
    panel.toggle.value = True
    assert panel.source.value == PASTE
    size_field = next(f for f in form.fields if f.parameter.name == "size")
    size_field.control.value = 5
    panel.parameter.value = "n"
    panel.lines.value = "1\n\n2\n-3\n"
    assert "client.map([{'size': 5, 'n': 1}, {'size': 5, 'n': 2}, {'size': 5, 'n': -3}]" in html.unescape(panel.code.value)
    batch = panel.start()
    live = finished_card(form)
    assert [item.inputs["size"] for item in batch.items] == [5, 5, 5]
    s = batch.snapshot()
    assert (s.succeeded, s.failed) == (2, 1)
    assert "n must be &gt;= 0, got -3" in live.final.html


def test_run_over_nothing_says_so(client, user_ns, frontend):
    form = widgets.client_widget(client, "/tile")
    form.run_over.toggle.value = True
    form.run_over.start_button.click()
    assert "Nothing to run over" in form.run_over.message.value
    assert not form.cards.children


def test_a_pasted_line_that_is_not_a_number_is_reported(client, user_ns, frontend):
    form = widgets.client_widget(client, "/tile")
    panel = form.run_over
    panel.toggle.value = True
    panel.lines.value = "1\ntwo"
    panel.start_button.click()
    assert "Line 2: n is a number; &#x27;two&#x27; is not." in panel.message.value
    assert not form.cards.children
