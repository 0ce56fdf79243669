"""gr.Progress over steps: /work takes a number of steps (PROGRESS_STEP_SECONDS each, default
0.3) and reports each through progress.tqdm. Runs on every Gradio from 3.20 to 6.31."""
import os
import time

import gradio as gr

from _launch import launch

STEP = float(os.environ.get("PROGRESS_STEP_SECONDS", "0.3"))


def work(steps, progress=gr.Progress()):
    for _ in progress.tqdm(range(int(steps)), desc="stepping"):
        time.sleep(STEP)
    return f"worked {int(steps)} steps"


with gr.Blocks() as demo:
    steps = gr.Number(value=4, label="steps")
    out = gr.Textbox(label="result")
    gr.Button("Work").click(work, steps, out, api_name="work")

if __name__ == "__main__":
    launch(demo)
