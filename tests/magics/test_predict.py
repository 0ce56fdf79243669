"""%%gradio predict against a real Gradio 6.31 app (tests/apps/protocol/protocol_app.py)."""

from __future__ import annotations

import time

import pytest
from IPython.core.error import UsageError

from gradio_nb import AppError, Job
from magics_support import shown


@pytest.fixture
def connected(ip, widgets, protocol_app):
    ip.run_line_magic("gradio", f"connect {protocol_app} --no-forms")
    widgets.calls.clear()
    return ip


def test_returns_the_result_as_the_cells_value(connected, run, widgets):
    value, out = run("predict /echo", cell='text = "hello"')
    assert value == "hello"
    assert "<card /echo>" in shown(out)  # the live card is shown
    # the card is shown, and the cell ends only once it shows the final state
    assert [c[0] for c in widgets.calls] == ["job_mimebundle", "wait_drawn"]


def test_the_result_lands_in_underscore_through_a_cell(connected):
    connected.run_cell('%%gradio predict /echo\ntext = "from a cell"', store_history=True)
    assert connected.user_ns["_"] == "from a cell"


def test_output_variable(connected, run):
    value, _ = run("predict /add -o total", cell="a=1, b=2")
    assert value is None
    assert connected.user_ns["total"] == 3


def test_arguments_are_evaluated_in_the_user_namespace(connected, run):
    connected.user_ns["base"] = 40
    connected.user_ns["word"] = "hi"
    value, _ = run("predict /add", cell="a = base + 1\nb = a")
    assert value == 82
    assert "a" not in connected.user_ns and "b" not in connected.user_ns  # args do not leak
    assert run("predict /echo", cell="word * 2")[0] == "hihi"  # positional form
    connected.user_ns["opts"] = {"a": 5}
    assert run("predict add", cell="**opts")[0] == 15  # API_NAME without the slash; a default for b


def test_line_form_calls_with_defaults(connected, run):
    value, _ = run("predict /make_image", cell=None)
    assert str(value).endswith(".png") or str(value).endswith(".webp")
    with pytest.raises(UsageError, match="ArgumentError"):  # /echo's text is required
        connected.run_line_magic("gradio", "predict /echo")


def test_client_option(connected, run, protocol_app):
    connected.run_line_magic("gradio", f"connect {protocol_app} --name other --no-forms")
    assert run("predict /echo --client other", cell="text='x'")[0] == "x"
    with pytest.raises(UsageError, match="No variable `missing`"):
        run("predict /echo --client missing", cell="text='x'")


def test_unknown_endpoint_is_a_usage_error_before_evaluating(connected):
    with pytest.raises(UsageError, match="EndpointNotFoundError.*Did you mean '/echo'"):
        connected.run_cell_magic("gradio", "predict /ecko", "text = undefined_name")


def test_bad_arguments_are_usage_errors(connected):
    with pytest.raises(UsageError, match="not a valid key-word argument"):
        connected.run_cell_magic("gradio", "predict /add", "c = 1")
    with pytest.raises(UsageError, match="line 2"):
        connected.run_cell_magic("gradio", "predict /add", "a = 1\nprint(a)")


def test_errors_in_the_users_expressions_propagate(connected):
    with pytest.raises(NameError):
        connected.run_cell_magic("gradio", "predict /echo", "text = undefined_name")


def test_app_errors_raise(connected):
    with pytest.raises(AppError, match="gr.Error message"):
        connected.run_cell_magic("gradio", "predict /fail_gr_error", "x = 'a'")


def test_calls_are_recorded_in_history(connected, run, widgets):
    run("predict /echo", cell="text = 'one'")
    run("predict /add -o s", cell="a=1, b=2")
    records = widgets.history.records
    assert [(var, job.endpoint.api_name, job.arguments) for var, job, _ in records] == [
        ("client", "/echo", {"text": "one"}),
        ("client", "/add", {"a": 1, "b": 2}),
    ]


def test_job_variable_and_no_card(connected, run, widgets):
    run("predict /echo --job j --no-card", cell="text = 'x'")
    job = connected.user_ns["j"]
    assert isinstance(job, Job) and job.result() == "x"
    assert widgets.calls == []


def test_background_returns_at_once_and_sets_the_output_later(connected, run):
    started = time.monotonic()
    value, out = run("predict /slow --background -o slept --job j", cell="seconds = 1")
    assert value is None and time.monotonic() - started < 1
    assert "<card /slow>" in shown(out)
    job = connected.user_ns["j"]
    job.result(timeout=30)
    deadline = time.monotonic() + 5
    while "slept" not in connected.user_ns and time.monotonic() < deadline:
        time.sleep(0.05)  # the done callback runs on the core's loop thread
    assert "slept" in connected.user_ns


def test_interrupt_cancels_the_job(connected, monkeypatch):
    def interrupted(self, timeout=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(Job, "result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        connected.run_cell_magic("gradio", "predict /slow --job j", "seconds = 20")
    monkeypatch.undo()
    job = connected.user_ns["j"]
    deadline = time.monotonic() + 10
    while not job.done() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.snapshot().cancelled


def test_output_name_is_checked(connected):
    with pytest.raises(UsageError, match="not a valid variable name"):
        connected.run_cell_magic("gradio", "predict /echo -o 2x", "text='a'")
