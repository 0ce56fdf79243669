"""client.map / sweep / gradio_nb.map against a real Gradio 6.31 server (tests/apps/batch_app.py)."""
from __future__ import annotations

import asyncio
import itertools
import pickle

import pytest

import gradio_nb
from gradio_nb import AppError, ArgumentError, AsyncClient, Batch, ConfigError, Item, JobCancelledError
from batch_helpers import app_calls, reset_stats
from replicas import wait_for


def test_map_returns_at_once_and_results_come_in_input_order(client):
    batch = client.map(range(30), api_name="/square", progress=False)
    assert isinstance(batch, Batch) and len(batch) == 30
    assert batch.results(timeout=60) == [x * x for x in range(30)]
    assert batch.done()
    snap = batch.snapshot()
    assert (snap.done, snap.succeeded, snap.failed, snap.running, snap.finished) == (30, 30, 0, 0, True)


def test_items_are_dicts_tuples_or_bare_values(client):
    batch = client.map([2, (3,), (4, 0.0), {"x": 5}, {"x": 6, "delay": 0.0}], api_name="/square",
                       progress=False)
    assert batch.results(timeout=60) == [4, 9, 16, 25, 36]


def test_a_bad_item_fails_alone_with_predicts_message_before_anything_is_sent(client):
    reset_stats(client)
    batch = client.map([1, "not a number", {"y": 2}, 3], api_name="/square", progress=False)
    values = batch.results(timeout=60)
    assert values[0] == 1 and values[3] == 9
    with pytest.raises(ArgumentError) as from_predict:
        client.predict("not a number", api_name="/square")
    assert isinstance(values[1], ArgumentError) and str(values[1]) == str(from_predict.value)
    assert isinstance(values[2], ArgumentError) and "`y`" in str(values[2])
    assert [i.attempts for i in batch.failed] == [0, 0]
    assert app_calls(client) == 2  # the bad items never reached the app


def test_iteration_yields_items_as_they_finish(client):
    batch = client.map([{"x": 1, "delay": 1.0}, {"x": 2}, {"x": 3}], api_name="/square", progress=False)
    items = list(batch)
    assert all(isinstance(i, Item) for i in items)
    assert items[-1].index == 0  # the slow one finished last
    first = items[0]
    assert first.value == first.inputs["x"] ** 2 and first.error is None and first.attempts == 1
    assert not first.cached and first.elapsed > 0
    slow = items[-1]
    assert slow.elapsed >= 1.0


def test_errors_collect_records_app_errors_without_retrying_them(client):
    batch = client.map([1, -1, 2], api_name="/square", progress=False)
    values = batch.results(timeout=60)
    assert values[0] == 1 and values[2] == 4 and isinstance(values[1], AppError)
    (failed,) = batch.failed
    assert failed.index == 1 and failed.attempts == 1 and "negative input" in str(failed.error)
    assert batch.error is None


def test_errors_raise_stops_at_the_first_failure_and_cancels_the_rest(client):
    inputs = itertools.chain([{"x": -1}], ({"x": i, "delay": 5.0} for i in itertools.count()))
    batch = client.map(inputs, api_name="/square", concurrency=3, errors="raise", progress=False)
    with pytest.raises(AppError, match="negative input"):
        batch.results(timeout=30)
    assert batch.done()
    snap = batch.snapshot()
    assert snap.running == 0 and snap.read <= 4  # the generator was not read on
    assert all(isinstance(i.error, (AppError, JobCancelledError)) for i in batch.failed)


def test_concurrency_is_a_hard_cap_on_jobs_in_flight(client):
    reset_stats(client)
    batch = client.map(({"x": i, "delay": 0.2} for i in range(12)), api_name="/square",
                       concurrency=3, progress=False)
    assert batch.results(timeout=60) == [i * i for i in range(12)]
    stats = client.predict(api_name="/stats")
    assert stats["n"] == 12 and stats["max_in_flight"] == 3


def test_a_generator_is_read_lazily(client):
    read = []

    def inputs():
        for i in range(10_000):
            read.append(i)
            yield {"x": i, "delay": 0.5 if i < 2 else 0.0}

    batch = client.map(inputs(), api_name="/square", concurrency=2, progress=False)
    first = next(iter(batch))
    assert first.index in (0, 1)
    assert len(read) <= 4  # only what fits in the window, not the 10,000
    batch.cancel()
    assert batch.done()
    with pytest.raises(TypeError, match="unknown"):
        len(client.map((i for i in range(1)), api_name="/square", progress=False))


def test_a_batch_shares_one_session_for_a_stateless_endpoint(client):
    batch = client.map([f"t{i}" for i in range(8)], api_name="/whoami", concurrency=4, progress=False)
    hashes = batch.results(timeout=60)
    assert len(set(hashes)) == 1
    single = [client.submit("x", api_name="/whoami") for _ in range(2)]
    assert hashes[0] not in {job.result() for job in single}  # plain submit keeps its own sessions


def test_each_item_of_a_state_endpoint_starts_from_the_initial_state(client):
    batch = client.map(["a", "b", "c"], api_name="/tally", progress=False)
    assert batch.results(timeout=60) == [1, 1, 1]
    # the client's own session is untouched by the batch
    assert client.predict("z", api_name="/tally") == 1
    assert client.predict("z", api_name="/tally") == 2


def test_sweep_is_the_cartesian_product_with_defaults(client):
    batch = client.sweep(api_name="/describe", text=["a", "b"], n=[1, 2], shout=True, progress=False)
    assert len(batch) == 4
    assert batch.results(timeout=60) == [("A", 1), ("A A", 3), ("B", 1), ("B B", 3)]
    default = client.sweep(api_name="/describe", text=["q"], progress=False)
    assert default.results(timeout=60) == [("q", 1)]  # n and shout keep the app's defaults
    with pytest.raises(ArgumentError, match="no parameter"):
        client.sweep(api_name="/describe", txt=["a"])


def test_to_pandas_has_inputs_outputs_and_status_columns(client):
    pd = pytest.importorskip("pandas")
    batch = client.map([{"text": "ab", "n": 2}, {"text": "c"}], api_name="/describe", progress=False)
    batch.results(timeout=60)
    frame = batch.to_pandas()
    assert list(frame.columns) == ["text", "n", "shout", "said", "length", "status", "error",
                                   "elapsed_s", "attempts", "cached"]
    assert frame["said"].tolist() == ["ab ab", "c"] and frame["status"].tolist() == ["done", "done"]
    df = pd.DataFrame({"text": ["x", "y"], "n": [2, 1]})
    assert client.map(df, api_name="/describe", progress=False).results(timeout=60) == [("x x", 3), ("y", 1)]
    with pytest.raises(ArgumentError, match=r"\['text', 'n', 'shout'\]"):
        client.map(pd.DataFrame({"txt": ["x"]}), api_name="/describe")


def test_an_output_named_like_a_column_of_ours_keeps_its_value(client):
    pytest.importorskip("pandas")
    batch = client.map(["a", ""], api_name="/verdict", progress=False)
    batch.results(timeout=60)
    frame = batch.to_pandas()
    assert list(frame.columns) == ["text", "status (output)", "status", "error", "elapsed_s",
                                   "attempts", "cached"]
    assert frame["status (output)"].tolist() == ["fine", "empty"]
    assert frame["status"].tolist() == ["done", "done"]


def test_to_pandas_without_pandas_names_the_extra(client, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real_import(name, *args, **kwargs)

    batch = client.map([1], api_name="/square", progress=False)
    batch.results(timeout=60)
    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ConfigError, match=r"gradio_nb\[pandas\]"):
        batch.to_pandas()


def test_cancel_ends_pending_items_and_keeps_finished_ones(client):
    batch = client.map([{"x": 1}] + [{"x": i, "delay": 30.0} for i in range(2, 6)], api_name="/square",
                       concurrency=2, progress=False)
    first = next(iter(batch))
    assert first.value == 1
    assert batch.cancel() is True
    assert batch.done()
    values = batch.results(timeout=10)
    assert values[0] == 1
    assert all(isinstance(v, JobCancelledError) for v in values[1:])
    assert batch.cancel() is False


def test_retry_failed_runs_only_the_failed_items_again(client):
    batch = client.map([1, -2, 3, -4], api_name="/square", progress=False)
    batch.results(timeout=60)
    again = batch.retry_failed()
    assert len(again) == 2
    values = again.results(timeout=60)
    assert all(isinstance(v, AppError) for v in values)
    assert [i.inputs["x"] for i in again.failed] == [-2, -4]


def test_batches_do_not_pickle(client):
    batch = client.map([1], api_name="/square", progress=False)
    with pytest.raises(TypeError, match="the inputs"):
        pickle.dumps(batch)
    batch.results(timeout=60)


def test_bad_options_are_refused_at_once(client):
    with pytest.raises(ConfigError, match="errors="):
        client.map([1], api_name="/square", errors="ignore")
    with pytest.raises(ConfigError, match="concurrency"):
        client.map([1], api_name="/square", concurrency=0)
    with pytest.raises(ArgumentError, match="iterable"):
        client.map("abc", api_name="/square")
    with pytest.raises(gradio_nb.EndpointNotFoundError):
        client.map([1], api_name="/nope")


def test_snapshots_and_listeners_follow_the_batch(client):
    seen = []
    batch = client.map(range(5), api_name="/square", progress=False)
    remove = batch.add_listener(seen.append)
    batch.results(timeout=60)
    remove()
    final = batch.snapshot()
    assert final.finished and final.done == 5 and final.eta == 0.0 and final.throughput
    assert not seen or seen[-1].done <= 5


def test_async_client_map_await_and_async_for(batch_app):
    async def main():
        async with await AsyncClient.connect(batch_app.url, verbose=False) as client:
            batch = await client.map(range(6), api_name="/square", progress=False)
            values = await batch
            again = await client.map(range(3), api_name="/square", progress=False)
            items = [item async for item in again]
            sweep = await client.sweep(api_name="/describe", text=["a"], n=[1, 3], progress=False)
            return values, sorted(i.value for i in items), await sweep

    values, items, sweep = asyncio.run(main())
    assert values == [0, 1, 4, 9, 16, 25] and items == [0, 1, 4]
    assert sweep == [("a", 1), ("a a a", 5)]


def test_progress_bar_shows_done_total_and_failures(client, capsys):
    batch = client.map([1, -1, 2], api_name="/square")
    batch.results(timeout=60)
    err = capsys.readouterr().err
    assert "3/3" in err and "failed=1" in err


def test_cancel_gives_every_unread_input_of_a_list_a_cancelled_slot(client):
    batch = client.map([{"x": i, "delay": 30.0} for i in range(10)], api_name="/square",
                       concurrency=2, progress=False)
    batch.cancel()
    values = batch.results(timeout=10)
    assert len(values) == len(batch) == 10
    assert all(isinstance(v, JobCancelledError) for v in values)
    assert all(i.status == "cancelled" for i in batch.items)
    again = batch.retry_failed()  # the inputs as given, bound or not
    again.cancel()
    assert [i.inputs["x"] for i in again.items] == list(range(10))


def test_cancelling_one_queued_item_leaves_the_others_of_the_batch_alone(client):
    """PROTOCOL.md §9: the batch's jobs share a session, and a cancel under that session would
    kill its running job; a queued item is cancelled under a hash that owns no task."""
    reset_stats(client)
    batch = client.map([{"x": i, "delay": 1.5} for i in (1, 2, 3)], api_name="/one_at_a_time",
                       concurrency=3, progress=False)
    driver = batch._driver

    def phases():
        jobs = {i: p.job for i, p in driver._pending.items() if p.job is not None}
        if len(jobs) < 3:
            return None
        running = [i for i, j in jobs.items() if j.snapshot().processing_at is not None]
        queued = [i for i, j in jobs.items() if j.snapshot().code.name == "IN_QUEUE"]
        return (running, queued) if len(running) == 1 and len(queued) == 2 else None

    running, queued = wait_for(phases, timeout=30, what="one item running, two queued")
    assert driver._pending[queued[0]].job.cancel() is True
    values = batch.results(timeout=60)
    assert isinstance(values[queued[0]], JobCancelledError)
    for index in (running[0], queued[1]):
        assert values[index] == (index + 1) ** 2
    assert app_calls(client) == 2  # the cancelled item never ran; the running one was not killed
