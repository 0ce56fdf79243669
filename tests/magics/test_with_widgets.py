"""The magics with the real notebook layer (gradio_nb.widgets): as text in a terminal shell, and
as widget views when a frontend is there (ipywidgets' DummyComm, as in tests/widgets)."""

from __future__ import annotations

import getpass
import json

import pytest

from magics_support import shown

widgets = pytest.importorskip("gradio_nb.widgets")
if getattr(widgets, "__file__", None) is None:
    pytest.skip("gradio_nb.widgets is not built yet", allow_module_level=True)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PASSWORD = "wonderland"


@pytest.fixture(autouse=True)
def fresh_history():
    from gradio_nb.widgets import history

    history.clear()
    yield history
    history.clear()


@pytest.fixture
def frontend(monkeypatch, shell):
    """Pretend a kernel with a frontend is there: widgets get a DummyComm, views are displayed
    (and the shell formats every MIME type, as ipykernel's does, not only text/plain)."""
    from ipywidgets.widgets.tests.utils import setup_test_comm, teardown_test_comm

    from gradio_nb.widgets import _kernel

    formatter = shell.display_formatter
    monkeypatch.setattr(formatter, "active_types", list(formatter.format_types))
    setup_test_comm()
    monkeypatch.setattr(_kernel, "frontend_available", lambda: True)
    monkeypatch.setattr(widgets, "frontend_available", lambda: True)
    yield
    teardown_test_comm()


def widget_views(captured) -> list[dict]:
    return [o.data[WIDGET_VIEW] for o in captured.outputs if WIDGET_VIEW in o.data]


# -- terminal: text ------------------------------------------------------------------------------
def test_terminal_connect_shows_the_api_text(run, protocol_app):
    _, out = run(f"connect {protocol_app}")
    assert 'predict(text, api_name="/echo")' in shown(out)


def test_terminal_predict_and_history(run, ip, protocol_app, fresh_history):
    run(f"connect {protocol_app} --name app --no-forms")
    assert run("predict /echo --client app", cell="text = 'hi'")[0] == "hi"
    run("predict /add --client app -o total", cell="a=1, b=2")
    assert ip.user_ns["total"] == 3
    _, out = run("history -o calls")
    code = out.stdout
    assert f"app = Client({protocol_app!r})" in code
    assert "api_name='/echo'" in code or 'api_name="/echo"' in code
    calls = ip.user_ns["calls"]
    assert [(e.client_var, e.api_name, e.result) for e in calls] == [("app", "/echo", "hi"), ("app", "/add", 3)]
    assert all(e.duration is not None and e.duration >= 0 for e in calls)
    # the code runs, and gives the same results
    namespace: dict = {}
    exec(compile(code, "<history>", "exec"), namespace)  # noqa: S102 - our own generated code


# -- with a frontend: widget views ---------------------------------------------------------------
def test_connect_view_predict_jobs_display_widgets(run, ip, frontend, protocol_app):
    _, out = run(f"connect {protocol_app}")
    assert len(widget_views(out)) == 1
    # (DummyComm's Widget._repr_mimebundle_ raises, so a displayed widget shows as text here)
    _, out = run("view --api /echo")
    assert len(out.outputs) == 1 and "echo" in shown(out)
    _, out = run("view --all")
    assert len(widget_views(out)) == 1 and len(out.outputs) == 2  # the tabs, the undocumented form
    value, out = run("predict /echo", cell="text = 'card'")
    assert value == "card"
    assert out.outputs  # the card (a live view, or its final rendering)
    _, out = run("jobs")
    assert out.outputs


def test_no_secret_in_widget_state_output_or_history(run, ip, frontend, auth_app, monkeypatch):
    from ipywidgets.widgets.widget import _instances

    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    _, connect_out = run(f"connect {auth_app} --auth alice")
    _, predict_out = run("predict /whoami -o said", cell="text = 'hello'")
    assert ip.user_ns["said"] == "alice said hello"
    _, history_out = run("history")
    states = json.dumps([w.get_state() for w in list(_instances.values())], default=repr)
    for text in (shown(connect_out), shown(predict_out), shown(history_out), states):
        assert PASSWORD not in text
    assert "alice said hello" in shown(history_out) or "/whoami" in shown(history_out)
