"""An app for the widget tests: rich outputs, progress, logs, streaming and a cancellable generator.

Run: python widget_app.py PORT   (gradio 6.31, loopback only)

  /rich      -> Markdown (with a script), HTML (with XSS attempts), Label, Gallery, Dataframe, JSON,
                Chatbot, Image, Audio, File
  /work      gr.Progress steps + gr.Info/gr.Warning, returns text
  /stream    generator of growing text
  /ticks     a slow generator counting into TICKS (for "Cancel really cancels")
  /tick_count  how many ticks /ticks made so far
  /boom      raises gr.Error(title=..., message=...)
  /echo_all  many input components -> JSON of what the function received
"""
import json
import os
import struct
import sys
import tempfile
import time
import wave
import zlib

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

TMP = tempfile.mkdtemp(prefix="widget-app-")


def _png(path, w=4, h=3):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as fh:
        fh.write(png)
    return path


def _wav(path):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    return path


IMG = _png(os.path.join(TMP, "red.png"))
WAV = _wav(os.path.join(TMP, "silence.wav"))
TXT = os.path.join(TMP, "notes.txt")
with open(TXT, "w") as fh:
    fh.write("hello file\n")

TICKS = {"n": 0}

XSS_HTML = ('<b>bold</b><script>window.__pwned = 1</script><img src="x" onerror="window.__pwned=2">'
            '<a href="javascript:alert(1)">link</a>')


def rich():
    return (
        "# Title\nSome **markdown** <script>window.__pwned = 3</script>",
        XSS_HTML,
        {"cat": 0.7, "dog": 0.3},
        [(IMG, "a red square"), IMG],
        [[1, "a"], [2, "<i>b</i>"]],
        {"k": [1, 2, {"x": None}]},
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello **there**"}],
        IMG,
        WAV,
        TXT,
    )


def work(steps: int = 3, progress=gr.Progress()):
    gr.Info("starting the work")
    progress(0, desc="warming up")
    time.sleep(0.3)
    for _ in progress.tqdm(range(int(steps)), desc="stepping", unit="steps"):
        time.sleep(0.4)
    gr.Warning("almost done", title="Heads up")
    time.sleep(0.2)
    return f"worked {int(steps)} steps"


def stream(n: int = 4):
    out = ""
    for i in range(int(n)):
        out += f"[{i}]"
        time.sleep(0.3)
        yield out


def ticks(n: int = 200):
    for i in range(int(n)):
        TICKS["n"] += 1
        time.sleep(0.2)
        yield f"tick {i}"


def tick_count():
    return TICKS["n"]


def boom(x):
    raise gr.Error("the <b>message</b> of the app", title="Boom title")


def echo_all(*values):
    return json.loads(json.dumps(values, default=str))


with gr.Blocks() as demo:
    md = gr.Markdown()
    html = gr.HTML()
    label = gr.Label(label="label")
    gallery = gr.Gallery(label="gallery")
    df = gr.Dataframe(label="table")
    js = gr.JSON(label="json")
    chat = gr.Chatbot(label="chat")
    img = gr.Image(label="image", type="filepath")
    aud = gr.Audio(label="audio", type="filepath")
    fil = gr.File(label="file")
    text = gr.Textbox(label="text", info="some help text")
    steps = gr.Slider(1, 10, value=3, step=1, label="steps")
    count = gr.Number(value=4, precision=0, label="count")
    out = gr.Textbox(label="out")
    num_out = gr.Number(label="ticks")
    pw = gr.Textbox(label="api key", type="password")
    dd = gr.Dropdown([("Alpha", "a"), ("Beta", "b")], value="a", label="choice")
    received = gr.JSON(label="received")
    b = gr.Button()
    b.click(rich, None, [md, html, label, gallery, df, js, chat, img, aud, fil], api_name="rich")
    b.click(work, steps, out, api_name="work")
    b.click(stream, count, out, api_name="stream")
    b.click(ticks, count, out, api_name="ticks")
    b.click(tick_count, None, num_out, api_name="tick_count")
    b.click(boom, text, out, api_name="boom")
    b.click(echo_all, [text, steps, pw, dd], received, api_name="echo_all")

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]) if len(sys.argv) > 1 else 7860,
                ssr_mode=False, share=False, allowed_paths=[TMP])
