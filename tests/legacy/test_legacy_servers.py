"""A core subset of the client, against Gradio 6.31, 5.50 and 4.44.1 servers (the replica apps).

The 5.x and 4.x servers run from the venvs that scripts/setup.sh builds in .venvs/; without
them these tests skip locally and fail under CI=true.
"""
from __future__ import annotations

import gradio_client
import httpx
import pytest

import gradio_nb
from replicas import REPLICAS, WHISPER_1S, check_count_generator, check_gr_error, code_name, image_pixels, wait_for

pytestmark = pytest.mark.legacy


@pytest.fixture(scope="module")
def app_url(gradio_server, server_version):
    """app_url(name) -> URL of replica `name` on the parametrised server version; the first
    call for a version starts all replicas of that version at once."""
    gradio_server.prestart([(name, server_version) for name in REPLICAS])

    def url(name: str) -> str:
        return gradio_server(name, server_version).url

    return url


def reference(url):
    return gradio_client.Client(url, verbose=False, analytics_enabled=False)


def test_server_runs_the_requested_gradio(app_url, server_version):
    url = app_url("calculator")
    config = httpx.get(url + "config", timeout=10, trust_env=False).json()
    assert config["version"].split(".")[0] == server_version


def test_connect_and_view_api_dict(app_url):
    for app in ("translator", "calculator", "word_count"):
        url = app_url(app)
        api = gradio_nb.Client(url).view_api(print_info=False, return_format="dict")
        assert api == reference(url).view_api(print_info=False, return_format="dict"), app

    calc = gradio_nb.Client(app_url("calculator")).view_api(print_info=False, return_format="dict")
    params = calc["named_endpoints"]["/predict"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["num1", "operation", "num2"]
    assert [p["component"] for p in params] == ["Number", "Radio", "Number"]


def test_view_api_text(app_url):
    for app in ("transcriber", "count_generator", "word_count"):
        url = app_url(app)
        text = gradio_nb.Client(url).view_api(print_info=False, return_format="str")
        assert text == reference(url).view_api(print_info=False, return_format="str"), app
    assert ' - predict(word, api_name="/count") -> value_' in text


def test_predict_positional_and_keyword(app_url):
    client = gradio_nb.Client(app_url("calculator"))
    assert client.predict(4, "add", 5, api_name="/predict") == 9
    assert client.predict(num1=4, operation="multiply", num2=2.5, api_name="/predict") == 10
    assert client.predict(10, "divide", num2=4) == 2.5  # the only endpoint: no api_name needed
    assert gradio_nb.Client(app_url("translator")).predict("Hello", api_name="/predict") == "Bonjour"


def test_defaults(app_url):
    client = gradio_nb.Client(app_url("count_generator"))
    assert client.predict(api_name="/show") == str(list(range(10)))  # Number(value=10)
    assert client.predict(3, api_name="/show") == "[0, 1, 2]"

    image = gradio_nb.Client(app_url("image_generator")).predict(text="x", api_name="/predict")
    _, rows = image_pixels(image)
    assert [px == (255, 255, 255) for px in rows[0]].count(True) == 10  # Slider(value=10)


def test_missing_required_argument(app_url):
    client = gradio_nb.Client(app_url("calculator"))
    with pytest.raises(TypeError, match="num2"):
        client.predict(4, "add", api_name="/predict")


def test_gr_error_is_app_error(app_url):
    check_gr_error(gradio_nb.Client(app_url("calculator")), gradio_nb.AppError)


def test_generator_outputs(app_url):
    check_count_generator(gradio_nb.Client(app_url("count_generator")))


def test_state(app_url):
    url = app_url("word_count")
    client = gradio_nb.Client(url)
    assert [client.predict(w, api_name="/count") for w in ["a", "b", "a", "a"]] == [0, 0, 1, 2]
    assert gradio_nb.Client(url).predict("a", api_name="/count") == 0  # another session
    client.reset_session()
    assert client.predict("a", api_name="/count") == 0


def test_file_upload(app_url, wav_files):
    client = gradio_nb.Client(app_url("transcriber"))
    assert client.predict(gradio_nb.handle_file(str(wav_files["audio_sample.wav"])), api_name="/predict") == WHISPER_1S
    assert client.predict(audio=gradio_nb.handle_file(str(wav_files["long_8k.wav"]))).endswith(" (8000 Hz)")


def test_file_download(app_url):
    client = gradio_nb.Client(app_url("image_generator"))
    path = client.predict("a red bicycle", 25, api_name="/predict")
    (width, height), rows = image_pixels(path)
    assert (width, height) == (64, 48)
    assert rows[0][:25] == [(255, 255, 255)] * 25
    assert rows[1][0] == rows[47][63] != (255, 255, 255)  # the colour derived from the text


def test_cancel_queued_job(app_url):
    url = app_url("slow_yield")  # 1 s per character, one job at a time
    runner, canceller = gradio_nb.Client(url), gradio_nb.Client(url)
    running = runner.submit("abc", api_name="/predict")
    wait_for(lambda: code_name(running.status()) in ("PROCESSING", "ITERATING"), what="the first job to start")
    queued = canceller.submit("xyz", api_name="/predict")
    wait_for(lambda: code_name(queued.status()) == "IN_QUEUE", what="the second job to queue")

    assert queued.cancel() is True
    wait_for(queued.done, timeout=2, what="the queued job to finish as cancelled")
    assert code_name(queued.status()) == "CANCELLED"
    assert queued.outputs() == []
    assert running.result(timeout=10) == "c"  # the other client's job is not affected
    assert running.outputs() == ["a", "b", "c"]


def test_mounted_app(gradio_server, server_version):
    """An app mounted under /myapp of a FastAPI app (on 4.44 the reference client cannot even
    connect to it: it looks for /info at the host's root)."""
    client = gradio_nb.Client(gradio_server("protocol/mounted_app", server_version).url)
    assert client.predict("hi", api_name="/echo") == "hi"
    path = client.predict("file body", api_name="/make_file")
    with open(path) as f:
        assert f.read() == "file body"
