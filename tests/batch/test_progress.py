"""The tqdm bar of a batch (scripts, terminal IPython) and its summary line at the end (#11)."""
from __future__ import annotations

import io
import time

from gradio_nb.client._batch.progress import attach_progress


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"not true within {timeout} s")


def test_the_bar_ends_with_a_summary_line(client):
    out = io.StringIO()
    batch = client.map([1, 2, -3, 4], api_name="/square", progress=False)
    attach_progress(batch, file=out)
    batch.results(60)
    wait_for(lambda: "done in" in out.getvalue())
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("/square: 4/4 done in ") and "; 1 failed." in last
    assert last.endswith("batch.failed lists them; batch.retry_failed() runs them again.")
    assert "4/4" in out.getvalue().replace("\r", "\n").split("\n")[-2]  # the bar, full


def test_progress_true_writes_to_stderr(client, capsys):
    batch = client.map([1, 2], api_name="/square")
    batch.results(60)
    err = ""
    deadline = time.monotonic() + 60
    while "done in" not in err and time.monotonic() < deadline:
        err += capsys.readouterr().err
        time.sleep(0.02)
    assert "/square: 2/2 done in " in err and "failed." not in err
