"""Issue #11, "a picture that breaks under load", made certain instead of timed.

Gradio rewrites a PIL output in place when a generator yields the same picture again, so a
download for the earlier message can come back empty (apps/rewrite_app.py holds that window
open with two controlled steps on a real Gradio 6.31 server). The final result, and so the
final card, must still hold the whole picture: before the fix it reused the empty download and
the browser showed a broken image (``img.complete`` true, ``naturalWidth`` 0).
"""
from __future__ import annotations

import base64
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from gradio_nb import Client
from gradio_nb.widgets._card import LiveOutput

SIZE = (48, 32)  # the app's picture


@pytest.fixture
def client(rewrite_app, tmp_path):
    c = Client(rewrite_app.url, download_files=tmp_path / "downloads", verbose=False)
    yield c
    c.close()


def _size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return img.size


def test_final_result_holds_the_whole_picture_after_a_rewrite(client):
    job = client.submit("sky", api_name="/paint")
    status, path = job.result(timeout=120)
    assert status == "done: sky"
    first, again = job.outputs()
    # The race really happened: the first message's download was answered mid-rewrite.
    assert first[0] == "painted sky" and os.path.getsize(first[1]) == 0
    # A later streamed message does not reuse an empty download, and the final result is whole.
    assert again[0] == "done: sky" and _size_of(Path(again[1]).read_bytes()) == SIZE
    assert _size_of(Path(path).read_bytes()) == SIZE


def test_final_card_embeds_the_whole_picture(client, frontend):
    job = client.submit("sea", api_name="/paint")
    live = LiveOutput(job)
    assert live.wait_drawn(120)
    assert os.path.getsize(job.outputs()[0][1]) == 0  # the race happened here too
    embedded = re.findall(r'<img src="data:image/png;base64,([^"]*)"', live.final.html)
    assert len(embedded) == 1, live.final.html
    assert _size_of(base64.b64decode(embedded[0])) == SIZE
