"""Batches in a real JupyterLab, in headless Chromium (issue #11): a 200-item map of pictures
shows one live card (its numbers, its gallery), then a plain results table with thumbnails; a
2-parameter sweep ends as a grid of pictures.

tests/widgets/apps/batch_view_app.py serves the pictures; its gate holds the items n >= 100
until the test opens it, so the running card is looked at half done without any timing.
Screenshots: artifacts/e2e/batch-running.png, batch-final-table.png, batch-sweep-grid.png.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

APP = Path(__file__).resolve().parents[1] / "widgets" / "apps" / "batch_view_app.py"


@pytest.fixture(scope="module")
def tiles_app(tmp_path_factory):
    from servers import GradioServer

    base = tmp_path_factory.mktemp("batch-e2e")
    gate = base / "open-the-gate"
    for sub in ("gradio", "logs"):
        (base / sub).mkdir()
    server = GradioServer(APP, env={"BATCH_VIEW_GATE": str(gate)}, temp_dir=base / "gradio",
                          log_dir=base / "logs", startup_timeout=300)
    server.start()
    server.gate = gate
    yield server
    gate.touch()
    server.stop()


def numbers(root) -> dict[str, str]:
    """The numbers a batch header shows (its gnb-n-<name> spans), as the page renders them."""
    return root.evaluate("""r => Object.fromEntries([...r.querySelectorAll('[class^="gnb-n-"]')]
        .map(e => [e.className.slice(6), e.innerText]))""")


def loaded_images(root, selector: str) -> int:
    """How many <img> under ``root`` are whole pictures (decoded, non-zero width)."""
    return root.evaluate(f"""r => [...r.querySelectorAll('{selector}')]
        .filter(i => i.complete && i.naturalWidth > 0).length""")


def test_a_map_of_pictures_then_a_sweep_grid(open_notebook, tiles_app, artifacts_dir):
    nb = open_notebook([
        f"from gradio_nb import Client\nclient = Client({tiles_app.url!r}, verbose=False)",
        'batch = client.map([{"n": n, "size": 16} for n in range(200)], "/tile", concurrency=8, '
        'progress=False)\nbatch',
        'grid = client.sweep("/tile", n=[1, 2, 3, 4], size=[8, 16, 24], progress=False)\n'
        "grid.results()\ngrid",
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    out = nb.output(1)
    card = out.locator(".gnb-batch-card")
    expect(card).to_be_visible()
    expect(out).not_to_contain_text("Loading widget")
    # Half done and held by the gate: 100 done, the rest running or queued, the gallery full.
    expect(card.locator(".gnb-n-done")).to_have_text("100", timeout=120_000)
    shown = numbers(card)  # read at once: one drawn header
    assert (shown["done"], shown["total"], shown["failed"], shown["cached"]) == ("100", "200", "0", "0"), shown
    # the held items are running (at most the cap of 8; the window adapts) or queued
    assert 1 <= int(shown["running"]) <= 8 and int(shown["running"]) + int(shown["queued"]) == 100, shown
    expect(card.locator(".gnb-status-running")).to_be_visible()
    thumbs = card.locator(".gnb-gallery img.gnb-thumb")
    expect(thumbs).to_have_count(32)
    assert loaded_images(card, ".gnb-gallery img.gnb-thumb") == 32
    assert thumbs.first.get_attribute("title").startswith("#")  # its inputs on hover
    assert "size=16" in thumbs.first.get_attribute("title")
    expect(card.locator("button.gnb-cancel-all")).to_be_visible()
    nb.page.screenshot(path=str(artifacts_dir / "batch-running.png"))

    tiles_app.gate.touch()
    final = out.locator(".gnb-batch.gnb-final")
    expect(final).to_be_visible(timeout=120_000)
    expect(card).to_have_count(0)  # the card has left; plain HTML remains
    shown = numbers(final)
    assert (shown["done"], shown["total"], shown["failed"]) == ("200", "200", "0"), shown
    expect(final.locator(".gnb-status-done")).to_have_text("done")
    expect(final.locator("table.gnb-batch-table tbody tr")).to_have_count(200)
    assert loaded_images(final, "table.gnb-batch-table img.gnb-thumb") == 200
    final.evaluate("e => e.scrollIntoView({block: 'start'})")  # the summary, then the table
    nb.page.screenshot(path=str(artifacts_dir / "batch-final-table.png"))

    nb.run_cell(2, timeout=240_000)
    grid = nb.output(2).locator("table.gnb-sweep-grid")
    expect(grid).to_be_visible()
    expect(grid.locator("thead th")).to_have_text(["n \\ size", "8", "16", "24"])
    expect(grid.locator("tbody tr")).to_have_count(4)
    expect(grid.locator("tbody th")).to_have_text(["1", "2", "3", "4"])
    assert loaded_images(grid, "td.gnb-grid-cell img.gnb-thumb") == 12
    nb.output(2).evaluate("e => e.scrollIntoView({block: 'start'})")
    nb.page.screenshot(path=str(artifacts_dir / "batch-sweep-grid.png"))
    nb.assert_no_error_output()
    assert nb.page.external_requests == []
