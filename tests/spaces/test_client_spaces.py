"""The full ``Client("owner/name")`` path: Hub stand-in -> _spaces.resolve_space -> the Gradio app.

Every test here is named ``test_client_space_path_*``: they exercise the lead's Client wiring of
``_spaces`` (``Client(src)`` with a Space id, ``Client.duplicate``, ``AsyncClient``).
"""

from __future__ import annotations

import asyncio
import warnings

import pytest

from gradio_nb.client._exceptions import AuthenticationError, SpaceError, SpaceStageError

try:
    from gradio_nb.client._client import AsyncClient, Client
except ImportError as exc:  # the Client is being written concurrently
    pytest.skip(f"gradio_nb Client not importable yet: {exc}", allow_module_level=True)


@pytest.fixture
def spaces(hub, app_url):
    st = hub.state
    st.add_space("gradio/hello", host=app_url)
    st.add_space("bob/secret-app", host=app_url, private=True)
    hub.state.reset_log()
    return st


@pytest.fixture
def closing():
    made = []

    def keep(client):
        made.append(client)
        return client

    yield keep
    for c in made:
        try:
            c.close()
        except Exception:
            pass


def test_client_space_path_public(spaces, app_url, closing):
    c = closing(Client("gradio/hello", verbose=False))
    assert c.space_id == "gradio/hello"
    assert c.src == app_url + "/"
    assert c.predict("nb", api_name="/predict") == "Hello nb!"
    assert c.predict(2, 3, api_name="/add") == 5


def test_client_space_path_hub_page_url(spaces, app_url, closing):
    c = closing(Client("https://huggingface.co/spaces/gradio/hello", verbose=False))
    assert c.space_id == "gradio/hello" and c.src == app_url + "/"


def test_client_space_path_private_without_token(spaces):
    with pytest.raises(SpaceError) as ei:
        Client("bob/secret-app", verbose=False)
    assert "private" in str(ei.value) and "token" in str(ei.value)


@pytest.mark.parametrize("how", ["token", "hf_token", "HF_TOKEN", "saved login"])
def test_client_space_path_private_with_token(spaces, closing, monkeypatch, hf_env, tok, how):
    kwargs = {}
    if how == "token":
        kwargs["token"] = tok.bob
    elif how == "hf_token":
        kwargs["hf_token"] = tok.bob
    elif how == "HF_TOKEN":
        monkeypatch.setenv("HF_TOKEN", tok.bob)
    else:
        hf_env.write_text(tok.bob)
    c = closing(Client("bob/secret-app", verbose=False, **kwargs))
    assert c.predict("bob", api_name="/predict") == "Hello bob!"
    assert {r["authorization"] for r in spaces.requests} == {f"Bearer {tok.bob}"}


def test_client_space_path_rejected_token(spaces):
    bad = "hf_bad_token_for_client_path_xxxxxxx"
    with pytest.raises(AuthenticationError) as ei:
        Client("gradio/hello", token=bad, verbose=False)
    assert bad not in str(ei.value)


def test_client_space_path_waits_for_building(spaces, app_url, closing, capsys):
    spaces.add_space("gradio/building", host=app_url, stage="BUILDING", stages=["BUILDING", "RUNNING"])
    c = closing(Client("gradio/building", verbose=True))
    assert c.predict("b", api_name="/predict") == "Hello b!"
    out = capsys.readouterr()
    assert "building" in (out.err + out.out).lower()


def test_client_space_path_build_error(spaces, app_url):
    spaces.add_space("gradio/building", host=app_url, stage="BUILDING", stages=["BUILD_ERROR"])
    with pytest.raises(SpaceStageError) as ei:
        Client("gradio/building", verbose=False)
    assert ei.value.stage == "BUILD_ERROR" and ei.value.url.endswith("/spaces/gradio/building")


@pytest.mark.parametrize("stage", ["NO_APP_FILE", "CONFIG_ERROR", "RUNTIME_ERROR", "PAUSED"])
def test_client_space_path_error_stages(spaces, app_url, stage):
    spaces.add_space("gradio/bad", host=app_url, stage=stage)
    with pytest.raises(SpaceStageError) as ei:
        Client("gradio/bad", verbose=False)
    assert ei.value.stage == stage


def test_client_space_path_space_timeout(spaces, app_url):
    spaces.add_space("gradio/slow", host=app_url, stage="BUILDING", stages=["BUILDING"] * 20)
    with pytest.raises(SpaceStageError, match="still BUILDING"):
        Client("gradio/slow", verbose=False, space_timeout=1)


def test_client_space_path_sleeping_space(spaces, app_url, closing):
    spaces.add_space("gradio/sleepy", host=app_url, stage="SLEEPING", stages=["APP_STARTING", "RUNNING"])
    c = closing(Client("gradio/sleepy", verbose=False))
    assert c.predict("z", api_name="/predict") == "Hello z!"


def test_client_space_path_duplicate(spaces, closing, tok):
    c = closing(Client.duplicate("gradio/hello", token=tok.alice, verbose=False))
    assert c.space_id == "alice/hello"
    assert spaces.spaces["alice/hello"]["private"] is True
    assert c.predict("dup", api_name="/predict") == "Hello dup!"
    with pytest.warns(UserWarning, match="Secrets are only used"):
        c2 = closing(Client.duplicate("gradio/hello", token=tok.alice, secrets={"K": "V"}, verbose=False))
    assert c2.space_id == "alice/hello"
    assert len(spaces.calls("POST", "duplicate")) == 1


def test_client_space_path_duplicate_hf_token_org_and_hardware(spaces, closing, tok):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Only warnings this call makes: a ResourceWarning is raised by whatever object the
        # garbage collector happens to finalize meanwhile (Python ignores them by default).
        warnings.simplefilter("ignore", ResourceWarning)
        c = closing(
            Client.duplicate(
                "gradio/hello", "acme/hello-gpu", hf_token=tok.alice, hardware="t4-small", sleep_timeout=3, verbose=False
            )
        )
    assert c.space_id == "acme/hello-gpu"
    rec = spaces.spaces["acme/hello-gpu"]
    assert rec["hardware"] == "t4-small" and rec["sleep_time"] == 180


def test_client_space_path_async(spaces, app_url, tok):
    async def main():
        c = await AsyncClient.connect("bob/secret-app", token=tok.bob, verbose=False)
        try:
            assert c.src == app_url + "/"
            return await c.predict("async", api_name="/predict")
        finally:
            await c.close()

    assert asyncio.run(main()) == "Hello async!"


def test_client_space_path_async_duplicate(spaces, tok):
    async def main():
        c = await AsyncClient.duplicate("gradio/hello", token=tok.alice, verbose=False)
        try:
            return c.space_id, await c.predict("ad", api_name="/predict")
        finally:
            await c.close()

    assert asyncio.run(main()) == ("alice/hello", "Hello ad!")
