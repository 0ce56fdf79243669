"""Cancelling: queued jobs never run, generators stop, other jobs are never hurt."""

from __future__ import annotations

import time

import pytest

from gradio_nb import JobCancelledError, Status


def test_cancel_queued_job_returns_true_and_it_never_runs(client) -> None:
    running = client.submit(2, api_name="/slow")  # concurrency_limit=1
    while running.status().code is not Status.PROCESSING:
        time.sleep(0.02)
    queued = client.submit(0.1, api_name="/slow")
    while queued.status().code is not Status.IN_QUEUE:
        time.sleep(0.02)
    assert queued.cancel() is True
    assert queued.done() and queued.status().code is Status.CANCELLED
    with pytest.raises(JobCancelledError):
        queued.result()
    assert running.result(timeout=30) == "slept 2", "cancelling a queued job must not hurt another"
    assert queued.cancel() is False


def test_cancel_generator_stops_after_current_iteration(client) -> None:
    job = client.submit(20, api_name="/slow_gen")
    while len(job.outputs()) < 2:
        time.sleep(0.05)
    assert job.cancel()
    kept = job.outputs()
    time.sleep(1.2)
    assert job.outputs() == kept and len(kept) < 20
    assert list(job) == kept, "iterating a cancelled job ends without raising"


def test_cancelling_one_running_job_keeps_its_twin_alive(client) -> None:
    """Gradio cancels every running task of a (session, endpoint): each job needs its own session."""
    a = client.submit(20, api_name="/slow_gen_parallel")
    b = client.submit(6, api_name="/slow_gen_parallel")
    while not (a.outputs() and b.outputs()):
        time.sleep(0.05)
    assert a.session_hash != b.session_hash
    assert a.cancel() is True, "both jobs must be running when one is cancelled"
    assert b.result(timeout=30) == "tick 5"
    assert len(a.outputs()) < 20


def test_cancel_finished_job_is_false(client) -> None:
    job = client.submit("x", api_name="/echo")
    job.result(timeout=30)
    assert job.cancel() is False
