"""The browser harness itself: plain ipywidgets render in JupyterLab and talk to the kernel.

If this fails, the problem is the set-up (Chromium, JupyterLab, the widget manager), not
gradio_nb.
"""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CELL = '''
import ipywidgets as W
name = W.Text(value="world").add_class("t-name")
go = W.Button(description="Greet").add_class("t-go")
out = W.Output().add_class("t-out")
go.on_click(lambda _: out.append_stdout(f"hello {name.value}\\n"))
W.VBox([name, go, out])
'''


def test_plain_ipywidgets_render_and_click(open_notebook):
    nb = open_notebook([CELL])
    nb.run_cell(0)
    out = nb.output(0)
    expect(out.locator(".jupyter-widgets.widget-vbox")).to_be_visible()  # really rendered
    expect(out).not_to_contain_text("VBox(children=")                    # not the text repr
    out.locator(".t-go").click()
    expect(out.locator(".t-out")).to_have_text(re.compile("hello world"))
    assert nb.page.external_requests == []
