"""Where a bad argument surfaces, compared with gradio_client 2.7.2 on the same Gradio 6.31 app.

gradio_client raises at submit() for a wrong api_name / fn_index and for a missing or unknown
argument; so do we, with the same builtin types (ours subclass them). A value that the endpoint's
schema rules out (or too many positional arguments) is sent by gradio_client and fails later, if
at all; we refuse it before anything is sent, but deliver it the same way: submit() returns a
Job, iterating it yields nothing, result() raises. predict() raises at once.
"""
from __future__ import annotations

import asyncio

import gradio_client
import pytest

from gradio_nb import ArgumentError, Client

AT_SUBMIT = {
    "missing argument": (lambda c: c.submit(api_name="/add"), TypeError,
                         "No value provided for required argument: a"),
    "unknown keyword": (lambda c: c.submit(a=1, bogus=2, api_name="/add"), TypeError,
                        "Parameter `bogus` is not a valid key-word argument"),
    "already positional": (lambda c: c.submit(1, a=2, api_name="/add"), TypeError,
                           "Parameter `a` is already set as a positional argument."),
    "wrong api_name": (lambda c: c.submit(1, api_name="/nope"), ValueError,
                       "Cannot find a function with `api_name`: /nope."),
    "no leading slash": (lambda c: c.submit(1, 2, api_name="add"), ValueError,
                         "Cannot find a function with `api_name`: add. Did you mean to use a leading slash?"),
    "wrong fn_index": (lambda c: c.submit(1, fn_index=999), ValueError, "Invalid function index: 999."),
}


@pytest.fixture(scope="module")
def reference(protocol_app):
    return gradio_client.Client(protocol_app.url, verbose=False, analytics_enabled=False)


@pytest.mark.parametrize("case", list(AT_SUBMIT))
def test_same_errors_at_submit_as_gradio_client(client, reference, case) -> None:
    call, builtin, phrase = AT_SUBMIT[case]
    with pytest.raises(builtin) as theirs:
        call(reference)
    assert str(theirs.value).startswith(phrase)
    with pytest.raises(builtin) as ours:
        call(client)
    assert str(ours.value).startswith(phrase), "our detail goes after gradio_client's words"


def test_a_value_the_schema_refuses_fails_the_job_not_submit(client) -> None:
    job = client.submit("x", "y", api_name="/add")  # /add takes numbers
    assert list(job) == []
    assert job.done() and job.outputs() == []
    with pytest.raises(ArgumentError, match="Invalid value for parameter `a`") as info:
        job.result(timeout=5)
    # caught as gradio_client code catches a bad call: ValueError (and TypeError)
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
    assert isinstance(job.exception(), ArgumentError)
    assert job.status().code.value == "FINISHED" and job.status().success is False
    assert job.event_id is None, "nothing may be sent"


def test_too_many_positional_arguments_fail_the_job_too(client, reference) -> None:
    """gradio_client sends them (the app drops the extras); we refuse them, through the job."""
    assert reference.submit(1, 2, 3, api_name="/add").result(timeout=30) == 3
    job = client.submit(1, 2, 3, api_name="/add")
    assert list(job) == [] and job.event_id is None
    with pytest.raises(ArgumentError, match=r"/add takes 2 argument\(s\) but 3 were given"):
        job.result(timeout=5)
    with pytest.raises(ArgumentError, match="takes 2 argument"):
        client.predict(1, 2, 3, api_name="/add")


def test_predict_raises_a_refused_value_at_once(client) -> None:
    with pytest.raises(ArgumentError, match="Invalid value for parameter `a`"):
        client.predict("x", "y", api_name="/add")


def test_async_submit_and_predict_do_the_same(protocol_app) -> None:
    from gradio_nb import AsyncClient

    async def main() -> None:
        async with await AsyncClient.connect(protocol_app.url, verbose=False) as client:
            job = await client.submit("x", "y", api_name="/add")
            with pytest.raises(ArgumentError):
                await job
            with pytest.raises(ArgumentError):
                await client.predict("x", "y", api_name="/add")

    asyncio.run(main())


def test_result_callbacks_are_not_called_for_a_refused_job(client) -> None:
    called: list = []
    job = client.submit("x", "y", api_name="/add", result_callbacks=[called.append])
    with pytest.raises(ArgumentError):
        job.result(timeout=5)
    assert client.predict(1, 2, api_name="/add") == 3
    assert called == []
