"""gradio_nb in a real JupyterLab, in headless Chromium, against the demo app.

* `%load_ext gradio_nb` + `%gradio connect` render the endpoint forms as real widgets (tabs, a
  slider with the app's bounds, the radio's choices); filling the /paint form and clicking Run
  shows a job card whose progress bar moves, with the gr.Info log line, the streamed outputs
  and the final output with a visible image;
* a card's Cancel button stops a slow job, and the app's call record shows it never finished;
* interrupting a blocking `client.predict` from the toolbar (■) cancels the remote job.

Screenshots go to $E2E_ARTIFACTS (default artifacts/e2e/).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

SETUP = '''
import os
DEMO_URL = os.environ["GRADIO_NB_DEMO_URL"]
%load_ext gradio_nb
'''

# Collect, every 50 ms, what the page shows of the cards inside `root`: the progress bars'
# widths and the card texts (a poll from Python could miss fast changes).
WATCH_CARDS = """root => {
    window.__seen = {widths: [], texts: []};
    const add = (list, v) => { if (v && list[list.length - 1] !== v) list.push(v); };
    window.__watch = setInterval(() => {
        root.querySelectorAll('.gnb-card .progress-bar').forEach(b => add(window.__seen.widths, b.style.width));
        root.querySelectorAll('.gnb-card, .gnb-final').forEach(c => add(window.__seen.texts, c.innerText));
    }, 50);
}"""


def _percent(width: str) -> float:
    return float(width.rstrip("%")) if width.endswith("%") else 0.0


def test_forms_run_a_generator_with_a_live_card(open_notebook, demo_app, artifacts_dir):
    nb = open_notebook([SETUP, "%gradio connect $DEMO_URL"])
    nb.run_cell(0)
    nb.run_cell(1)
    out = nb.output(1)
    page = nb.page

    # The forms are real widgets: a Tab with one tab per endpoint, not text or "Loading widget".
    tabs = out.locator(".gnb-client")
    expect(tabs).to_be_visible()
    expect(out).not_to_contain_text("Loading widget")
    expect(out).not_to_contain_text("Tab(children=")
    titles = out.locator(".gnb-client .lm-TabBar-tab")
    for name in ["/greet", "/calculate", "/paint", "/count", "/file_info", "/grayscale",
                 "/remember", "/recall", "/slow"]:
        expect(titles.filter(has_text=re.compile(f"^{re.escape(name)}$"))).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / "forms.png"))

    titles.filter(has_text=re.compile(r"^/paint$")).click()
    form = out.locator(".gnb-form").filter(has_text='api_name="/paint"')
    expect(form).to_be_visible()
    # The slider has the app's bounds and default; the radio offers the app's choices.
    handle = form.locator(".gnb-field-intslider .noUi-handle")
    expect(handle).to_have_attribute("aria-valuemin", "1.0")
    expect(handle).to_have_attribute("aria-valuemax", "20.0")
    expect(form.locator(".gnb-field-intslider .widget-readout")).to_have_text("6")
    expect(form.locator(".gnb-field-radio .widget-radio-box label")).to_have_text(["ocean", "sunset", "forest"])

    # Fill the form like a user.
    form.locator(".gnb-field-text input").fill("a starry night")
    form.locator(".gnb-field-text input").press("Enter")
    handle.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(form.locator(".gnb-field-intslider .widget-readout")).to_have_text("10")
    form.locator(".gnb-field-radio .widget-radio-box label", has_text="forest").click()
    # ipywidgets sends one update per model at a time: wait until the *kernel* has every value
    # (the form's Python preview is rebuilt by the kernel) before clicking Run.
    code = form.locator(".gnb-code pre")
    expect(code).to_contain_text("a starry night")
    expect(code).to_contain_text("10")
    expect(code).to_contain_text("forest")
    page.screenshot(path=str(artifacts_dir / "form-filled.png"))

    form.evaluate(WATCH_CARDS)
    form.locator(".gnb-run").click()
    # Mid-run (the e2e app paints one band per second): the live card shows the progress bar,
    # the gr.Info log line and the streamed outputs so far.
    live = form.locator(".gnb-cards .gnb-card:not(.gnb-final)")
    expect(live).to_contain_text(re.compile(r"step [2-9]/10"), timeout=60_000)
    expect(live.locator(".progress-bar")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "card-running.png"))

    # Final: the card turns into its static rendering with the last output and the picture.
    final = form.locator(".gnb-cards .gnb-final")
    expect(final).to_be_visible(timeout=90_000)
    expect(final).to_contain_text("done: a starry night (forest, 10 steps)")
    expect(final).to_contain_text("Painting 'a starry night' in 10 steps (forest)")
    image = final.locator("img").first
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 192
    final.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "card-final.png"))

    seen = form.evaluate("() => { clearInterval(window.__watch); return window.__seen; }")
    widths = [_percent(w) for w in seen["widths"]]
    moving = sorted({w for w in widths if 0 < w < 100})
    assert len(moving) >= 3, seen["widths"]  # the bar moved through several values...
    assert widths == sorted(widths), seen["widths"]  # ...forwards only
    running = [t for t in seen["texts"] if "done:" not in t]
    steps = sorted({int(m) for t in running for m in re.findall(r"step (\d+)/10", t)})
    assert len(steps) >= 3, seen["texts"]  # several streamed outputs were shown live
    assert any("Painting 'a starry night' in 10 steps (forest)" in t for t in running), running

    calls = demo_app.wait_calls("paint", prompt="a starry night")
    assert list(calls.values()) == [["start", "finish"]], calls
    nb.assert_no_error_output()
    assert page.external_requests == []


def test_cancel_button_stops_a_slow_job(open_notebook, demo_app, artifacts_dir):
    nb = open_notebook([
        SETUP + "from gradio_nb import Client\nclient = Client(DEMO_URL)",
        'slow = client.submit(45, api_name="/slow")\nslow',
        "print(slow.status().code.value)",
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    out = nb.output(1)
    card = out.locator(".gnb-card")
    expect(card).to_be_visible()
    expect(out).not_to_contain_text("Loading widget")
    # Running on the server: the progress bar shows "waiting" ticks.
    expect(card.locator(".progress-bar")).to_be_visible(timeout=60_000)
    expect(card).to_contain_text("waiting")
    started = demo_app.calls("slow", seconds=45)
    assert len(started) == 1 and list(started.values())[0] == ["start"], started
    nb.page.screenshot(path=str(artifacts_dir / "cancel-before.png"))

    card.locator("button.gnb-cancel").click()
    final = out.locator(".gnb-final")
    expect(final).to_be_visible(timeout=60_000)
    expect(final).to_contain_text(re.compile("cancel", re.I))
    nb.page.screenshot(path=str(artifacts_dir / "cancel-after.png"))

    calls = demo_app.wait_calls("slow", seconds=45)
    assert list(calls.values()) == [["start", "cancel"]], calls  # stopped; never finished
    nb.run_cell(2)
    expect(nb.output(2)).to_have_text("CANCELLED")
    nb.assert_no_error_output()
    assert nb.page.external_requests == []


def test_interrupting_a_blocking_predict_cancels_the_remote_job(open_notebook, demo_app, artifacts_dir):
    nb = open_notebook([
        SETUP + "from gradio_nb import Client\nclient = Client(DEMO_URL)",
        'client.predict(40, api_name="/slow")',
    ])
    nb.run_cell(0)
    nb.start_cell(1)
    expect(nb.prompt(1)).to_have_text("[*]:")
    # wait until the call runs on the server, then press ■
    nb.page.wait_for_timeout(500)
    for _ in range(120):
        if demo_app.calls("slow", seconds=40):
            break
        nb.page.wait_for_timeout(500)
    assert len(demo_app.calls("slow", seconds=40)) == 1
    nb.page.screenshot(path=str(artifacts_dir / "interrupt-before.png"))
    nb.interrupt()
    expect(nb.prompt(1)).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=60_000)
    expect(nb.output(1).filter(has_text="KeyboardInterrupt")).to_have_count(1)
    nb.page.screenshot(path=str(artifacts_dir / "interrupt-after.png"))
    calls = demo_app.wait_calls("slow", seconds=40)
    assert list(calls.values()) == [["start", "cancel"]], calls  # the remote job was cancelled
    assert nb.page.external_requests == []
