"""In a real kernel (nbclient runs an ipykernel): what a saved notebook keeps.

* ``client`` shows the forms (a widget view) with the view_api text as text/plain;
* ``job`` shows a live Output that, once the job is done, holds only a plain display_data
  (HTML + text): that is what the saved widget state contains, with the card's models closed;
* a blocking ``client.predict()`` leaves its value and no progress line (the line displayed from
  the redraw thread landed in that cell and was replaced by nothing);
* a finished job displays as plain text/html, no widget.
"""
from __future__ import annotations


import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def executed(widget_app, tmp_path_factory):
    cells = [
        f"import time\nfrom gradio_nb import Client\nclient = Client({widget_app.url!r}, verbose=False)",
        "client",
        'job = client.submit(api_name="/work", steps=2)\njob',
        "job.result(120)\ntime.sleep(2)",  # the final swap's comm messages arrive while a cell runs
        'client.predict(api_name="/work", steps=3)',
        'done = client.submit(api_name="/rich")\ndone.result(120)\ndone',
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    workdir = tmp_path_factory.mktemp("nb")
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", startup_timeout=240,
                                     resources={"metadata": {"path": str(workdir)}}, store_widget_state=True)
    client.execute()
    return nb


def outputs(nb, index):
    return nb.cells[index].outputs


def test_client_displays_forms_with_view_api_text(executed):
    (out,) = outputs(executed, 1)
    assert WIDGET_VIEW in out["data"]
    assert out["data"]["text/plain"].startswith("Client.predict() Usage Info")


def test_live_job_leaves_plain_html_in_the_saved_state(executed):
    (out,) = outputs(executed, 2)
    model_id = out["data"][WIDGET_VIEW]["model_id"]
    state = executed.metadata["widgets"][STATE]["state"]
    live = state[model_id]
    assert live["model_name"] == "OutputModel" and "gnb-live" in live["state"]["_dom_classes"]
    (final,) = live["state"]["outputs"]
    assert final["output_type"] == "display_data" and WIDGET_VIEW not in final["data"]
    assert "worked 2 steps" in final["data"]["text/html"]
    assert "IPY_MODEL_" not in str(final)  # no reference to the (closed) card's models
    # (nbclient keeps closed models in the saved state; JupyterLab drops them. Unreferenced either way.)


def test_blocking_predict_leaves_only_its_value(executed):
    outs = outputs(executed, 4)
    results = [o for o in outs if o["output_type"] == "execute_result"]
    assert results and results[0]["data"]["text/plain"] == "'worked 3 steps'"
    lines = [o for o in outs if o["output_type"] == "display_data"]
    assert lines, outs  # the call took > 0.5 s: a progress line was shown in THIS cell...
    assert all(o["data"] == {"text/plain": ""} for o in lines)  # ...and replaced by nothing
    assert not any(o["output_type"] == "stream" and o.get("name") == "stderr" for o in outs), outs


def test_finished_job_displays_as_plain_html(executed):
    results = [o for o in outputs(executed, 5) if o["output_type"] == "execute_result"]
    (out,) = results
    assert WIDGET_VIEW not in out["data"]
    assert "gnb-final" in out["data"]["text/html"] and "data:image/png;base64," in out["data"]["text/html"]
    assert "<script" not in out["data"]["text/html"]
