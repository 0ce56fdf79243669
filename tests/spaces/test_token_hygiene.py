"""The HF token goes to the Hub and to the Space's own host only; never into reprs or errors."""

from __future__ import annotations

import json
import traceback
import warnings

import pytest

from gradio_nb.client import _spaces
from gradio_nb.client._exceptions import GradioNBError


def everything_about(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + repr(exc) + repr(exc.args)


# ------------------------------------------------------------------------------------------------
# where the token may go
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://owner-name.hf.space/", True),
        ("https://owner-name.hf.space/gradio_api/queue/join", True),
        ("https://OWNER-NAME.hf.space:443/config", True),
        ("https://huggingface.co/api/spaces/owner/name", True),  # the Hub
        ("https://other-name.hf.space/", False),  # another Space
        ("http://owner-name.hf.space/", False),  # downgraded scheme
        ("https://owner-name.hf.space:8443/", False),
        ("https://owner-name.hf.space.evil.com/", False),
        ("https://owner-name.hf.space@evil.com/", False),
        ("https://evil.com/?u=https://owner-name.hf.space", False),
        ("https://cdn.example.com/file.png", False),
        ("file:///etc/passwd", False),
        ("owner-name.hf.space", False),
        ("", False),
    ],
)
def test_space_host_allows_token(monkeypatch, url, ok):
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", "https://huggingface.co")
    assert _spaces.space_host_allows_token("https://owner-name.hf.space", url) is ok


def test_space_host_allows_token_follows_hf_endpoint(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:7890")
    assert _spaces.space_host_allows_token(None, "http://127.0.0.1:7890/api/whoami-v2")
    assert not _spaces.space_host_allows_token(None, "https://huggingface.co/api/whoami-v2")
    assert not _spaces.space_host_allows_token(None, "http://127.0.0.1:7891/")
    assert _spaces.space_host_allows_token("http://127.0.0.1:7891", "http://127.0.0.1:7891/config")


def test_hub_auth_headers():
    assert _spaces.hub_auth_headers(None) == {}
    assert _spaces.hub_auth_headers("hf_x") == {"x-hf-authorization": "Bearer hf_x"}


# ------------------------------------------------------------------------------------------------
# what is actually sent
# ------------------------------------------------------------------------------------------------
def test_wake_request_does_not_follow_redirects_to_other_hosts(hub, recorder, tok):
    host, evil = recorder(), recorder()
    host.default = (302, None, {"Location": evil.url + "/steal"})
    hub.state.add_space("bob/sleepy", host=host.url, private=True, stage="SLEEPING", stages=["RUNNING"])
    assert _spaces.resolve_space("bob/sleepy", token=tok.bob).running
    assert len(host.requests) == 1
    assert host.requests[0]["headers"]["x-hf-authorization"] == f"Bearer {tok.bob}"
    assert "authorization" not in host.requests[0]["headers"]  # the Hub header name is not used for the host
    assert evil.requests == []


def test_full_flow_sends_the_token_to_the_hub_and_the_space_host_only(hub, recorder, app_url, tok):
    host, other = recorder(), recorder()
    hub.state.add_space("gradio/hello", host=app_url)
    hub.state.duplicate_host = host.url
    hub.state.duplicate_stages = ["SLEEPING", "SLEEPING", "RUNNING"]  # duplicate_space reads one
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sid = _spaces.duplicate(
            "gradio/hello", token=tok.alice, hardware="t4-small", secrets={"API_KEY": "v"}, verbose=False
        )
    status = _spaces.resolve_space(sid, token=tok.alice)
    assert status.host == host.url
    # the Hub: every request authorised with the given token, as a header, never in the URL
    for r in hub.state.requests:
        assert r["authorization"] == f"Bearer {tok.alice}"
        assert tok.alice not in r["path"] and tok.alice not in json.dumps(r["query"])
    # the Space host: only the x-hf-authorization header
    assert [r["headers"].get("x-hf-authorization") for r in host.requests] == [f"Bearer {tok.alice}"]
    # nobody else
    assert other.requests == []


def test_token_false_sends_nothing_even_with_hf_token_set(hub, app_url, monkeypatch, tok):
    monkeypatch.setenv("HF_TOKEN", tok.bob)
    hub.state.add_space("gradio/hello", host=app_url)
    _spaces.resolve_space("gradio/hello", token=_spaces.resolve_token(False))
    assert {r["authorization"] for r in hub.state.requests} == {None}


def test_anonymous_wake_request_has_no_token(hub, recorder, monkeypatch, tok):
    monkeypatch.setenv("HF_TOKEN", tok.bob)  # present in the environment, but not chosen
    host = recorder()
    hub.state.add_space("gradio/sleepy", host=host.url, stage="SLEEPING", stages=["RUNNING"])
    _spaces.resolve_space("gradio/sleepy", token=None)
    assert "x-hf-authorization" not in host.requests[0]["headers"]


# ------------------------------------------------------------------------------------------------
# reprs and error messages
# ------------------------------------------------------------------------------------------------
def test_reprs_hold_no_token(hub, app_url, tok):
    hub.state.add_space("bob/secret-app", host=app_url, private=True)
    status = _spaces.resolve_space("bob/secret-app", token=tok.bob)
    assert tok.bob not in repr(status) and tok.bob not in str(status.__dict__)
    plan = _spaces.plan_duplicate("bob/secret-app", token=tok.bob, secrets={"K": "secret-value-123"})
    for text in (repr(plan), plan.describe(), str(plan.__dict__)):
        assert tok.bob not in text and "secret-value-123" not in text


def test_error_messages_hold_no_token(hub, app_url, recorder, tok):
    hub.state.add_space("bob/secret-app", host=app_url, private=True)
    hub.state.add_space("gradio/broken", host=app_url, stage="BUILD_ERROR")
    hub.state.add_space("gradio/slow", host=app_url, stage="BUILDING")
    hub.state.add_space("gradio/hello", host=app_url)
    bad = "hf_rejected_token_rrrrrrrrrrrrrrrrrrr"
    cases = [
        lambda: _spaces.resolve_space("bob/secret-app", token=tok.alice),  # not readable
        lambda: _spaces.resolve_space("gradio/hello", token=bad),  # rejected
        lambda: _spaces.resolve_space("gradio/broken", token=tok.alice),  # stage error
        lambda: _spaces.resolve_space("gradio/slow", token=tok.alice, timeout=0),  # timeout
        lambda: _spaces.duplicate_space("gradio/hello", "acme/x", token=tok.bob),  # 403
        lambda: _spaces.duplicate_space("gradio/nope", token=tok.alice),  # missing source
        lambda: _spaces.duplicate_space("gradio/hello", token=bad),  # rejected
        lambda: _spaces.plan_duplicate("bob/secret-app", token=tok.carol),
    ]
    for case in cases:
        with pytest.raises(GradioNBError) as ei:
            case()
        text = everything_about(ei.value)
        for t in (*tok.all, bad):
            assert t not in text, (t, text)


def test_hub_unreachable_error_holds_no_token(hf_env, monkeypatch, unused_port, tok):
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{unused_port}")
    with pytest.raises(GradioNBError) as ei:
        _spaces.resolve_space("gradio/hello", token=tok.alice)
    assert tok.alice not in everything_about(ei.value)
