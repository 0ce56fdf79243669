"""Calls demo.close() (an orderly in-process shutdown) when it receives SIGUSR1.

Used to capture what a client sees when the queue is stopped while a stream is open.
Endpoints: /slow (sleeps N seconds).
"""
import signal
import threading
import time

import gradio as gr

from _launch import launch_kwargs, port_from_argv


def slow(seconds: float = 3):
    time.sleep(float(seconds))
    return f"slept {seconds}"


with gr.Blocks() as demo:
    n = gr.Number(value=3)
    o = gr.Textbox()
    gr.Button().click(slow, n, o, api_name="slow")

if __name__ == "__main__":
    stop = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: stop.set())
    demo.launch(**launch_kwargs(server_name="127.0.0.1", server_port=port_from_argv(), prevent_thread_lock=True))
    stop.wait()
    demo.close()
    time.sleep(1)
