"""The guide's calls through gradio_nb and through the gradio_client of each old server's day
(installed in that server's venv, run in a subprocess), on the same servers: same answers."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import gradio_nb
from replicas import image_pixels
from servers import python_for, server_env

pytestmark = pytest.mark.legacy

SCRIPT = Path(__file__).with_name("reference_of_the_day.py")
APPS = ("calculator", "translator", "transcriber", "count_generator", "image_generator")


def test_same_answers_as_the_client_of_the_day(gradio_server, old_version, wav_files):
    python = str(python_for(old_version))
    if subprocess.run([python, "-c", "import gradio_client"], capture_output=True).returncode:
        pytest.skip(f"no gradio_client in the Gradio {old_version} venv: run scripts/setup.sh")
    gradio_server.prestart([(app, old_version) for app in APPS])
    urls = {app: gradio_server(app, old_version).url for app in APPS}
    wav = str(wav_files["audio_sample.wav"])
    run = subprocess.run([python, str(SCRIPT), json.dumps(urls), wav],
                         capture_output=True, text=True, timeout=300, env=server_env())
    assert run.returncode == 0, run.stderr[-3000:]
    ref = json.loads(run.stdout.strip().splitlines()[-1])

    calc = gradio_nb.Client(urls["calculator"])
    assert calc.predict(4, "add", 5, api_name="/predict") == ref["calculator"]
    with pytest.raises(gradio_nb.AppError) as error:
        calc.predict(3, "divide", 0, api_name="/predict")
    assert "Cannot divide by zero!" in ref["error"] and "Cannot divide by zero!" in str(error.value)
    assert gradio_nb.Client(urls["translator"]).predict("Hello", api_name="/predict") == ref["translator"]
    assert gradio_nb.Client(urls["transcriber"]).predict(gradio_nb.handle_file(wav), api_name="/predict") == ref["transcriber"]
    job = gradio_nb.Client(urls["count_generator"]).submit(3, api_name="/count")
    if old_version == "3.20":
        # gradio_client 0.1.4's Job.result() returns the generator's first output (outputs[0])
        # as soon as it comes; the clients after it, and gradio_nb, give the last
        assert ref["generator_result"] == ref["generator_outputs"][0] != ref["generator_outputs"][-1]
        assert job.result() == ref["generator_outputs"][-1]
    else:
        assert job.result() == ref["generator_result"]
    assert job.outputs() == ref["generator_outputs"]
    path = gradio_nb.Client(urls["image_generator"]).predict("a red bicycle", 25, api_name="/predict")
    assert Path(path).stat().st_size == ref["image_bytes"]
    assert image_pixels(path)[0] == (64, 48)
    ours = calc.view_api(print_info=False, return_format="dict")["named_endpoints"]
    if old_version == "3.20":
        # 3.20 serves no /info, and gradio_client 0.1.4 asks a hosted Space
        # (gradio-space-api-fetcher.hf.space) to describe it: offline, nothing to compare with.
        # gradio_nb describes it locally (test_old_discovery compares that with 3.50's /info).
        assert ref["view_api"] is None and "gradio-space-api-fetcher" in ref["view_api_error"], ref
        assert {name: [p["label"] for p in e["parameters"]] for name, e in ours.items()} == {
            "/predict": ["num1", "operation", "num2"]}
        return
    # that day's clients list every /info entry, the examples loader (/load_example) included
    assert {name: [p["label"] for p in e["parameters"]] for name, e in ours.items()} == {
        name: labels for name, labels in ref["view_api"].items() if name != "/load_example"
    }
