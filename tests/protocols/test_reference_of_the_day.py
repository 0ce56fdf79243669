"""The guide's calls through gradio_nb and through the gradio_client of each old server's day
(installed in that server's venv, run once per line in a subprocess: reference_of_the_day.py),
on the same servers: same answers, same cancels (and the same effect on the app), same State,
same progress. For 3.20 that is gradio_client 0.1.4, the first release, which came just after it
(scripts/setup.sh installs it there)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import gradio_nb
from replicas import code_name, image_pixels, probe_stopped, probe_ticks, wait_for
from servers import python_for, server_env

pytestmark = pytest.mark.legacy

SCRIPT = Path(__file__).with_name("reference_of_the_day.py")
APPS = ("calculator", "translator", "transcriber", "count_generator", "image_generator",
        "cancel_probe", "word_count", "progress_app")


@pytest.fixture(scope="module")
def urls(gradio_server, old_version) -> dict[str, str]:
    python = str(python_for(old_version))
    if subprocess.run([python, "-c", "import gradio_client"], capture_output=True).returncode:
        pytest.skip(f"no gradio_client in the Gradio {old_version} venv: run scripts/setup.sh")
    gradio_server.prestart([(app, old_version) for app in APPS])
    return {app: gradio_server(app, old_version).url for app in APPS}


@pytest.fixture(scope="module")
def state_target(old_version) -> dict:
    # 3.x named no Blocks listener unless told to: the guide's /count is fn_index 0 there.
    return {"fn_index": 0} if old_version.startswith("3.") else {"api_name": "/count"}


@pytest.fixture(scope="module")
def ref(urls, old_version, state_target, wav_files) -> dict:
    """What the client of that day observed, one run per line."""
    run = subprocess.run(
        [str(python_for(old_version)), str(SCRIPT), json.dumps({"urls": urls, "state_target": state_target}),
         str(wav_files["audio_sample.wav"])],
        capture_output=True, text=True, timeout=300, env=server_env(),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_guides_calls(urls, ref, wav_files, old_version):
    wav = str(wav_files["audio_sample.wav"])
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


# Where the client of that day is broken, measured on these servers (its error, and why):
# none of them knew parameter defaults yet: a left-out argument is refused before sending.
DEFAULTS_REFUSED = {
    "3.20": "AssertionError: Expected 2 arguments, got 1",  # gradio_client 0.1.4 asserts the count
    "3.50": "ValueError: Expected 2 arguments, got 1",  # gradio_client 0.6.1 counts the arguments given
    "4.5": "ValueError: None",  # 0.7.0 ... 0.12.0 raise a bare ValueError(None) for the missing one
    "4.10": "ValueError: None",
    "4.19": "ValueError: None",
    "4.21": "ValueError: None",
}
# Their cancel leaves the app running: gradio_client sets Communicator.event_id only on `sse`
# (v0, 4.5), so on sse_v1 ... sse_v2.1 (4.10, 4.19, 4.21) it posts no `reset`, and the session's
# shared stream stays open: the generator runs its 40 steps, a cancelled queued job still runs.
CANCEL_LEAVES_APP_RUNNING = {"4.10", "4.19", "4.21"}
# Where the app runs a queued job although its client closed the session's stream (its
# starlette cancels the stream before Gradio's clean-up): gradio_nb stops it at its first output.
STARTS_CANCELLED_QUEUED_JOBS = {
    "4.19": "sse_v2: the closed stream leaves the event queued; `reset` stops it at its first yield",
    "4.21": "sse_v2.1: the closed stream leaves the event queued; `reset` stops it at its first yield",
}


def test_slider_and_number_defaults(urls, ref, old_version):
    """Left out, a Slider and a Number take the component's value (Slider(value=10): ten white
    pixels; Number(value=10): range(10)), as the app's page does."""
    _, rows = image_pixels(gradio_nb.Client(urls["image_generator"]).predict("x", api_name="/predict"))
    white = [px == (255, 255, 255) for px in rows[0]].count(True)
    shown = gradio_nb.Client(urls["count_generator"]).predict(api_name="/show")
    assert (white, shown) == (10, str(list(range(10))))
    if old_version in DEFAULTS_REFUSED:  # that day's client is broken here (see above)
        assert ref["slider_default"] == {"error": DEFAULTS_REFUSED[old_version]}
        kind = DEFAULTS_REFUSED[old_version].split(":")[0]  # the same error for the Number
        assert ref["number_default"]["error"].startswith(kind + ": ")
    else:
        assert (ref["slider_default"], ref["number_default"]) == (white, shown)


def test_cancel_a_generator(urls, ref, old_version, gradio_server):
    """Both clients: True, CANCELLED, the outputs so far kept, a later job answered; and the
    app's generator stops within a step or two (its steps counted in the server's log)."""
    server = gradio_server("cancel_probe", old_version)
    probe = gradio_nb.Client(urls["cancel_probe"])
    job = probe.submit("nb-gen", api_name="/tick_free")
    wait_for(lambda: job.outputs(), timeout=30, what="the first yield")
    assert job.cancel() is True
    assert code_name(job.status()) == "CANCELLED"
    outputs = job.outputs()
    assert outputs == [f"nb-gen {i}" for i in range(len(outputs))] and outputs
    assert probe.predict("nb-later", api_name="/echo") == "nb-later"
    assert probe_stopped(server, "nb-gen") <= len(outputs) + 2

    theirs = ref["cancel_generator"]
    assert (theirs["cancel"], theirs["code"], theirs["later"]) == (True, "CANCELLED", "ref-later")
    assert theirs["outputs"] == [f"ref-gen {i}" for i in range(len(theirs["outputs"]))] and theirs["outputs"]
    if old_version in CANCEL_LEAVES_APP_RUNNING:
        wait_for(lambda: probe_ticks(server, "ref-gen") == 40, timeout=15, what="that client's generator to run on")
    else:
        assert probe_stopped(server, "ref-gen") <= len(theirs["outputs"]) + 2


def test_cancel_a_queued_job(urls, ref, old_version, gradio_server):
    """A job cancelled while queued behind another client's: both clients say CANCELLED with no
    outputs, the running job is untouched, and the app never runs the cancelled one (4.19 and
    4.21: only its first step, see STARTS_CANCELLED_QUEUED_JOBS)."""
    server = gradio_server("cancel_probe", old_version)
    runner, canceller = gradio_nb.Client(urls["cancel_probe"]), gradio_nb.Client(urls["cancel_probe"])
    running = runner.submit("nb-run", api_name="/plain")
    wait_for(lambda: code_name(running.status()) == "PROCESSING", timeout=30, what="the first job to start")
    queued = canceller.submit("nb-queued", api_name="/tick_free")
    wait_for(lambda: code_name(queued.status()) == "IN_QUEUE", timeout=30, what="the second job to queue")
    assert queued.cancel() is True
    assert code_name(queued.status()) == "CANCELLED" and queued.outputs() == []
    assert running.result(timeout=30) == "nb-run" and running.outputs() == ["nb-run"]
    assert runner.predict("nb-after", api_name="/echo") == "nb-after"  # queued after the cancelled one
    if old_version in STARTS_CANCELLED_QUEUED_JOBS:
        assert probe_stopped(server, "nb-queued") <= 2, STARTS_CANCELLED_QUEUED_JOBS[old_version]
    else:
        assert probe_ticks(server, "nb-queued") == 0

    theirs = ref["cancel_queued"]
    assert (theirs["cancel"], theirs["code"], theirs["outputs"]) == (True, "CANCELLED", [])
    assert (theirs["running"], theirs["running_outputs"]) == ("ref-run", ["ref-run"])
    if old_version in CANCEL_LEAVES_APP_RUNNING:
        wait_for(lambda: probe_ticks(server, "ref-queued") == 40, timeout=15, what="that client's cancelled job to run")
    else:
        assert probe_ticks(server, "ref-queued") == 0


def test_state_and_reset_session(urls, ref, state_target):
    """gr.State: the same counts in one session, a fresh count in another, and after
    reset_session()."""
    words = gradio_nb.Client(urls["word_count"])
    counts = [words.predict(w, **state_target) for w in ["a", "b", "a", "a"]]
    other = gradio_nb.Client(urls["word_count"]).predict("a", **state_target)
    words.reset_session()
    ours = {"counts": counts, "other_session": other, "after_reset": words.predict("a", **state_target)}
    assert ours == ref["state"] == {"counts": [0, 0, 1, 2], "other_session": 0, "after_reset": 0}


def test_progress_updates(urls, ref):
    """gr.Progress: both clients see the app's units ("stepping", 5 long) while it works."""
    seen: set = set()
    job = gradio_nb.Client(urls["progress_app"]).submit(5, api_name="/work")
    job.add_listener(lambda snap: seen.update((u.desc, u.length, u.index) for u in snap.progress))
    assert job.result(timeout=60) == ref["progress"]["result"] == "worked 5 steps"
    theirs = {tuple(unit) for unit in ref["progress"]["units"]}
    assert seen and theirs
    assert {(desc, length) for desc, length, _ in seen} == {(desc, length) for desc, length, _ in theirs} == {("stepping", 5)}
