"""gradio_nb and the reference gradio_client (2.7.2) against the same replica apps: same results,
same errors, same `view_api()` text and dict.

Where the reference client is known to be wrong (PROTOCOL.md §17), the tests assert gradio_nb's
correct behaviour instead of parity; those tests say so in their name and docstring.
"""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import gradio_client
import pytest

import gradio_nb
from replicas import REPLICAS, WHISPER_1S, WHISPER_2S, code_name, wait_for


def reference_client(url: str, **kwargs):
    return gradio_client.Client(url, verbose=False, analytics_enabled=False, **kwargs)


def nb_client(url: str, **kwargs):
    return gradio_nb.Client(url, **kwargs)


LIBRARIES = {
    "gradio_nb": (nb_client, lambda *a, **k: gradio_nb.handle_file(*a, **k)),
    "gradio_client": (reference_client, gradio_client.handle_file),
}


def outcome(fn):
    """What calling fn() gives, in a form both libraries can be compared on: a value (files
    as ("file", name, bytes)), or a Raised."""
    try:
        return comparable(fn())
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome
        return Raised(exc)


def comparable(value):
    if isinstance(value, (list, tuple)):
        return type(value)(comparable(v) for v in value)
    if isinstance(value, (str, Path)) and Path(value).is_absolute() and Path(value).is_file():
        return ("file", Path(value).name, Path(value).read_bytes())
    return value


class Raised:
    """An exception as an outcome. gradio_nb's is "the same" as the reference's when:
    * the reference raised a builtin (ValueError, TypeError...): gradio_nb's is an instance of it;
    * the reference raised its own class (gradio_client.exceptions.AppError...): same class name;
    and gradio_nb's message starts with the reference's first sentence (gradio_nb may put its
    own hint, e.g. the endpoint's signature, where the reference says "click on 'view API'")."""

    def __init__(self, exc: BaseException):
        self.exc = exc

    def __eq__(self, other):
        if not isinstance(other, Raised):
            return NotImplemented
        nb, ref = (self.exc, other.exc) if is_reference(other.exc) else (other.exc, self.exc)
        if type(ref).__module__ == "builtins":
            same_kind = isinstance(nb, type(ref))
        else:
            same_kind = type(nb).__name__ == type(ref).__name__
        first_sentence = re.split(r"(?<=[.?!])\s|\n", str(ref), maxsplit=1)[0]
        return same_kind and str(nb).startswith(first_sentence)

    def __repr__(self):
        return f"Raised({type(self.exc).__module__}.{type(self.exc).__name__}: {self.exc})"


def is_reference(exc: BaseException) -> bool:
    return not type(exc).__module__.startswith("gradio_nb")


# -- results ---------------------------------------------------------------------------------


def translator(Client, handle_file, url, wavs):
    client = Client(url)
    return [
        outcome(lambda: client.predict("Hello", api_name="/predict")),
        outcome(lambda: client.predict("Good morning my friend!", api_name="/predict")),
        outcome(lambda: client.predict(text="the cat is black")),  # the only endpoint
        outcome(lambda: client.predict(api_name="/predict")),  # missing required argument
        outcome(lambda: client.predict("a", text="b", api_name="/predict")),
        outcome(lambda: client.predict("a", api_name="predict")),  # no leading slash
        outcome(lambda: client.predict("a", api_name="/nope")),
    ]


def transcriber(Client, handle_file, url, wavs):
    client = Client(url)
    job = client.submit(audio=handle_file(str(wavs["long_8k.wav"])))
    return [
        outcome(lambda: client.predict(handle_file(str(wavs["audio_sample.wav"])), api_name="/predict")),
        outcome(job.result),
        code_name(job.status()),
    ]


def calculator(Client, handle_file, url, wavs):
    client = Client(url)
    return [
        outcome(lambda: client.predict(4, "add", 5)),
        outcome(lambda: client.predict(num1=4, operation="multiply", num2=2.5)),
        outcome(lambda: client.predict(10, "divide", 4, api_name="/predict")),
        outcome(lambda: client.predict(3, "divide", 0, api_name="/predict")),  # gr.Error
        outcome(lambda: client.predict(3, "subtract", 5, fn_index=0)),
    ]


def image_generator(Client, handle_file, url, wavs):
    client = Client(url)
    return [
        outcome(lambda: client.predict(text="an astronaut riding a camel")),
        outcome(lambda: client.predict("a red bicycle", 25, api_name="/predict")),
    ]


def count_generator(Client, handle_file, url, wavs):
    client = Client(url)
    job = client.submit(3, api_name="/count")
    iterated = list(job)
    return [
        iterated,
        job.outputs(),
        outcome(job.result),
        code_name(job.status()),
        outcome(lambda: client.predict(4, api_name="/show")),
        outcome(lambda: client.predict(api_name="/show")),  # Number(value=10) is the default
        outcome(lambda: client.predict(2)),  # two endpoints: api_name required
    ]


def slow_yield(Client, handle_file, url, wavs):
    client = Client(url)
    job = client.submit("ab")
    iterated = list(job)
    return [iterated, job.outputs(), outcome(job.result)]


def word_count(Client, handle_file, url, wavs):
    client = Client(url)
    results = [outcome(lambda: client.predict(w, api_name="/count")) for w in ["x", "y", "x", "x"]]
    client.reset_session()
    results.append(outcome(lambda: client.predict("x", api_name="/count")))
    other = Client(url)  # a second client has its own session, hence its own State
    results.append(outcome(lambda: other.predict("x", api_name="/count")))
    return results


SCENARIOS = {f.__name__: f for f in (translator, transcriber, calculator, image_generator,
                                     count_generator, slow_yield, word_count)}
assert set(SCENARIOS) == set(REPLICAS)


# What the reference gives for the first results of each scenario: guards the parity test
# against comparing two identical failures.
REFERENCE_STARTS = {
    "translator": ["Bonjour", "Bon matin mon ami!", "le chat est noir"],
    "transcriber": [WHISPER_1S, WHISPER_2S + " (8000 Hz)"],
    "calculator": [9, 10.0, 2.5],
    "count_generator": [["0", "1", "2"], ["0", "1", "2"], "2", "FINISHED", "[0, 1, 2, 3]"],
    "slow_yield": [["a", "b"], ["a", "b"], "b"],
    "word_count": [0, 0, 1, 2, 0, 0],
}


@pytest.mark.parametrize("app", REPLICAS)
def test_same_results(app, replica, wav_files):
    url = replica(app)
    got = {lib: SCENARIOS[app](make, handle, url, wav_files) for lib, (make, handle) in LIBRARIES.items()}
    expected_start = REFERENCE_STARTS.get(app, [])
    assert got["gradio_client"][: len(expected_start)] == expected_start
    assert got["gradio_nb"] == got["gradio_client"]


def test_reference_error_and_file_outcomes(replica, wav_files):
    make, handle = LIBRARIES["gradio_client"]
    results = calculator(make, handle, replica("calculator"), wav_files)
    assert type(results[3].exc).__name__ == "AppError"
    assert str(results[3].exc) == "Cannot divide by zero!"
    images = image_generator(make, handle, replica("image_generator"), wav_files)
    assert [(kind, name) for kind, name, _ in images] == [("file", "image.png")] * 2
    assert images[0][2] != images[1][2]


# -- view_api --------------------------------------------------------------------------------


def view_api_outputs(client):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        returned_none = client.view_api()
    as_str = client.view_api(print_info=False, return_format="str")
    dict_printed = io.StringIO()
    with contextlib.redirect_stdout(dict_printed):
        as_dict = client.view_api(return_format="dict")
    return {
        "printed": printed.getvalue(),
        "returned": returned_none,
        "str": as_str,
        "dict": as_dict,
        "printed_with_dict": dict_printed.getvalue(),
    }


@pytest.fixture(scope="module")
def view_apis(replica):
    cache = {}

    def get(app):
        if app not in cache:
            url = replica(app)
            cache[app] = {lib: view_api_outputs(make(url)) for lib, (make, _) in LIBRARIES.items()}
        return cache[app]

    return get


@pytest.mark.parametrize("app", REPLICAS)
@pytest.mark.parametrize("form", ["printed", "returned", "str", "dict", "printed_with_dict"])
def test_same_view_api(app, form, view_apis):
    outputs = view_apis(app)
    assert outputs["gradio_nb"][form] == outputs["gradio_client"][form]


def test_view_api_reference_sanity(view_apis):
    """The reference output the parity tests compare against is what the guide shows."""
    ref = view_apis("calculator")["gradio_client"]
    assert ref["returned"] is None
    assert ref["printed"] == ref["str"] + "\n"
    assert ref["printed_with_dict"] == ref["printed"]
    assert ' - predict(num1, operation, num2, api_name="/predict") -> output' in ref["str"]
    params = ref["dict"]["named_endpoints"]["/predict"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["num1", "operation", "num2"]


# -- where the reference client is wrong (PROTOCOL.md §17) ---------------------------------------


def test_cancelled_generator_result_not_keyerror(replica):
    """§17.2: the reference's job.result() raises KeyError("Could not find 'data' key ...") for a
    cancelled job. gradio_nb must report the cancellation, not a KeyError."""
    client = nb_client(replica("slow_yield"))
    job = client.submit("abcdef")
    wait_for(lambda: job.outputs(), timeout=5, what="the first yield")
    assert job.cancel() is True
    wait_for(job.done, timeout=3, what="the cancelled job to finish")
    assert code_name(job.status()) == "CANCELLED"
    with pytest.raises(BaseException) as info:
        job.result(timeout=3)
    assert not isinstance(info.value, KeyError)
    assert "cancel" in (type(info.value).__name__ + str(info.value)).lower()


def test_cancel_queued_job_in_other_session_leaves_running_job(replica):
    """A queued job of one client is cancelled; the running job of another client (same
    endpoint, other session) is untouched and ends with its full result."""
    url = replica("slow_yield")
    runner, canceller = nb_client(url), nb_client(url)
    running = runner.submit("abc", api_name="/predict")
    wait_for(lambda: code_name(running.status()) in ("PROCESSING", "ITERATING"), what="the first job to start")
    queued = canceller.submit("xyz", api_name="/predict")
    wait_for(lambda: code_name(queued.status()) == "IN_QUEUE", what="the second job to queue")
    assert queued.cancel() is True
    wait_for(queued.done, timeout=2, what="the queued job to finish as cancelled")
    assert code_name(queued.status()) == "CANCELLED"
    assert queued.outputs() == []
    assert not running.done()
    assert running.result(timeout=10) == "c"
    assert running.outputs() == ["a", "b", "c"]


def test_cancel_queued_job_same_client_leaves_running_job(replica):
    """§17.5 / §9: the server's /cancel kills every running task of the same session and
    endpoint, so with the reference client the running job of the same Client never completes.
    gradio_nb promises that other jobs of the same Client are not affected."""
    client = nb_client(replica("slow_yield"))
    running = client.submit("abc", api_name="/predict")
    wait_for(lambda: code_name(running.status()) in ("PROCESSING", "ITERATING"), what="the first job to start")
    queued = client.submit("xyz", api_name="/predict")
    wait_for(lambda: code_name(queued.status()) == "IN_QUEUE", what="the second job to queue")
    assert queued.cancel() is True
    wait_for(queued.done, timeout=2, what="the queued job to finish as cancelled")
    assert code_name(queued.status()) == "CANCELLED"
    assert queued.outputs() == []
    assert running.result(timeout=10) == "c"
    assert running.outputs() == ["a", "b", "c"]
