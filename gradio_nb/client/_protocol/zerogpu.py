"""ZeroGPU's refusals, read from the app's error: quota, no GPU free, too many tasks (no I/O).

ZeroGPU Spaces share a GPU pool; the ``spaces`` package that runs them (``spaces/zero/client.py``,
read for 0.51.3, not a dependency) refuses a call with a ``gr.Error`` whose title says why:

    title                              message (the app's text)
    "ZeroGPU quota exceeded"           "You have exceeded your free ZeroGPU quota (60s requested
                                        vs. 45s left). Try again in 0:01:15. …"  (gpu word: "free
                                        ZeroGPU", "Pro ZeroGPU" or "ZeroGPU")
                                       "You have exceeded your ZeroGPU runs limit. …"   (no wait)
                                       "Space app has reached its GPU limit. …"  (no token sent)
                                       "No GPU was available after 60s. …"  (no token; a busy pool)
    "ZeroGPU queue timeout"            "No GPU was available after 60s …"
    "ZeroGPU client error"             "No GPU was available"
    "ZeroGPU pending credits exceeded" "You have too many ZeroGPU credits allocated to running
                                        tasks. Try again once some of those tasks have completed."
    "ZeroGPU illegal duration"         too long a task: not a quota, never worth retrying (left
                                       a plain AppError)
    (none: older Spaces)               "You have exceeded your GPU quota (46s left vs. 60s
                                        requested). Sign-up on Hugging Face to get more quotas or
                                        retry in 0:09:48."

Waits are Python's ``str(timedelta)``: ``0:01:15``, ``1 day, 2:03:04``. A title decides when
there is one; without (or with Gradio's default "Error"), the wording does. ZeroGPU also sends a
``gr.Warning`` titled "ZeroGPU client warning", "Falling back to IP-based quotas (<why>)", when
the token that came with the call was refused (``token_fallback_reason``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from .._exceptions import AppError, ZeroGPUQuotaError, ZeroGPUUnavailableError

__all__ = ["ZeroGPUProblem", "parse_zerogpu_error", "parse_wait", "zerogpu_error", "zerogpu_advice",
           "token_fallback_reason"]

Kind = Literal["quota", "unavailable"]
Reason = Literal["quota", "runs_limit", "space_limit", "no_gpu", "queue_timeout", "pending_credits"]

QUOTA_TITLE = "ZeroGPU quota exceeded"
_UNAVAILABLE_TITLES = {"ZeroGPU queue timeout": "queue_timeout", "ZeroGPU client error": "no_gpu",
                       "ZeroGPU pending credits exceeded": "pending_credits"}
_WAIT = r"(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)(?:\.(\d+))?"
_QUOTA = re.compile(r"exceeded your (?:[\w ]*?)ZeroGPU quota \((\d+)s requested vs\. (\d+)s left\)"
                    r"\. Try again in " + _WAIT)
_OLD_QUOTA = re.compile(r"exceeded your GPU quota \((\d+)s left vs\. (\d+)s requested\)"
                        r"(?:.*?retry in " + _WAIT + r")?", re.DOTALL)
_RUNS_LIMIT = "exceeded your ZeroGPU runs limit"
_SPACE_LIMIT = "Space app has reached its GPU limit"
_NO_GPU = "No GPU was available"
_PENDING = "too many ZeroGPU credits allocated"
_FALLBACK = re.compile(r"Falling back to IP-based quotas(?: \((.*)\))?", re.DOTALL)


@dataclass(frozen=True)
class ZeroGPUProblem:
    """What a ZeroGPU refusal says: its kind, why, and the figures it gives (None if not given)."""

    kind: Kind
    reason: Reason
    retry_after: timedelta | None = None
    requested_s: int | None = None
    left_s: int | None = None


def parse_wait(groups: tuple[str | None, ...]) -> timedelta:
    """``(days, hours, minutes, seconds, fraction)`` from ``_WAIT`` -> timedelta."""
    days, hours, minutes, seconds, fraction = groups
    micro = int((fraction or "0").ljust(6, "0")[:6])
    return timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                     seconds=int(seconds or 0), microseconds=micro)


def parse_zerogpu_error(title: str | None, message: str) -> ZeroGPUProblem | None:
    """The ZeroGPU refusal in a ``gr.Error``'s title and message, or None if it is not one."""
    text = str(message or "")
    titled = bool(title) and str(title).startswith("ZeroGPU")
    if titled and title not in (QUOTA_TITLE, *_UNAVAILABLE_TITLES):
        return None  # "ZeroGPU illegal duration" and titles yet unknown: the app's error as is
    if title in _UNAVAILABLE_TITLES:
        reason = _UNAVAILABLE_TITLES[title]  # type: ignore[index]
        if reason == "no_gpu" and _NO_GPU not in text:
            return None  # "Expired ZeroGPU proxy token", "Internal Gradio error": not transient
        return ZeroGPUProblem("unavailable", reason)  # type: ignore[arg-type]
    if (match := _QUOTA.search(text)) is not None:
        return ZeroGPUProblem("quota", "quota", parse_wait(match.groups()[2:]),
                              requested_s=int(match[1]), left_s=int(match[2]))
    if (match := _OLD_QUOTA.search(text)) is not None:
        wait = parse_wait(match.groups()[2:]) if match[4] is not None else None
        return ZeroGPUProblem("quota", "quota", wait, requested_s=int(match[2]), left_s=int(match[1]))
    if _RUNS_LIMIT in text:
        return ZeroGPUProblem("quota", "runs_limit")
    if _SPACE_LIMIT in text:
        return ZeroGPUProblem("quota", "space_limit")
    if text.startswith(_NO_GPU):  # titled "quota exceeded" when no token came: a busy pool
        return ZeroGPUProblem("unavailable", "queue_timeout")
    if _PENDING in text:
        return ZeroGPUProblem("unavailable", "pending_credits")
    if titled:  # a quota title with a wording we do not know yet
        return ZeroGPUProblem("quota", "quota")
    return None


def zerogpu_error(problem: ZeroGPUProblem, message: str, **app_error: Any) -> AppError:
    """The typed error for ``problem``, keeping the app's message and ``AppError`` fields (a
    missing or default "Error" title becomes the refusal's own)."""
    if app_error.get("title") in (None, "Error"):
        app_error.pop("title", None)
    if problem.kind == "quota":
        return ZeroGPUQuotaError(message, retry_after=problem.retry_after,
                                 requested_s=problem.requested_s, left_s=problem.left_s,
                                 reason=problem.reason, **app_error)
    return ZeroGPUUnavailableError(message, reason=problem.reason, **app_error)


def _clock(at: datetime, now: datetime) -> str:
    return at.strftime("%H:%M:%S") if at.date() == now.date() else at.strftime("%Y-%m-%d %H:%M:%S")


def zerogpu_advice(error: ZeroGPUQuotaError | ZeroGPUUnavailableError, *, token_sent: bool,
                   space_id: str | None, now: datetime, attempts: int = 0) -> str:
    """What the user can do about ``error``, in the order that helps most.

    ``now`` is the local time the refusal arrived; ``attempts`` how often it was retried.
    """
    space = f'"{space_id}"' if space_id else '"owner/space"'
    token = ("Calls without a Hugging Face token get the smallest ZeroGPU quota: pass one, "
             'Client(src, token="hf_...") (or set HF_TOKEN, or run `hf auth login`).')
    duplicate = (f"To stop sharing the quota, duplicate the Space onto your own GPU: "
                 f'Client.duplicate({space}, hardware="t4-small").')
    lines: list[str] = []
    if isinstance(error, ZeroGPUQuotaError):
        if error.retry_after is not None:
            lines.append(f"The quota allows this call again at {_clock(now + error.retry_after, now)} "
                         f"(in {error.retry_after}).")
        if not token_sent:
            lines.append(token)
        lines.append(duplicate)
    else:
        retried = f" (retried {attempts} time{'s' if attempts != 1 else ''})" if attempts else ""
        if error.reason == "pending_credits":
            lines.append(f"Too many of your GPU tasks run at once{retried}: wait for some to finish, "
                         "or send fewer calls at a time.")
        else:
            lines.append(f"No GPU of the shared pool was free{retried}; this passes: retry later, or "
                         "let the client retry with Client(src, retries=3).")
            if not token_sent:
                lines.append("Calls with a Hugging Face token get a higher priority in ZeroGPU's "
                             'queue: Client(src, token="hf_...").')
    return "\n".join(lines)


def token_fallback_reason(title: str | None, message: str) -> str | None:
    """The reason in ZeroGPU's "Falling back to IP-based quotas (<reason>)" warning, or None if
    the log line is not that warning ("" when it gives no reason)."""
    match = _FALLBACK.search(str(message or ""))
    if match is None:
        return None
    return (match[1] or "").strip()
