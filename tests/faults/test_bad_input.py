"""Bad input: arguments checked against the endpoint's schema, bad files, oversized uploads, huge
or deeply nested outputs. "Before anything is sent" is checked on the fault server's request log.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from fault_server import FaultServer
from gradio_nb import Client, handle_file
from gradio_nb.client._exceptions import ArgumentError, FileInputError, ProtocolError

pytestmark = pytest.mark.usefixtures("loop_thread_alive")

GOOD = dict(choice="green", num=1.5, count=3, flag=True, items=["a", "c"], name="n")


# -- schema validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("param, value, expectation", [
    ("choice", "purple", "one of 'red', 'green', 'blue'"),
    ("num", "3", "a number"),
    ("num", True, "a number"),
    ("num", [1], "a number"),
    ("count", 2.5, "an integer"),
    ("count", "2", "an integer"),
    ("flag", "yes", "True or False"),
    ("flag", 1, "True or False"),
    ("items", "a", "a list"),
    ("items", ["a", "z"], "one of 'a', 'b', 'c', got str 'z'"),
])
def test_invalid_argument_is_refused_before_sending(fault_server, client_for, param, value, expectation):
    client = client_for(fault_server.url)
    joins_before = len(fault_server.joins())
    arguments = dict(GOOD, **{param: value})
    job = client.submit(api_name="/typed", **arguments)  # as gradio_client: a job, that fails
    assert list(job) == []
    with pytest.raises(ArgumentError) as info:
        job.result(timeout=5)
    message = str(info.value)
    assert f"`{param}`" in message, message                  # names the parameter
    assert f"expected {expectation}" in message, message      # says what it expects
    assert repr(value)[:50] in message, message               # shows what it got
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    time.sleep(0.2)
    assert len(fault_server.joins()) == joins_before, "a refused call was sent anyway"


def test_positional_arguments_are_checked_too(fault_server, client_for):
    client = client_for(fault_server.url)
    with pytest.raises(ArgumentError, match="`num`"):
        client.predict("red", "not a number", 1, False, [], "n", api_name="/typed")


def test_missing_required_argument_names_it(fault_server, client_for):
    client = client_for(fault_server.url)
    arguments = dict(GOOD)
    del arguments["name"]
    with pytest.raises(ArgumentError, match="required argument: name"):
        client.submit(api_name="/typed", **arguments)
    assert not fault_server.joins()


def test_unknown_and_duplicated_arguments(fault_server, client_for):
    client = client_for(fault_server.url)
    with pytest.raises(ArgumentError, match="Did you mean `name`"):
        client.submit(api_name="/typed", nme="x")
    with pytest.raises(ArgumentError, match="already set"):
        client.submit("red", api_name="/typed", choice="blue", name="x")
    with pytest.raises(ArgumentError, match="takes 6 argument"):
        client.submit(*range(7), api_name="/typed").result(timeout=5)  # as gradio_client: from the job
    assert not fault_server.joins()


def test_valid_arguments_pass_and_reach_the_server(fault_server, client_for):
    client = client_for(fault_server.url)
    assert client.predict(api_name="/typed", **GOOD) == '["green", 1.5, 3, true, ["a", "c"], "n"]'
    # ints are numbers, 3.0 is an integer, None is allowed for anything optional
    client.predict(api_name="/typed", **dict(GOOD, num=2, count=3.0, items=None))


def test_validate_false_sends_anything(fault_server, client_for):
    client = client_for(fault_server.url, validate=False)
    result = client.predict(api_name="/typed", **dict(GOOD, choice="purple", num="3", flag="yes"))
    assert result == '["purple", "3", 3, "yes", ["a", "c"], "n"]'
    assert fault_server.joins()[-1].json()["data"][0] == "purple"


def test_bare_path_for_a_file_parameter_asks_for_handle_file(fault_server, client_for, tmp_path):
    client = client_for(fault_server.url)
    path = tmp_path / "a.txt"
    path.write_text("hi")
    with pytest.raises(ArgumentError, match="handle_file"):
        client.submit(str(path), api_name="/file_in").result(timeout=5)
    assert not fault_server.requests_to("/upload")


# -- handle_file ----------------------------------------------------------------------------------


def test_handle_file_missing_path(tmp_path):
    with pytest.raises(FileInputError, match="no such file"):
        handle_file(str(tmp_path / "nope.txt"))
    with pytest.raises(ValueError):  # gradio_client raises ValueError: keep `except ValueError` working
        handle_file(tmp_path / "nope.txt")


def test_handle_file_directory(tmp_path):
    with pytest.raises(FileInputError, match="directory"):
        handle_file(str(tmp_path))


@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs util-linux setpriv to drop root's capabilities")
def test_handle_file_unreadable(tmp_path):
    """Tests run as root, and root reads mode-000 files (CAP_DAC_OVERRIDE). The check runs in a
    subprocess whose capability bounding set lacks DAC_OVERRIDE/DAC_READ_SEARCH (setpriv), where
    chmod 000 really makes a file unreadable."""
    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    code = textwrap.dedent(f"""
        import sys
        from gradio_nb import handle_file
        from gradio_nb.client._exceptions import FileInputError
        try:
            open({str(path)!r}).read()
            print("READABLE")
        except PermissionError:
            pass
        try:
            handle_file({str(path)!r})
        except FileInputError as exc:
            print("REFUSED", exc)
        else:
            print("ACCEPTED")
    """)
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert "READABLE" not in out.stdout, "could not make the file unreadable: scenario not exercised"
    assert "REFUSED" in out.stdout and "not readable" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_handle_file_refuses_non_regular_files(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    else:
        path = "/dev/zero"
    with pytest.raises(FileInputError):
        handle_file(str(path))


def test_file_url_that_answers_404_fails_before_submit(fault_server, client_for):
    client = client_for(fault_server.url)
    job = client.submit(handle_file(fault_server.url + "missing/data.csv"), api_name="/file_in")
    with pytest.raises(FileInputError, match="404"):
        job.result(timeout=15)
    assert not fault_server.joins(), "the call was submitted although its file could not be fetched"
    assert not fault_server.requests_to("/upload")


def test_local_file_that_vanished_before_submit(fault_server, client_for, tmp_path):
    client = client_for(fault_server.url)
    path = tmp_path / "gone.txt"
    path.write_text("x")
    argument = handle_file(str(path))
    path.unlink()
    with pytest.raises(FileInputError, match="does not exist"):
        client.predict(argument, api_name="/file_in")
    assert not fault_server.joins()


# -- upload limits ------------------------------------------------------------------------------------


def test_oversized_upload_is_refused_before_sending(tmp_path):
    with FaultServer(max_file_size=1024) as server:
        client = Client(server.url, verbose=False)
        try:
            big = tmp_path / "big.bin"
            big.write_bytes(b"x" * 2048)
            with pytest.raises(FileInputError, match="1,024 bytes") as info:
                client.predict(handle_file(str(big)), api_name="/file_in")
            assert "2,048" in str(info.value) and "file_in" in str(info.value)
            assert not server.requests_to("/upload"), "the oversized file was sent"
            assert not server.joins()
            small = tmp_path / "small.bin"
            small.write_bytes(b"x" * 1000)
            assert "uploaded.bin" in client.predict(handle_file(str(small)), api_name="/file_in")
        finally:
            client.close()


def test_oversized_upload_on_a_real_server(gradio_server, tmp_path):
    """limits_app: launch(max_file_size="1kb")."""
    server = gradio_server("protocol/limits_app")
    client = Client(server.url, verbose=False)
    try:
        big = tmp_path / "big.txt"
        big.write_bytes(b"x" * 2048)
        with pytest.raises(FileInputError, match="max_file_size"):
            client.predict(handle_file(str(big)), api_name="/upload_size")
        small = tmp_path / "small.txt"
        small.write_bytes(b"x" * 500)
        assert client.predict(handle_file(str(small)), api_name="/upload_size") == 500
    finally:
        client.close()


# -- huge and deep outputs ------------------------------------------------------------------------------


def test_50_mb_output_works(fault_server, client_for):
    client = client_for(fault_server.url)
    start = time.monotonic()
    result = client.predict("big:50", api_name="/echo")
    seconds = time.monotonic() - start
    assert len(result) == 50_000_000 and result[:3] == "xxx"
    print(f"\n50 MB output: {seconds:.1f} s")
    assert seconds < 150


def test_moderately_nested_output_works(fault_server, client_for):
    client = client_for(fault_server.url)
    value = client.predict("deep:500", api_name="/echo")
    depth = 0
    while isinstance(value, list) and value:
        value, depth = value[0], depth + 1
    assert depth == 499


def test_pathologically_nested_output_fails_clearly(fault_server, client_for):
    client = client_for(fault_server.url)
    with pytest.raises(ProtocolError):
        client.predict("deep:200000", api_name="/echo")
    assert client.predict("fine", api_name="/echo") == "fine"
