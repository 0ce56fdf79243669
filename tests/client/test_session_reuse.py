"""Job sessions: never two jobs in flight on one, reused once a job has ended cleanly."""

from __future__ import annotations

import time

import pytest

from gradio_nb import JobCancelledError


def _ran(job) -> str:
    job.result(timeout=30)
    return job.session_hash


def test_sequential_calls_reuse_sessions(client) -> None:
    # a session is free again once its stream has ended, which may be just after the result:
    # back-to-back calls then alternate between two sessions instead of making one per call
    hashes = {_ran(client.submit(f"x{i}", api_name="/echo")) for i in range(10)}
    assert len(hashes) <= 2


def test_jobs_in_flight_never_share_a_session(client) -> None:
    jobs = [client.submit(0.05, api_name="/slow") for _ in range(6)]
    assert [job.result(timeout=60) for job in jobs] == ["slept 0.05"] * 6
    hashes = [job.session_hash for job in jobs]
    assert len(set(hashes)) == 6
    time.sleep(0.5)  # let the six streams end
    # all six came back clean: a new burst reuses them instead of making six more
    again = [client.submit(f"y{i}", api_name="/echo") for i in range(6)]
    assert {_ran(job) for job in again} <= set(hashes)


def test_a_cancelled_jobs_session_is_never_reused(client) -> None:
    job = client.submit(20, api_name="/slow_gen")
    deadline = time.monotonic() + 30
    while not job.outputs() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job.cancel() is True
    with pytest.raises(JobCancelledError):
        job.result(timeout=30)
    later = {_ran(client.submit(f"z{i}", api_name="/echo")) for i in range(3)}
    assert job.session_hash not in later


def test_a_failed_jobs_session_is_reused_when_the_app_reported_the_failure(client) -> None:
    from gradio_nb import AppError

    failing = client.submit("boom", api_name="/fail_exception")
    with pytest.raises(AppError):
        failing.result(timeout=30)
    # an app error is a normal end of the event: the session is clean
    time.sleep(0.5)  # let its stream end
    assert _ran(client.submit("ok", api_name="/echo")) == failing.session_hash
