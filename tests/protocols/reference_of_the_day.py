"""Runs in an old server's venv, with the gradio_client of that day (0.1.4 for 3.20, 0.6.1 for
3.50 ... 0.12.0 for 4.21): the guide's calls, printed as one JSON object for test_reference_of_the_day.py.

    python reference_of_the_day.py '{"urls": {"calculator": url, ...}, "state_target": {...}}' audio.wav

The first calls are the guide's as printed; the later ones (Slider default, cancel, State,
progress) record what that client observed, or the error it raised, so that the test can say
where that day's client is broken instead of this script stopping at the first failure.
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
from gradio_client import Client  # noqa: E402

args, wav = json.loads(sys.argv[1]), sys.argv[2]
urls = args["urls"]
out = {}


def client(name):
    return Client(urls[name], verbose=False)


def attempt(key, fn):
    """out[key] = fn(), or {"error": ...} when that day's client raised."""
    try:
        out[key] = fn()
    except Exception as exc:
        out[key] = {"error": f"{type(exc).__name__}: {exc}"}


def code(job):
    return job.status().code.name


def wait(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("that day's client never got there")
        time.sleep(0.02)


calc = client("calculator")
out["calculator"] = calc.predict(4, "add", 5, api_name="/predict")
try:
    calc.predict(3, "divide", 0, api_name="/predict")
    out["error"] = None
except Exception as exc:  # that day's clients raised ValueError or their own AppError
    out["error"] = str(exc)
out["translator"] = client("translator").predict("Hello", api_name="/predict")
out["transcriber"] = client("transcriber").predict(wav, api_name="/predict")
job = client("count_generator").submit(3, api_name="/count")
out["generator_result"] = job.result()
while not job.done():  # gradio_client 0.1.x's result() returns at the first output
    time.sleep(0.05)
out["generator_outputs"] = job.outputs()
with open(client("image_generator").predict("a red bicycle", 25, api_name="/predict"), "rb") as f:
    out["image_bytes"] = len(f.read())
try:
    api = calc.view_api(print_info=False, return_format="dict")
    out["view_api"] = {name: [p["label"] for p in e["parameters"]] for name, e in api["named_endpoints"].items()}
except Exception as exc:  # noqa: BLE001 - reported, the test says which servers may do this
    # gradio_client 0.1.x has a server without /info (3.20) described by a hosted Space: offline,
    # there is no description to compare with
    out["view_api"], out["view_api_error"] = None, f"{type(exc).__name__}: {exc}"


def slider_default():
    """image_generator with its Slider left out: how many top-row pixels came back white."""
    from PIL import Image

    with Image.open(client("image_generator").predict("x", api_name="/predict")) as img:
        img = img.convert("RGB")
        return [img.getpixel((x, 0)) for x in range(img.size[0])].count((255, 255, 255))


attempt("slider_default", slider_default)
attempt("number_default", lambda: client("count_generator").predict(api_name="/show"))


def cancel_generator():
    probe = client("cancel_probe")
    job = probe.submit("ref-gen", api_name="/tick_free")
    wait(lambda: job.outputs())
    cancelled = job.cancel()
    wait(job.done, timeout=15)
    outputs = job.outputs()
    later = probe.predict("ref-later", api_name="/echo")
    return {"cancel": cancelled, "code": code(job), "outputs": outputs, "later": later}


def cancel_queued():
    runner, canceller = client("cancel_probe"), client("cancel_probe")
    running = runner.submit("ref-run", api_name="/plain")
    wait(lambda: code(running) in ("PROCESSING", "ITERATING"))
    queued = canceller.submit("ref-queued", api_name="/tick_free")
    wait(lambda: code(queued) == "IN_QUEUE")
    cancelled = queued.cancel()
    wait(queued.done, timeout=15)
    return {"cancel": cancelled, "code": code(queued), "outputs": queued.outputs(),
            "running": running.result(timeout=30), "running_outputs": running.outputs()}


attempt("cancel_generator", cancel_generator)
attempt("cancel_queued", cancel_queued)


def state():
    target = args["state_target"]
    words = client("word_count")
    counts = [words.predict(w, **target) for w in ["a", "b", "a", "a"]]
    other = client("word_count").predict("a", **target)
    words.reset_session()
    return {"counts": counts, "other_session": other, "after_reset": words.predict("a", **target)}


attempt("state", state)


def progress():
    job = client("progress_app").submit(5, api_name="/work")
    seen = set()
    while not job.done():
        for unit in job.status().progress_data or ():
            seen.add((unit.desc, unit.length, unit.index))
        time.sleep(0.02)
    return {"result": job.result(), "units": sorted(seen)}


attempt("progress", progress)
print(json.dumps(out))
