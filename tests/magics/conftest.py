"""Fixtures for the %gradio tests: a real IPython shell with the extension loaded, a recording
notebook layer, real Gradio servers (tests/servers.py) and the Hub stand-in (gradio_nb.demo.hub_standin)."""

from __future__ import annotations

import os
import tempfile

# huggingface_hub reads some settings when first imported: isolate it before anyone imports it.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="gradio-nb-magics-hf-"))

import pytest  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402

from magics_support import ALICE, install_fake_widgets  # noqa: E402


@pytest.fixture(scope="session")
def shell():
    """The process's one InteractiveShell (IPython's test shell)."""
    from IPython.testing.globalipapp import get_ipython

    return get_ipython()


@pytest.fixture
def ip(shell):
    """The shell with ``%load_ext gradio_nb``; the namespace, settings and extension are
    restored after the test (Clients made by the magics are closed by the unload)."""
    before = set(shell.user_ns)
    shell.run_line_magic("load_ext", "gradio_nb")
    yield shell
    if "gradio_nb" in shell.extension_manager.loaded:
        shell.run_line_magic("unload_ext", "gradio_nb")
    for name in set(shell.user_ns) - before:
        del shell.user_ns[name]
    shell.config.pop("GradioMagics", None)


@pytest.fixture
def widgets(monkeypatch):
    """The recording stand-in for gradio_nb.widgets (see magics_support.py)."""
    return install_fake_widgets(monkeypatch)


@pytest.fixture
def run(ip):
    """run("connect ...") / run("predict /x", cell="a=1") -> (value, captured output)."""

    def run(line: str, cell: str | None = None):
        with capture_output(display=True) as captured:
            if cell is None:
                value = ip.run_line_magic("gradio", line)
            else:
                value = ip.run_cell_magic("gradio", line, cell)
        return value, captured

    return run


@pytest.fixture
def protocol_app(gradio_server):
    """URL of tests/apps/protocol/protocol_app.py on Gradio 6.31 (echo, add, remember/peek, slow...)."""
    return gradio_server("protocol/protocol_app").url


@pytest.fixture
def auth_app(gradio_server):
    """URL of tests/apps/protocol/auth_app.py: login alice / wonderland."""
    return gradio_server("protocol/auth_app").url


# ------------------------------------------------------------------------------------------------
# the Hub stand-in (gradio_nb.demo.hub_standin)
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def hub(monkeypatch, tmp_path, protocol_app):
    """A Hub stand-in (user alice) holding the public Space gradio/hello, served by protocol_app.
    HF_ENDPOINT points at it; no token in the environment or saved."""
    from huggingface_hub import constants

    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", False, raising=False)
    token_path = tmp_path / "hf_token"
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(token_path), raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(token_path))
    from gradio_nb.demo.hub_standin import HubStandin

    hub = HubStandin(port=0)
    hub.state.add_user("alice", token=ALICE)
    hub.state.add_space("gradio/hello", host=protocol_app.rstrip("/"))
    hub.start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    try:
        yield hub
    finally:
        hub.stop()
