"""%gradio connect against real Gradio 6.31 apps, and where secrets must never show up."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from gradio_nb import Client
from magics_support import shown

HERE = Path(__file__).resolve().parent
PASSWORD = "wonderland"


@pytest.fixture
def headers_app(gradio_server):
    return gradio_server(HERE / "apps" / "headers_app.py").url


def test_connect_binds_the_default_name_and_shows_the_forms(run, ip, widgets, protocol_app):
    value, out = run(f"connect {protocol_app}")
    assert value is None
    client = ip.user_ns["client"]
    assert isinstance(client, Client) and client.src == protocol_app
    assert "Bound to `client`" in out.stdout
    assert [c[0] for c in widgets.calls] == ["client_mimebundle"]
    assert "<forms " in shown(out) and "/echo" in shown(out)


def test_connect_name_and_no_forms(run, ip, widgets, protocol_app):
    run(f"connect {protocol_app} --name app --no-forms")
    assert isinstance(ip.user_ns["app"], Client)
    assert "client" not in ip.user_ns
    assert widgets.calls == []


def test_settings_apply_to_connect(run, ip, widgets, protocol_app, tmp_path):
    ip.run_line_magic("config", 'GradioMagics.default_name = "demo"')
    ip.run_line_magic("config", "GradioMagics.show_forms = False")
    ip.run_line_magic("config", "GradioMagics.verbose = False")
    ip.run_line_magic("config", f'GradioMagics.download_dir = "{tmp_path}"')
    _, out = run(f"connect {protocol_app}")
    assert isinstance(ip.user_ns["demo"], Client)
    assert out.stdout == "" and widgets.calls == []
    path = ip.user_ns["demo"].predict(api_name="/make_image")
    assert Path(path).parent.parent == tmp_path or tmp_path in Path(path).parents


def test_download_dir_option(run, ip, widgets, protocol_app, tmp_path):
    run(f"connect {protocol_app} --download-dir {tmp_path} --no-forms")
    path = ip.user_ns["client"].predict(api_name="/make_image")
    assert tmp_path in Path(path).parents


def test_no_download(run, ip, widgets, protocol_app):
    run(f"connect {protocol_app} --no-download --no-forms")
    value = ip.user_ns["client"].predict(api_name="/make_image")
    assert "http" in str(value)


def test_headers_are_sent(run, ip, widgets, headers_app):
    ip.user_ns["key"] = "value from a variable"
    ip.run_cell(f'%gradio connect {headers_app} --header "X-Test=$key" -H X-Other=2 --no-forms')
    assert ip.user_ns["client"].predict("x-test", api_name="/header") == "value from a variable"
    assert ip.user_ns["client"].predict("x-other", api_name="/header") == "2"


def test_unreachable_app_is_a_usage_error(ip, widgets):
    from servers import free_port

    with pytest.raises(UsageError, match="ConnectionFailed"):
        ip.run_line_magic("gradio", f"connect http://127.0.0.1:{free_port()}/")
    assert "client" not in ip.user_ns


# -- secrets -------------------------------------------------------------------------------------
@pytest.fixture
def asked(monkeypatch):
    """getpass answers PASSWORD and records its prompts."""
    prompts: list[str] = []

    def fake_getpass(prompt: str = "Password: ", stream=None) -> str:
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    return prompts


def everything_visible(ip, out, since: int = 0) -> str:
    """Output, the repr of every user variable and the input history (from entry `since`)."""
    parts = [shown(out)]
    for name, value in list(ip.user_ns.items()):
        if name.startswith("_") or name in ("In", "Out", "exit", "quit", "get_ipython"):
            continue
        try:
            parts.append(f"{name}={value!r}")
        except Exception:  # noqa: BLE001
            pass
    parts += ip.history_manager.input_hist_raw[since:]
    return "\n".join(parts)


def test_auth_asks_the_password_and_never_shows_it(ip, widgets, asked, auth_app, capsys):
    since = len(ip.history_manager.input_hist_raw)
    ip.run_cell(f"%gradio connect {auth_app} --auth alice", store_history=True)
    assert asked == [f"Password for alice at {auth_app}: "]
    client = ip.user_ns["client"]
    assert client.predict("hi", api_name="/whoami") == "alice said hi"
    ip.run_cell('%%gradio predict /whoami -o said\ntext = "again"')
    assert ip.user_ns["said"] == "alice said again"
    ip.run_cell("%gradio history")
    captured = capsys.readouterr()
    visible = everything_visible(ip, _Captured(captured.out, captured.err), since)
    assert "alice said again" in visible
    assert PASSWORD not in visible


def test_wrong_password_is_a_usage_error(ip, widgets, auth_app, monkeypatch):
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "not-the-password")
    with pytest.raises(UsageError, match="AuthenticationError") as ei:
        ip.run_line_magic("gradio", f"connect {auth_app} --auth alice")
    assert "not-the-password" not in str(ei.value)
    assert "client" not in ip.user_ns


def test_a_literal_password_works_but_warns(ip, widgets, auth_app, capsys):
    ip.run_cell(f"%gradio connect {auth_app} --auth alice:{PASSWORD} --no-forms", store_history=True)
    assert ip.user_ns["client"].predict("x", api_name="/whoami") == "alice said x"
    err = capsys.readouterr().err
    assert "saved with the notebook" in err and PASSWORD not in err


def test_password_from_a_variable_does_not_warn(ip, widgets, auth_app, capsys):
    ip.user_ns["pw"] = PASSWORD
    ip.run_cell(f"%gradio connect {auth_app} --auth alice:$pw --no-forms", store_history=True)
    assert ip.user_ns["client"].predict("x", api_name="/whoami") == "alice said x"
    assert "saved with the notebook" not in capsys.readouterr().err


def test_token_without_a_value_is_asked(ip, widgets, asked, protocol_app):
    ip.run_line_magic("gradio", f"connect {protocol_app} --no-forms --token")
    assert asked == ["Hugging Face token: "]
    assert isinstance(ip.user_ns["client"], Client)


def test_no_input_available_is_a_usage_error(ip, widgets, auth_app, monkeypatch):
    from IPython.core.error import StdinNotImplementedError

    def no_stdin(prompt=""):
        raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")

    monkeypatch.setattr(getpass, "getpass", no_stdin)
    with pytest.raises(UsageError, match="cannot ask for a secret"):
        ip.run_line_magic("gradio", f"connect {auth_app} --auth alice")


class _Captured:
    def __init__(self, stdout: str, stderr: str) -> None:
        self.stdout, self.stderr, self.outputs = stdout, stderr, []
