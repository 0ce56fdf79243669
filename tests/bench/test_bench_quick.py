"""`python -m bench --quick` runs end to end and every contender gets correct results.

No timing assertions: the quick run only proves the harness (server, three contenders,
all workloads, JSON output) works. The numbers live in bench/results/.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOADS = ["seq", "concurrent", "stream", "connect", "import", "files", "scale"]
CONTENDERS = ["floor", "gradio_client", "gradio_nb"]


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--quiet", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert out.exists(), f"no JSON written (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    return proc, json.loads(out.read_text())


@pytest.mark.timeout(900)
def test_quick_exits_zero(quick):
    proc, data = quick
    assert proc.returncode == 0, f"{data['summary']['wrong']}\n{proc.stderr[-4000:]}"
    assert (out := proc.stdout) and "| metric |" in out  # the table is printed


@pytest.mark.timeout(900)
@pytest.mark.parametrize("workload", WORKLOADS)
def test_workload_has_all_contenders_correct(quick, workload):
    _, data = quick
    per = data["results"][workload]
    for contender in CONTENDERS:
        runs = per.get(contender)
        assert runs, f"{workload}: no run for {contender}"
        for r in runs:
            if contender == "gradio_client" and r["status"] in ("timeout", "error"):
                # The reference client being slow or failing under load is a finding about
                # it; the harness must still have reported it, not swallowed it.
                listed = data["summary"]["timeouts"] + data["summary"]["reference_failures"]
                assert any(line.startswith(f"{workload}/gradio_client ") for line in listed)
                continue
            assert r["status"] == "ok", f"{workload}/{contender}: {r.get('status')} {r.get('reason')}"
            assert r["correct"] is True, f"{workload}/{contender}: {r.get('problems')}"
    # the optional columns may be absent but must never be wrong
    for c in ("gradio_nb_async", "gradio_nb_shared", "floor_isolated"):
        for r in per.get(c, []):
            assert r["status"] in ("ok", "unavailable"), r.get("reason")
            assert r.get("correct", True) is True, r.get("problems")


@pytest.mark.timeout(900)
def test_summary_and_markdown(quick):
    _, data = quick
    assert data["meta"]["mode"] == "quick"
    assert {row["workload"] for row in data["summary"]["rows"]} == set(WORKLOADS)
    assert data["summary"]["wrong"] == []
    # The light workloads cannot fail on load, so they prove the reference contender works.
    for workload in ("seq", "connect", "import"):
        assert all(r["status"] == "ok" for r in data["results"][workload]["gradio_client"])
    row = next(r for r in data["summary"]["rows"] if r["metric"] == "no_ipython_ipywidgets")
    assert row["medians"]["gradio_nb"] is True


@pytest.mark.timeout(300)
def test_soak_mode_samples_memory_and_checks_every_result(tmp_path):
    out = tmp_path / "soak.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--soak", "0.15", "--quiet", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    run = json.loads(out.read_text())["soak"]["gradio_nb"]
    assert run["status"] == "ok" and run["correct"] is True, run.get("problems")
    assert run["counts"]["predict"] > 10 and run["counts"]["stream"] > 0 and run["counts"]["batch"] > 0
    assert len(run["samples"]) >= 2
    assert run["rss_start_mb"] > 0 and run["rss_max_mb"] >= run["rss_end_mb"]
    assert run["threads_end"] == run["threads_start"]
    assert "| gradio_nb | ok |" in proc.stdout
