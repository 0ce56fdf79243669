"""A ZeroGPU Space stand-in: a real Gradio app whose "GPU" runs on a per-visitor quota.

Run: python zerogpu_app.py PORT   (gradio 6.31, loopback only)

Its endpoints /generate, /generate_old, /flaky and /ledger come from gradio_nb.demo.zerogpu
(shared with the demo app's hidden zerogpu_* endpoints); its docstring says what each refuses
and when. ZEROGPU_QUOTA GPU seconds per ZEROGPU_WINDOW seconds (default 3 per 4) per visitor.
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # this checkout's gradio_nb, whatever is installed
sys.path.insert(0, str(HERE.parent / "apps"))

import gradio as gr  # noqa: E402
from _launch import launch  # noqa: E402

from gradio_nb.demo import zerogpu  # noqa: E402

with gr.Blocks() as demo:
    zerogpu.add_endpoints()

if __name__ == "__main__":
    launch(demo)
