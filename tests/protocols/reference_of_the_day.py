"""Runs in an old server's venv, with the gradio_client of that day (0.1.4 for 3.20, 0.6.1 for
3.50 ... 0.12.0 for 4.21): the guide's calls, printed as one JSON object for test_reference_of_the_day.py.

    python reference_of_the_day.py '{"calculator": url, ...}' /path/to/audio.wav
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
from gradio_client import Client  # noqa: E402

urls, wav = json.loads(sys.argv[1]), sys.argv[2]
out = {}


def client(name):
    return Client(urls[name], verbose=False)


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
print(json.dumps(out))
