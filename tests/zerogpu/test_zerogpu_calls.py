"""Single calls against the ZeroGPU stand-in (zerogpu_app.py, a real Gradio 6.31 app).

Each test is its own visitor (a fresh token or x-ip-token), so quotas never leak between tests;
refusals are made certain by asking for more GPU seconds than a window holds, never by timing.
"""
from __future__ import annotations

import asyncio
import re
import time
import uuid
import warnings
from datetime import timedelta
from pathlib import Path

import pytest

from gradio_nb import (
    AppError,
    AsyncClient,
    Client,
    JobCancelledError,
    ZeroGPUQuotaError,
    ZeroGPUUnavailableError,
)
from gradio_nb.client._exceptions import ZeroGPUTokenWarning

HERE = Path(__file__).resolve().parent
QUOTA, WINDOW = 3, 4  # GPU seconds per window, window seconds (the stand-in's defaults)


@pytest.fixture(scope="module")
def standin(gradio_server):
    return gradio_server(str(HERE / "zerogpu_app.py"))


def _token() -> str:
    return f"hf_test{uuid.uuid4().hex}"


@pytest.fixture
def connect(standin):
    clients = []

    def make(**kwargs) -> Client:
        client = Client(standin.url, verbose=False, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _ledger(client: Client, who: str) -> list[str]:
    return [row["outcome"] for row in client.predict(api_name="/ledger") if row["who"] == who]


def test_quota_error_is_raised_at_once_with_its_figures_and_advice(connect):
    token = _token()
    client = connect(headers={"authorization": f"Bearer {token}"})
    with pytest.raises(ZeroGPUQuotaError) as caught:
        client.predict("a dog", QUOTA + 1, api_name="/generate")  # more than a whole window
    error = caught.value
    assert isinstance(error, AppError)
    assert (error.requested_s, error.left_s, error.reason, error.title) == (4, 3, "quota", "ZeroGPU quota exceeded")
    assert timedelta(0) < error.retry_after <= timedelta(seconds=WINDOW)
    app_text = f"You have exceeded your free ZeroGPU quota (4s requested vs. 3s left). Try again in {error.retry_after}."
    assert error.app_message.startswith(app_text)
    lines = str(error).splitlines()
    assert lines[0] == error.app_message  # the app's text first, then what to do
    assert re.fullmatch(r"The quota allows this call again at \d\d:\d\d:\d\d \(in 0:00:0\d\)\.", lines[1])
    assert "token=" not in str(error)  # a token was sent: no advice to send one
    assert "Client.duplicate(" in lines[-1]
    assert token not in str(error)
    # submit() too: the job fails with the same error, no waiting for the quota.
    job = client.submit("a bird", QUOTA + 1, api_name="/generate")
    with pytest.raises(ZeroGPUQuotaError):
        job.result(timeout=60)
    assert _ledger(client, f"token:{token}") == ["ZeroGPU quota exceeded"] * 2


def test_a_caller_without_token_is_told_to_send_one(connect):
    client = connect(headers={"x-ip-token": f"ip-{uuid.uuid4().hex}"})  # a visitor, no HF token
    with pytest.raises(ZeroGPUQuotaError) as caught:
        client.predict("a cat", QUOTA + 1, api_name="/generate")
    assert caught.value.app_message.startswith("You have exceeded your ZeroGPU quota (4s requested vs. 3s left).")
    assert "token=" not in str(caught.value)  # the x-ip-token is who pays: a token is not the fix
    anonymous = connect()
    with pytest.raises(ZeroGPUQuotaError) as caught:
        anonymous.predict("a cat", QUOTA + 1, api_name="/generate")
    error = caught.value
    assert (error.reason, error.retry_after, error.requested_s) == ("space_limit", None, None)
    assert error.app_message.startswith("Space app has reached its GPU limit.")
    assert 'Client(src, token="hf_...")' in str(error) and "again at" not in str(error)


def test_older_wording_without_title_is_a_quota_error(connect):
    client = connect(headers={"authorization": f"Bearer {_token()}"})
    with pytest.raises(ZeroGPUQuotaError) as caught:
        client.predict("a cat", QUOTA + 2, api_name="/generate_old")
    error = caught.value
    assert (error.requested_s, error.left_s, error.title) == (5, 3, "ZeroGPU quota exceeded")
    assert timedelta(0) < error.retry_after <= timedelta(seconds=WINDOW)
    assert error.app_message.startswith("You have exceeded your GPU quota (3s left vs. 5s requested).")


def test_illegal_duration_stays_a_plain_app_error(connect):
    client = connect(headers={"authorization": f"Bearer {_token()}"})
    with pytest.raises(AppError) as caught:
        client.predict("a cat", 600, api_name="/generate")
    assert not isinstance(caught.value, (ZeroGPUQuotaError, ZeroGPUUnavailableError))
    assert caught.value.title == "ZeroGPU illegal duration"


@pytest.mark.parametrize("kind", ["no_gpu", "queue_timeout", "pending_credits"])
def test_transient_refusals_are_retried_with_retries(connect, kind):
    key = f"{kind}-{uuid.uuid4().hex}"
    client = connect(retries=3)
    job = client.submit(key, 2, kind, api_name="/flaky")
    assert job.result(timeout=120) == f"{key}: ok after 2 refusals"
    assert _ledger(client, key) == [_title(kind), _title(kind), "ok"]
    notes = [entry.log for entry in job.logs if "Retry" in entry.log]
    assert [re.search(r"Retry (\d) of 3", n)[1] for n in notes] == ["1", "2"], notes


def _title(kind: str) -> str:
    return {"no_gpu": "ZeroGPU client error", "queue_timeout": "ZeroGPU queue timeout",
            "pending_credits": "ZeroGPU pending credits exceeded"}[kind]


def test_transient_refusals_without_retries_or_past_them_raise(connect):
    key = f"none-{uuid.uuid4().hex}"
    with pytest.raises(ZeroGPUUnavailableError) as caught:
        connect().predict(key, 1, "no_gpu", api_name="/flaky")
    assert caught.value.reason == "no_gpu" and "Client(src, retries=3)" in str(caught.value)
    key = f"past-{uuid.uuid4().hex}"
    client = connect(retries=1)
    with pytest.raises(ZeroGPUUnavailableError) as caught:
        client.predict(key, 5, "queue_timeout", api_name="/flaky")
    assert "(retried 1 time)" in str(caught.value)
    assert _ledger(client, key) == ["ZeroGPU queue timeout"] * 2  # one call, one retry, no more


def test_async_client_raises_the_same_errors(standin):
    async def main():
        client = await AsyncClient.connect(standin.url, verbose=False, retries=2,
                                           headers={"authorization": f"Bearer {_token()}"})
        try:
            with pytest.raises(ZeroGPUQuotaError):
                await client.predict("a cat", QUOTA + 1, api_name="/generate")
            key = f"async-{uuid.uuid4().hex}"
            assert await client.predict(key, 1, "no_gpu", api_name="/flaky") == f"{key}: ok after 1 refusals"
        finally:
            await client.close()

    asyncio.run(main())


def test_cancel_during_a_retry_wait_ends_the_job_without_another_call(connect, monkeypatch):
    from gradio_nb.client import _app

    # The third retry waits an hour: only the cancel can end that wait.
    monkeypatch.setattr(_app, "_backoff", lambda attempt, hint=None: 3600.0 if attempt >= 2 else 0.1)
    key = f"cancel-{uuid.uuid4().hex}"
    client = connect(retries=6)
    job = client.submit(key, 50, "no_gpu", api_name="/flaky")
    _wait_for(lambda: job.done() or any("Retry 3 of 6" in entry.log for entry in job.logs))
    assert job.cancel() is True
    assert job.snapshot().cancelled
    with pytest.raises(JobCancelledError):
        job.result(timeout=10)
    _wait_for(lambda: not client._app._tasks)  # the wait ended, without a fourth call
    assert _ledger(client, key) == ["ZeroGPU client error"] * 3


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not true within {timeout} s: {predicate}"
        time.sleep(0.02)


def test_zerogpu_queue_lines_reach_the_job_logs(connect):
    client = connect(headers={"authorization": f"Bearer {_token()}"})
    job = client.submit("a cat", 1, api_name="/generate")
    job.result(timeout=60)
    assert [(e.title, e.log) for e in job.logs] == [
        ("ZeroGPU queue", "Waiting for a GPU to become available"),
        ("ZeroGPU queue", "Successfully acquired a GPU"),
    ]


def test_rejected_token_warns_without_showing_it(connect):
    token = f"hf_bad{uuid.uuid4().hex}"
    client = connect(headers={"authorization": f"Bearer {token}"})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        job = client.submit("a cat", 1, api_name="/generate")
        assert job.result(timeout=60) == "painted a cat (1s of GPU)"
    ours = [w for w in seen if issubclass(w.category, ZeroGPUTokenWarning)]
    assert len(ours) == 1, [str(w.message) for w in seen]
    text = str(ours[0].message)
    assert "did not accept the Hugging Face token sent with /generate (token *** is not valid)" in text
    # The stand-in quotes the token in its warning, as a careless app could: the job's log
    # (what the card and status() show) keeps the line, without the token.
    (line,) = [e.log for e in job.logs if e.title == "ZeroGPU client warning"]
    assert line == "Falling back to IP-based quotas (token *** is not valid)"
    for shown in (text, line, repr(job.logs), str(job.status())):
        assert token not in shown and token[6:] not in shown


def test_the_job_card_shows_the_refusal_and_what_to_do(connect):
    from gradio_nb.widgets._card import final_rendering

    client = connect()
    job = client.submit("a cat", QUOTA + 1, api_name="/generate")
    with pytest.raises(ZeroGPUQuotaError):
        job.result(timeout=60)
    card = final_rendering(job.snapshot(), job.endpoint)
    assert "<b>ZeroGPU quota exceeded</b>" in card.html
    assert "Space app has reached its GPU limit." in card.text
    assert 'Client(src, token=&quot;hf_...&quot;)' in card.html and 'Client(src, token="hf_...")' in card.text
    key = f"card-{uuid.uuid4().hex}"
    retried = connect(retries=2).submit(key, 1, "queue_timeout", api_name="/flaky")
    retried.result(timeout=60)
    card = final_rendering(retried.snapshot(), retried.endpoint)
    assert "No GPU was available after 60s. Retry later. Retry 1 of 2 in 0.5 s." in card.text
    assert f"{key}: ok after 1 refusals" in card.text


def test_the_job_card_shows_zerogpu_log_lines_and_when_the_quota_allows_again(connect):
    from gradio_nb.widgets._card import final_rendering

    client = connect(headers={"authorization": f"Bearer {_token()}"})
    job = client.submit("a cat", 1, api_name="/generate")
    job.result(timeout=60)
    text = final_rendering(job.snapshot(), job.endpoint).text
    assert "ZeroGPU queue: Waiting for a GPU to become available" in text
    assert "ZeroGPU queue: Successfully acquired a GPU" in text
    refused = client.submit("a dog", QUOTA + 1, api_name="/generate")
    with pytest.raises(ZeroGPUQuotaError):
        refused.result(timeout=60)
    card = final_rendering(refused.snapshot(), refused.endpoint)
    assert "ZeroGPU quota exceeded" in card.text
    assert re.search(r"The quota allows this call again at \d\d:\d\d:\d\d", card.text)
    assert re.search(r"The quota allows this call again at \d\d:\d\d:\d\d", card.html)
