"""The batch card and the plain rendering a batch leaves, against a real Gradio 6.31 app
(tests/widgets/apps/batch_view_app.py): counts, Cancel all, failures, gallery, sweep grid, and
how many comm messages a fast batch sends (issue #11)."""
from __future__ import annotations

import re
import threading
import time

import pytest
from ipywidgets.widgets.tests.utils import DummyComm

import gradio_nb.widgets as widgets
from gradio_nb import Client
from gradio_nb.widgets import _kernel
from gradio_nb.widgets._batch_card import MAX_THUMBS, BatchCard, LiveBatchOutput
from widget_helpers import wait_for

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def client(batch_view_app):
    c = Client(batch_view_app.url, verbose=False)
    yield c
    c.close()


def number(markup: str, name: str) -> str:
    """The number a header shows in its ``gnb-n-<name>`` span."""
    found = re.search(rf'class="gnb-n-{name}"[^>]*>([^<]*)<', markup)
    assert found, f"no {name} in {markup[:300]}"
    return found.group(1)


def live_of(batch) -> LiveBatchOutput:
    bundle = widgets.batch_mimebundle(batch)
    assert WIDGET_VIEW in bundle
    (live,) = widgets._live_views[batch]
    return live


def test_card_counts_failures_gallery_then_plain_table(client, frontend):
    inputs = [{"n": n, "size": 6} for n in range(20)] + [{"n": -1}, {"n": -2}]
    batch = client.map(inputs, "/tile", concurrency=4, progress=False)
    live = live_of(batch)
    card = live.card
    headers = []
    while live.final is None:  # what the card showed while running
        value = card.header.value
        if value and (not headers or headers[-1] != value):
            headers.append(value)
        if batch.done() and live.final is None:
            assert live.wait_drawn(30)
        time.sleep(0.01)
    s = batch.snapshot()
    assert (s.done, s.succeeded, s.failed) == (22, 20, 2)
    assert card.snapshot == s or (card.snapshot.done, card.snapshot.failed) == (s.done, s.failed)
    final_header = card.header.value
    assert number(final_header, "done") == "22" and number(final_header, "total") == "22"
    assert number(final_header, "failed") == "2" and number(final_header, "cached") == "0"
    assert card.bar.value == 1.0 and card.bar.bar_style == "danger"
    # every header drawn shows numbers the batch had: done never goes back, never above total
    dones = [int(number(h, "done")) for h in headers]
    assert dones == sorted(dones) and all(0 <= d <= 22 for d in dones)
    # latest failures: inputs and the app's message
    assert "n=-1" in card.failures.value and "n=-2" in card.failures.value
    assert "Bad tile" in card.failures.value and "n must be &gt;= 0, got -2" in card.failures.value
    # the gallery filled with thumbnails, each titled with its inputs
    thumbs = re.findall(r'<img class="gnb-thumb" src="data:image/png;base64,[^"]+" title="([^"]*)"', card.gallery.value)
    assert len(thumbs) == min(20, MAX_THUMBS)
    assert all("n=" in t and "size=6" in t for t in thumbs)
    # the final swap: one plain display_data, no widget left
    (output,) = live.outputs
    assert set(output["data"]) == {"text/html", "text/plain"}
    page = output["data"]["text/html"]
    assert page.count('<tr class="gnb-row gnb-row-done">') == 20
    assert page.count('<tr class="gnb-row gnb-row-failed">') == 2
    assert page.count('<img class="gnb-thumb" src="data:image/png;base64,') == 20
    assert "Bad tile: n must be &gt;= 0, got -1" in page
    assert output["data"]["text/plain"].startswith("/tile · 22/22 done · 2 failed")
    assert card.comm is None  # closed: nothing of the card stays in the kernel


def test_cancel_all_cancels_every_pending_item(client, frontend):
    batch = client.map([{"x": i} for i in range(6)], "/slow", concurrency=2, progress=False)
    live = live_of(batch)
    card = live.card
    wait_for(lambda: card.snapshot is not None and card.snapshot.running == 2)
    assert number(card.header.value, "running") == "2" and number(card.header.value, "queued") == "4"
    clicker = threading.Thread(target=card.cancel_button.click)  # a click, from another thread
    clicker.start()
    clicker.join(30)
    assert batch.done()
    s = batch.snapshot()
    assert (s.cancelled, s.succeeded) == (6, 0)
    assert live.wait_drawn(30)
    page = live.outputs[0]["data"]["text/html"]
    assert 'gnb-status-cancelled' in page and page.count('gnb-row-cancelled') == 6
    assert number(page, "cancelled") == "6"


def test_two_parameter_sweep_renders_as_a_grid_of_pictures(client, frontend):
    batch = client.sweep("/tile", n=[1, 2, 3], size=[4, 8], progress=False)
    batch.results(60)
    bundle = widgets.batch_mimebundle(batch)  # finished: plain HTML at once, no widget
    assert WIDGET_VIEW not in bundle
    page = bundle["text/html"]
    grid = page[page.index('<table class="gnb-sweep-grid"'):page.index("</table>") + 8]
    assert grid.count("<tr>") == 4  # a header row, then n = 1, 2, 3
    assert re.findall(r"<th [^>]*>(\d)</th>", grid) == ["4", "8", "1", "2", "3"]
    assert grid.count('<img class="gnb-thumb"') == 6
    assert 'title="n=1, size=4"' in grid
    assert "n \\ size" in bundle["text/plain"]


def test_a_sweep_of_numbers_shows_values_in_the_grid(client, frontend):
    batch = client.sweep("/tile", n=[1, -1], size=[4, 8], progress=False)
    batch.results(60)
    page = widgets.batch_mimebundle(batch)["text/html"]
    grid = page[page.index('<table class="gnb-sweep-grid"'):page.index("</table>")]
    assert grid.count('<img class="gnb-thumb"') == 2 and grid.count(">failed</span>") == 2


def test_audio_outputs_become_players(client, frontend):
    batch = client.map([{"n": i} for i in range(3)], "/chirp", progress=False)
    batch.results(60)
    page = widgets.batch_mimebundle(batch)["text/html"]
    assert page.count('<audio class="gnb-thumb-audio" controls src="data:audio/') == 3


def test_terminal_gets_text(client, monkeypatch):
    monkeypatch.setattr(widgets, "frontend_available", lambda: False)
    batch = client.map([{"x": 2}, {"x": 3}], "/square", progress=False)
    batch.results(60)
    text = batch._repr_mimebundle_()["text/plain"]
    assert text.splitlines()[0].startswith("/square · 2/2 done · 0 failed")
    assert [line.split() for line in text.splitlines()[1:]] == [
        ["#", "x", "y", "status", "error"], ["0", "2", "4", "done"], ["1", "3", "9", "done"]]


def test_a_fast_batch_sends_a_bounded_number_of_comm_messages(client, frontend, monkeypatch, tmp_path):
    """However fast items finish, the card draws at ~10 Hz: its comm messages per second stay
    bounded (a few trait updates per draw), not one per item."""
    sent: list[float] = []
    original = DummyComm.send

    def counting_send(self, *args, **kwargs):
        sent.append(time.monotonic())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DummyComm, "send", counting_send)
    items = 1000
    inputs = [{"x": i} for i in range(items)]
    cache = tmp_path / "cache"
    client.map(inputs, "/square", concurrency=64, cache=cache, progress=False).results(600)
    # the re-run comes from the cache: items finish as fast as they can be read
    batch = client.map(inputs, "/square", concurrency=64, cache=cache, progress=False)
    card = BatchCard(batch)
    started = time.monotonic()
    assert card.wait_drawn(600)
    elapsed = time.monotonic() - started
    s = batch.snapshot()
    assert s.cached == items and card.snapshot.done == items
    assert number(card.header.value, "done") == str(items) and number(card.header.value, "cached") == str(items)
    # at most one draw per MIN_INTERVAL (plus the first and the final one), and a draw sends
    # at most: header, bar value, bar style, failures, gallery, Cancel's layout and state
    per_draw = 7
    assert len(sent) <= (elapsed / _kernel.MIN_INTERVAL + 2) * per_draw, (len(sent), elapsed)
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert busiest <= (1.0 / _kernel.MIN_INTERVAL + 2) * per_draw, busiest
    print(f"\n{items} items in {elapsed:.1f} s: {len(sent)} comm messages, "
          f"{len(sent) / elapsed:.1f}/s on average, {busiest} in the busiest second")


@pytest.fixture
def shell(monkeypatch):
    """The process's test shell with gradio_nb's DataFrame formatter, as a kernel has it."""
    from IPython.testing.globalipapp import get_ipython

    import gradio_nb

    sh = get_ipython()
    formatter = sh.display_formatter.formatters["text/html"]
    for printers in ("deferred_printers", "type_printers"):  # restored after the test
        monkeypatch.setattr(formatter, printers, dict(getattr(formatter, printers)))
    monkeypatch.setattr(sh.display_formatter, "active_types", list(sh.display_formatter.format_types))
    gradio_nb._register_frame_formatter(sh)
    return sh


def test_to_pandas_shows_thumbnails_and_players_but_keeps_paths(client, shell):
    import pandas as pd

    pictures = client.map([{"n": n, "size": 4} for n in range(3)] + [{"n": -1}], "/tile", progress=False)
    sounds = client.map([{"n": n} for n in range(2)], "/chirp", progress=False)
    pictures.results(60)
    sounds.results(60)
    frame = pictures.to_pandas()
    assert all(isinstance(p, str) and p.endswith(".png") for p in frame["tile"].dropna())  # plain paths
    data, _ = shell.display_formatter.format(frame)
    page = data["text/html"]
    assert page.count('<img class="gnb-thumb" src="data:image/png;base64,') == 3
    assert "n must be &gt;= 0, got -1" in page and "4 rows × " in page
    part = frame[frame["status"] == "done"][["n", "tile"]]  # a selection keeps the thumbnails
    data, _ = shell.display_formatter.format(part)
    assert data["text/html"].count('<img class="gnb-thumb" src="data:image/png;base64,') == 3
    twice = frame[["n", "tile", "n"]]  # a column name may repeat
    assert shell.display_formatter.format(twice)[0]["text/html"].count('<img class="gnb-thumb"') == 3
    data, _ = shell.display_formatter.format(sounds.to_pandas())
    assert data["text/html"].count('<audio class="gnb-thumb-audio" controls src="data:audio/') == 2
    plain = pd.DataFrame({"a": [1, 2], "b": ["<b>x</b>", "y"]})  # any other frame: pandas' own HTML
    data, _ = shell.display_formatter.format(plain)
    assert data["text/html"] == plain._repr_html_()


def test_batch_frame_escapes_app_text(client, shell):
    batch = client.map([{"n": -5}, {"n": 1}], "/tile", progress=False)
    batch.results(60)
    frame = batch.to_pandas()
    frame.loc[frame.index[0], "error"] = "<script>alert(1)</script>"
    data, _ = shell.display_formatter.format(frame)
    assert "<script>" not in data["text/html"] and "&lt;script&gt;" in data["text/html"]


def test_map_with_progress_shows_the_card_in_a_notebook_not_tqdm(client, frontend, monkeypatch, capsys):
    import gradio_nb

    shown = []
    monkeypatch.setattr(gradio_nb, "_in_kernel", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    batch = client.map([{"n": n, "size": 4} for n in range(3)], "/tile")  # progress=True
    assert shown == [batch]  # the live card, displayed at once
    batch.results(timeout=60)
    err = capsys.readouterr().err
    assert "/tile" not in err and "call/s" not in err
    monkeypatch.setattr(gradio_nb, "_in_kernel", lambda: False)  # terminal: the tqdm bar
    client.map([{"n": 1, "size": 4}], "/tile").results(timeout=60)
    err = capsys.readouterr().err
    assert "/tile" in err and "call" in err


def test_card_counts_down_a_zerogpu_quota_wait():
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    from gradio_nb.widgets._batch_view import counts_html, summary_line

    until = datetime.now() + timedelta(seconds=75)
    snap = SimpleNamespace(finished=False, total=10, done=3, running=0, retrying=0, queued=7,
                           failed=0, cancelled=0, cached=0, throughput=0.5, eta=None, elapsed=4.0,
                           started_at=0.0, quota_until=until, quota_paused=1,
                           quota_error=SimpleNamespace(app_message="You have exceeded your free ZeroGPU quota"))
    endpoint = SimpleNamespace(name="/generate")
    header = counts_html(snap, endpoint)
    assert f"waiting for ZeroGPU quota until {until:%H:%M:%S}" in header
    assert re.search(r"\(0:01:1\d left\)", header)  # the countdown
    assert 'title="You have exceeded your free ZeroGPU quota"' in header
    assert f"waiting for ZeroGPU quota until {until:%H:%M:%S}" in summary_line(snap, endpoint)
    done = SimpleNamespace(**{**vars(snap), "finished": True})
    assert "ZeroGPU" not in counts_html(done, endpoint)
