"""Fixtures shared by all tests: real Gradio servers (see servers.py) and small input files."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The helpers below live beside this file; make them importable in every pytest import mode.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from replicas import write_wav  # noqa: E402
from servers import OLD_VERSIONS, VERSIONS, GradioServer, ServerPool, VenvMissing, python_for  # noqa: E402

# The apps are servers, not test modules.
collect_ignore = ["apps"]

# Clients in this process talk to loopback servers: never through a proxy.
for _key in ("NO_PROXY", "no_proxy"):
    os.environ[_key] = ",".join(filter(None, [os.environ.get(_key), "127.0.0.1,localhost,::1"]))
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"


def require_version(version: str) -> None:
    """Skip (locally) or fail (CI=true) when the server venv for `version` is missing."""
    try:
        python_for(version)
        return
    except VenvMissing as exc:
        reason = str(exc)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must not skip the Gradio {version}.x tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory):
    pool = ServerPool(tmp_path_factory.mktemp("gradio-temp"), tmp_path_factory.mktemp("server-logs"))
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def gradio_server(server_pool):
    """Factory: gradio_server(app, version="6", env=None, args=()) -> a running GradioServer.

    `app` is a name under tests/apps ("calculator", "protocol/auth_app") or a path. Servers are
    shared for the session per (app, version, env, args); a server that a test stopped or killed
    is started again on its old port by the next call.
    """

    def get(app, version: str = "6", env=None, args=()) -> GradioServer:
        version = str(version)
        require_version(version)
        return server_pool.get(app, version, env, args)

    get.prestart = server_pool.prestart
    return get


@pytest.fixture(scope="module", params=VERSIONS, ids=lambda v: f"gradio{v}")
def server_version(request) -> str:
    """Parametrises a test over the Gradio server versions 6, 5 and 4. Module-scoped, so that
    pytest runs a module's tests version by version (servers of one version at a time)."""
    require_version(request.param)
    return request.param


@pytest.fixture(scope="module", params=OLD_VERSIONS, ids=lambda v: f"gradio{v}")
def old_version(request) -> str:
    """Parametrises a test over the old Gradio lines, one per wire protocol: 4.21 (sse_v2.1),
    4.19 (sse_v2), 4.10 (sse_v1), 4.5 (sse), 3.50 (ws) and 3.20 (ws, no /info). Module-scoped
    like server_version."""
    require_version(request.param)
    return request.param


@pytest.fixture(scope="session")
def wav_files(tmp_path_factory):
    """audio_sample.wav (1 s: "This is a test of the whisper speech recognition model."),
    audio_sample1.wav, audio_sample2.wav (the guide's names), and a 2 s 8 kHz file."""
    d = tmp_path_factory.mktemp("wav")
    return {
        "audio_sample.wav": write_wav(d / "audio_sample.wav", 1.0),
        "audio_sample1.wav": write_wav(d / "audio_sample1.wav", 1.0, freq=330.0),
        "audio_sample2.wav": write_wav(d / "audio_sample2.wav", 0.5),
        "long_8k.wav": write_wav(d / "long_8k.wav", 2.0, rate=8000),
    }


@pytest.fixture
def in_wav_dir(wav_files, monkeypatch):
    """Runs the test in the directory holding the wav files, so that the guide's relative
    file names ("audio_sample.wav") work unchanged."""
    monkeypatch.chdir(wav_files["audio_sample.wav"].parent)
    return wav_files
