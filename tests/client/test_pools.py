"""Event streams and short requests live in separate connection pools (_transport._TwoPools)."""

from __future__ import annotations

import time

import httpx

from gradio_nb import Client
from gradio_nb.client._transport import SHORT_REQUESTS, _TwoPools


def _pools(client: Client) -> _TwoPools:
    pools = client._app.transport.http._transport
    assert isinstance(pools, _TwoPools)
    return pools


def test_queued_jobs_hold_streams_without_crowding_the_short_pool(client):
    # /slow runs one at a time: while the first job sleeps, every other one waits in the queue
    # with its event stream open
    jobs = [client.submit(3, api_name="/slow")]
    jobs += [client.submit(0.01, api_name="/slow") for _ in range(SHORT_REQUESTS + 20)]
    pools = _pools(client)
    peak_short = peak_streams = 0
    while not all(job.done() for job in jobs):
        peak_short = max(peak_short, len(pools._short._pool.connections))
        peak_streams = max(peak_streams, len(pools._streams._pool.connections))
        time.sleep(0.005)
    assert all(job.result() is not None for job in jobs)
    assert 0 < peak_short <= SHORT_REQUESTS
    assert peak_streams > SHORT_REQUESTS


def test_sequential_calls_reuse_their_connections(client):
    client.predict("first", api_name="/echo")
    pools = _pools(client)
    before = (list(pools._short._pool.connections), list(pools._streams._pool.connections))
    for i in range(5):
        assert client.predict(f"call {i}", api_name="/echo") == f"call {i}"
    after = (list(pools._short._pool.connections), list(pools._streams._pool.connections))
    assert after == before  # the same connection objects: no new TCP connection per call
    assert len(after[1]) == 1


def test_user_limits_apply_to_both_pools(protocol_app):
    limits = httpx.Limits(max_connections=3, max_keepalive_connections=1)
    with Client(protocol_app.url, verbose=False, httpx_kwargs={"limits": limits}) as client:
        jobs = [client.submit(f"x{i}", api_name="/echo") for i in range(10)]
        assert [job.result() for job in jobs] == [f"x{i}" for i in range(10)]
        pools = _pools(client)
        assert pools._short._pool._max_connections == 3
        assert pools._streams._pool._max_connections == 3
