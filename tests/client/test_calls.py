"""Calling endpoints of a real Gradio 6.31 app: values, generators, State, errors."""

from __future__ import annotations

import asyncio

import pytest

from gradio_nb import (
    AppError,
    ArgumentError,
    AsyncClient,
    Client,
    EndpointNotFoundError,
    OutputUpdate,
    Status,
    StatusUpdate,
    ValidationError,
)


def test_positional_keyword_and_defaults(client) -> None:
    assert client.predict("hi", api_name="/echo") == "hi"
    assert client.predict(a=1, api_name="/add") == 11
    assert client.predict(1, b=2, api_name="/add") == 3


def test_unnamed_lambda_and_queue_false(client) -> None:
    assert client.predict("abc", api_name="/lambda") == "cba"
    assert client.predict("x", api_name="/no_queue") == "x"


def test_undocumented_endpoint_gets_keywords_after_loading_full_info(client) -> None:
    assert client.predict("x", api_name="/undocumented") == "x"
    assert client.predict(text="y", api_name="/undocumented") == "y"


def test_errors_raise_before_anything_is_sent(client) -> None:
    with pytest.raises(ArgumentError, match="required argument: text"):
        client.predict(api_name="/echo")
    with pytest.raises(EndpointNotFoundError, match="leading slash"):
        client.predict("x", api_name="echo")
    with pytest.raises(EndpointNotFoundError, match="multiple endpoints"):
        client.predict("x")
    with pytest.raises(ValueError):  # gradio_client raised ValueError: still catchable so
        client.predict("x", api_name="/secret")


def test_generator_outputs_iteration_and_result(client) -> None:
    job = client.submit(4, 0.05, api_name="/count")
    assert list(job) == ["0", "01", "012", "0123"]
    assert job.outputs() == ["0", "01", "012", "0123"]
    assert job.result() == "0123"
    assert job.status().code is Status.FINISHED and job.status().success


def test_plain_call_outputs_hold_the_final_value(client) -> None:
    job = client.submit("v", api_name="/echo")
    assert job.result(timeout=30) == "v"
    assert job.outputs() == ["v"] and job.done()


def test_progress_and_logs_are_exposed(client) -> None:
    seen: list[Status] = []
    job = client.submit(3, api_name="/progress")
    job.add_listener(lambda snap: seen.append(snap.code))
    assert job.result(timeout=60) == "did 3 steps"
    assert Status.PROGRESS in seen
    units = job.snapshot().progress
    assert units and units[0].desc == "looping" and units[0].length == 3
    logs = client.submit("Ada", api_name="/notify")
    logs.result(timeout=30)
    assert [(m.level, m.log) for m in logs.logs] == [
        ("info", "hello Ada"), ("warning", "careful!"), ("success", "done")]


def test_app_errors(client, protocol_app_show_error) -> None:
    with pytest.raises(AppError) as info:
        client.predict("x", api_name="/fail_gr_error")
    assert info.value.title == "Custom title" and info.value.duration == 5
    with pytest.raises(AppError, match="show_error=True"):
        client.predict("x", api_name="/fail_exception")
    with Client(protocol_app_show_error.url, verbose=False) as shown:
        with pytest.raises(AppError, match="plain exception detail"):
            shown.predict("x", api_name="/fail_exception")


def test_generator_error_after_yields_keeps_outputs_and_raises_on_iteration(client) -> None:
    job = client.submit("x", api_name="/fail_in_gen")
    with pytest.raises(AppError):
        list(job)
    assert job.outputs() == ["first", "second"]


def test_validator_422(client) -> None:
    with pytest.raises(ValidationError, match="2 parameter\\(s\\) failed validation"):
        client.predict("", -1, api_name="/validated")
    assert client.predict("Ada", 3, api_name="/validated") == "Ada is 3"


def test_state_is_kept_per_client_and_reset(protocol_app) -> None:
    with Client(protocol_app.url, verbose=False) as a, Client(protocol_app.url, verbose=False) as b:
        a.predict("one", api_name="/remember")
        assert a.predict("two", api_name="/remember") == '["one", "two"]'
        assert a.predict(api_name="/peek") == '["one", "two"]'
        assert b.predict(api_name="/peek") == "[]"
        a.reset_session()
        assert a.predict(api_name="/peek") == "[]"


def test_diff_quirk_matches_gradio_client(client) -> None:
    job = client.submit(api_name="/table")
    assert job.result()["data"] == [[1], [4]]
    assert job.outputs()[-1]["data"] == [[3], [7, 8, 9]]


def test_json_that_looks_like_a_file_is_not_downloaded(client) -> None:
    assert client.predict(api_name="/json_path") == {"path": "not/a/real/file.txt", "note": "just data"}


def test_chatbot_streaming(client) -> None:
    job = client.submit("hi", [], api_name="/chat")
    final = job.result(timeout=30)
    assert final[-1]["role"] == "assistant"
    assert final[-1]["content"][0]["text"] == "Hello there, you said: hi"
    assert len(job.outputs()) >= 5


def test_async_client_await_and_async_for(protocol_app) -> None:
    async def main() -> tuple:
        async with await AsyncClient.connect(protocol_app.url, verbose=False) as client:
            value = await client.predict("async", api_name="/echo")
            job = await client.submit(3, 0.05, api_name="/count")
            updates = [u async for u in job]
            return value, updates, await job

    value, updates, final = asyncio.run(main())
    assert value == "async" and final == "012"
    outputs = [u.outputs for u in updates if isinstance(u, OutputUpdate) and not u.final]
    assert outputs == ["0", "01", "012"]
    assert updates[-1].final and updates[-1].success and updates[-1].outputs == "012"
    assert any(isinstance(u, StatusUpdate) for u in updates)


def test_sync_client_inside_a_running_event_loop(protocol_app) -> None:
    async def main() -> str:
        with Client(protocol_app.url, verbose=False) as client:  # blocking, but allowed
            return client.predict("inside", api_name="/echo")

    assert asyncio.run(main()) == "inside"


def test_many_concurrent_submits_come_back_in_order(client) -> None:
    jobs = [client.submit(str(i), api_name="/echo") for i in range(60)]
    assert [j.result(timeout=60) for j in jobs] == [str(i) for i in range(60)]


def test_result_callbacks_run_with_the_values(client) -> None:
    import threading

    got: list = []
    done = threading.Event()
    job = client.submit(1, 2, api_name="/add", result_callbacks=[lambda v: (got.append(v), done.set())])
    job.result(timeout=30)
    assert done.wait(10) and got == [3]


def test_repr_is_the_view_api_text(client, capsys) -> None:
    text = client.view_api(print_info=False, return_format="str")
    assert repr(client) == text and text.startswith("Client.predict() Usage Info")
    client.view_api()
    assert capsys.readouterr().out.strip() == text.strip()
