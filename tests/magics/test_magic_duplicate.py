"""%gradio duplicate against the Hub stand-in (gradio_nb.demo.hub_standin, via HF_ENDPOINT):
the plan is shown, nothing is created before "y", then the copy is connected."""

from __future__ import annotations

import builtins
import getpass

import pytest
from IPython.core.error import UsageError

from gradio_nb import Client
from magics_support import ALICE


@pytest.fixture
def answers(monkeypatch):
    """input() answers from a list; the prompts are recorded."""
    prompts: list[str] = []
    replies: list[str] = []

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        return replies.pop(0)

    monkeypatch.setattr(builtins, "input", fake_input)
    return prompts, replies


def posts(hub):
    return [r["path"] for r in hub.state.requests if r["method"] == "POST"]


def test_shows_the_plan_and_aborts_on_no(ip, widgets, hub, answers, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", ALICE)
    prompts, replies = answers
    replies.append("n")
    ip.run_line_magic("gradio", "duplicate gradio/hello --to my-hello --hardware t4-small")
    out = capsys.readouterr().out
    assert "Duplicate Space gradio/hello -> alice/my-hello" in out
    assert "t4-small will be requested" in out and "billing:" in out and "sleep:" in out
    assert "Cancelled: nothing was created." in out
    assert prompts == ["Duplicate gradio/hello to alice/my-hello? [y/N] "]
    assert "alice/my-hello" not in hub.state.spaces
    assert posts(hub) == []
    assert "client" not in ip.user_ns
    assert ALICE not in out


@pytest.mark.parametrize("reply", ["", "no", "maybe", "Y es"])
def test_anything_but_yes_aborts(ip, widgets, hub, answers, monkeypatch, reply):
    monkeypatch.setenv("HF_TOKEN", ALICE)
    answers[1].append(reply)
    ip.run_line_magic("gradio", "duplicate gradio/hello")
    assert "alice/hello" not in hub.state.spaces


def test_yes_duplicates_then_connects(ip, widgets, hub, answers, capsys, monkeypatch):
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": ALICE)
    answers[1].append("y")
    ip.run_cell("%gradio duplicate gradio/hello --name copy --token", store_history=True)
    assert hub.state.spaces["alice/hello"]["duplicated_from"] == "gradio/hello"
    assert hub.state.spaces["alice/hello"]["private"] is True
    out = capsys.readouterr().out
    assert "Created new Space" in out and "Bound to `copy`" in out
    client = ip.user_ns["copy"]
    assert isinstance(client, Client) and client.space_id == "alice/hello"
    assert client.predict("from the copy", api_name="/echo") == "from the copy"
    assert [c[0] for c in widgets.calls] == ["client_mimebundle"]
    assert ALICE not in out


def test_yes_flag_public_and_secrets(ip, widgets, hub, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", ALICE)
    asked: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or "s3cret-value")
    monkeypatch.setattr(builtins, "input", lambda prompt="": pytest.fail("--yes must not ask"))
    ip.run_line_magic("gradio", "duplicate gradio/hello --to pub --public --secret API_KEY --yes --no-forms")
    assert asked == ["Value of the secret API_KEY: "]
    space = hub.state.spaces["alice/pub"]
    assert space["private"] is False
    out = capsys.readouterr().out
    assert "API_KEY will be stored" in out and "s3cret-value" not in out
    assert widgets.calls == []


def test_without_a_token_is_a_usage_error(ip, widgets, hub):
    with pytest.raises(UsageError, match="needs a Hugging Face token"):
        ip.run_line_magic("gradio", "duplicate gradio/hello")


def test_hub_errors_are_usage_errors(ip, widgets, hub, monkeypatch, answers):
    monkeypatch.setenv("HF_TOKEN", ALICE)
    with pytest.raises(UsageError, match="SpaceError"):
        ip.run_line_magic("gradio", "duplicate nobody/missing")
    assert answers[0] == []  # nothing asked


def test_no_input_available_asks_for_yes(ip, widgets, hub, monkeypatch):
    from IPython.core.error import StdinNotImplementedError

    def no_stdin(prompt=""):
        raise StdinNotImplementedError("no stdin")

    monkeypatch.setenv("HF_TOKEN", ALICE)
    monkeypatch.setattr(builtins, "input", no_stdin)
    with pytest.raises(UsageError, match="pass --yes"):
        ip.run_line_magic("gradio", "duplicate gradio/hello")
    assert "alice/hello" not in hub.state.spaces
