"""An app for the batch view tests: small pictures, sounds, numbers, failures and a slow call.

Run: python batch_view_app.py PORT   (gradio 6.31, loopback only)

  /tile    (n, size) -> a size x size PNG whose colour depends on n; n < 0 raises gr.Error
  /chirp   (n) -> a short WAV file
  /square  (x) -> x * x, instantly (the 10,000-item throttling test)
  /slow    (x) -> x after 30 s (what "Cancel all" must stop)

BATCH_VIEW_GATE=PATH (the browser test): /tile with n >= 100 waits until PATH exists, so a
200-item map holds still, half done, while the test looks at its live card.
"""
import os
import struct
import sys
import tempfile
import time
import wave
import zlib

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

TMP = tempfile.mkdtemp(prefix="batch-view-app-")
GATE = os.environ.get("BATCH_VIEW_GATE")


def _png(path, rgb, w, h):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as fh:
        fh.write(png)
    return path


def tile(n: int, size: int = 8):
    n, size = int(n), int(size)
    while GATE and n >= 100 and not os.path.exists(GATE):
        time.sleep(0.05)
    if n < 0:
        raise gr.Error(f"n must be >= 0, got {n}", title="Bad tile")
    rgb = ((n * 37) % 256, (n * 91) % 256, (size * 53) % 256)
    return _png(os.path.join(TMP, f"tile-{n}-{size}.png"), rgb, size, size)


def chirp(n: int):
    path = os.path.join(TMP, f"chirp-{int(n)}.wav")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x10" * 400)
    return path


def square(x: float):
    return x * x


def slow(x: float):
    time.sleep(30)
    return x


with gr.Blocks() as demo:
    n = gr.Number(value=0, precision=0, label="n")
    size = gr.Number(value=8, precision=0, label="size")
    x = gr.Number(label="x")
    img = gr.Image(label="tile", type="filepath")
    aud = gr.Audio(label="sound", type="filepath")
    y = gr.Number(label="y")
    b = gr.Button()
    b.click(tile, [n, size], img, api_name="tile", concurrency_limit=None)
    b.click(chirp, n, aud, api_name="chirp", concurrency_limit=None)
    b.click(square, x, y, api_name="square", concurrency_limit=None)
    b.click(slow, x, y, api_name="slow", concurrency_limit=None)

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]) if len(sys.argv) > 1 else 7860,
                ssr_mode=False, share=False, allowed_paths=[TMP])
