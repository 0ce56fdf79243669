"""A ZeroGPU Space stand-in: Gradio endpoints whose "GPU" runs on a per-visitor quota.

The tests' ZeroGPU app (tests/zerogpu/zerogpu_app.py) and the demo app (its hidden
``zerogpu_*`` endpoints, for notebooks/zerogpu.ipynb) both add them with ``add_endpoints``.
Imported only by an app's own process (it imports gradio).

Visitors are told apart as ZeroGPU does: by the ``x-ip-token`` header (a visitor forwarded by an
app), else by the Hugging Face token (``x-hf-authorization`` or ``authorization``), else they are
"anonymous". Each has ``ZEROGPU_QUOTA`` GPU seconds per window of ``ZEROGPU_WINDOW`` seconds
(default 3 s per 4 s), counted from the visitor's first call of the window. A call charges its
``duration`` (GPU seconds requested, not slept). The refusals are the texts of the ``spaces``
package (``spaces/zero/client.py``, 0.51.3), titles included:

  generate      over quota: "ZeroGPU quota exceeded", "You have exceeded your free ZeroGPU
                 quota (2s requested vs. 1s left). Try again in 0:00:03. Subscribe to …" with a
                 token, "ZeroGPU" and "Authenticate with a Hugging Face token …" with only an
                 x-ip-token, and "Space app has reached its GPU limit. …" (no wait) for anonymous
                 callers; a duration over ``ZEROGPU_MAX`` (60 s): "ZeroGPU illegal duration".
                 Sends ZeroGPU's gr.Info lines ("Waiting for a GPU to become available",
                 "Successfully acquired a GPU") and, for a token starting with "hf_bad", the
                 "Falling back to IP-based quotas (…)" warning (quoting the token, as a careless
                 app could) and then counts the call as anonymous.
  generate_old  the same quota, refused with the older wording and no title: "You have
                 exceeded your GPU quota (1s left vs. 2s requested). Sign-up on Hugging Face to
                 get more quotas or retry in 0:00:03."
  flaky         fails the first ``failures`` calls for a ``key`` with a transient refusal of
                 ``kind`` ("queue_timeout", "no_gpu", "pending_credits"), then succeeds.
  ledger        every call so far: {fn, who, x_ip_token, outcome, t, prompt, window} (outcome:
                 "ok" or the refusal's title; window: the visitor's quota window, numbered from 1),
                 for tests that count refusals.
"""
from __future__ import annotations

import math
import os
import threading
import time
from datetime import timedelta

import gradio as gr

__all__ = ["add_endpoints", "WINDOW", "QUOTA"]

WINDOW = float(os.environ.get("ZEROGPU_WINDOW", "4"))
QUOTA = int(os.environ.get("ZEROGPU_QUOTA", "3"))
MAX_DURATION = int(os.environ.get("ZEROGPU_MAX", "60"))

QUOTA_TITLE = "ZeroGPU quota exceeded"
TOKENS_SETTINGS_URL = "https://huggingface.co/settings/tokens"
SUBSCRIBE_TO_PRO_URL = "https://huggingface.co/subscribe/pro?from=ZeroGPU"
EXAMPLES_RETRY_MESSAGE = "Try re-running outside of examples if it happened after clicking one"

_lock = threading.Lock()
_windows: dict[str, tuple[float, int, int]] = {}  # visitor -> (window start, GPU seconds used, number)
_attempts: dict[str, int] = {}  # /flaky key -> calls so far
LEDGER: list[dict] = []


def _visitor(request: gr.Request) -> tuple[str, str | None, str | None]:
    """(who, kind, token): kind is "ip" (x-ip-token), "token" or None (anonymous)."""
    headers = request.headers
    ip_token = headers.get("x-ip-token")
    if ip_token:
        return f"ip:{ip_token}", "ip", None
    auth = headers.get("x-hf-authorization") or headers.get("authorization") or ""
    token = auth.split(" ", 1)[1] if auth.lower().startswith("bearer ") else None
    if token and token.startswith("hf_bad"):
        gr.Warning(f"Falling back to IP-based quotas (token {token} is not valid)",
                   title="ZeroGPU client warning")
        return "anonymous", None, None
    if token:
        return f"token:{token}", "token", token
    return "anonymous", None, None


def _record(fn: str, who: str, request: gr.Request, outcome: str, prompt: str | None = None) -> None:
    with _lock:
        window = _windows.get(who, (0.0, 0, 0))[2]
        LEDGER.append({"fn": fn, "who": who, "x_ip_token": request.headers.get("x-ip-token"),
                       "outcome": outcome, "t": time.time(), "prompt": prompt, "window": window})


def _charge(who: str, duration: int) -> tuple[int, timedelta] | None:
    """Charge ``duration`` GPU seconds to ``who``; None if done, else (left, wait) when over."""
    now = time.monotonic()
    with _lock:
        start, used, number = _windows.get(who, (now, 0, 1))
        if now - start >= WINDOW:
            start, used, number = now, 0, number + 1
        left = QUOTA - used
        if duration > left:
            _windows[who] = (start, used, number)
            return left, timedelta(seconds=math.ceil(start + WINDOW - now))
        _windows[who] = (start, used + duration, number)
        return None


def _gpu(fn: str, prompt: str, duration: float, request: gr.Request, *, old_wording: bool) -> str:
    duration = int(duration)
    who, kind, _token = _visitor(request)
    if duration > MAX_DURATION:
        _record(fn, who, request, "ZeroGPU illegal duration", prompt)
        raise gr.Error(f"The requested GPU duration ({duration}s) is larger than the maximum allowed",
                       title="ZeroGPU illegal duration")
    over = _charge(who, duration)
    if over is not None:
        left, wait = over
        if old_wording:
            _record(fn, who, request, "old wording", prompt)
            raise gr.Error(f"You have exceeded your GPU quota ({left}s left vs. {duration}s requested). "
                           f"Sign-up on Hugging Face to get more quotas or retry in {wait}.")
        _record(fn, who, request, QUOTA_TITLE, prompt)
        if kind is None:
            raise gr.Error(f"Space app has reached its GPU limit. {EXAMPLES_RETRY_MESSAGE}", title=QUOTA_TITLE)
        gpu, more = (("free ZeroGPU", "Subscribe to Hugging Face PRO to get 40 min of ZeroGPU quota a day - "
                      + SUBSCRIBE_TO_PRO_URL) if kind == "token" else
                     ("ZeroGPU", "Authenticate with a Hugging Face token for more quota - " + TOKENS_SETTINGS_URL))
        raise gr.Error(f"You have exceeded your {gpu} quota ({duration}s requested vs. {left}s left). "
                       f"Try again in {wait}. {more}", title=QUOTA_TITLE)
    gr.Info("Waiting for a GPU to become available", title="ZeroGPU queue")
    gr.Info("Successfully acquired a GPU", title="ZeroGPU queue")
    _record(fn, who, request, "ok", prompt)
    return f"painted {prompt} ({duration}s of GPU)"


def generate(prompt: str, duration: float, request: gr.Request) -> str:
    return _gpu("generate", prompt, duration, request, old_wording=False)


def generate_old(prompt: str, duration: float, request: gr.Request) -> str:
    return _gpu("generate_old", prompt, duration, request, old_wording=True)


_TRANSIENT = {
    "queue_timeout": ("ZeroGPU queue timeout", "No GPU was available after 60s. Retry later"),
    "no_gpu": ("ZeroGPU client error", "No GPU was available"),
    "pending_credits": ("ZeroGPU pending credits exceeded",
                        "You have too many ZeroGPU credits allocated to running tasks. "
                        "Try again once some of those tasks have completed."),
}


def flaky(key: str, failures: float, kind: str, request: gr.Request) -> str:
    with _lock:
        _attempts[key] = attempt = _attempts.get(key, 0) + 1
    if attempt <= int(failures):
        title, message = _TRANSIENT[kind]
        _record("flaky", key, request, title)
        raise gr.Error(message, title=title)
    _record("flaky", key, request, "ok")
    return f"{key}: ok after {attempt - 1} refusals"


def ledger() -> list[dict]:
    with _lock:
        return list(LEDGER)



def add_endpoints(prefix: str = "", api_visibility: str = "public") -> None:
    """Add generate, generate_old, flaky and ledger (api names ``prefix`` + name) to the
    Blocks being built; ``api_visibility="undocumented"`` keeps them out of ``view_api``."""
    shown = api_visibility == "public"
    prompt = gr.Textbox(label="prompt", visible=shown)
    duration = gr.Number(label="duration", value=1, precision=0, visible=shown)
    out = gr.Textbox(label="image", visible=shown)
    key = gr.Textbox(label="key", visible=shown)
    failures = gr.Number(label="failures", value=1, precision=0, visible=shown)
    kind = gr.Dropdown(list(_TRANSIENT), value="no_gpu", label="kind", visible=shown)
    record = gr.JSON(label="ledger", visible=shown)
    for name, fn, inputs, output in [("generate", generate, [prompt, duration], out),
                                     ("generate_old", generate_old, [prompt, duration], out),
                                     ("flaky", flaky, [key, failures, kind], out),
                                     ("ledger", ledger, None, record)]:
        gr.Button(name, visible=shown).click(fn, inputs, output, api_name=prefix + name,
                                             api_visibility=api_visibility)
