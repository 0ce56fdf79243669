"""A Space the Hub reports on ZeroGPU hardware starts its batches at one job in flight.

The Hub is the stand-in of gradio_nb.demo (the ``hub`` fixture of this folder); the Space's host
is the ZeroGPU stand-in app (tests/zerogpu/zerogpu_app.py, Gradio 6.31).
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from gradio_nb import Client
from gradio_nb.client import _spaces

ZEROGPU_APP = Path(__file__).resolve().parents[1] / "zerogpu" / "zerogpu_app.py"


@pytest.fixture(scope="module")
def standin(gradio_server):
    return gradio_server(str(ZEROGPU_APP))


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
