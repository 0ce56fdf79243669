"""duplicate / duplicate_space / plan_duplicate against the Hub stand-in (offline)."""

from __future__ import annotations

import warnings

import pytest

from gradio_nb.client import _spaces
from gradio_nb.client._exceptions import AuthenticationError, ConfigError, SpaceError, SpaceStageError


@pytest.fixture
def hello(hub, app_url):
    hub.state.add_space("gradio/hello", host=app_url)  # public, RUNNING, cpu-basic
    hub.state.reset_log()
    return "gradio/hello"


def posts(hub):
    return [(r["path"], r["json"]) for r in hub.state.requests if r["method"] == "POST"]


# ------------------------------------------------------------------------------------------------
# creating
# ------------------------------------------------------------------------------------------------
def test_duplicate_new_space(hub, hello, tok):
    steps: list[str] = []
    sid = _spaces.duplicate_space(hello, token=tok.alice, on_progress=steps.append)
    assert sid == "alice/hello"
    rec = hub.state.spaces["alice/hello"]
    assert rec["private"] is True and rec["duplicated_from"] == "gradio/hello"
    assert rec["hardware"] == "cpu-basic" and rec["sleep_time"] is None
    # one creation request, nothing else written (cpu-basic: no hardware request, no sleep time)
    assert posts(hub) == [("/api/spaces/gradio/hello/duplicate", {"repository": "alice/hello", "visibility": "private"})]
    assert any("Creating a duplicate of gradio/hello" in s for s in steps)
    assert any(s.startswith("Created new Space:") and "alice/hello" in s for s in steps)
    # every request carried alice's token, and only went to the Hub stand-in
    assert {r["authorization"] for r in hub.state.requests} == {f"Bearer {tok.alice}"}


def test_duplicate_public(hub, hello, tok):
    _spaces.duplicate_space(hello, "alice/pub", token=tok.alice, private=False)
    assert hub.state.spaces["alice/pub"]["private"] is False
    assert posts(hub)[0][1]["visibility"] == "public"


def test_duplicate_to_a_name_in_the_users_namespace(hub, hello, tok):
    assert _spaces.duplicate_space(hello, "my-copy", token=tok.alice) == "alice/my-copy"
    assert len(hub.state.calls("GET", "whoami")) == 1


def test_org_in_to_id_is_kept(hub, hello, tok):
    sid = _spaces.duplicate_space(hello, "acme/hello-team", token=tok.alice)
    assert sid == "acme/hello-team"
    assert hub.state.spaces["acme/hello-team"]["author"] == "acme"
    assert "alice/hello-team" not in hub.state.spaces
    assert hub.state.calls("GET", "whoami") == []  # a namespaced to_id needs no whoami


def test_org_without_rights_is_refused(hub, hello, tok):
    with pytest.raises(AuthenticationError) as ei:
        _spaces.duplicate_space(hello, "acme/nope", token=tok.bob)
    assert "403" in str(ei.value) and tok.bob not in str(ei.value)
    assert "acme/nope" not in hub.state.spaces


def test_duplicate_with_hardware_and_secrets_and_sleep_time(hub, hello, tok):
    sid = _spaces.duplicate_space(
        hello,
        "hello-gpu",
        token=tok.alice,
        hardware="t4-small",
        secrets={"API_KEY": "s3cret-value", "OTHER": "x"},
        sleep_timeout=7,
    )
    assert sid == "alice/hello-gpu"
    rec = hub.state.spaces["alice/hello-gpu"]
    assert rec["hardware"] == "t4-small"
    assert rec["sleep_time"] == 420
    assert rec["secrets"]["API_KEY"]["value"] == "s3cret-value" and rec["secrets"]["OTHER"]["value"] == "x"
    (path, body), *rest = posts(hub)
    assert path == "/api/spaces/gradio/hello/duplicate"
    assert body["hardware"] == "t4-small" and body["sleepTimeSeconds"] == 420
    assert body["secrets"] == [{"key": "API_KEY", "value": "s3cret-value"}, {"key": "OTHER", "value": "x"}]
    assert rest == []  # all in the creation request: no separate hardware / sleeptime / secret calls


def test_hardware_and_sleep_time_are_set_when_the_hub_ignores_them_at_creation(hub, hello, tok, monkeypatch):
    # some Hub deployments ignore hardware/sleep in the duplicate request: we check and fix
    st = hub.state
    real_add = st.add_space

    def add_space_ignoring(space_id, host=None, **kw):
        kw["hardware"] = "cpu-basic"
        kw["sleep_time"] = None
        return real_add(space_id, host, **kw)

    monkeypatch.setattr(st, "add_space", add_space_ignoring)
    _spaces.duplicate_space(hello, "alice/gpu2", token=tok.alice, hardware="a10g-small", sleep_timeout=3)
    rec = st.spaces["alice/gpu2"]
    assert rec["hardware"] == "a10g-small" and rec["sleep_time"] == 180
    assert [p for p, _ in posts(hub)] == [
        "/api/spaces/gradio/hello/duplicate",
        "/api/spaces/alice/gpu2/hardware",
        "/api/spaces/alice/gpu2/sleeptime",
    ]
    assert posts(hub)[1][1] == {"flavor": "a10g-small"}
    assert posts(hub)[2][1] == {"seconds": 180}


def test_gpu_source_hardware_is_copied(hub, app_url, tok):
    hub.state.add_space("gradio/gpu-app", host=app_url, hardware="a10g-small")
    sid = _spaces.duplicate_space("gradio/gpu-app", token=tok.alice)
    rec = hub.state.spaces[sid]
    assert rec["hardware"] == "a10g-small" and rec["sleep_time"] == 300  # default sleep_timeout=5 min


def test_source_without_hardware_defaults_to_cpu_basic(hub, app_url, tok):
    hub.state.add_space("gradio/fresh", host=app_url, hardware=None)
    _spaces.duplicate_space("gradio/fresh", token=tok.alice)
    assert hub.state.spaces["alice/fresh"]["hardware"] == "cpu-basic"
    assert hub.state.calls("POST", "hardware") == []  # no {"flavor": null} request


def test_duplicate_of_a_private_source_needs_read_access(hub, app_url, tok):
    hub.state.add_space("bob/private-src", host=app_url, private=True)
    with pytest.raises(SpaceError, match="^Could not find Space: bob/private-src\\. "):
        _spaces.duplicate_space("bob/private-src", token=tok.alice)
    assert _spaces.duplicate_space("bob/private-src", "bob/copy", token=tok.bob) == "bob/copy"


def test_duplicate_missing_source(hub, tok):
    with pytest.raises(SpaceError, match="to duplicate"):
        _spaces.duplicate_space("gradio/nope", token=tok.alice)


def test_duplicate_needs_a_token(hub, hello):
    with pytest.raises(AuthenticationError, match="token"):
        _spaces.duplicate_space(hello, token=None)
    assert hub.state.requests == []


def test_duplicate_rejects_bad_ids(hub, hello, tok):
    with pytest.raises(ConfigError):
        _spaces.duplicate_space("not-an-id", token=tok.alice)
    with pytest.raises(ConfigError):
        _spaces.duplicate_space(hello, "a/b/c", token=tok.alice)


def test_duplicate_rejected_token(hub, hello):
    bad = "hf_unknown_token_qqqqqqqqqqqqqqqqqq"
    with pytest.raises(AuthenticationError) as ei:
        _spaces.duplicate_space(hello, token=bad)
    assert bad not in str(ei.value)


# ------------------------------------------------------------------------------------------------
# re-using
# ------------------------------------------------------------------------------------------------
def test_duplicate_again_reuses_the_existing_space(hub, hello, tok):
    assert _spaces.duplicate_space(hello, token=tok.alice) == "alice/hello"
    hub.state.reset_log()
    steps: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning without secrets
        assert _spaces.duplicate_space(hello, token=tok.alice, on_progress=steps.append) == "alice/hello"
    assert posts(hub) == []
    assert any("Using your existing Space" in s for s in steps)


def test_existing_space_with_secrets_warns(hub, hello, tok):
    _spaces.duplicate_space(hello, token=tok.alice, secrets={"K": "first"})
    hub.state.reset_log()
    with pytest.warns(UserWarning, match="Secrets are only used when the Space is duplicated for the first time"):
        _spaces.duplicate_space(hello, token=tok.alice, secrets={"K": "second"})
    assert hub.state.spaces["alice/hello"]["secrets"]["K"]["value"] == "first"
    assert posts(hub) == []


def test_existing_space_gets_hardware_only_when_it_differs(hub, hello, tok):
    _spaces.duplicate_space(hello, token=tok.alice)
    hub.state.reset_log()
    _spaces.duplicate_space(hello, token=tok.alice, hardware="t4-medium", sleep_timeout=10)
    assert posts(hub) == [
        ("/api/spaces/alice/hello/hardware", {"flavor": "t4-medium"}),
        ("/api/spaces/alice/hello/sleeptime", {"seconds": 600}),
    ]
    hub.state.reset_log()
    _spaces.duplicate_space(hello, token=tok.alice, hardware="t4-medium", sleep_timeout=10)
    assert posts(hub) == []  # same hardware, same sleep time: nothing to do


def test_pending_hardware_request_is_not_repeated(hub, hello, tok):
    hub.state.instant_hardware = False  # the Hub only records the request; current stays cpu-basic
    _spaces.duplicate_space(hello, token=tok.alice)
    _spaces.duplicate_space(hello, token=tok.alice, hardware="t4-small")
    hub.state.reset_log()
    _spaces.duplicate_space(hello, token=tok.alice, hardware="t4-small")
    assert hub.state.calls("POST", "hardware") == []


def test_sleep_time_goes_through_hf_endpoint(hub, app_url, tok):
    # an existing t4 duplicate without a sleep time: set_space_sleep_time must reach HF_ENDPOINT
    # (gradio_client 2.7.2 posts to a hard-coded https://huggingface.co instead)
    hub.state.add_space("gradio/gpu-app", host=app_url, hardware="t4-small")
    hub.state.add_space("alice/gpu-app", host=app_url, hardware="t4-small", private=True)
    hub.state.reset_log()
    _spaces.duplicate_space("gradio/gpu-app", token=tok.alice, sleep_timeout=2)
    assert posts(hub) == [("/api/spaces/alice/gpu-app/sleeptime", {"seconds": 120})]
    assert hub.state.spaces["alice/gpu-app"]["sleep_time"] == 120


def test_cpu_basic_gets_no_sleep_time(hub, hello, tok):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # huggingface_hub warns when a sleep time is set on cpu-basic
        _spaces.duplicate_space(hello, token=tok.alice, sleep_timeout=30)
    assert hub.state.calls("POST", "sleeptime") == []


# ------------------------------------------------------------------------------------------------
# the Client.duplicate-shaped wrapper
# ------------------------------------------------------------------------------------------------
def test_duplicate_wrapper_accepts_token_and_hf_token(hub, hello, tok):
    assert _spaces.duplicate(hello, token=tok.alice, verbose=False) == "alice/hello"
    assert _spaces.duplicate(hello, hf_token=tok.bob, verbose=False) == "bob/hello"
    with pytest.raises(ConfigError):
        _spaces.duplicate(hello, token=tok.alice, hf_token=tok.bob, verbose=False)


def test_duplicate_wrapper_uses_hf_token_env_and_saved_login(hub, hello, tok, monkeypatch, hf_env):
    hf_env.write_text(tok.carol)
    assert _spaces.duplicate(hello, verbose=False) == "carol/hello"
    monkeypatch.setenv("HF_TOKEN", tok.bob)
    assert _spaces.duplicate(hello, verbose=False) == "bob/hello"


def test_duplicate_wrapper_without_any_token(hub, hello):
    with pytest.raises(AuthenticationError, match="HF_TOKEN"):
        _spaces.duplicate(hello, verbose=False)


def test_duplicate_wrapper_verbose_prints_steps(hub, hello, tok, capsys):
    _spaces.duplicate(hello, token=tok.alice)
    out = capsys.readouterr().out
    assert "Creating a duplicate of gradio/hello" in out and "Created new Space" in out
    _spaces.duplicate(hello, token=tok.alice, verbose=False)
    assert capsys.readouterr().out == ""


def test_duplicate_wrapper_same_parameters_as_gradio_client():
    import inspect

    from gradio_client import Client as RefClient

    ref = set(inspect.signature(RefClient.duplicate).parameters) - {"cls", "max_workers", "verbose"}
    ours = set(inspect.signature(_spaces.duplicate).parameters)
    assert ref <= ours
    assert {"hf_token", "verbose"} <= ours
    ref_params = inspect.signature(RefClient.duplicate).parameters
    for name in ref - {"from_id"}:
        assert inspect.signature(_spaces.duplicate).parameters[name].default == ref_params[name].default, name


def test_duplicate_warning_points_at_the_caller(hub, hello, tok):
    _spaces.duplicate(hello, token=tok.alice, verbose=False)
    with pytest.warns(UserWarning) as rec:
        _spaces.duplicate(hello, token=tok.alice, secrets={"A": "b"}, verbose=False)
    assert rec[0].filename != _spaces.__file__


def test_duplicated_space_that_builds_first_is_waited_for(hub, hello, tok):
    hub.state.duplicate_stages = ["BUILDING", "BUILDING", "RUNNING"]
    sid = _spaces.duplicate_space(hello, token=tok.alice)
    stages: list[str] = []
    status = _spaces.resolve_space(sid, token=tok.alice, on_progress=lambda s, e: stages.append(s.stage))
    assert status.running and status.private
    assert stages[0] == "BUILDING" and stages[-1] == "RUNNING"


def test_duplicated_space_that_fails_to_build(hub, hello, tok):
    hub.state.duplicate_stages = ["BUILDING", "BUILD_ERROR"]
    sid = _spaces.duplicate_space(hello, token=tok.alice)
    with pytest.raises(SpaceStageError) as ei:
        _spaces.resolve_space(sid, token=tok.alice)
    assert ei.value.stage == "BUILD_ERROR" and ei.value.url.endswith("/spaces/alice/hello")


# ------------------------------------------------------------------------------------------------
# plans (for %gradio duplicate)
# ------------------------------------------------------------------------------------------------
def test_plan_for_a_new_space_is_read_only(hub, hello, tok):
    plan = _spaces.plan_duplicate(hello, token=tok.alice, hardware="t4-small", secrets={"API_KEY": "s3cret-value"})
    assert posts(hub) == []  # nothing created or changed
    assert plan.from_id == "gradio/hello" and plan.to_id == "alice/hello"
    assert plan.exists is False and plan.private is True
    assert plan.hardware == "t4-small" and plan.request_hardware and plan.billing
    assert plan.sleep_time == 300 and plan.set_sleep_time
    assert plan.secret_names == ("API_KEY",)
    assert plan.url == f"{hub.url}/spaces/alice/hello"
    text = plan.describe()
    assert "alice/hello" in text and "will be created" in text and "private" in text
    assert "t4-small" in text and "billed" in text and "/settings/billing" in text
    assert "5 min" in text and "API_KEY" in text
    for s in (text, repr(plan)):
        assert "s3cret-value" not in s and tok.alice not in s


def test_plan_then_duplicate_does_what_it_said(hub, hello, tok):
    plan = _spaces.plan_duplicate(hello, "acme/team-copy", token=tok.alice, hardware="a10g-small", private=False)
    sid = _spaces.duplicate_space(
        plan.from_id, plan.to_id, token=tok.alice, private=plan.private, hardware=plan.hardware
    )
    assert sid == plan.to_id == "acme/team-copy"
    rec = hub.state.spaces[sid]
    assert rec["hardware"] == plan.hardware and rec["private"] is False and rec["sleep_time"] == plan.sleep_time


def test_plan_for_an_existing_space(hub, hello, tok):
    _spaces.duplicate_space(hello, token=tok.alice)
    hub.state.reset_log()
    plan = _spaces.plan_duplicate(hello, token=tok.alice, private=False, secrets={"K": "v"})
    assert posts(hub) == []
    assert plan.exists and plan.existing_private is True
    assert plan.hardware == "cpu-basic" and not plan.request_hardware and not plan.billing
    assert plan.sleep_time is None
    text = plan.describe()
    assert "already exists" in text and "re-used" in text
    assert "stays private" in text
    assert "IGNORED" in text
    assert "billed" not in text


def test_plan_for_an_existing_space_with_other_hardware(hub, hello, tok):
    _spaces.duplicate_space(hello, token=tok.alice)
    plan = _spaces.plan_duplicate(hello, token=tok.alice, hardware="t4-small")
    assert plan.exists and plan.current_hardware == "cpu-basic" and plan.request_hardware
    assert "currently cpu-basic; t4-small will be requested" in plan.describe()


def test_plan_needs_a_token(hub, hello):
    with pytest.raises(AuthenticationError):
        _spaces.plan_duplicate(hello, token=None)
