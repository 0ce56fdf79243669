"""Evidence for cancel on the old lines: what the app itself does after a client cancels.

/tick yields "<tag> 0", "<tag> 1", ... (PROBE_STEP_SECONDS each, default 0.25; 40 at most) and
prints "tick <tag> <i>" to the server's log at each step, so a test sees whether the generator
stopped. A Stop button cancels /tick (cancels=[...]: how apps before Gradio 4.29 let a call be
cancelled). /tick_free is the same generator without a Stop listener, and /plain (no Stop
listener either) sleeps PROBE_PLAIN_SECONDS (default 3), then prints "plain done <tag>"; /echo
answers at once (a later job, queued behind whatever still runs).
Runs on every Gradio from 3.20 to 6.31; the queue runs one call of the app at a time (3.x: its
one worker; 4.x+: one concurrency group), so a second job really waits in the queue.
"""
import os
import time

import gradio as gr

from _launch import GRADIO_MAJOR, launch

STEP = float(os.environ.get("PROBE_STEP_SECONDS", "0.25"))
PLAIN = float(os.environ.get("PROBE_PLAIN_SECONDS", "3"))


def tick(tag):
    for i in range(40):
        time.sleep(STEP)
        print(f"tick {tag} {i}", flush=True)
        yield f"{tag} {i}"


def plain(tag):
    time.sleep(PLAIN)
    print(f"plain done {tag}", flush=True)
    return tag


# 4.x limits concurrency per listener: one group for all of them, as 3.x's single worker.
ONE_AT_A_TIME = {"concurrency_id": "probe", "concurrency_limit": 1} if GRADIO_MAJOR >= 4 else {}


def echo(text):
    return text


with gr.Blocks() as demo:
    tag = gr.Textbox(label="tag")
    out = gr.Textbox(label="out")
    ticking = gr.Button("Tick").click(tick, tag, out, api_name="tick", **ONE_AT_A_TIME)
    gr.Button("Stop").click(None, None, None, cancels=[ticking])
    gr.Button("Tick free").click(tick, tag, out, api_name="tick_free", **ONE_AT_A_TIME)
    gr.Button("Plain").click(plain, tag, out, api_name="plain", **ONE_AT_A_TIME)
    gr.Button("Echo").click(echo, tag, out, api_name="echo", **ONE_AT_A_TIME)

if __name__ == "__main__":
    launch(demo)
