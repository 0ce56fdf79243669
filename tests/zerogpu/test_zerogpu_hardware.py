"""A Space the Hub reports on ZeroGPU hardware starts its batches at one job in flight.

The Hub is the stand-in of gradio_nb.demo (HF_ENDPOINT points at it); the Space's host is the
ZeroGPU stand-in app (zerogpu_app.py, Gradio 6.31).
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from gradio_nb import Client
from gradio_nb.client import _spaces
from gradio_nb.demo import hub_standin

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def standin(gradio_server):
    return gradio_server(str(HERE / "zerogpu_app.py"))


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """A Hub stand-in with no token anywhere; HF_ENDPOINT points at it (read at call time)."""
    from huggingface_hub import constants

    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "token"), raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "token"))
    h = hub_standin.HubStandin(port=0)
    h.start()
    monkeypatch.setenv("HF_ENDPOINT", h.url)
    try:
        yield h
    finally:
        h.stop()


def test_zero_gpu_hardware_names():
    assert _spaces.is_zero_gpu("zero-a10g") and _spaces.is_zero_gpu("zero-h200")
    assert not _spaces.is_zero_gpu("cpu-basic") and not _spaces.is_zero_gpu(None)


@pytest.mark.parametrize(("hardware", "first"), [("zero-a10g", 1), ("cpu-basic", 4)])
def test_a_zero_gpu_space_starts_at_one_job_in_flight(hub, standin, hardware, first):
    space = f"gradio/painter-{hardware}"
    hub.state.add_space(space, host=standin.url, hardware=hardware)
    assert _spaces.space_hardware(space) == hardware
    token = f"hf_test{uuid.uuid4().hex}"
    with Client(space, verbose=False, headers={"authorization": f"Bearer {token}"}) as client:
        batch = client.map([(f"h{i}", 1) for i in range(3)], "/generate", progress=False)
        assert batch.snapshot().concurrency == first  # set before the first item starts
        assert batch.results(timeout=60) == [f"painted h{i} (1s of GPU)" for i in range(3)]
        # concurrency= given: the Hub is not asked, the number is used as is.
        assert client.map([], "/generate", concurrency=2, progress=False).snapshot().concurrency == 2
