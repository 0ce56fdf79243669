"""Replica of the Space abidlabs/whisper: "transcribes" a WAV file deterministically.

gr.Audio(type="filepath") in, text out, one endpoint /predict. The text depends only on the
WAV header (read with the stdlib `wave` module): a 1-second file gives
"This is a test of the whisper speech recognition model.", other durations give a longer or
shorter prefix of a fixed passage (10 words per second), followed by the sample rate when it is
not 16 kHz. Each call takes TRANSCRIBE_SECONDS (default 0.5) so that a second job waits in
the queue (default concurrency limit 1), as the guide's cancel example needs.
"""
import os
import time
import wave

import gradio as gr
from gradio import processing_utils

from _launch import interface_kwargs, launch, supported

PASSAGE = (
    "This is a test of the whisper speech recognition model. It listens to a short "
    "recording and writes down what it hears, one word after the other, until the "
    "recording ends."
).split()
DELAY = float(os.environ.get("TRANSCRIBE_SECONDS", "0.5"))

# The guide transcribes a file given by URL, which the *server* downloads. Gradio refuses to
# download from non-public addresses (SSRF protection), so the tests' URL, served on loopback,
# is allowed explicitly here.
_allowed = getattr(processing_utils, "PUBLIC_HOSTNAME_WHITELIST", None)
if isinstance(_allowed, list):
    _allowed.append("127.0.0.1")


def transcribe_file(path):
    with wave.open(path, "rb") as w:
        rate = w.getframerate()
        seconds = w.getnframes() / rate
    n = max(1, min(len(PASSAGE), round(seconds * 10)))
    text = " ".join(PASSAGE[:n])
    if not text.endswith("."):
        text += "."
    if rate != 16000:
        text += f" ({rate} Hz)"
    return text


def predict(audio):
    time.sleep(DELAY)
    return transcribe_file(audio)


demo = gr.Interface(
    predict,
    gr.Audio(type="filepath", label="audio"),
    gr.Textbox(label="output"),
    **supported(gr.Interface, api_name="predict"),
    **interface_kwargs(),
)

if __name__ == "__main__":
    launch(demo)
