"""Load: many jobs in flight on one Client, mixed with cancels; many Clients created and closed.

The client runs in a subprocess (load_driver.py) so that thread counts and RSS are its own.
Bounded for a shared 2-core machine: at most 1,000 jobs, each sleeping 1 s server-side.
Figures are printed (run with -s) for the report.

* fault server ("slow:1:<tag>" on /echo): an asyncio server that runs every event at once, so
  the client is what is measured: 1,000 jobs.
* real Gradio (tests/faults/slow_app.py, /sleep_echo, concurrency_limit=None, async sleep 1 s):
  GRADIO_NB_LOAD_REAL_N jobs (default 100; a real Gradio process on this machine serves ~20
  requests/s, so 1,000 joins + 1,000 streams take minutes there).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DRIVER = str(HERE / "load_driver.py")
SLOW_APP = str(HERE.parent / "faults" / "slow_app.py")


def drive(*args: str, timeout: float) -> dict:
    proc = subprocess.run([sys.executable, DRIVER, *args], capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0 and lines, f"driver failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(lines[-1])


def summarize(figures: dict, label: str) -> dict:
    n = figures["n"]
    counts = {"ok": 0, "cancelled": 0, "error": 0, "pending": 0}
    errors: dict[str, int] = {}
    for outcome in figures["outcomes"]:
        counts[outcome[0]] += 1
        if outcome[0] == "error":
            errors[outcome[1][:90]] = errors.get(outcome[1][:90], 0) + 1
    rss_per_job = (figures["peak_rss"] - figures["rss_before"]) / n
    races = sum(1 for i, o in enumerate(figures["outcomes"])
                if o[0] == "ok" and figures["cancel_ok"].get(str(i)))
    print(f"\n[{label}] {n} jobs: ok={counts['ok']} cancelled={counts['cancelled']} "
          f"error={counts['error']} submit={figures['submit_seconds']:.2f}s "
          f"total={figures['total_seconds']:.1f}s client-cpu={figures['cpu_seconds']:.1f}s "
          f"({1000 * figures['cpu_seconds'] / n:.1f} ms/job) threads: "
          f"baseline={figures['baseline_threads']} peak={figures['peak_threads']} "
          f"after-close={figures['threads_after_close']} rss: before={figures['rss_before'] / 2**20:.1f}MiB "
          f"peak={figures['peak_rss'] / 2**20:.1f}MiB ({rss_per_job / 1024:.1f} KiB/job in flight) "
          f"cancel() True but completed={races} errors={errors}")
    return counts


def check_exactly_once(figures: dict) -> None:
    """No job lost, resolved twice, or given another job's result; cancels honoured; threads flat."""
    n = figures["n"]
    outcomes, calls, cancel_ok = figures["outcomes"], figures["done_calls"], figures["cancel_ok"]
    for i, outcome in enumerate(outcomes):
        assert outcome[0] != "pending", f"job {i} never resolved"
        if outcome[0] == "ok":
            assert outcome[1] == outcome[2], f"job {i} got another job's result: {outcome}"
        # cancel() True and a normal result is the cancel/completion race of
        # tests/faults/test_cancel_race.py (a core bug); it is not a lost or swapped result.
        if outcome[0] == "cancelled" and not cancel_ok.get(str(i)):
            raise AssertionError(f"job {i} ended cancelled although nobody cancelled it")
    assert calls == [1] * n, "a job resolved more than once, or never"
    assert figures["peak_threads"] - figures["baseline_threads"] <= 2, figures["thread_names"]
    # user done callbacks run on one process-wide thread of their own (Job.add_done_callback)
    callbacks = any(name.startswith("gradio_nb-callbacks") for name in figures["thread_names"])
    assert figures["threads_after_close"] == figures["threads_after_connect"] + callbacks


def check_no_errors(figures: dict) -> None:
    bad = [(i, o) for i, o in enumerate(figures["outcomes"]) if o[0] == "error"]
    assert not bad, f"{len(bad)} of {figures['n']} jobs failed, e.g. {bad[:3]}"


@pytest.fixture(scope="module")
def thousand_jobs():
    from fault_server import FaultServer

    with FaultServer() as server:
        figures = drive("jobs", server.url, "1000", "10", "fault", timeout=420)
        figures["joins"] = len(server.joins())
    summarize(figures, "fault server")
    return figures


def test_1000_jobs_in_flight_with_cancels_resolve_exactly_once(thousand_jobs):
    check_exactly_once(thousand_jobs)


def test_1000_jobs_in_flight_all_succeed(thousand_jobs):
    check_no_errors(thousand_jobs)


def test_jobs_in_flight_on_a_real_gradio_server(gradio_server):
    n = int(os.environ.get("GRADIO_NB_LOAD_REAL_N", "100"))
    server = gradio_server(SLOW_APP)
    figures = drive("jobs", server.url, str(n), "10", "gradio", timeout=420)
    summarize(figures, "gradio 6")
    check_exactly_once(figures)
    check_no_errors(figures)


def test_creating_and_closing_100_clients_leaks_nothing(fault_server):
    figures = drive("clients", fault_server.url, "100", timeout=300)
    print(f"\n[100 clients] {figures['seconds']:.1f}s threads {figures['threads_before']}->"
          f"{figures['threads_after']} fds {figures['fds_before']}->{figures['fds_after']} "
          f"rss {figures['rss_before'] / 2**20:.1f}->{figures['rss_after'] / 2**20:.1f}MiB")
    assert figures["threads_after"] == figures["threads_before"], figures["thread_names"]
    assert figures["fds_after"] <= figures["fds_before"] + 2
    assert figures["rss_after"] - figures["rss_before"] < 30 * 2**20
