"""Job is a real concurrent.futures.Future, as gradio_client's: wait(), as_completed(),
add_done_callback(), running(), cancelled(), exception() behave as for any future, compared
with gradio_client 2.7.2 on the same Gradio 6.31 app where its Job works, and as the Future
contract says where it does not (cancelled jobs; wait/as_completed, which it breaks)."""
from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import gradio_client
import pytest

from gradio_nb import AppError, Client, Job, JobCancelledError, JobTimeoutError
from gradio_nb.client import _loop
from replicas import wait_for


def future_api(job) -> dict:
    """What the Future API says about ``job`` right now."""
    try:
        error = job.exception(timeout=0)
        exception = None if error is None else type(error).__name__
    except TimeoutError:
        exception = "raises TimeoutError"
    return {"done": job.done(), "running": job.running(), "cancelled": job.cancelled(),
            "exception": exception}


def states_seen(client) -> dict:
    """The Future API of a running, a queued, a finished and a failed job of ``client``."""
    running = client.submit(3, api_name="/slow")  # concurrency_limit=1
    wait_for(lambda: running.status().code.value == "PROCESSING", timeout=30, what="running")
    queued = client.submit(0.1, api_name="/slow")
    wait_for(lambda: queued.status().code.value == "IN_QUEUE", timeout=30, what="queued")
    seen = {"running": future_api(running), "queued": future_api(queued)}
    queued.result(timeout=60)
    seen["finished"] = future_api(queued)
    failed = client.submit("x", api_name="/fail_gr_error")
    with pytest.raises(Exception):
        failed.result(timeout=30)
    seen["failed"] = future_api(failed)
    return seen


def test_future_api_in_each_state_matches_gradio_client(protocol_app) -> None:
    reference = gradio_client.Client(protocol_app.url, verbose=False, analytics_enabled=False)
    expected = states_seen(reference)
    with Client(protocol_app.url, verbose=False) as client:
        assert states_seen(client) == expected
    assert expected["queued"] == {"done": False, "running": True, "cancelled": False,
                                  "exception": "raises TimeoutError"}
    assert expected["failed"]["exception"] == "AppError"


def test_a_job_is_a_future(client) -> None:
    job = client.submit("hi", api_name="/echo")
    assert isinstance(job, concurrent.futures.Future) and isinstance(job, Job)
    assert job.result(timeout=30) == "hi"


def test_wait_and_as_completed_over_jobs(client) -> None:
    jobs = [client.submit(f"m{i}", api_name="/echo") for i in range(5)]
    done, not_done = concurrent.futures.wait(jobs, timeout=60)
    assert done == set(jobs) and not not_done
    jobs = [client.submit(f"n{i}", api_name="/echo") for i in range(5)]
    finished = list(concurrent.futures.as_completed(jobs, timeout=60))
    assert sorted(j.result() for j in finished) == [f"n{i}" for i in range(5)]
    assert set(finished) == set(jobs)


def test_wait_first_completed_wakes_on_a_cancelled_job(client) -> None:
    """A cancelled job notifies wait()/as_completed() waiters (CANCELLED_AND_NOTIFIED)."""
    long = client.submit(20, api_name="/slow_gen")
    wait_for(lambda: long.outputs(), timeout=30, what="first output")
    result: dict = {}
    waiter = threading.Thread(target=lambda: result.update(
        zip(("done", "not_done"), concurrent.futures.wait([long], timeout=60,
                                                          return_when=concurrent.futures.FIRST_COMPLETED))))
    waiter.start()
    assert long.cancel() is True
    waiter.join(60)
    assert result["done"] == {long} and not result["not_done"]
    assert [long] == list(concurrent.futures.as_completed([long], timeout=5))


def test_a_cancelled_job_is_a_cancelled_future(client) -> None:
    """Deliberately unlike gradio_client (whose cancelled job says cancelled() False and
    exception() KeyError): the Future contract, with our JobCancelledError (a CancelledError)."""
    job = client.submit(20, api_name="/slow_gen")
    wait_for(lambda: job.outputs(), timeout=30, what="first output")
    assert job.running() and not job.cancelled()
    assert job.cancel() is True
    assert job.cancelled() and job.done() and not job.running()
    with pytest.raises(JobCancelledError, match="was cancelled"):
        job.result()
    with pytest.raises(concurrent.futures.CancelledError):
        job.exception()

    async def awaited():
        return await job

    # not asyncio.CancelledError, which would mean "the awaiting task was cancelled"
    with pytest.raises(JobCancelledError):
        asyncio.run(awaited())


def test_result_timeout_is_a_timeout_error(client) -> None:
    job = client.submit(1, api_name="/slow")
    with pytest.raises(JobTimeoutError) as info:
        job.result(timeout=0.01)
    assert isinstance(info.value, TimeoutError) and "still running" in str(info.value)
    with pytest.raises(TimeoutError):
        job.exception(timeout=0.01)
    assert job.result(timeout=60) == "slept 1"


def test_done_callbacks_get_the_job_off_the_loop_thread_and_may_block(client) -> None:
    """gradio_client runs done callbacks in a worker thread, where they may block (even call
    predict); ours must not run on the loop thread, which every job needs."""
    seen: list = []
    finished = threading.Event()

    def callback(job) -> None:
        seen.append((job, _loop.in_loop_thread(), job.result(), client.predict("again", api_name="/echo")))
        finished.set()

    job = client.submit("hi", api_name="/echo")
    job.add_done_callback(callback)
    assert finished.wait(60)
    assert seen == [(job, False, "hi", "again")]
    # added once the job is done: called at once, in the caller's thread, as Future does
    late: list = []
    job.add_done_callback(lambda j: late.append((j, threading.current_thread())))
    assert late == [(job, threading.current_thread())]


def test_done_callback_of_a_failed_job(client) -> None:
    errors: list = []
    finished = threading.Event()
    job = client.submit("x", api_name="/fail_gr_error")
    job.add_done_callback(lambda j: (errors.append(j.exception()), finished.set()))
    assert finished.wait(60)
    assert isinstance(errors[0], AppError)
