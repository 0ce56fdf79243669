"""`python -m bench.batch` (small sizes) runs end to end with correct results everywhere.

No timing assertions (the machine is shared): the run proves the harness, that gradio_nb's
map and the floor return every value, and that a cached re-run makes zero app calls.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.timeout(900)
def test_batch_bench_small_run(tmp_path):
    out = tmp_path / "batch.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.batch", "--items", "60", "--lazy", "300", "--rounds", "1",
         "--concurrency", "8", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=800,
    )
    assert out.exists(), f"no JSON (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    data = json.loads(out.read_text())
    assert proc.returncode == 0, (data, proc.stderr[-3000:])
    walls = data["map"]["walls"]
    assert walls["floor"] and walls["gradio_nb"] and not data["map"]["problems"]
    assert walls["gradio_client"] or data["map"]["reference_failures"]  # reported, not swallowed
    assert data["lazy"]["correct"] and data["lazy"]["floor"]["correct"]
    rerun = data["cached"]["rerun"]
    assert rerun["correct"] and rerun["app_calls"] == 0 and rerun["cached"] == 60
    assert "gradio_nb / floor" in proc.stdout
