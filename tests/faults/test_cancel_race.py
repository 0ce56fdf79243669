"""cancel() racing the job's completion: its return value must tell the truth.

A listener (run on the loop thread) holds the loop for a moment right after the final message was
applied to the job's state but before the job's future is resolved; the test thread calls
``cancel()`` exactly then. Found by the 1,000-job load test (a job whose cancel() returned True
ended with its normal result).
"""
from __future__ import annotations

import threading
import time

import pytest

from gradio_nb.client._exceptions import JobCancelledError
from gradio_nb.client._protocol.job_state import Status


def test_cancel_that_loses_the_race_returns_false(fault_server, client_for):
    client = client_for(fault_server.url)
    job = client.submit("slow:0.5", api_name="/echo")
    final_applied = threading.Event()

    def listener(snapshot):
        if snapshot.code is Status.FINISHED and not final_applied.is_set():
            final_applied.set()
            time.sleep(0.5)  # the loop thread is between "state done" and "future resolved"

    job.add_listener(listener)
    assert final_applied.wait(15)
    returned = job.cancel()
    if returned:
        with pytest.raises(JobCancelledError):
            job.result(timeout=10)
    else:
        assert job.result(timeout=10) == "slow:0.5"
        assert job.status().code is Status.FINISHED
