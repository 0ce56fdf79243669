"""The tutorial notebooks run top to bottom (nbclient) against the demo app, without errors,
with the outputs they promise; the stored copies are clean and in sync with the package.

Each notebook is executed once per session (fixture ``executed``); the tests below read it.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# A test that runs a notebook first also starts the demo app: allow for a loaded machine.
pytestmark = pytest.mark.timeout(600)

NAMES = ["quickstart", "files_and_media", "state_and_sessions", "async", "spaces", "batch", "zerogpu"]
sys.path.insert(0, str(NOTEBOOKS))
import sync  # noqa: E402  (notebooks/sync.py)


def test_every_notebook_is_tested():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


def test_stored_notebooks_are_cleared_and_packaged():
    assert sync.problems() == []
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        # every notebook finds the demo app through the environment
        assert "GRADIO_NB_DEMO_URL" in code, path.name


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_without_errors(executed, name):
    run = executed(name)  # nbclient raises CellExecutionError on the first failing cell
    for cell in run.nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            assert out.output_type != "error", (cell.id, out.get("evalue"))
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text, (cell.id, out.text)
    assert run.seconds < 240, f"{name} took {run.seconds:.0f} s (budget: about 2 minutes)"


def test_quickstart_outputs(executed, demo_app):
    run = executed("quickstart")
    assert WIDGET_VIEW in run.mimetypes(4)  # %gradio connect shows the forms as widgets
    assert "Hello, Ada!" in run.text(6)
    assert run.text(7).strip() == "42"
    assert WIDGET_VIEW in run.mimetypes(9)  # %%gradio predict shows a card...
    assert run.text(10).strip() == "3.5"  # ...and -o stored the result
    assert run.text(12).split()[-1] == "2.5"
    steps = re.findall(r"step (\d+)/8", run.text(14))
    assert steps == [str(i) for i in range(1, 9)]  # every streamed output, in order
    assert "done: a calm sea (sunset, 8 steps)" in run.text(14)
    assert "Painting 'a calm sea' in 8 steps (sunset)" in run.text(15)  # the gr.Info log
    assert "image/png" in run.mimetypes(15)
    assert "cancelled: True" in run.text(18) and "CANCELLED" in run.text(18)
    assert "the app said: Cannot divide by zero." in run.text(20)
    assert "Named API endpoints: 9" in run.text(22)
    # the app confirms: the cancelled /slow call never finished
    calls = demo_app.wait_calls("slow", seconds=30)
    assert calls and all(events == ["start", "cancel"] for events in calls.values()), calls


def test_quickstart_endpoints_as_functions(executed):
    run = executed("quickstart")
    table = run.text(24)
    assert "Endpoints of Client(" in table
    assert "  calculate (a: float = 4, operation: Literal['add', 'subtract', 'multiply', 'divide'] = 'add', " \
           "b: float = 5) -> float" in table
    assert "calculate(a: float = 4" in run.text(25) and "Radio 'operation'" in run.text(25)  # help()
    assert run.text(26).strip() == "42"
    assert run.text(28).strip() == "['Hello, Ada!', 'Hello, Grace!']"
    assert run.text(31).strip() == "['Hello, Ada.', 'Hello, Grace.', 'Hello, Linus.']"  # ep.map


def test_quickstart_keeps_widget_state(executed):
    run = executed("quickstart")
    state = run.widget_state
    assert state, "no widget state stored in the notebook metadata"
    # every widget view in the outputs refers to a stored model
    views = [out.data[WIDGET_VIEW]["model_id"] for cell in run.nb.cells if cell.cell_type == "code"
             for out in cell.outputs if WIDGET_VIEW in out.get("data", {})]
    assert len(views) >= 4, views  # forms, the magic's card, the paint card, the slow card
    assert all(model_id in state for model_id in views), set(views) - set(state)
    models = {m["model_name"] for m in state.values()}
    # the forms (a Tab; the first tab's form: a Text, a Checkbox, the Run button)
    assert {"TabModel", "TextModel", "CheckboxModel", "ButtonModel"} <= models, models
    text = json.dumps(state)
    assert "/calculate" in text and "3.5" in text  # the %%gradio predict card's final state


def test_quickstart_html_shows_final_results(executed):
    page = executed("quickstart").html
    assert '<script type="application/vnd.jupyter.widget-state+json">' in page
    assert 'src="data:image/png;base64,' in page  # the final picture, as a plain output
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for result in ["Hello, Ada!", "42", "3.5", "done: a calm sea (sunset, 8 steps)",
                   "Painting 'a calm sea' in 8 steps (sunset)", "cancelled: True",
                   "the app said: Cannot divide by zero."]:
        assert result in text, result


def test_files_and_media_outputs(executed):
    run = executed("files_and_media")
    assert "'name': 'notes.txt'" in run.text(4) and "'lines': 2" in run.text(4)
    assert "GRADIO_NB UPLOADS FILES" in run.text(5)
    assert "done: a quiet forest (forest, 5 steps)" in run.text(7)
    for cell in (7, 9, 15):
        assert "image/png" in run.mimetypes(cell), cell
    assert WIDGET_VIEW in run.mimetypes(11)
    assert run.text(12).strip().endswith(".png")
    assert "/gradio_api/file=" in run.text(14)
    assert Path(run.text(17).strip()).parts[0] == "downloads"


def test_state_and_sessions_outputs(executed):
    run = executed("state_and_sessions")
    assert "predict(word='gradio', api_name=\"/remember\")" in run.text(2)
    assert [int(n) for n in re.findall(r"seen (\d+) times", run.text(3))] == [0, 0, 1, 2]
    assert run.text(4).strip() == "['apple', 'pear', 'apple', 'apple']"
    assert "other session: []" in run.text(6) and "same session? False" in run.text(6)
    assert run.text(8).strip() == "[]"
    assert run.text(10).strip() == "[1, 4, 9, 16, 25]"
    assert "0 1" in run.text(16) and "[]" in run.text(16)  # state, then a fresh session
    assert "/remember" in run.text(17)  # %gradio history shows the magic's calls as code


def test_async_outputs(executed, demo_app):
    run = executed("async")
    assert "Hello, Ada." in run.text(2)
    assert run.text(4).strip() == "[1, 4, 9, 16, 25, 36, 49, 64]"
    counted = run.text(6)
    assert "status: PROCESSING" in counted or "status: ITERATING" in counted
    assert [m for m in re.findall(r"output: (\d)", counted)] == ["0", "1", "2", "3", "3"]
    assert "done: an async sunrise (sunset, 4 steps)" in run.text(7)
    assert "gave up after 2 s" in run.text(9)
    assert "[('slow', 'start'), ('slow', 'cancel')]" in run.text(9)
    assert "Hello, Grace!" in run.text(11)
    assert run.text(13).strip() == "2"
    calls = demo_app.wait_calls("slow", seconds=20)
    assert calls and all(events == ["start", "cancel"] for events in calls.values()), calls


def test_spaces_outputs(executed):
    run = executed("spaces")
    assert "gradio-nb/demo -> http://127.0.0.1:" in run.text(4) and "Hello, Spaces." in run.text(4)
    assert run.text(6).strip().endswith("4")
    assert "SpaceError" in run.text(8) and "Hello, Alice." in run.text(8)
    assert "RUNTIME_ERROR" in run.text(9) and "ModuleNotFoundError: torch" in run.text(9)
    assert "alice/demo private: True" in run.text(11) and "Hello, copy." in run.text(11)
    assert "alice/demo" in run.text(12)
    assert run.text(16).strip() == "32"
    requests = run.text(18)
    assert "GET /api/spaces/gradio-nb/building/runtime" in requests
    assert "POST /api/spaces/gradio-nb/demo/duplicate" in requests


def test_batch_outputs(executed, demo_app):
    run = executed("batch")
    assert "predict(a=4, operation='add', b=5, api_name=\"/calculate\")" in run.text(3)
    assert "[3, 42, 2.5, AppError('Cannot divide by zero.'), -3]" in run.text(5)
    assert "Cannot divide by zero." in run.text(8)
    assert "20 calls, 0 failed" in run.text(10)
    assert "image/png" in run.mimetypes(11)  # the plot of the sweep
    assert "4 of 5 from the cache; 1 failed" in run.text(13)
    assert "done=40 failed=0 running=0" in run.text(15)
    # the batch view (issue #11): the live card left plain HTML in its Output widget's saved
    # state (a plain output needs no widget state to render), the sweep and the frame are plain
    divided = _html_of(run, 18)
    assert "<Batch /calculate finished: 24/24 done, 6 failed, 0 cached>" in run.text(18)
    assert 'class="gnb-batch gnb-final"' in divided and "gnb-batch-card" not in divided
    assert re.search(r'class="gnb-n-done"[^>]*>24<', divided) and re.search(r'class="gnb-n-failed"[^>]*>6<', divided)
    assert divided.count('<tr class="gnb-row gnb-row-failed">') == 6 and "Cannot divide by zero." in divided
    grid = _html_of(run, 20)
    assert 'class="gnb-sweep-grid"' in grid and grid.count('<td class="gnb-grid-cell"') == 20
    paintings = _html_of(run, 21)
    assert "steps \\ palette" in paintings
    assert paintings.count('<img class="gnb-thumb" src="data:image/png;base64,') >= 4
    frame = _html_of(run, 23)
    assert frame.count('<img class="gnb-thumb" src="data:image/png;base64,') == 4


def _html_of(run, suffix: int) -> str:
    """Every text/html a cell shows: its plain outputs, and what its Output widgets hold in the
    saved widget state (the final rendering of a live card)."""
    parts = []
    for out in run.cell(suffix).outputs:
        data = out.get("data", {})
        parts.append(data.get("text/html", ""))
        model = data.get(WIDGET_VIEW, {}).get("model_id")
        if model:
            for inner in run.widget_state.get(model, {}).get("state", {}).get("outputs", []):
                parts.append(inner.get("data", {}).get("text/html", ""))
    return "".join(parts)


def test_zerogpu_outputs(executed):
    run = executed("zerogpu")
    assert "painted a lighthouse (1s of GPU)" in run.text(3)
    assert re.search(r"ZeroGPU quota exceeded \| retry_after: 0:00:0\d \| requested: 5 s, left: \d s", run.text(3))
    assert re.search(r"12 results, 0 failed", run.text(5))  # the batch waited the quota out
    assert re.search(r"waited for the quota \d+ times, e\.g\. until \d\d:\d\d:\d\d", run.text(5))
    stopped = re.search(r"stopped: (\d) done, (\d) not run", run.text(7))
    assert stopped and int(stopped[1]) + int(stopped[2]) == 8 and int(stopped[2]) >= 5  # quota of 3
    assert "You have exceeded your free ZeroGPU quota" in run.text(7)
    assert f"resumed: {stopped[2]} done, 0 failed" in run.text(7)
    assert "done after" in run.text(8)
