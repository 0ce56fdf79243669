"""%gradio in a real ipykernel (nbclient, no frontend: stdin requests are refused): secrets can't
be asked there, so the magic says how to pass them; the saved notebook never holds the password."""

from __future__ import annotations

import json

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

PASSWORD = "wonderland"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def executed(auth_app, monkeypatch, tmp_path):
    monkeypatch.setenv("MAGICS_TEST_PASSWORD", PASSWORD)  # the kernel inherits it
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    cells = [
        "%load_ext gradio_nb",
        f"%gradio connect {auth_app} --auth alice",
        f'import os\npw = os.environ["MAGICS_TEST_PASSWORD"]\n%gradio connect {auth_app} --auth alice:$pw',
        '%%gradio predict /whoami -o said\ntext = "from a kernel"',
        "print(said)",
        "%gradio jobs",
        "%gradio history",
        "%gradio close",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = nbclient.NotebookClient(nb, timeout=240, kernel_name="python3", allow_errors=True,
                                     store_widget_state=True, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return nb


def text_of(cell) -> str:
    parts = []
    for output in cell.outputs:
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
        parts.append(output.get("evalue", ""))
    return "\n".join(parts)


def test_magics_in_a_kernel(executed):
    cells = executed.cells
    assert [o for c in cells for o in c.outputs if o.output_type == "error"] == []
    # the password cannot be asked without a frontend: a UsageError (a message, no traceback)
    assert "UsageError: cannot ask for a secret" in text_of(cells[1])
    assert "Traceback" not in text_of(cells[1])
    assert any(WIDGET_VIEW in o.get("data", {}) for o in cells[2].outputs)  # the forms
    assert "alice said from a kernel" in text_of(cells[4])
    assert any(WIDGET_VIEW in o.get("data", {}) for o in cells[5].outputs)  # the jobs table
    assert "/whoami" in text_of(cells[6])
    assert PASSWORD not in json.dumps(executed)  # outputs, widget state, metadata: nowhere

