"""Messages users match on (in ``except`` blocks and tests) keep gradio_client 2.7.2's key phrase,
at the start; our extra detail comes after it. Where both clients can be driven into the same
error on a real Gradio 6.31 app, the reference's own message is the yardstick.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import gradio_client
import pytest

import gradio_nb
from gradio_nb import AuthenticationError, Client, QueueError, handle_file
from replicas import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
from fault_server import FaultServer  # noqa: E402


def reference_client(url: str, **kwargs):
    return gradio_client.Client(url, verbose=False, analytics_enabled=False, **kwargs)


def raised(fn) -> BaseException:
    with pytest.raises(Exception) as info:
        fn()
    return info.value


def assert_keeps(ours: BaseException, theirs: BaseException, upto: str | None = None) -> None:
    """Ours starts with the reference's message (its last full stop aside, or cut before
    ``upto``) and is caught by what catches the reference's exception (same builtin base, or
    same class name)."""
    phrase = str(theirs).rstrip(".")
    if upto is not None:
        phrase = phrase[: phrase.index(upto)]
    assert str(ours).startswith(phrase), f"{str(ours)!r} does not start with {phrase!r}"
    builtin = type(theirs) if type(theirs).__module__ == "builtins" else None
    if builtin is not None:
        assert isinstance(ours, builtin)
    else:
        assert type(ours).__name__ == type(theirs).__name__


def test_upload_over_max_file_size(gradio_server, tmp_path) -> None:
    url = gradio_server("protocol/limits_app").url
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 5000)
    theirs = raised(lambda: reference_client(url).predict(gradio_client.handle_file(str(big)),
                                                          api_name="/upload_size"))
    with Client(url, verbose=False) as client:
        ours = raised(lambda: client.predict(handle_file(str(big)), api_name="/upload_size"))
    assert "exceeds the maximum file size" in str(theirs)
    # the reference names the component by a label it does not find ("set in  component")
    assert_keeps(ours, theirs, upto=" set in")
    assert "set in file component" in str(ours)
    assert "Nothing was uploaded" in str(ours)


def test_handle_file_of_a_missing_path(tmp_path) -> None:
    missing = str(tmp_path / "nope.wav")
    assert_keeps(raised(lambda: handle_file(missing)), raised(lambda: gradio_client.handle_file(missing)))


def test_login_with_wrong_credentials_and_without(gradio_server) -> None:
    url = gradio_server("protocol/auth_app").url
    theirs = raised(lambda: reference_client(url, auth=("alice", "nope")))
    ours = raised(lambda: Client(url, verbose=False, auth=("alice", "nope")))
    # Gradio 6 answers 400: the reference's ValueError "Could not login to <src>." (for a 401,
    # its AuthenticationError "... Invalid credentials."); ours is an AuthenticationError, a
    # ValueError, that says both
    assert str(theirs).startswith("Could not login to")
    assert_keeps(ours, theirs)
    assert isinstance(ours, AuthenticationError) and "Invalid credentials" in str(ours)
    theirs = raised(lambda: reference_client(url))
    ours = raised(lambda: Client(url, verbose=False))
    assert "credentials were not provided" in str(theirs)
    assert_keeps(ours, theirs)
    assert isinstance(ours, AuthenticationError) and "auth=(username, password)" in str(ours)


def test_no_api_name_on_an_app_with_several_endpoints(protocol_app) -> None:
    with Client(protocol_app.url, verbose=False) as client:
        assert_keeps(raised(lambda: client.predict("x")),
                     raised(lambda: reference_client(protocol_app.url).predict("x")))


def test_queue_full(gradio_server) -> None:
    """limits_app: queue(max_size=2), concurrency 1: one runs, two wait, the fourth is refused."""
    url = gradio_server("protocol/limits_app").url
    outcomes = {}
    for name, make in (("gradio_client", reference_client), ("gradio_nb", lambda u: Client(u, verbose=False))):
        client = make(url)
        # 6 s each: all three are still in the app when a loaded machine has counted them
        jobs = [client.submit(6, api_name="/slow") for _ in range(3)]
        wait_for(lambda: sum(j.status().code.value in ("IN_QUEUE", "PROCESSING") for j in jobs) == 3,
                 timeout=30, what="three jobs in the app's queue")
        outcomes[name] = raised(lambda: client.predict(0, api_name="/slow"))
        for job in jobs:
            job.result(timeout=60)
    assert str(outcomes["gradio_client"]).startswith("Queue is full! Please try again.")
    assert isinstance(outcomes["gradio_nb"], QueueError)
    assert_keeps(outcomes["gradio_nb"], outcomes["gradio_client"])


def test_too_many_requests() -> None:
    """HTTP 429 on a join (gradio_client's words are those of its 429 on config)."""
    with FaultServer() as server, Client(server.url, verbose=False) as client:
        server.join_responses.append((429, {"retry-after": "7"}, {"detail": "slow down"}))
        error = raised(lambda: client.predict("ok", api_name="/echo"))
        assert isinstance(error, gradio_nb.TooManyRequestsError) and error.retry_after == 7
        assert str(error).startswith("Too many requests to the API, please try again later.")
        assert "retry after 7 s" in str(error)


def test_download_files_that_is_a_file(protocol_app, tmp_path) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    theirs = raised(lambda: reference_client(protocol_app.url, download_files=str(not_a_folder)))
    ours = raised(lambda: Client(protocol_app.url, verbose=False, download_files=str(not_a_folder)))
    assert_keeps(ours, theirs)
