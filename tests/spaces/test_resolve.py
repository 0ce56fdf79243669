"""resolve_space / resolve_token / ids against the Hub stand-in (offline)."""

from __future__ import annotations

import io
import time

import httpx
import pytest

from gradio_nb.client import _spaces
from gradio_nb.client._exceptions import (
    AuthenticationError,
    ConfigError,
    ConnectionFailed,
    GradioNBError,
    SpaceError,
    SpaceStageError,
    TooManyRequestsError,
)


class Progress:
    def __init__(self) -> None:
        self.calls: list[tuple[_spaces.SpaceStatus, float]] = []

    def __call__(self, status, elapsed):
        self.calls.append((status, elapsed))

    @property
    def stages(self) -> list[str]:
        return [s.stage for s, _ in self.calls]


def runtime_polls(hub, space_id):
    return hub.state.calls("GET", rf"^/api/spaces/{space_id}/runtime$")


# ------------------------------------------------------------------------------------------------
# public / private / tokens
# ------------------------------------------------------------------------------------------------
def test_public_running_space_resolves_to_its_host(hub, app_url):
    hub.state.add_space("gradio/hello", host=app_url)
    progress = Progress()
    status = _spaces.resolve_space("gradio/hello", token=None, on_progress=progress)
    assert status.space_id == "gradio/hello"
    assert status.stage == "RUNNING" and status.running
    assert status.host == app_url
    assert status.private is False
    assert status.hardware == "cpu-basic"
    assert status.url == f"{hub.url}/spaces/gradio/hello"
    assert progress.calls == []  # nothing to wait for
    # one Hub request, anonymous
    assert [(r["method"], r["path"]) for r in hub.state.requests] == [("GET", "/api/spaces/gradio/hello")]
    assert hub.state.requests[0]["authorization"] is None
    # the host really is the app
    r = httpx.get(status.host.rstrip("/") + "/config")
    assert r.status_code == 200 and "components" in r.json()


def test_hub_page_url_is_accepted_as_space_id(hub, app_url):
    hub.state.add_space("gradio/hello", host=app_url)
    assert _spaces.resolve_space(f"{hub.url}/spaces/gradio/hello", token=None).space_id == "gradio/hello"
    assert _spaces.resolve_space("https://huggingface.co/spaces/gradio/hello/tree/main", token=None).host == app_url


def test_private_space_without_token_says_it_may_be_private(hub, app_url):
    hub.state.add_space("bob/secret-app", host=app_url, private=True)
    with pytest.raises(SpaceError) as ei:
        _spaces.resolve_space("bob/secret-app", token=None)
    msg = str(ei.value)
    assert "bob/secret-app" in msg
    assert "private" in msg
    assert "token=" in msg and "HF_TOKEN" in msg and "hf auth login" in msg
    assert f"{hub.url}/spaces/bob/secret-app" in msg
    assert not isinstance(ei.value, SpaceStageError)


def test_private_space_with_owner_token(hub, app_url, tok):
    hub.state.add_space("bob/secret-app", host=app_url, private=True)
    status = _spaces.resolve_space("bob/secret-app", token=tok.bob)
    assert status.private is True and status.host == app_url and status.running
    assert {r["authorization"] for r in hub.state.requests} == {f"Bearer {tok.bob}"}


def test_private_space_of_an_org_member(hub, app_url, tok):
    hub.state.add_space("acme/internal", host=app_url, private=True)
    assert _spaces.resolve_space("acme/internal", token=tok.alice).private is True


def test_private_space_with_a_token_that_cannot_read_it(hub, app_url, tok):
    hub.state.add_space("bob/secret-app", host=app_url, private=True)
    with pytest.raises(SpaceError) as ei:
        _spaces.resolve_space("bob/secret-app", token=tok.carol)
    assert "cannot read it" in str(ei.value)
    assert tok.carol not in str(ei.value)


def test_rejected_token_is_an_authentication_error(hub, app_url):
    hub.state.add_space("gradio/hello", host=app_url)
    bad = "hf_not_a_known_token_zzzzzzzzzzzzzz"
    with pytest.raises(AuthenticationError) as ei:
        _spaces.resolve_space("gradio/hello", token=bad)
    assert "rejected" in str(ei.value)
    assert bad not in str(ei.value) and bad not in repr(ei.value)


def test_missing_space(hub):
    with pytest.raises(SpaceError, match="^Could not find Space: gradio/nope\\. If it is a private Space"):
        _spaces.resolve_space("gradio/nope", token=None)


def test_invalid_space_id_makes_no_request(hub):
    for bad in ["no-slash", "a/b/c", "a--b/c", "a/b.git", "", "http//x/y"]:
        with pytest.raises(ConfigError):
            _spaces.resolve_space(bad, token=None)
    assert hub.state.requests == []


def test_space_without_host(hub):
    hub.state.add_space("gradio/nohost", host="")
    with pytest.raises(SpaceError, match="no host"):
        _spaces.resolve_space("gradio/nohost", token=None)


def test_disabled_space(hub, app_url):
    hub.state.add_space("gradio/off", host=app_url, disabled=True)
    with pytest.raises(SpaceError, match="disabled"):
        _spaces.resolve_space("gradio/off", token=None)


def test_unreachable_hub_is_connection_failed(hf_env, monkeypatch, unused_port):
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{unused_port}")
    with pytest.raises(ConnectionFailed, match="Could not reach the Hugging Face Hub"):
        _spaces.resolve_space("gradio/hello", token=None)


def test_hub_429_is_too_many_requests(hf_env, monkeypatch, recorder):
    fake = recorder()
    fake.default = (429, {"error": "rate limited"}, {"Retry-After": "7"})
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    with pytest.raises(TooManyRequestsError) as ei:
        _spaces.resolve_space("gradio/hello", token=None)
    assert ei.value.retry_after == 7


# ------------------------------------------------------------------------------------------------
# token resolution
# ------------------------------------------------------------------------------------------------
def test_resolve_token_order(hf_env, monkeypatch, tok):
    assert _spaces.resolve_token(None) is None
    hf_env.write_text(tok.carol)  # the saved login
    assert _spaces.resolve_token(None) == tok.carol
    monkeypatch.setenv("HF_TOKEN", tok.bob)
    assert _spaces.resolve_token(None) == tok.bob  # HF_TOKEN beats the saved login
    assert _spaces.resolve_token(tok.alice) == tok.alice  # the argument beats both
    assert _spaces.resolve_token("  ") == tok.bob  # blank = not given
    assert _spaces.resolve_token(False) is None  # explicitly no token


def test_resolve_token_legacy_env_and_implicit_disabled(hf_env, monkeypatch, tok):
    from huggingface_hub import constants

    monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", tok.bob)
    assert _spaces.resolve_token(None) == tok.bob
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)
    assert _spaces.resolve_token(None) is None
    assert _spaces.resolve_token(tok.alice) == tok.alice


def test_pick_token_accepts_both_spellings():
    assert _spaces.pick_token("a", None) == "a"
    assert _spaces.pick_token(None, "b") == "b"
    assert _spaces.pick_token("a", "a") == "a"
    assert _spaces.pick_token(None, None) is None
    with pytest.raises(ConfigError):
        _spaces.pick_token("a", "b")


def test_private_space_with_token_from_env_and_saved_login(hub, app_url, monkeypatch, tok, hf_env):
    hub.state.add_space("bob/secret-app", host=app_url, private=True)
    hf_env.write_text(tok.bob)
    assert _spaces.resolve_space("bob/secret-app", token=_spaces.resolve_token(None)).private
    hf_env.unlink()
    monkeypatch.setenv("HF_TOKEN", tok.bob)
    assert _spaces.resolve_space("bob/secret-app", token=_spaces.resolve_token(None)).private


def test_resolve_space_never_uses_an_implicit_token(hub, app_url, monkeypatch, tok):
    # token=None means anonymous here: the Client resolves the token first, so huggingface_hub
    # must not pick HF_TOKEN up behind our back (what the caller did not choose is not sent).
    hub.state.add_space("gradio/hello", host=app_url)
    monkeypatch.setenv("HF_TOKEN", tok.bob)
    _spaces.resolve_space("gradio/hello", token=None)
    assert {r["authorization"] for r in hub.state.requests} == {None}


# ------------------------------------------------------------------------------------------------
# stages
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", ["NO_APP_FILE", "CONFIG_ERROR", "BUILD_ERROR", "RUNTIME_ERROR", "PAUSED"])
def test_error_stage_raises_space_stage_error(hub, app_url, stage):
    sid = "gradio/" + stage.lower().replace("_", "-")
    hub.state.add_space(sid, host=app_url, stage=stage)
    progress = Progress()
    with pytest.raises(SpaceStageError) as ei:
        _spaces.resolve_space(sid, token=None, on_progress=progress)
    e = ei.value
    assert isinstance(e, SpaceError) and isinstance(e, GradioNBError)
    assert e.stage == stage
    assert e.url == f"{hub.url}/spaces/{sid}"
    assert stage in str(e) and e.url in str(e)
    assert progress.calls == []  # failed at once, no waiting
    assert runtime_polls(hub, sid) == []


def test_error_stage_message_includes_the_hubs_message(hub, app_url):
    hub.state.add_space("gradio/broken", host=app_url, stage="RUNTIME_ERROR", error_message="ModuleNotFoundError: torch")
    with pytest.raises(SpaceStageError, match="ModuleNotFoundError: torch"):
        _spaces.resolve_space("gradio/broken", token=None)


def test_default_hub_url_in_errors(hub, app_url, monkeypatch):
    # without HF_ENDPOINT the page is on huggingface.co (checked via the helper, no request made)
    monkeypatch.delenv("HF_ENDPOINT")
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", "https://huggingface.co")
    assert _spaces.space_page_url("owner/name") == "https://huggingface.co/spaces/owner/name"


def test_building_then_running_waits_with_progress(hub, app_url):
    hub.state.add_space("gradio/building", host=app_url, stage="BUILDING", stages=["BUILDING", "RUNNING"])
    progress = Progress()
    t0 = time.monotonic()
    status = _spaces.resolve_space("gradio/building", token=None, on_progress=progress)
    took = time.monotonic() - t0
    assert status.running and status.host == app_url
    assert progress.stages == ["BUILDING", "BUILDING", "RUNNING"]
    elapsed = [e for _, e in progress.calls]
    assert elapsed == sorted(elapsed) and elapsed[0] < 0.5
    final = progress.calls[-1][0]
    assert final.previous_stage == "BUILDING" and final.changed
    assert progress.calls[1][0].previous_stage is None  # same stage: no change
    assert 2.0 <= took < 6  # 1 s then 1.5 s between polls
    polls = runtime_polls(hub, "gradio/building")
    assert len(polls) == 2
    assert polls[1]["time"] - polls[0]["time"] >= 0.95  # never faster than ~1 s


def test_building_then_build_error_is_reported(hub, app_url):
    hub.state.add_space("gradio/building", host=app_url, stage="BUILDING", stages=["BUILDING", "BUILD_ERROR"])
    progress = Progress()
    with pytest.raises(SpaceStageError) as ei:
        _spaces.resolve_space("gradio/building", token=None, on_progress=progress)
    assert ei.value.stage == "BUILD_ERROR"
    assert "BUILDING" in str(ei.value)  # "it was BUILDING when we started waiting"
    assert progress.stages == ["BUILDING", "BUILDING", "BUILD_ERROR"]
    assert progress.calls[-1][0].previous_stage == "BUILDING"
    assert progress.calls[-1][0].failed


@pytest.mark.parametrize("stage", ["APP_STARTING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"])
def test_intermediate_stages_then_running(hub, app_url, stage):
    hub.state.add_space("gradio/s", host=app_url, stage=stage, stages=["RUNNING"])
    progress = Progress()
    assert _spaces.resolve_space("gradio/s", token=None, on_progress=progress).running
    assert progress.stages == [stage, "RUNNING"]


def test_building_timeout(hub, app_url):
    hub.state.add_space("gradio/slow", host=app_url, stage="BUILDING", stages=["BUILDING"] * 50)
    progress = Progress()
    t0 = time.monotonic()
    with pytest.raises(SpaceStageError) as ei:
        _spaces.resolve_space("gradio/slow", token=None, timeout=2, on_progress=progress)
    took = time.monotonic() - t0
    assert 1.9 <= took < 4
    assert ei.value.stage == "BUILDING"
    assert ei.value.url == f"{hub.url}/spaces/gradio/slow"
    assert "still BUILDING" in str(ei.value) and "timeout" in str(ei.value)
    polls = runtime_polls(hub, "gradio/slow")
    gaps = [b["time"] - a["time"] for a, b in zip(polls, polls[1:])]
    assert all(g >= 0.95 for g in gaps[:-1])  # only the last poll (at the deadline) may come sooner


def test_timeout_zero_fails_at_once_when_building(hub, app_url):
    hub.state.add_space("gradio/slow", host=app_url, stage="BUILDING")
    t0 = time.monotonic()
    with pytest.raises(SpaceStageError):
        _spaces.resolve_space("gradio/slow", token=None, timeout=0)
    assert time.monotonic() - t0 < 1


def test_timeout_in_a_serving_stage_returns_the_old_version(hub, app_url):
    hub.state.add_space("gradio/upd", host=app_url, stage="RUNNING_BUILDING", stages=["RUNNING_BUILDING"] * 50)
    status = _spaces.resolve_space("gradio/upd", token=None, timeout=1)
    assert status.stage == "RUNNING_BUILDING" and status.host == app_url


def test_sleeping_space_is_woken_by_a_request_to_its_host(hub, recorder):
    host = recorder()
    hub.state.add_space("gradio/sleepy", host=host.url, stage="SLEEPING", stages=["APP_STARTING", "RUNNING"])
    progress = Progress()
    status = _spaces.resolve_space("gradio/sleepy", token=None, on_progress=progress)
    assert status.running
    assert progress.stages == ["SLEEPING", "APP_STARTING", "RUNNING"]
    assert [(r["method"], r["path"]) for r in host.requests] == [("GET", "/")]
    assert "x-hf-authorization" not in host.requests[0]["headers"]  # anonymous
    assert hub.state.calls("POST", "restart") == []


def test_sleeping_space_of_the_owner_is_restarted(hub, recorder, tok):
    host = recorder()
    hub.state.add_space("bob/sleepy", host=host.url, private=True, stage="SLEEPING")  # a host ping does not wake it
    progress = Progress()
    status = _spaces.resolve_space("bob/sleepy", token=tok.bob, on_progress=progress)
    assert status.running
    # (the stand-in's restart goes APP_STARTING -> RUNNING; the next poll already sees RUNNING)
    assert progress.stages == ["SLEEPING", "SLEEPING", "SLEEPING", "RUNNING"]
    assert len(hub.state.calls("POST", r"^/api/spaces/bob/sleepy/restart$")) == 1
    # the wake-up request went to the Space's own host, authorised for the private Space
    assert len(host.requests) == 1
    assert host.requests[0]["headers"]["x-hf-authorization"] == f"Bearer {tok.bob}"


def test_sleeping_space_that_stays_asleep_times_out_without_restart_when_anonymous(hub, recorder):
    host = recorder()
    hub.state.add_space("gradio/sleepy", host=host.url, stage="SLEEPING")
    with pytest.raises(SpaceStageError) as ei:
        _spaces.resolve_space("gradio/sleepy", token=None, timeout=3)
    assert ei.value.stage == "SLEEPING"
    assert hub.state.calls("POST", "restart") == []
    assert len(host.requests) == 1  # woken once, not hammered


def test_sleeping_space_of_someone_else_with_a_token_is_not_broken_by_a_refused_restart(hub, recorder, tok):
    host = recorder()
    hub.state.add_space("gradio/sleepy", host=host.url, stage="SLEEPING", stages=["SLEEPING", "SLEEPING", "RUNNING"])
    status = _spaces.resolve_space("gradio/sleepy", token=tok.carol)
    assert status.running
    restarts = hub.state.calls("POST", "restart")
    assert len(restarts) == 1  # tried once; the Hub refused (403); waiting went on


def test_unknown_stage_is_not_waited_for(hub, app_url):
    hub.state.add_space("gradio/odd", host=app_url)
    hub.state.spaces["gradio/odd"]["stage"] = "SOMETHING_NEW"
    status = _spaces.resolve_space("gradio/odd", token=None)
    assert status.stage == "SOMETHING_NEW" and status.host == app_url


def test_transient_hub_errors_while_waiting_are_retried(hf_env, monkeypatch, recorder, app_url):
    fake = recorder()
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    info = {"id": "gradio/flaky", "private": False, "host": app_url, "runtime": {"stage": "BUILDING", "hardware": {}}}
    fake.script = [
        (200, info, {}),
        (503, {"error": "upstream"}, {}),
        (429, {"error": "slow down"}, {}),
        (200, {"stage": "RUNNING", "hardware": {"current": "cpu-basic"}}, {}),
    ]
    progress = Progress()
    status = _spaces.resolve_space("gradio/flaky", token=None, on_progress=progress, timeout=30)
    assert status.running and status.host == app_url
    assert [r["path"] for r in fake.requests] == ["/api/spaces/gradio/flaky"] + ["/api/spaces/gradio/flaky/runtime"] * 3


def test_progress_callback_errors_propagate(hub, app_url):
    hub.state.add_space("gradio/building", host=app_url, stage="BUILDING", stages=["RUNNING"])

    def boom(status, elapsed):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _spaces.resolve_space("gradio/building", token=None, on_progress=boom)


# ------------------------------------------------------------------------------------------------
# rendering helpers
# ------------------------------------------------------------------------------------------------
def _status(stage, previous=None):
    return _spaces.SpaceStatus("o/n", stage, "cpu-basic", "https://o-n.hf.space", False, "https://huggingface.co/spaces/o/n", previous)


def test_format_progress():
    assert _spaces.format_progress(_status("BUILDING"), 12.3) == "Space o/n is building (BUILDING, 12 s)"
    assert "BUILDING -> BUILD_ERROR" in _spaces.format_progress(_status("BUILD_ERROR", "BUILDING"), 40)
    assert "waking" in _spaces.format_progress(_status("SLEEPING"), 0)


def test_terminal_progress_not_a_tty_prints_one_line_per_stage():
    out = io.StringIO()
    tp = _spaces.TerminalProgress(out)
    tp(_status("BUILDING"), 0)
    tp(_status("BUILDING"), 1)
    tp(_status("BUILDING"), 2.5)
    tp(_status("RUNNING", "BUILDING"), 4)
    lines = out.getvalue().splitlines()
    assert lines == ["Space o/n is building (BUILDING, 0 s)", "Space o/n is running (BUILDING -> RUNNING, 4 s)"]


def test_terminal_progress_on_a_tty_rewrites_one_line():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    tp = _spaces.TerminalProgress(out)
    tp(_status("BUILDING"), 0)
    tp(_status("BUILDING"), 1)
    tp(_status("RUNNING", "BUILDING"), 2)
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1


def test_status_properties():
    assert _status("RUNNING").running
    assert _status("PAUSED").failed
    assert _status("SLEEPING").waiting and _status("BUILDING").waiting
    assert not _status("RUNNING", "RUNNING").changed


# ------------------------------------------------------------------------------------------------
# ids, URLs, rate limits
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "src,ok",
    [
        ("gradio/hello", True),
        ("abidlabs/whisper-large-v2", True),
        ("a.b/c_d.e", True),
        ("hello", False),
        ("a/b/c", False),
        ("http://127.0.0.1:7860", False),
        ("https://huggingface.co/spaces/a/b", False),
        ("a--b/c", False),
        ("a/b..c", False),
        ("a/b.git", False),
        ("./x", False),
        ("", False),
        (None, False),
        ("a/" + "b" * 100, False),
    ],
)
def test_is_space_id(src, ok):
    assert _spaces.is_space_id(src) is ok


def test_parse_space_src(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    assert _spaces.parse_space_src("gradio/hello") == "gradio/hello"
    assert _spaces.parse_space_src("https://huggingface.co/spaces/gradio/hello") == "gradio/hello"
    assert _spaces.parse_space_src("https://hf.co/spaces/gradio/hello/") == "gradio/hello"
    assert _spaces.parse_space_src("http://127.0.0.1:9/spaces/gradio/hello") == "gradio/hello"
    assert _spaces.parse_space_src("https://gradio-hello.hf.space") is None  # an app URL: use it as is
    assert _spaces.parse_space_src("https://huggingface.co/gradio/hello") is None  # a model page
    assert _spaces.parse_space_src("https://evil.example/spaces/gradio/hello") is None
    assert _spaces.parse_space_src("http://127.0.0.1:7860/") is None


def test_rate_limit_message_suggests_duplicating_public_spaces():
    msg = _spaces.rate_limit_message("abidlabs/whisper")
    assert "Too many requests" in msg and "Client.duplicate('abidlabs/whisper'" in msg
    e = _spaces.too_many_requests_error("abidlabs/whisper", retry_after=3)
    assert isinstance(e, TooManyRequestsError) and e.retry_after == 3 and "duplicate" in str(e)
    assert "duplicate" not in str(_spaces.too_many_requests_error("bob/private", private=True))
    assert "duplicate" not in _spaces.rate_limit_message(None)


def test_progress_final_flag(hub, app_url):
    hub.state.add_space("gradio/building", host=app_url, stage="BUILDING", stages=["RUNNING"])
    progress = Progress()
    _spaces.resolve_space("gradio/building", token=None, on_progress=progress)
    assert [s.final for s, _ in progress.calls] == [False, True]
    hub.state.add_space("gradio/slow", host=app_url, stage="BUILDING", stages=["BUILDING"] * 20)
    progress = Progress()
    with pytest.raises(SpaceStageError):
        _spaces.resolve_space("gradio/slow", token=None, timeout=1.2, on_progress=progress)
    assert progress.calls[-1][0].final and progress.calls[-1][0].stage == "BUILDING"
    assert not any(s.final for s, _ in progress.calls[:-1])


def test_terminal_progress_ends_its_line_on_timeout():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    tp = _spaces.TerminalProgress(out)
    tp(_status("BUILDING"), 0)
    tp(_spaces.SpaceStatus("o/n", "BUILDING", None, None, False, "u", final=True), 300)
    assert out.getvalue().endswith("\n")


def test_rate_limit_hint_for_the_transport():
    hint = _spaces.rate_limit_hint("abidlabs/whisper")
    assert hint.startswith("To avoid being rate-limited") and "Client.duplicate('abidlabs/whisper'" in hint
    assert _spaces.rate_limit_hint("abidlabs/whisper", private=True) == ""
    assert _spaces.rate_limit_hint(None) == ""
    assert _spaces.rate_limit_message("a/b", private=True) == "Too many requests to the API, please try again later."


def test_hf_endpoint_set_after_huggingface_hub_was_imported_is_honoured(hub, app_url):
    from huggingface_hub import constants

    assert constants.ENDPOINT != hub.url  # frozen at import, before this test's stand-in existed
    hub.state.add_space("gradio/hello", host=app_url)
    assert _spaces.resolve_space("gradio/hello", token=None).url == f"{hub.url}/spaces/gradio/hello"
    assert len(hub.state.requests) == 1


def test_deleting_space_is_a_stage_error(hub, app_url):
    hub.state.add_space("gradio/bye", host=app_url, stage="DELETING")
    with pytest.raises(SpaceStageError, match="being deleted") as ei:
        _spaces.resolve_space("gradio/bye", token=None)
    assert ei.value.stage == "DELETING"


def test_stopped_space_is_woken_like_a_sleeping_one(hub, recorder):
    host = recorder()
    hub.state.add_space("gradio/stopped", host=host.url, stage="STOPPED", stages=["RUNNING"])
    assert _spaces.resolve_space("gradio/stopped", token=None).running
    assert len(host.requests) == 1
