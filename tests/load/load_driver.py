"""Load driver, run as a subprocess so that thread counts and RSS are this client's alone.

    python load_driver.py jobs URL N CANCEL_EVERY TARGET   N jobs on one Client, every k-th
                                                          cancelled; TARGET: fault | gradio
    python load_driver.py clients URL M               create and close M Clients in a row

Prints one JSON line with the figures and the checks' raw material.
"""
from __future__ import annotations

import json
import random
import sys
import threading
import time

import psutil

from gradio_nb import Client
from gradio_nb.client._exceptions import JobCancelledError


def rss() -> int:
    return psutil.Process().memory_info().rss


def call_args(target: str, i: int) -> tuple[tuple, dict, str]:
    """(args, kwargs, expected result) of job i: an input unique to the job, echoed back."""
    if target == "fault":  # the fault server's /echo: "slow:1:<tag>" sleeps 1 s, returns itself
        text = f"slow:1:job-{i}"
        return (text,), {"api_name": "/echo"}, text
    return (f"job-{i}", 1.0), {"api_name": "/sleep_echo"}, f"job-{i}"


def jobs(url: str, n: int, cancel_every: int, target: str) -> dict:
    baseline_threads = threading.active_count()
    client = Client(url, verbose=False)
    threads_after_connect = threading.active_count()
    rss_before = rss()
    done_calls: dict[int, int] = {}
    lock = threading.Lock()

    def on_done(i):
        def callback(job):
            with lock:
                done_calls[i] = done_calls.get(i, 0) + 1
        return callback

    start = time.monotonic()
    submitted = []
    for i in range(n):
        args, kwargs, _ = call_args(target, i)
        job = client.submit(*args, **kwargs)
        job.add_done_callback(on_done(i))
        submitted.append(job)
    submit_seconds = time.monotonic() - start
    rng = random.Random(1234)
    to_cancel = [i for i in range(n) if cancel_every and i % cancel_every == cancel_every - 1]
    early, late = to_cancel[: len(to_cancel) // 2], to_cancel[len(to_cancel) // 2:]
    cancel_ok: dict[int, bool] = {}
    for i in early:
        cancel_ok[i] = submitted[i].cancel()
    peak_threads, peak_rss = threading.active_count(), rss()
    time.sleep(rng.uniform(0.3, 0.8))
    for i in late:
        cancel_ok[i] = submitted[i].cancel()
    while not all(j.done() for j in submitted):
        peak_threads = max(peak_threads, threading.active_count())
        peak_rss = max(peak_rss, rss())
        if time.monotonic() - start > 300:
            break
        time.sleep(0.05)
    total_seconds = time.monotonic() - start
    outcomes = []
    for i, job in enumerate(submitted):
        if not job.done():
            outcomes.append(["pending", None])
            continue
        try:
            error = job.exception(0)
        except JobCancelledError as exc:  # a cancelled job is a cancelled Future: exception() raises
            error = exc
        if error is None:
            outcomes.append(["ok", job.result(), call_args(target, i)[2]])
        elif isinstance(error, JobCancelledError):
            outcomes.append(["cancelled", None])
        else:
            outcomes.append(["error", f"{type(error).__name__}: {error}"])
    time.sleep(0.5)  # late duplicate callbacks would show up here
    client.close()
    threads_after_close = threading.active_count()
    return {
        "n": n, "baseline_threads": baseline_threads, "threads_after_connect": threads_after_connect,
        "peak_threads": peak_threads, "threads_after_close": threads_after_close,
        "thread_names": sorted(t.name for t in threading.enumerate()),
        "submit_seconds": submit_seconds, "total_seconds": total_seconds,
        "rss_before": rss_before, "peak_rss": peak_rss,
        "cpu_seconds": sum(psutil.Process().cpu_times()[:2]),
        "done_calls": [done_calls.get(i, 0) for i in range(n)],
        "outcomes": outcomes, "cancel_ok": {str(k): v for k, v in cancel_ok.items()},
    }


def clients(url: str, m: int) -> dict:
    # one client first so that the process-wide loop thread exists in the baseline
    Client(url, verbose=False).close()
    proc = psutil.Process()
    threads_before, fds_before, rss_before = threading.active_count(), proc.num_fds(), rss()
    start = time.monotonic()
    for _ in range(m):
        client = Client(url, verbose=False)
        client.close()
    seconds = time.monotonic() - start
    return {
        "m": m, "threads_before": threads_before, "threads_after": threading.active_count(),
        "fds_before": fds_before, "fds_after": proc.num_fds(), "rss_before": rss_before,
        "rss_after": rss(), "seconds": seconds,
        "thread_names": sorted(t.name for t in threading.enumerate()),
    }


if __name__ == "__main__":
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "jobs":
        out = jobs(url, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        out = clients(url, int(sys.argv[3]))
    print(json.dumps(out))
