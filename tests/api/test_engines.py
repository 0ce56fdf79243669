"""client.api endpoints and clients carried by real engines to worker processes, against a real
Gradio 6.31 app: ProcessPoolExecutor (spawn), joblib (loky) and a Dask LocalCluster of worker
processes. Small pools (2 workers, 1 thread each): the machine is shared. Nothing may leak."""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading

import psutil
import pytest


# Process-wide helpers that outlive any one pool by design: the stdlib's and loky's resource
# trackers (they end with this process) and distributed's module-level offload thread.
_SINGLETON_PROCESSES = ("resource_tracker",)
_SINGLETON_THREADS = ("Dask-Offload",)


def _children() -> dict[int, str]:
    found = {}
    for child in psutil.Process().children(recursive=True):
        try:
            found[child.pid] = " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.fixture
def no_leaks(api_app):
    """Fails the test if worker processes or threads it started are still there after it."""
    processes, threads = set(_children()), set(threading.enumerate())
    yield
    left = {pid: cmd for pid, cmd in _children().items() if pid not in processes
            and not any(name in cmd for name in _SINGLETON_PROCESSES)}
    for pid in list(left):
        try:
            psutil.Process(pid).wait(timeout=10)  # a worker on its way out gets a moment, no more
        except psutil.NoSuchProcess:
            pass
        except psutil.TimeoutExpired:
            continue
        del left[pid]
    assert not left, f"worker processes left behind: {left}"
    extra = [t.name for t in threading.enumerate() if t not in threads and t.is_alive()
             and not t.name.startswith(_SINGLETON_THREADS)]
    assert not extra, f"threads left behind: {extra}"


def probe(ep, text):
    """Runs in a worker: the endpoint arrives unconnected and connects on its first call."""
    arrived_connected = ep._client._live_app is not None
    return arrived_connected, ep(text, steps=1), os.getpid()


def unpickled_clients(_task: object = None) -> int:
    """Runs in a worker: how many clients unpickling made there (one per recipe and process)."""
    from gradio_nb.client import _client

    return len(_client._unpickled)


def call_with_client(client, text):
    return client.predict(text, api_name="/pair")


def test_process_pool_with_spawn(client, no_leaks):
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        probes = list(pool.map(probe, [client.api.generate] * 6, "pqrstu"))
        assert [result for _, result, _ in probes] == [f"{t} x1" for t in "pqrstu"]
        by_worker: dict[int, list[bool]] = {}
        for connected, _, pid in probes:  # a worker runs its tasks in the order given
            by_worker.setdefault(pid, []).append(connected)
        assert os.getpid() not in by_worker
        # a worker's first task gets an unconnected client; the next ones get that same client
        for flags in by_worker.values():
            assert flags == [False] + [True] * (len(flags) - 1), by_worker
        assert list(pool.map(client.api.generate, ["a", "b", "c"])) == ["a x10", "b x10", "c x10"]
        assert set(pool.map(unpickled_clients, range(4))) == {1}
        assert pool.submit(call_with_client, client, "ab").result() == ("ba", 3.0)  # a Client itself
        assert pool.submit(client.api["/a-b"], "z").result() == "a-b:z"


def test_joblib_loky(client, no_leaks):
    from joblib import Parallel, delayed
    from joblib.externals.loky import get_reusable_executor

    try:
        out = Parallel(n_jobs=2, backend="loky")(delayed(client.api.generate)(t, steps=2) for t in "abcd")
        assert out == ["a x2", "b x2", "c x2", "d x2"]
        pairs = Parallel(n_jobs=2, backend="loky")(delayed(client.api.pair)(t, b=1) for t in ["xy", "uv"])
        assert pairs == [("yx", 2), ("vu", 2)]
    finally:
        get_reusable_executor().shutdown(wait=True)  # loky keeps its workers for reuse otherwise


def test_dask_local_cluster_map_and_bag(client, no_leaks):
    import dask.bag as db
    from distributed import Client as DaskClient
    from distributed import LocalCluster

    texts = [f"t{i}" for i in range(10)]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            DaskClient(cluster) as dask_client:
        futures = dask_client.map(client.api.generate, texts)
        assert dask_client.gather(futures) == [f"{t} x10" for t in texts]
        assert len({f.key for f in futures}) == len(texts) and futures[0].key.startswith("generate-")
        bag = db.from_sequence(["p", "q", "r", "s"], npartitions=2).map(client.api.generate, steps=3)
        assert bag.compute() == ["p x3", "q x3", "r x3", "s x3"]
        workers = dask_client.run(os.getpid)
        assert len(workers) == 2 and os.getpid() not in workers.values()
        assert set(dask_client.run(unpickled_clients).values()) <= {1}  # one connect per worker


def test_async_client_endpoints_in_a_process_pool(api_app, no_leaks):
    import asyncio

    from gradio_nb import AsyncClient

    async def make():
        return await AsyncClient.connect(api_app.url, verbose=False)

    client = asyncio.run(make())
    try:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            assert pool.submit(run_async_endpoint, client.api.generate, "w").result() == "w x10"
    finally:
        asyncio.run(client.close())


def run_async_endpoint(ep, text):
    import asyncio

    return asyncio.run(ep(text))

