"""ZeroGPU's refusals read from the app's title and text (pure: gradio_nb.client._protocol.zerogpu).

The wordings are those of the ``spaces`` package (spaces/zero/client.py, 0.51.3).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gradio_nb import AppError, ZeroGPUQuotaError, ZeroGPUUnavailableError
from gradio_nb.client._protocol.job_state import app_error_from_payload
from gradio_nb.client._protocol.zerogpu import (
    ZeroGPUProblem,
    parse_zerogpu_error,
    token_fallback_reason,
    zerogpu_advice,
)

QUOTA = "ZeroGPU quota exceeded"
TOKENS = "Authenticate with a Hugging Face token for more quota - https://huggingface.co/settings/tokens"
PRO = "Subscribe to Hugging Face PRO to get 40 min of ZeroGPU quota a day - https://huggingface.co/subscribe/pro?from=ZeroGPU"
EXAMPLES = "Try re-running outside of examples if it happened after clicking one"

CASES = [
    # (title, message, expected problem)
    (QUOTA, f"You have exceeded your free ZeroGPU quota (60s requested vs. 45s left). Try again in 0:01:15. {PRO}",
     ZeroGPUProblem("quota", "quota", timedelta(minutes=1, seconds=15), 60, 45)),
    (QUOTA, f"You have exceeded your ZeroGPU quota (60s requested vs. 45s left). Try again in 0:01:15. {TOKENS}",
     ZeroGPUProblem("quota", "quota", timedelta(seconds=75), 60, 45)),
    (QUOTA, "You have exceeded your Pro ZeroGPU quota (120s requested vs. 3s left). Try again in 1 day, 2:03:04. "
     "Add credits to keep using ZeroGPU.",
     ZeroGPUProblem("quota", "quota", timedelta(days=1, hours=2, minutes=3, seconds=4), 120, 3)),
    (QUOTA, "You have exceeded your free ZeroGPU quota (60s requested vs. 0s left). Try again in 3 days, 0:00:05. ",
     ZeroGPUProblem("quota", "quota", timedelta(days=3, seconds=5), 60, 0)),
    (QUOTA, "You have exceeded your ZeroGPU quota (60s requested vs. 10s left). Try again in 0:00:01.500000. ",
     ZeroGPUProblem("quota", "quota", timedelta(seconds=1, microseconds=500_000), 60, 10)),
    (QUOTA, f"You have exceeded your ZeroGPU runs limit. {TOKENS}", ZeroGPUProblem("quota", "runs_limit")),
    (QUOTA, f"Space app has reached its GPU limit. {EXAMPLES}", ZeroGPUProblem("quota", "space_limit")),
    (QUOTA, f"No GPU was available after 60s. {EXAMPLES}", ZeroGPUProblem("unavailable", "queue_timeout")),
    (QUOTA, "A wording from a future spaces release", ZeroGPUProblem("quota", "quota")),
    # older Spaces: no title (None, or Gradio's default "Error")
    (None, "You have exceeded your GPU quota (46s left vs. 60s requested). Sign-up on Hugging Face to get "
     "more quotas or retry in 0:09:48.", ZeroGPUProblem("quota", "quota", timedelta(minutes=9, seconds=48), 60, 46)),
    ("Error", "You have exceeded your GPU quota (46s left vs. 60s requested). Sign-up on Hugging Face to get "
     "more quotas or retry in 1 day, 0:00:48.", ZeroGPUProblem("quota", "quota", timedelta(days=1, seconds=48), 60, 46)),
    (None, "You have exceeded your GPU quota (0s left vs. 60s requested). Sign-up on Hugging Face to get more quotas.",
     ZeroGPUProblem("quota", "quota", None, 60, 0)),
    ("Error", f"Space app has reached its GPU limit. {EXAMPLES}", ZeroGPUProblem("quota", "space_limit")),
    (None, "No GPU was available", ZeroGPUProblem("unavailable", "queue_timeout")),
    # transient
    ("ZeroGPU queue timeout", "No GPU was available after 60s Retry later", ZeroGPUProblem("unavailable", "queue_timeout")),
    ("ZeroGPU client error", "No GPU was available", ZeroGPUProblem("unavailable", "no_gpu")),
    ("ZeroGPU pending credits exceeded", "You have too many ZeroGPU credits allocated to running tasks. Try again "
     "once some of those tasks have completed.", ZeroGPUProblem("unavailable", "pending_credits")),
    # not a quota, not transient: the app's error as it is
    ("ZeroGPU illegal duration", "The requested GPU duration (300s) is larger than the maximum allowed", None),
    ("ZeroGPU client error", "Expired ZeroGPU proxy token", None),
    ("ZeroGPU client error", "Internal Gradio error", None),
    ("Error", "You have exceeded the number of allowed tries", None),
    (None, "CUDA out of memory", None),
]


@pytest.mark.parametrize(("title", "message", "expected"), CASES)
def test_every_wording_is_recognised(title, message, expected):
    assert parse_zerogpu_error(title, message) == expected


@pytest.mark.parametrize(("title", "message", "expected"), CASES)
def test_failed_completions_become_the_typed_errors(title, message, expected):
    output = {"error": message, **({"title": title} if title else {})}
    error = app_error_from_payload(output, None)
    assert isinstance(error, AppError)  # `except AppError` code keeps working
    assert error.message == message  # the app's text, untouched until the client advises
    if expected is None:
        assert not isinstance(error, (ZeroGPUQuotaError, ZeroGPUUnavailableError))
    elif expected.kind == "quota":
        assert isinstance(error, ZeroGPUQuotaError)
        got = (error.retry_after, error.requested_s, error.left_s, error.reason)
        assert got == (expected.retry_after, expected.requested_s, expected.left_s, expected.reason)
    else:
        assert isinstance(error, ZeroGPUUnavailableError) and error.reason == expected.reason
    if expected is not None:
        assert error.title.startswith("ZeroGPU")


NOW = datetime(2026, 12, 7, 14, 30, 50)


def _quota(wait: timedelta | None, reason: str = "quota") -> ZeroGPUQuotaError:
    return ZeroGPUQuotaError("You have exceeded your free ZeroGPU quota", retry_after=wait, reason=reason)


def test_quota_advice_gives_the_local_time_a_token_and_a_duplicate():
    advice = zerogpu_advice(_quota(timedelta(minutes=1, seconds=15)), token_sent=False, space_id="owner/sd",
                            now=NOW)
    lines = advice.splitlines()
    assert lines[0] == "The quota allows this call again at 14:32:05 (in 0:01:15)."
    assert 'token="hf_...")' in lines[1] and "HF_TOKEN" in lines[1]
    assert 'Client.duplicate("owner/sd", hardware="t4-small")' in lines[2]


def test_quota_advice_after_a_day_names_the_date_and_skips_the_token_when_one_was_sent():
    advice = zerogpu_advice(_quota(timedelta(days=1, hours=2)), token_sent=True, space_id=None, now=NOW)
    assert "again at 2026-12-08 16:30:50 (in 1 day, 2:00:00)" in advice
    assert "token=" not in advice
    assert "Client.duplicate(" in advice


def test_quota_advice_without_a_wait_says_no_time():
    advice = zerogpu_advice(_quota(None, "space_limit"), token_sent=False, space_id=None, now=NOW)
    assert "again at" not in advice and 'token="hf_...")' in advice


def test_unavailable_advice_suggests_retries_and_counts_them():
    error = ZeroGPUUnavailableError("No GPU was available", reason="no_gpu")
    assert "Client(src, retries=3)" in zerogpu_advice(error, token_sent=True, space_id=None, now=NOW)
    retried = zerogpu_advice(error, token_sent=True, space_id=None, now=NOW, attempts=2)
    assert "(retried 2 times)" in retried and "priority" not in retried
    assert "priority" in zerogpu_advice(error, token_sent=False, space_id=None, now=NOW)
    credits = ZeroGPUUnavailableError("You have too many ZeroGPU credits", reason="pending_credits")
    assert "fewer calls at a time" in zerogpu_advice(credits, token_sent=True, space_id=None, now=NOW)


def test_advice_follows_the_apps_text_in_the_message():
    error = _quota(timedelta(seconds=5))
    error._advise("Do this.")
    assert str(error) == error.message == "You have exceeded your free ZeroGPU quota\nDo this."
    assert error.app_message == "You have exceeded your free ZeroGPU quota"


@pytest.mark.parametrize(("message", "reason"), [
    ("Falling back to IP-based quotas (Invalid token)", "Invalid token"),
    ("Falling back to IP-based quotas (token expired (2026-12-01))", "token expired (2026-12-01)"),
    ("Falling back to IP-based quotas", ""),
    ("Waiting for a GPU to become available", None),
])
def test_token_fallback_warning_is_recognised(message, reason):
    assert token_fallback_reason("ZeroGPU client warning", message) == reason
