"""%gradio map and %gradio sweep against a real Gradio 6.31 app (tests/apps/batch_app.py), with
the recording notebook layer, then with the real one (terminal text, live card, history)."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from gradio_nb import Batch
from magics_support import shown


@pytest.fixture
def batch_app(gradio_server):
    return gradio_server("batch_app").url


@pytest.fixture
def connected(ip, widgets, batch_app):
    ip.run_line_magic("gradio", f"connect {batch_app} --no-forms")
    widgets.calls.clear()
    return ip


def test_map_over_a_list_binds_the_batch_and_shows_its_card(connected, run, widgets):
    connected.user_ns["xs"] = [1, 2, 3, -1]
    value, out = run("map /square --over xs --concurrency 2 --name results")
    assert value is None
    batch = connected.user_ns["results"]
    assert isinstance(batch, Batch) and batch.done()
    assert batch.results()[:3] == [1, 4, 9] and len(batch.failed) == 1
    assert "<batch card /square>" in shown(out)
    assert [c[0] for c in widgets.calls] == ["batch_mimebundle", "wait_drawn"]
    ((var, recorded, _, code),) = [r for r in widgets.history.records if len(r) == 4]
    assert recorded is batch
    assert code == 'results = client.map(xs, api_name="/square", concurrency=2)'


def test_map_over_a_dataframe_with_cache(connected, run, tmp_path):
    pd = pytest.importorskip("pandas")
    connected.user_ns["df"] = pd.DataFrame({"text": ["a", "b"], "n": [2, 3]})
    run(f"map /describe --over df --cache {tmp_path}")
    batch = connected.user_ns["batch"]  # the default name
    assert batch.results() == [("a a", 3), ("b b b", 5)]
    run(f"map /describe --over df --cache {tmp_path} --name again")
    assert connected.user_ns["again"].snapshot().cached == 2


def test_sweep_parses_the_grid(connected, run, widgets):
    run('sweep /describe text="a cat" n=1,2 shout=True,False --name grid')
    batch = connected.user_ns["grid"]
    assert sorted(batch.results()) == sorted([("a cat", 5), ("a cat a cat", 11), ("A CAT", 5),
                                              ("A CAT A CAT", 11)])
    code = [r[3] for r in widgets.history.records if len(r) == 4][-1]
    assert code == 'grid = client.sweep("/describe", text=\'a cat\', n=[1, 2], shout=[True, False])'


def test_sweep_values_with_commas_are_python_lists(connected, run):
    run("""sweep /describe text='["a, b", "c"]' n=2""")
    assert connected.user_ns["batch"].results() == [("a, b a, b", 9), ("c c", 3)]


def test_background_returns_at_once(connected, run, widgets):
    connected.user_ns["xs"] = [{"x": 2, "delay": 0.5}]
    run("map /square --over xs --background --name later")
    batch = connected.user_ns["later"]
    assert [c[0] for c in widgets.calls] == ["batch_mimebundle"]  # no wait_drawn: not waited for
    assert batch.results(60) == [4]


@pytest.mark.parametrize("line, message", [
    ("map /square", "--over"),
    ("map /square --over nowhere", "no variable named 'nowhere'"),
    ("map /square --over xs --concurrency 0", "at least 1"),
    ("map /square --over xs --concurrency many", "whole number"),
    ("map /square --over xs --name 1x", "not a valid variable name"),
    ("map /nope --over xs", "EndpointNotFoundError"),
    ("sweep /describe", "NAME=VALUES"),
    ("sweep /describe n", "NAME=VALUES"),
    ("sweep /describe n=1 n=2", "given twice"),
    ("sweep /describe n=", "has no value"),
    ("sweep /describe nope=1,2", "no parameter"),
    ("sweep /describe n=[1,", "not a valid Python list"),
])
def test_mistakes_are_usage_errors(connected, run, line, message):
    connected.user_ns["xs"] = [1]
    with pytest.raises(UsageError, match=message.replace("[", r"\[")):
        run(line)


def test_both_are_in_the_help(connected, run):
    _, out = run("--help")
    assert "map" in out.stdout and "sweep" in out.stdout and "--over VAR" in run("map --help")[1].stdout


def test_terminal_prints_the_summary_and_history_has_runnable_code(ip, run, batch_app):
    """The real notebook layer without a frontend (terminal IPython): tqdm, then the table."""
    from gradio_nb.widgets import history

    history.clear()
    run(f"connect {batch_app} --no-forms")
    ip.user_ns["xs"] = [2, 3]
    _, out = run("map /square --over xs --name squares")
    text = shown(out)
    assert "/square · 2/2 done · 0 failed" in text
    assert [line.split() for line in text.splitlines() if line.split()[:1] in (["0"], ["1"])] == [
        ["0", "2", "0.0", "4", "done"], ["1", "3", "0.0", "9", "done"]]
    run("sweep /describe text=ab n=1,2")
    code = history.as_code()
    assert 'squares = client.map(xs, api_name="/square")' in code
    assert 'batch = client.sweep("/describe", text=\'ab\', n=[1, 2])' in code
    namespace = {"xs": [2, 3]}
    exec(code, namespace)  # runnable as it is
    assert namespace["squares"].results(60) == [4, 9]
    assert sorted(namespace["batch"].results(60)) == [("ab", 2), ("ab ab", 5)]
    namespace["client"].close()
    history.clear()
