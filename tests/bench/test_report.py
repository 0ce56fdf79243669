"""The bench summary tells our failures from the reference client's (pure, no servers)."""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from bench import report  # noqa: E402


def _ok(**metrics):
    return {"status": "ok", "correct": True, **metrics}


def _error(reason):
    return {"status": "error", "correct": False, "reason": reason}


def test_reference_errors_are_findings_ours_are_wrong():
    results = {"concurrent": {
        "floor": [_ok(wall_s=1.0)],
        "gradio_client": [_ok(wall_s=5.0), _error("CancelledError: ")],
        "gradio_nb": [_ok(wall_s=1.1), {"status": "ok", "correct": False, "problems": ["3 swapped"]}],
    }}
    summary = report.summarise(results)
    assert summary["reference_failures"] == ["concurrent/gradio_client round 1: CancelledError: "]
    assert summary["wrong"] == ["concurrent/gradio_nb round 1: 3 swapped"]
    meta = {"mode": "quick", "rounds": 2, "started_utc": "2026-11-27T00:00:00", "cpus": 2,
            "loadavg_start": 0.1, "versions": {}, "params": {}}
    md = report.markdown({"meta": meta, "results": results, "summary": summary})
    assert "gradio_client failed (its own errors" in md and "CancelledError" in md
    assert "WRONG results:" in md and "3 swapped" in md


def test_clean_run_has_neither():
    results = {"seq": {c: [_ok(p50_ms=5.0)] for c in ("floor", "gradio_client", "gradio_nb")}}
    summary = report.summarise(results)
    assert summary["wrong"] == [] and summary["reference_failures"] == []
