"""map basics against Gradio 6.31, 5.50 and 4.44.1 servers (tests/apps/batch_app.py)."""
from __future__ import annotations

import pytest

from gradio_nb import AppError, Client

pytestmark = pytest.mark.legacy


@pytest.fixture(scope="module")
def client(gradio_server, server_version):
    with Client(gradio_server("batch_app", server_version).url, verbose=False) as c:
        yield c


def test_map_in_order_with_errors_collected(client):
    batch = client.map([1, -2, {"x": 3}, (4,)], api_name="/square", concurrency=2, progress=False)
    values = batch.results(timeout=120)
    assert values[0] == 1 and values[2:] == [9, 16] and isinstance(values[1], AppError)


def test_map_shares_one_session_and_state_items_start_fresh(client):
    hashes = client.map(["a", "b", "c"], api_name="/whoami", progress=False).results(timeout=120)
    assert len(set(hashes)) == 1
    assert client.map(["a", "b"], api_name="/tally", progress=False).results(timeout=120) == [1, 1]


def test_sweep_and_cache(client, tmp_path):
    batch = client.sweep(api_name="/describe", text=["a"], n=[1, 2], cache=tmp_path, progress=False)
    assert batch.results(timeout=120) == [("a", 1), ("a a", 3)]
    again = client.sweep(api_name="/describe", text=["a"], n=[1, 2], cache=tmp_path, progress=False)
    assert again.results(timeout=120) == [("a", 1), ("a a", 3)] and again.snapshot().cached == 2
