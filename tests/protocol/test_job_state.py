"""The job state table, driven by recorded streams and by hand-made message sequences."""

from __future__ import annotations

import pytest

from gradio_nb.client._exceptions import AppError, ServerStoppedError
from gradio_nb.client._protocol.job_state import (
    HIDDEN_ERROR_MESSAGE,
    IllegalTransition,
    JobState,
    Phase,
    Status,
)
from gradio_nb.client._protocol.messages import (
    Estimation,
    Log,
    ProcessCompleted,
    ProcessGenerating,
    ProcessStarts,
    Progress,
    ProgressUnit,
    UnexpectedError,
)

from .captures import streams
from .replay import replay


def _only(jobs: dict) -> object:
    assert len(jobs) == 1
    return next(iter(jobs.values()))


def test_plain_call_from_capture() -> None:
    job = _only(replay(streams("predict-simple")[0].body))
    assert job.order == ["Estimation", "ProcessStarts", "ProcessCompleted"]
    assert job.state.phase is Phase.DONE and job.state.success
    assert job.outputs == [[7]]


def test_gr_error_becomes_app_error_with_title() -> None:
    job = _only(replay(streams("error-gr-error")[0].body))
    assert isinstance(job.state.error, AppError)
    assert job.state.error.message == "This is a gr.Error message"
    assert job.state.error.title == "Custom title"
    assert job.state.error.duration == 5


def test_hidden_error_explains_show_error() -> None:
    first = next(iter(replay(streams("error-no-show-error")[0].body).values()))
    assert isinstance(first.state.error, AppError)
    assert first.state.error.message == HIDDEN_ERROR_MESSAGE


def test_progress_units_are_kept_while_logging_and_iterating() -> None:
    job = _only(replay(streams("progress")[0].body))
    assert "Progress" in job.order
    assert job.state.progress, "the latest progress must survive later messages"
    state = JobState()
    state.receive(ProcessStarts("e"), 0)
    state.receive(Progress("e", (ProgressUnit(index=1, length=4, unit="steps", desc="x"),)), 1)
    state.receive(Log("e", "hello"), 2)
    state.receive(ProcessGenerating("e", ["a"]), 3)
    assert state.code is Status.ITERATING
    assert state.progress[0].fraction == 0.25


def test_log_messages_from_capture() -> None:
    job = _only(replay(streams("info-log-warning")[0].body))
    logs = [(log.level, log.log, log.title, log.duration) for log in job.state.logs]
    assert logs == [
        ("info", "hello Ada", "Info", 10.0),
        ("warning", "careful!", "Heads up", 3.0),
        ("success", "done", "Success", None),
    ]


def test_queue_ranks_from_capture() -> None:
    body = streams("queue-full")[0].body
    jobs = replay(body)
    assert any("Estimation" in j.order for j in jobs.values())
    assert all(j.state.phase is Phase.DONE for j in jobs.values())


def test_cancelled_completion_is_cancelled_not_success() -> None:
    state = JobState()
    state.receive(Estimation("e", 1, 2, None), 0)
    assert state.receive(ProcessCompleted("e", True, {}), 1) is None
    assert state.cancelled and state.code is Status.CANCELLED and state.done


@pytest.mark.parametrize("capture", ["cancel-queued", "cancel-generator"])
def test_recorded_cancels_end_every_job(capture: str) -> None:
    for stream in streams(capture):
        for job in replay(stream.body).values():
            assert job.state.done or stream.end.startswith("<<< [end of body: connection closed")


def test_second_completion_is_ignored() -> None:
    state = JobState()
    state.receive(ProcessCompleted("e", True, {}), 0)
    assert state.receive(ProcessCompleted("e", True, {"data": [1]}), 1) is None
    assert state.cancelled and state.final_data is None


def test_illegal_transition_names_state_and_message() -> None:
    state = JobState()
    state.receive(ProcessStarts("e"), 0)
    with pytest.raises(IllegalTransition, match="ProcessStarts when the job is running"):
        state.receive(ProcessStarts("e"), 1)


def test_event_level_unexpected_error_fails_the_job() -> None:
    state = JobState()
    state.receive(UnexpectedError("e", "boom"), 0)
    assert isinstance(state.error, ServerStoppedError) and "boom" in str(state.error)


def test_status_ordering_matches_gradio_client() -> None:
    assert Status.STARTING < Status.IN_QUEUE < Status.PROCESSING < Status.PROGRESS
    assert Status.PROGRESS < Status.ITERATING < Status.FINISHED < Status.CANCELLED
    gradio_client = pytest.importorskip("gradio_client.utils")
    assert [s.value for s in Status] == [s.value for s in gradio_client.Status]


def test_local_fail_and_cancel_only_once() -> None:
    state = JobState()
    assert state.cancel(0) is True
    assert state.fail(RuntimeError("late"), 1) is False
    assert state.error is None
