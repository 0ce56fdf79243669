"""The guide's core examples against the old Gradio lines, one per wire protocol.

4.21 speaks sse_v2.1, 4.19 sse_v2, 4.10 sse_v1, 4.5 sse (one stream per event), 3.50 the
3.x websocket queue (ws), and 3.20 the same without /info (its API is described locally). Their servers run from the venvs scripts/setup.sh builds in .venvs/;
without them these tests skip locally and fail under CI=true.
"""
from __future__ import annotations

import logging

import httpx
import pytest

import gradio_nb
from replicas import (
    REPLICAS, WHISPER_1S, check_count_generator, check_gr_error, code_name, image_pixels, probe_stopped, probe_ticks,
    wait_for,
)

pytestmark = pytest.mark.legacy

PROTOCOLS = {"4.21": "sse_v2.1", "4.19": "sse_v2", "4.10": "sse_v1", "4.5": "sse", "3.50": None, "3.20": None}


@pytest.fixture(scope="module")
def app_url(gradio_server, old_version):
    """app_url(name) -> URL of replica `name` on the parametrised old server; the first call for
    a version starts all replicas of that version at once."""
    gradio_server.prestart([(name, old_version) for name in (*REPLICAS, "progress_app", "cancel_probe")])

    def url(name: str) -> str:
        return gradio_server(name, old_version).url

    return url


def test_server_speaks_its_protocol(app_url, old_version):
    config = httpx.get(app_url("calculator") + "config", timeout=10, trust_env=False).json()
    assert config["version"].startswith(old_version + ".")
    assert config.get("protocol") == PROTOCOLS[old_version]  # 3.x: no key, i.e. "ws"


def test_parameter_names_from_labels(app_url):
    """That era's /info has no parameter_name: names come from the labels, as its servers
    named them, so keyword calls work and view_api shows them."""
    client = gradio_nb.Client(app_url("calculator"))
    params = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/predict"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["num1", "operation", "num2"]
    assert [p["component"] for p in params] == ["Number", "Radio", "Number"]
    assert [p.name for p in client.endpoint("/predict").parameters] == ["num1", "operation", "num2"]
    client.load_all_endpoints()  # 3.20 has no /info at all: nothing more to load, no error
    assert client.predict(num1=1, operation="add", num2=2, api_name="/predict") == 3


def test_view_api_text(app_url):
    text = gradio_nb.Client(app_url("count_generator")).view_api(print_info=False, return_format="str")
    assert ' - predict(parameter_2, api_name="/count") -> value_' in text  # unlabelled: parameter_<id>
    text = gradio_nb.Client(app_url("transcriber")).view_api(print_info=False, return_format="str")
    assert 'predict(audio, api_name="/predict") -> output' in text


def test_predict_positional_and_keyword(app_url):
    client = gradio_nb.Client(app_url("calculator"))
    assert client.predict(4, "add", 5, api_name="/predict") == 9
    assert client.predict(num1=4, operation="multiply", num2=2.5, api_name="/predict") == 10
    assert client.predict(10, "divide", num2=4) == 2.5  # the only API endpoint: no api_name needed
    assert gradio_nb.Client(app_url("translator")).predict("Hello", api_name="/predict") == "Bonjour"


def test_defaults(app_url):
    client = gradio_nb.Client(app_url("count_generator"))
    assert client.predict(api_name="/show") == str(list(range(10)))  # Number(value=10)
    image = gradio_nb.Client(app_url("image_generator")).predict(text="x", api_name="/predict")
    _, rows = image_pixels(image)
    assert [px == (255, 255, 255) for px in rows[0]].count(True) == 10  # Slider(value=10)


def test_gr_error_is_app_error(app_url):
    check_gr_error(gradio_nb.Client(app_url("calculator")), gradio_nb.AppError)


def test_generator_outputs(app_url):
    check_count_generator(gradio_nb.Client(app_url("count_generator")))


def test_state_and_reset_session(app_url, old_version):
    url = app_url("word_count")
    # 3.x named no Blocks listener unless told to: the guide's /count is fn_index 0 there.
    target = {"fn_index": 0} if old_version.startswith("3.") else {"api_name": "/count"}
    client = gradio_nb.Client(url)
    assert [client.predict(w, **target) for w in ["a", "b", "a", "a"]] == [0, 0, 1, 2]
    assert gradio_nb.Client(url).predict("a", **target) == 0  # another session
    client.reset_session()
    assert client.predict("a", **target) == 0


def test_file_upload(app_url, wav_files):
    client = gradio_nb.Client(app_url("transcriber"))
    assert client.predict(gradio_nb.handle_file(str(wav_files["audio_sample.wav"])), api_name="/predict") == WHISPER_1S
    assert client.predict(audio=gradio_nb.handle_file(str(wav_files["long_8k.wav"]))).endswith(" (8000 Hz)")


def test_file_download(app_url):
    path = gradio_nb.Client(app_url("image_generator")).predict("a red bicycle", 25, api_name="/predict")
    (width, height), rows = image_pixels(path)
    assert (width, height) == (64, 48)
    assert rows[0][:25] == [(255, 255, 255)] * 25


def test_cancel_generator(app_url):
    client = gradio_nb.Client(app_url("slow_yield"))  # one character per second
    job = client.submit("abcdef", api_name="/predict")
    wait_for(lambda: job.outputs(), timeout=30, what="the first yield")
    assert job.cancel() is True
    assert code_name(job.status()) == "CANCELLED"
    outputs = job.outputs()
    assert outputs == list("abcdef")[: len(outputs)] and len(outputs) < 6
    assert client.predict("xy", api_name="/predict") == "y"  # the client carries on


def test_cancel_queued_job(app_url):
    url = app_url("slow_yield")  # one job at a time
    runner, canceller = gradio_nb.Client(url), gradio_nb.Client(url)
    running = runner.submit("abc", api_name="/predict")
    wait_for(lambda: code_name(running.status()) in ("PROCESSING", "ITERATING"), timeout=30, what="the first job to start")
    queued = canceller.submit("xyz", api_name="/predict")
    wait_for(lambda: code_name(queued.status()) == "IN_QUEUE", timeout=30, what="the second job to queue")
    assert queued.cancel() is True
    assert code_name(queued.status()) == "CANCELLED" and queued.outputs() == []
    assert running.result(timeout=30) == "c"  # the other client's job is not affected
    assert running.outputs() == ["a", "b", "c"]


def test_gradio3_without_a_queue(gradio_server, wav_files):
    """A 3.x app that never called .queue(): every call is one POST run/predict."""
    url = gradio_server("calculator", "3.50", env={"GRADIO_TEST_NO_QUEUE": "1"}).url
    assert httpx.get(url + "config", timeout=10, trust_env=False).json()["enable_queue"] is False
    client = gradio_nb.Client(url)
    job = client.submit(num1=4, operation="multiply", num2=2.5, api_name="/predict")
    assert job.result(timeout=30) == 10 and code_name(job.status()) == "FINISHED"
    with pytest.raises(gradio_nb.AppError, match="Cannot divide by zero!"):
        client.predict(3, "divide", 0, api_name="/predict")
    audio = gradio_nb.Client(gradio_server("transcriber", "3.50", env={"GRADIO_TEST_NO_QUEUE": "1"}).url)
    assert audio.predict(gradio_nb.handle_file(str(wav_files["audio_sample.wav"]))) == WHISPER_1S


def test_progress_updates(app_url):
    """gr.Progress reaches the job as PROGRESS snapshots with the app's units."""
    client = gradio_nb.Client(app_url("progress_app"))
    seen = []
    job = client.submit(5, api_name="/work")
    job.add_listener(lambda snap: seen.append(snap.progress) if snap.progress else None)
    assert job.result(timeout=60) == "worked 5 steps"
    units = [unit for progress in seen for unit in progress]
    assert units and all(unit.desc == "stepping" for unit in units)
    assert {unit.length for unit in units} == {5}


@pytest.mark.parametrize("version", ["3.50", "4.5"])
def test_header_policy_on_per_event_connections(gradio_server, version):
    """The websocket (3.50) and the event's own stream (4.5) go through the client's httpx
    client: user headers reach the app, the HF token does not leave the Hub's hosts."""
    url = gradio_server("probe_headers_app", version).url
    client = gradio_nb.Client(url, headers={"x-probe": "yes"}, hf_token="hf_not_a_real_token")
    assert client.predict("hi", api_name="/probe") == "hi: yes, no token"


@pytest.mark.parametrize("version", ["4.10", "3.50"])
def test_cancel_through_the_apps_stop_listener(gradio_server, version):
    """Before the cancel route (4.29) a running plain call can only be stopped the way the
    app's own Stop button does it: the client triggers that listener. Then the app's one
    worker is free again, long before the cancelled call (30 s) would have ended."""
    client = gradio_nb.Client(gradio_server("stop_button", version).url)
    job = client.submit("first", api_name="/slow")
    wait_for(lambda: code_name(job.status()) == "PROCESSING", timeout=30, what="the slow call to start")
    assert job.cancel() is True and code_name(job.status()) == "CANCELLED"
    assert client.submit("second", api_name="/slow").result(timeout=20) == "second"


@pytest.mark.parametrize("api_name", ["/tick", "/tick_free"])
def test_cancel_stops_the_apps_generator(app_url, gradio_server, old_version, api_name):
    """Before 4.29, a cancelled generator stops in the app itself, not only here: through the
    app's Stop listener (/tick), and without one (/tick_free: `reset` on 4.x, the job's own
    websocket or stream closed on 3.x and 4.5). Its steps, counted in the server's log, end
    within a step or two of the cancel, and the next call is answered."""
    server = gradio_server("cancel_probe", old_version)
    client = gradio_nb.Client(app_url("cancel_probe"))
    tag = f"stop{api_name.replace('/', '-')}"
    job = client.submit(tag, api_name=api_name)
    wait_for(lambda: len(job.outputs()) >= 2, timeout=30, what="two yields")
    assert job.cancel() is True and code_name(job.status()) == "CANCELLED"
    outputs = job.outputs()
    assert outputs == [f"{tag} {i}" for i in range(len(outputs))]
    assert len(outputs) <= probe_stopped(server, tag) <= len(outputs) + 2
    assert client.predict("after", api_name="/echo") == "after"


def test_cancel_of_a_running_plain_call_says_the_app_runs_on(app_url, gradio_server, old_version, caplog):
    """A plain call already running, with no Stop listener: no server before 4.29 can stop it.
    The job ends cancelled at once, a warning names the version, and the app (as it says)
    runs the call to its end."""
    server = gradio_server("cancel_probe", old_version)
    client = gradio_nb.Client(app_url("cancel_probe"))
    job = client.submit("plain-running", api_name="/plain")
    wait_for(lambda: code_name(job.status()) == "PROCESSING", timeout=30, what="the call to start")
    with caplog.at_level(logging.WARNING, logger="gradio_nb"):
        assert job.cancel() is True and code_name(job.status()) == "CANCELLED"
        warning = wait_for(lambda: [r.getMessage() for r in caplog.records if "cannot stop" in r.getMessage()],
                           timeout=10, what="the warning")[0]
    assert warning.startswith(f"Gradio {old_version}.") and "/plain" in warning and "runs the call to its end" in warning
    assert "plain done plain-running" not in server.log()
    wait_for(lambda: "plain done plain-running" in server.log(), timeout=15, what="the app to finish the call")
    assert client.predict("after", api_name="/echo") == "after"
