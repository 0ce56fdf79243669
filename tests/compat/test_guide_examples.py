"""Every code example of the client guide ("Getting Started with the Gradio Python client"),
run with gradio_nb against local replicas of the guide's Spaces (tests/apps/).

Each test keeps the example's code as printed in the guide; only the Space id (or share URL)
becomes the local replica's URL, and `>>` outputs become assertions. `Client.duplicate` is
tested with the Spaces tests, not here.
"""
from __future__ import annotations

import re
import time

from gradio_nb import Client, handle_file
from replicas import WHISPER_2S, code_name, image_pixels, wait_for


def test_intro_transcribe_audio_file(replica, in_wav_dir):
    client = Client(replica("transcriber"))

    result = client.predict(
        audio=handle_file("audio_sample.wav")
    )

    assert result == "This is a test of the whisper speech recognition model."


def test_connect_to_app(replica):
    client = Client(replica("translator"))  # a Space that translates from English to French

    assert "/predict" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]


def test_connect_with_hf_token(replica):
    client = Client(replica("translator"), hf_token="hf_not_a_real_token")

    assert client.predict("Hello", api_name="/predict") == "Bonjour"


def test_connect_general_app_by_url(replica):
    client = Client(replica("calculator"))

    assert client.predict(1, "add", 2, api_name="/predict") == 3


def test_connect_with_auth(gradio_server):
    space_name = gradio_server("protocol/auth_app").url
    username, password = "alice", "wonderland"

    client = Client(
      space_name,
      auth=[username, password]
    )

    assert client.predict("hi", api_name="/whoami") == "alice said hi"


GUIDE_WHISPER_VIEW_API = """\
Client.predict() Usage Info
---------------------------
Named API endpoints: 1

 - predict(audio, api_name="/predict") -> output
    Parameters:
     - [Audio] audio: filepath (required)"""


def test_view_api_whisper(replica, capsys):
    client = Client(replica("transcriber"))
    capsys.readouterr()

    client.view_api()

    printed = capsys.readouterr().out
    assert printed.startswith(GUIDE_WHISPER_VIEW_API)
    assert "    Returns:\n     - [Textbox] output: str" in printed


def test_predict_translate(replica):
    client = Client(replica("translator"), api_name='/predict')
    result = client.predict("Hello")

    assert result == "Bonjour"


def test_predict_calculator_positional(replica):
    client = Client(replica("calculator"))
    result = client.predict(4, "add", 5)

    assert result == 9.0


def test_predict_calculator_keywords(replica):
    client = Client(replica("calculator"))
    result = client.predict(num1=4, operation="add", num2=5)

    assert result == 9.0


def test_predict_default_slider_value(replica):
    client = Client(replica("image_generator"))
    result = client.predict(text="an astronaut riding a camel")

    (width, height), rows = image_pixels(result)
    assert (width, height) == (64, 48)
    # the Slider's initial value, 10, is the default for `steps`: 10 white pixels in the top row
    assert [px == (255, 255, 255) for px in rows[0]].count(True) == 10


def test_predict_override_default(replica):
    client = Client(replica("image_generator"))
    result = client.predict(text="an astronaut riding a camel", steps=25)

    _, rows = image_pixels(result)
    assert [px == (255, 255, 255) for px in rows[0]].count(True) == 25


def test_predict_file_by_url(replica, audio_url):
    client = Client(replica("transcriber"))
    result = client.predict(
        audio=handle_file(audio_url)
    )

    assert result == WHISPER_2S


def test_submit_then_result(replica):
    client = Client(space=replica("translator"))
    job = client.submit("Hello", api_name="/predict")  # This is not blocking

    # Do something else

    assert job.result() == "Bonjour"  # This is blocking


def test_result_callbacks(replica, capsys):
    received = []

    def print_result(x):
        received.append(x)
        print("The translated result is: {x}")

    client = Client(space=replica("translator"))

    job = client.submit("Hello", api_name="/predict", result_callbacks=[print_result])

    # Do something else

    assert job.result() == "Bonjour"
    wait_for(lambda: received, timeout=5, what="the result callback")
    assert received == ["Bonjour"]
    # the guide's callback forgot its f-string prefix; it prints the braces literally
    assert "The translated result is: {x}" in capsys.readouterr().out


def test_status(replica):
    client = Client(src=replica("calculator"))
    job = client.submit(5, "add", 4, api_name="/predict")
    status = job.status()

    assert code_name(status) in {"STARTING", "JOINING_QUEUE", "IN_QUEUE", "PROCESSING", "FINISHED"}
    for attribute in ("code", "rank", "queue_size", "eta", "success", "time"):
        assert hasattr(status, attribute)
    assert job.result() == 9
    assert job.done()
    final = job.status()
    assert code_name(final) == "FINISHED"
    assert final.success is True


def test_cancel_queued_job(slow_transcriber, in_wav_dir):
    client = Client(slow_transcriber)
    job1 = client.submit(handle_file("audio_sample1.wav"))
    # the guide assumes job1 has started before job2 is submitted
    wait_for(lambda: code_name(job1.status()) == "PROCESSING", what="job1 to start")
    job2 = client.submit(handle_file("audio_sample2.wav"))
    wait_for(lambda: code_name(job2.status()) == "IN_QUEUE", what="job2 to be queued")

    # The guide predates Gradio 4.29, which can stop a started job too: gradio_nb (like
    # gradio_client 2.7.2) cancels it and returns True. False is kept for finished jobs.
    assert job1.cancel() is True
    assert job2.cancel() is True  # will return True, indicating that the job has been canceled
    for job in (job1, job2):
        assert job.done() and code_name(job.status()) == "CANCELLED"
    assert job1.cancel() is False and job2.cancel() is False


def test_generator_outputs(replica):
    client = Client(src=replica("count_generator"))
    job = client.submit(3, api_name="/count")
    while not job.done():
        time.sleep(0.1)

    assert job.outputs() == ['0', '1', '2']


def test_generator_iteration(replica, capsys):
    client = Client(src=replica("count_generator"))
    job = client.submit(3, api_name="/count")
    capsys.readouterr()

    for o in job:
        print(o)

    assert capsys.readouterr().out == "0\n1\n2\n"


def test_cancel_generator(replica):
    client = Client(replica("slow_yield"))
    started = time.monotonic()
    job = client.submit("abcdef")
    time.sleep(3)
    assert job.cancel() is True  # job cancels after 2 iterations

    wait_for(job.done, timeout=3, what="the cancelled generator to finish")
    assert time.monotonic() - started < 6  # the uncancelled job takes more than 6 s
    assert code_name(job.status()) == "CANCELLED"
    outputs = job.outputs()
    assert outputs == list("abcdef")[: len(outputs)]
    assert len(outputs) < 6


def test_session_state(replica):
    client = Client(replica("word_count"))

    assert client.predict("apple", api_name="/count") == 0
    assert client.predict("apple", api_name="/count") == 1
    assert client.predict("pear", api_name="/count") == 0
    assert client.predict("apple", api_name="/count") == 2
    client.reset_session()
    assert client.predict("apple", api_name="/count") == 0


def test_session_state_view_api(replica, capsys):
    client = Client(replica("word_count"))
    capsys.readouterr()

    client.view_api()

    printed = capsys.readouterr().out
    pattern = (
        r"Client\.predict\(\) Usage Info\n"
        r"---------------------------\n"
        r"Named API endpoints: 1\n\n"
        r' - predict\(word, api_name="/count"\) -> (value_\d+)\n'
        r"    Parameters:\n"
        r"     - \[Textbox\] word: str \(required\)  \n"
        r"    Returns:\n"
        r"     - \[Number\] (value_\d+): float \n"
    )
    match = re.match(pattern, printed)
    assert match, printed
    assert match.group(1) == match.group(2)
