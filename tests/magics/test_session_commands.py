"""view, jobs, history, reset, close and %unload_ext against a real Gradio 6.31 app."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from gradio_nb import ConnectionFailed
from magics_support import shown


@pytest.fixture
def connected(ip, widgets, protocol_app):
    ip.run_line_magic("gradio", f"connect {protocol_app} --no-forms")
    widgets.calls.clear()
    return ip


def test_view_shows_the_forms_again(connected, run, widgets):
    _, out = run("view")
    assert widgets.calls == [("client_mimebundle", connected.user_ns["client"])]
    assert "/echo" in shown(out)


def test_view_one_endpoint(connected, run, widgets):
    _, out = run("view client --api echo")
    assert widgets.calls == [("client_widget", connected.user_ns["client"], "/echo")]
    with pytest.raises(UsageError, match="EndpointNotFoundError"):
        run("view --api /nope")


def test_view_all_loads_and_shows_the_undocumented_endpoints(connected, run, widgets):
    run("view --all")
    names = [c[2] for c in widgets.calls if c[0] == "client_widget"]
    assert names == ["/undocumented"]
    assert connected.user_ns["client"].predict("u", api_name="/undocumented") == "u"


def test_view_in_a_terminal_prints_the_api(connected, run, monkeypatch, widgets):
    monkeypatch.setattr(widgets, "frontend_available", lambda: False)
    _, out = run("view --all")
    assert 'predict(text, api_name="/echo")' in out.stdout
    assert "/undocumented" in out.stdout and "(undocumented)" in out.stdout
    _, out = run("view --api /add")
    assert out.stdout.strip() == 'predict(a, b=10, api_name="/add")'


def test_jobs_shows_the_jobs_table(connected, run, widgets):
    _, out = run("jobs")
    assert widgets.calls == [("jobs_widget", None)]
    assert "<jobs table>" in shown(out)


def test_history_prints_the_code_and_stores_the_entries(connected, run, widgets, tmp_path):
    _, out = run("history")
    assert "No calls yet" in out.stdout
    run("predict /echo", cell="text = 'hi'")
    run("predict /add", cell="a=2, b=3")
    _, out = run("history -o calls")
    assert "client.predict(text='hi', api_name='/echo')  # -> 'hi'" in out.stdout
    calls = connected.user_ns["calls"]
    assert [(e["api_name"], e["arguments"], e["result"]) for e in calls] == [
        ("/echo", {"text": "hi"}, "hi"),
        ("/add", {"a": 2, "b": 3}, 5),
    ]
    assert all(e["duration"] >= 0 for e in calls)
    run(f"history -f {tmp_path / 'calls.py'}")
    assert "api_name='/add'" in (tmp_path / "calls.py").read_text()


def test_history_load_puts_the_code_in_the_next_cell(connected, run, monkeypatch):
    loaded = []
    monkeypatch.setattr(connected, "set_next_input", lambda text, replace=False: loaded.append(text))
    run("predict /echo", cell="text = 'hi'")
    _, out = run("history --load")
    assert "api_name='/echo'" in loaded[0] and out.stdout == ""


def test_history_without_the_notebook_layer_is_a_usage_error(ip, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gradio_nb.widgets", None)  # import raises ModuleNotFoundError
    with pytest.raises(UsageError, match="notebook layer"):
        ip.run_line_magic("gradio", "history")


def test_reset_starts_a_fresh_session(connected, run):
    client = connected.user_ns["client"]
    client.predict("apple", api_name="/remember")
    assert "apple" in client.predict(api_name="/peek")
    _, out = run("reset")
    assert "fresh session" in out.stdout
    assert "apple" not in client.predict(api_name="/peek")


def test_close(connected, run):
    client = connected.user_ns["client"]
    _, out = run("close")
    assert "Closed `client`" in out.stdout
    assert connected.user_ns["client"] is client  # the name stays bound
    with pytest.raises(ConnectionFailed):
        client.predict("x", api_name="/echo")


def test_close_all(connected, run, protocol_app):
    run(f"connect {protocol_app} --name second --no-forms")
    _, out = run("close --all")
    assert "Closed 2 clients" in out.stdout
    for name in ("client", "second"):
        with pytest.raises(ConnectionFailed):
            connected.user_ns[name].predict("x", api_name="/echo")


def test_unload_closes_the_clients_the_magics_made(connected, protocol_app):
    from gradio_nb import Client

    own = Client(protocol_app, verbose=False)  # made by the user, not by the magics
    connected.run_line_magic("gradio", f"connect {protocol_app} --name second --no-forms")
    magic_made = [connected.user_ns["client"], connected.user_ns["second"]]
    connected.run_line_magic("unload_ext", "gradio_nb")
    for client in magic_made:
        with pytest.raises(ConnectionFailed):
            client.predict("x", api_name="/echo")
    assert own.predict("still open", api_name="/echo") == "still open"
    own.close()


def test_reconnecting_under_the_same_name_lets_the_old_client_go(connected, protocol_app):
    import gc
    import weakref

    old = weakref.ref(connected.user_ns["client"])
    connected.run_line_magic("gradio", f"connect {protocol_app} --no-forms")
    gc.collect()
    assert old() is None  # the magics hold no strong reference: its finalizer closes it


def test_commands_reject_an_async_client(connected, protocol_app):
    import asyncio

    from gradio_nb import AsyncClient

    async def make():
        return await AsyncClient.connect(protocol_app, verbose=False)

    aclient = asyncio.run(make())
    connected.user_ns["aclient"] = aclient
    with pytest.raises(UsageError, match="AsyncClient"):
        connected.run_line_magic("gradio", "reset aclient")
    asyncio.run(aclient.close())
