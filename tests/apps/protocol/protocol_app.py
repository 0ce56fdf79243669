"""One Blocks app with an endpoint per protocol scenario.

Run:  python protocol_app.py PORT            (show_error=False, the default)
      SHOW_ERROR=1 python protocol_app.py PORT  (launch(show_error=True))

Endpoints (api_name):
  /echo            Textbox -> Textbox, plain function
  /add             two Numbers -> Number, with a default on the second input
  /count           generator: yields growing strings (diff action "append")
  /evolve          generator on gr.JSON: yields dicts (every diff is ONE root-level replace)
  /shrink          generator on a CheckboxGroup (list diffs: add/delete/replace)
  /table           generator on a Dataframe (nested-path diffs)
  /progress        uses gr.Progress (progress messages)
  /notify          gr.Info / gr.Warning / gr.Success, then returns
  /fail_gr_error   raises gr.Error(title=..., duration=...)
  /fail_exception  raises a plain ValueError
  /fail_in_gen     generator that raises after two yields
  /validated       has a validator= (422 at join time)
  /remember        State in + State out (server-side session state)
  /peek            reads the State only
  /slow            sleeps (concurrency_limit=1) - for queue estimation / cancel
  /slow_gen        slow generator - for cancelling a running generator
  /slow_gen_parallel  an async slow generator, concurrency_limit=None (jobs run side by side)
  /file_info       File in -> JSON + File out (upload/download)
  /make_image      returns an Image (file output)
  /chat            Chatbot streaming (messages format)
  /undocumented    api_visibility="undocumented"
  /secret          api_visibility="private"
  /no_queue        queue=False (the client still uses the queue route)
  /lambda          a lambda: api_name comes from the function name
  /json_path       returns JSON {"path": "..."} that is NOT a file (client-side file detection pitfall)
"""
import asyncio
import json
import os
import tempfile
import time

import gradio as gr

from _launch import launch, messages_chatbot, notice_kwargs, visibility


def echo(text):
    return text


def add(a, b=10):
    return a + b


def count(n: int = 5, delay: float = 0.2):
    out = ""
    for i in range(int(n)):
        out += str(i)
        time.sleep(delay)
        yield out


def evolve():
    yield {"a": 1, "items": [1, 2, 3], "text": "he"}
    time.sleep(0.2)
    yield {"a": 2, "items": [1, 2, 3, 4], "text": "hello", "new": True}
    time.sleep(0.2)
    yield {"a": 2, "items": [1], "text": "hello"}
    time.sleep(0.2)
    yield {"a": "two", "items": [], "text": "bye"}


def shrink():
    # CheckboxGroup values are plain lists, so the diff is element-wise
    yield ["a", "b", "c"]
    time.sleep(0.2)
    yield ["a", "b", "c", "d"]
    time.sleep(0.2)
    yield ["a"]
    time.sleep(0.2)
    yield ["z"]


def table():
    # Dataframe values are dicts (headers/data/metadata): nested paths appear
    yield [[1, 2, 3], [4, 5, 6]]
    time.sleep(0.2)
    yield [[1, 2, 3], [4, 50, 6], [7, 8, 9]]
    time.sleep(0.2)
    yield [[1], [4]]


def progress(steps: int = 4, progress=gr.Progress()):
    progress(0, desc="starting")
    time.sleep(0.3)
    for _ in progress.tqdm(range(int(steps)), desc="looping", unit="steps"):
        time.sleep(0.3)
    return f"did {int(steps)} steps"


def notify(name):
    gr.Info(f"hello {name}")
    time.sleep(0.1)
    gr.Warning("careful!", **notice_kwargs(duration=3, title="Heads up"))
    time.sleep(0.1)
    if hasattr(gr, "Success"):  # 5.x and later
        gr.Success("done", duration=None)
    else:
        gr.Info("done", duration=None)
    return f"notified {name}"


def fail_gr_error(x):
    raise gr.Error("This is a gr.Error message", **notice_kwargs(duration=5, title="Custom title"))


def fail_exception(x):
    raise ValueError("plain exception detail (secret?)")


def fail_in_gen(x):
    yield "first"
    time.sleep(0.1)
    yield "second"
    raise RuntimeError("generator blew up")


def age_validator(name, age):
    return [
        gr.validate(len(name) > 0, "name must not be empty"),
        gr.validate(age >= 0, "age must be non-negative"),
    ]


def validated(name, age):
    return f"{name} is {age}"


def remember(item, history):
    history = (history or []) + [item]
    return history, json.dumps(history)


def peek(history):
    return json.dumps(history)


def slow(seconds: float = 3):
    time.sleep(float(seconds))
    return f"slept {seconds}"


def slow_gen(n: int = 20):
    for i in range(int(n)):
        time.sleep(0.5)
        yield f"tick {i}"


async def slow_gen_async(n: int = 20):
    # async: it runs on the server's loop, beside other jobs of the endpoint, whatever a
    # cancelled sync generator left in the server's worker threads
    for i in range(int(n)):
        await asyncio.sleep(0.5)
        yield f"tick {i}"


def file_info(f):
    if f is None:
        return {"none": True}, None
    size = os.path.getsize(f)
    out = os.path.join(tempfile.mkdtemp(), "result.txt")
    with open(out, "w") as fh:
        fh.write(f"received {os.path.basename(f)} ({size} bytes)\n")
    return {"name": os.path.basename(f), "size": size}, out


def make_image(w: int = 4, h: int = 3):
    import numpy as np

    arr = np.zeros((int(h), int(w), 3), dtype=np.uint8)
    arr[..., 0] = 255
    return arr


def json_path():
    # A plain JSON value that merely LOOKS like a file dict ("path" key with a string)
    return {"path": "not/a/real/file.txt", "note": "just data"}


def chat(message, history):
    history = history or []
    history = history + [{"role": "user", "content": message}]
    yield history
    reply = ""
    for word in ["Hello", " there", ", you", " said: ", message]:
        reply += word
        time.sleep(0.1)
        yield history + [{"role": "assistant", "content": reply}]


with gr.Blocks(title="protocol capture app") as demo:
    t_in = gr.Textbox(label="Input text")
    t_out = gr.Textbox(label="Output text")
    n_a = gr.Number(label="a")
    n_b = gr.Number(label="b", value=10)
    n_out = gr.Number(label="sum")
    n_count = gr.Number(label="n", value=5, precision=0)
    n_delay = gr.Number(label="delay", value=0.2)
    j_out = gr.JSON(label="json out")
    name = gr.Textbox(label="Name")
    age = gr.Number(label="Age")
    state = gr.State([])
    secs = gr.Number(label="seconds", value=3)
    f_in = gr.File(label="Upload")
    f_out = gr.File(label="Result file")
    img_out = gr.Image(label="Image", type="numpy")
    chatbot = messages_chatbot(label="Chat")
    cbg = gr.CheckboxGroup(["a", "b", "c", "d", "z"], label="letters")
    df = gr.Dataframe(label="table")
    btn = gr.Button()

    btn.click(echo, t_in, t_out, api_name="echo")
    btn.click(add, [n_a, n_b], n_out, api_name="add")
    btn.click(count, [n_count, n_delay], t_out, api_name="count")
    btn.click(evolve, None, j_out, api_name="evolve")
    btn.click(shrink, None, cbg, api_name="shrink")
    btn.click(table, None, df, api_name="table")
    btn.click(progress, n_count, t_out, api_name="progress")
    btn.click(notify, name, t_out, api_name="notify")
    btn.click(fail_gr_error, t_in, t_out, api_name="fail_gr_error")
    btn.click(fail_exception, t_in, t_out, api_name="fail_exception")
    btn.click(fail_in_gen, t_in, t_out, api_name="fail_in_gen")
    if hasattr(gr, "validate"):  # validator= exists from 5.x on
        btn.click(validated, [name, age], t_out, api_name="validated", validator=age_validator)
    else:
        btn.click(validated, [name, age], t_out, api_name="validated")
    btn.click(remember, [t_in, state], [state, t_out], api_name="remember")
    btn.click(peek, state, t_out, api_name="peek")
    btn.click(slow, secs, t_out, api_name="slow", concurrency_limit=1)
    btn.click(slow_gen, n_count, t_out, api_name="slow_gen")
    btn.click(slow_gen_async, n_count, t_out, api_name="slow_gen_parallel", concurrency_limit=None)
    btn.click(file_info, f_in, [j_out, f_out], api_name="file_info")
    btn.click(make_image, None, img_out, api_name="make_image")
    btn.click(chat, [t_in, chatbot], chatbot, api_name="chat")
    btn.click(echo, t_in, t_out, **visibility("undocumented", "undocumented"))
    btn.click(echo, t_in, t_out, **visibility("secret", "private"))
    btn.click(echo, t_in, t_out, api_name="no_queue", queue=False)
    btn.click(lambda x: x[::-1], t_in, t_out)
    btn.click(json_path, None, j_out, api_name="json_path")

if __name__ == "__main__":
    launch(demo, show_error=os.environ.get("SHOW_ERROR") == "1")
