"""Faults on the event stream (queue/data), served by the scripted fault server.

Every test proves the same contract: the affected job ends with a clear gradio_nb error in a
bounded time, whichever way the user waits for it; other jobs carry on; the loop thread lives.
"""
from __future__ import annotations

import logging
import time

import pytest

from fault_fixtures import MODES, consume, consume_concurrently
from gradio_nb.client import _transport
from gradio_nb.client._exceptions import (
    ConnectionFailed,
    GradioNBError,
    ProtocolError,
    ServerStoppedError,
)

pytestmark = pytest.mark.usefixtures("loop_thread_alive")


@pytest.mark.parametrize("command", ["cut", "cut_clean", "session_lost"])
def test_stream_dropped_mid_job_fails_every_waiter_fast(fault_server, client_for, command):
    """The stream ends (aborted, cleanly ended, or session lost) while the server stays up."""
    client = client_for(fault_server.url)
    jobs = [client.submit(command, api_name="/echo") for _ in MODES]
    results = consume_concurrently(list(zip(jobs, MODES)), timeout=15)
    for mode, (kind, value), seconds in results:
        assert kind == "error", (mode, value)
        assert isinstance(value, ServerStoppedError), (mode, repr(value))
        assert "pending" in str(value) or "no longer knows" in str(value), str(value)
        assert seconds < 5, (mode, seconds)
    # The server is still up: the same client keeps working.
    assert client.predict("after", api_name="/echo") == "after"


def test_silent_stream_fails_after_the_stream_read_timeout(fault_server, client_for, monkeypatch):
    """Estimation, process_starts, then silence (no heartbeats): a dead stream, not a hang."""
    assert _transport.STREAM_READ_TIMEOUT is not None
    assert 15 < _transport.STREAM_READ_TIMEOUT <= 120  # > the 15 s heartbeat, yet finite
    monkeypatch.setattr(_transport, "STREAM_READ_TIMEOUT", 1.5)
    client = client_for(fault_server.url)
    start = time.monotonic()
    job = client.submit("hang", api_name="/echo")
    with pytest.raises(ConnectionFailed, match="read timeout"):
        job.result(timeout=20)
    assert time.monotonic() - start < 8


def test_server_stopped_notice_without_disconnect_fails_job_and_closes_stream(fault_server, client_for):
    """demo.close() in a live process: "Server stopped unexpectedly." repeats, the stream stays open
    (PROTOCOL.md §5.6). The job must fail on the first notice and the client must hang up."""
    client = client_for(fault_server.url)
    start = time.monotonic()
    job = client.submit("stopped_loop", api_name="/echo")
    with pytest.raises(ServerStoppedError, match="Server stopped unexpectedly"):
        job.result(timeout=15)
    assert time.monotonic() - start < 5
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(fault_server.open_streams.values()):
        time.sleep(0.1)
    assert not any(fault_server.open_streams.values()), "the client kept the dead stream open"


@pytest.mark.parametrize(
    "command, expected",
    [
        ("badjson", ProtocolError),
        ("notobject", ProtocolError),
        ("deep:100000", ProtocolError),  # deeper than json can decode (RecursionError inside)
        ("completed_nodata", ProtocolError),
        ("event_error", ServerStoppedError),  # unexpected_error for this event id
    ],
)
def test_malformed_message_fails_only_its_job(fault_server, client_for, command, expected):
    client = client_for(fault_server.url)
    bystander = client.submit("slow:1.5", api_name="/echo")
    start = time.monotonic()
    job = client.submit(command, api_name="/echo")
    with pytest.raises(expected) as info:
        job.result(timeout=15)
    assert time.monotonic() - start < 5
    assert str(info.value).strip(), "the error must say what happened"
    assert bystander.result(timeout=15) == "slow:1.5"
    assert client.predict("next", api_name="/echo") == "next"


def test_malformed_sse_lines_fail_clearly_or_are_ignored(fault_server, client_for):
    """Lines with no field, unknown fields, comments, an `event:` without `data:`."""
    client = client_for(fault_server.url)
    job = client.submit("badsse", api_name="/echo")
    kind, value = consume(job, "result")
    assert kind == "ok" and value == "badsse" or isinstance(value, ProtocolError), repr(value)


def test_sse_event_without_data_is_ignored(fault_server, client_for):
    """WHATWG SSE: an event whose data buffer is empty is not dispatched; the job carries on."""
    client = client_for(fault_server.url)
    assert client.predict("badsse", api_name="/echo") == "badsse"


@pytest.mark.parametrize("command", ["unknownmsg", "strayevent"])
def test_unknown_message_kinds_and_unknown_event_ids_are_ignored(fault_server, client_for, command, caplog):
    client = client_for(fault_server.url)
    with caplog.at_level(logging.DEBUG, logger="gradio_nb"):
        assert client.predict(command, api_name="/echo") == command
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_second_completion_for_an_event_is_ignored(fault_server, client_for):
    """PROTOCOL.md §9: an event can get two process_completed; the first one wins, once."""
    client = client_for(fault_server.url)
    calls = []
    job = client.submit("dup_completed", api_name="/echo")
    job.add_done_callback(lambda j: calls.append(j.result()))
    assert job.result(timeout=10) == "first"
    time.sleep(0.5)
    assert calls == ["first"]
    assert job.outputs() == ["first"]


def test_malformed_line_on_a_shared_stream_does_not_fail_the_other_job(fault_server, client_for):
    """State endpoints share the client's session stream: a bad line there cannot be pinned on one
    job, so no job may be failed by guesswork; the bystander must still finish.

    The server answers joins 0.5 s late, so the bad line (from the second job) reaches the open
    stream while the first job is the only registered one: what happens in a real race.
    """
    client = client_for(fault_server.url)
    other = client.submit("slow:3", api_name="/state_echo")
    time.sleep(1.0)
    fault_server.join_delay = 0.5
    bad = client.submit("badjson", api_name="/state_echo")
    kind, value = consume(bad, "result")
    assert (kind, value) == ("ok", "badjson") or isinstance(value, ProtocolError), repr(value)
    assert other.result(timeout=15) == "slow:3"


def test_session_level_error_on_shared_stream_fails_all_its_jobs(fault_server, client_for):
    client = client_for(fault_server.url)
    waiting = client.submit("slow:30", api_name="/state_echo")
    time.sleep(0.3)
    killer = client.submit("session_lost", api_name="/state_echo")
    start = time.monotonic()
    for job in (waiting, killer):
        with pytest.raises(ServerStoppedError):
            job.result(timeout=15)
    assert time.monotonic() - start < 5
    # a job on its own session was never affected
    assert client.predict("own", api_name="/echo") == "own"


def test_many_faulty_jobs_at_once_leave_the_client_usable(fault_server, client_for):
    client = client_for(fault_server.url)
    commands = ["cut", "badjson", "notobject", "session_lost", "event_error", "unknownmsg",
                "strayevent", "cut_clean", "completed_nodata", "ok"] * 5
    jobs = [client.submit(c, api_name="/echo") for c in commands]
    for command, job in zip(commands, jobs):
        kind, value = consume(job, "result")
        if command in ("unknownmsg", "strayevent", "ok"):
            assert (kind, value) == ("ok", command)
        else:
            assert kind == "error" and isinstance(value, GradioNBError), (command, repr(value))
    assert client.predict("still fine", api_name="/echo") == "still fine"
