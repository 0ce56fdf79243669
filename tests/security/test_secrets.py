"""Secrets stay secret: tokens and passwords never appear in repr/str/errors/logs; the HF token goes
only to the Space's host; user headers only to the app's origin (not to other hosts, not across
redirects). Headers are captured by the fault server (and an httpx MockTransport for *.hf.space).
"""
from __future__ import annotations

import logging

import httpx
import pytest

from fault_server import FaultServer
from gradio_nb import Client, handle_file
from gradio_nb.client._exceptions import AuthenticationError, GradioNBError

TOKEN = "hf_SeCrEtToKeN0123456789abcdef"
PASSWORD = "pa55-W0rd-hunter2"
HEADER_SECRET = "Bearer user-header-s3cret"


def _all_header_values(server: FaultServer) -> list[str]:
    return [f"{k}: {v}" for r in server.requests for k, v in r.headers.items()]


def test_secrets_never_in_repr_str_errors_or_logs(caplog, tmp_path):
    with FaultServer(auth=("alice", PASSWORD)) as server:
        with caplog.at_level(logging.DEBUG):
            client = Client(server.url, auth=("alice", PASSWORD), token=TOKEN, verbose=True,
                            headers={"authorization": HEADER_SECRET, "x-api-key": "k3y-s3cret"},
                            download_files=str(tmp_path))
            try:
                job = client.submit("cut", api_name="/echo")
                with pytest.raises(GradioNBError) as job_error:
                    job.result(timeout=15)
                ok = client.submit("fine", api_name="/echo")
                ok.result(timeout=15)
                texts = [repr(client), str(client), client.src, repr(job), str(job), repr(ok),
                         repr(job.status()), repr(job.snapshot()), repr(ok.snapshot()),
                         str(job_error.value), repr(job_error.value), repr(client.endpoints)]
            finally:
                client.close()
            with pytest.raises(AuthenticationError) as login_error:
                Client(server.url, auth=("alice", PASSWORD + "-wrong"), verbose=False)
            texts += [str(login_error.value), repr(login_error.value)]
        texts += [r.getMessage() for r in caplog.records]
        texts += [str(r.args) for r in caplog.records]
        blob = "\n".join(texts)
        for secret in (TOKEN, PASSWORD, "user-header-s3cret", "k3y-s3cret"):
            assert secret not in blob, f"{secret!r} leaked"
        # sanity: the client really used them
        assert any(PASSWORD in r.body.decode(errors="replace") for r in server.requests_to("/login"))
        assert any(r.headers.get("x-api-key") == "k3y-s3cret" for r in server.joins())


def test_credentials_in_the_url_do_not_leak_into_src_or_errors(fault_server):
    url = fault_server.url.replace("http://", f"http://alice:{PASSWORD}@")
    try:
        client = Client(url, verbose=False)
    except GradioNBError as exc:
        assert PASSWORD not in str(exc)
        return
    try:
        assert PASSWORD not in client.src and PASSWORD not in repr(client)
        fault_server.join_responses.append((500, {}, "boom"))
        with pytest.raises(GradioNBError) as info:
            client.predict("x", api_name="/echo")
        assert PASSWORD not in str(info.value)
    finally:
        client.close()


@pytest.mark.parametrize("kwarg", ["token", "hf_token"])
def test_hf_token_is_not_sent_to_a_plain_app_url(fault_server, kwarg, tmp_path):
    client = Client(fault_server.url, verbose=False, download_files=str(tmp_path), **{kwarg: TOKEN})
    try:
        client.predict("x", api_name="/echo")
        client.predict("file:/tmp/gradio/a/b.txt", api_name="/file_out")
    finally:
        client.close()
    headers = _all_header_values(fault_server)
    assert headers, "no requests captured"
    assert not [h for h in headers if TOKEN in h or h.startswith("x-hf-authorization")], headers


SPACE = "https://owner-demo.hf.space/"


def _space_app(seen: list, output: str, file_response: httpx.Response | None = None):
    """A MockTransport handler for a Space app whose one call returns ``output`` (JSON)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "faults"))
    from fault_server import make_config, make_info

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if request.url.host != "owner-demo.hf.space":
            return httpx.Response(200, content=b"elsewhere")
        if path == "/config":
            return httpx.Response(200, json=make_config(SPACE))
        if path == "/gradio_api/info":
            return httpx.Response(200, json=make_info())
        if path == "/gradio_api/queue/join":
            return httpx.Response(200, json={"event_id": "e1"})
        if path == "/gradio_api/queue/data":
            body = (
                'data: {"msg":"process_completed","event_id":"e1","success":true,"output":{"data":'
                f'[{output}]}}}}\n\n'
                'data: {"msg":"close_stream","event_id":null}\n\n'
            )
            return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})
        if path.startswith("/gradio_api/file=") and file_response is not None:
            return file_response
        return httpx.Response(404)

    return handler


def test_hf_token_goes_to_the_space_host_only():
    """A *.hf.space app URL: the token goes there, and nowhere else (a file URL on another host)."""
    space = SPACE
    seen: list[httpx.Request] = []
    handler = _space_app(seen, '{"path":"s.m3u8","url":"https://cdn.example.org/s.m3u8","is_stream":true,'
                               '"meta":{"_type":"gradio.FileData"}}')

    client = Client(space, token=TOKEN, verbose=False, transport=httpx.MockTransport(handler),
                    headers={"x-user": "only-for-the-app"})
    try:
        client.predict("x", api_name="/file_out")
    finally:
        client.close()
    to_space = [r for r in seen if r.url.host == "owner-demo.hf.space"]
    elsewhere = [r for r in seen if r.url.host != "owner-demo.hf.space"]
    assert to_space and elsewhere, [str(r.url) for r in seen]
    assert all(r.headers.get("x-hf-authorization") == f"Bearer {TOKEN}" for r in to_space)
    for r in elsewhere:
        assert "x-hf-authorization" not in r.headers and TOKEN not in str(r.headers), r.url
        assert "x-user" not in r.headers, r.url


@pytest.fixture
def other_host():
    """A second server on another origin: 'localhost' instead of '127.0.0.1'."""
    server = FaultServer(url_host="localhost").start()
    yield server
    server.stop()


SECRET_HEADERS = {"authorization": HEADER_SECRET, "x-api-key": "k3y-s3cret"}


def _assert_no_user_headers(server: FaultServer) -> None:
    assert server.requests, "the other host got no request: scenario not exercised"
    for r in server.requests:
        leaked = {k: v for k, v in r.headers.items() if k in SECRET_HEADERS or "s3cret" in v}
        assert not leaked, f"user headers sent to {r.target} on another origin: {leaked}"


def test_user_headers_reach_the_app(fault_server, client_for):
    client = client_for(fault_server.url, headers=SECRET_HEADERS)
    client.predict("x", api_name="/echo")
    assert all(r.headers.get("x-api-key") == "k3y-s3cret" for r in fault_server.requests)


def test_user_headers_not_sent_with_an_input_file_url_on_another_host(fault_server, other_host, client_for):
    client = client_for(fault_server.url, headers=SECRET_HEADERS)
    client.predict(handle_file(other_host.url + "gradio_api/file=/data/in.txt"), api_name="/file_in")
    _assert_no_user_headers(other_host)


def test_user_headers_not_sent_to_a_stream_url_on_another_host(fault_server, other_host, client_for, tmp_path):
    client = client_for(fault_server.url, headers=SECRET_HEADERS, download_files=str(tmp_path))
    client.predict("stream_file:" + other_host.url + "gradio_api/file=s.m3u8", api_name="/file_out")
    _assert_no_user_headers(other_host)


def test_user_headers_not_forwarded_across_a_redirect(fault_server, other_host, client_for, tmp_path):
    client = client_for(fault_server.url, headers=SECRET_HEADERS, download_files=str(tmp_path))
    fault_server.file_redirect = other_host.url + "gradio_api/file=/elsewhere/out.txt"
    client.predict("file:/tmp/gradio/a/out.txt", api_name="/file_out")
    _assert_no_user_headers(other_host)


def test_hf_token_not_forwarded_across_a_redirect():
    """Redirect from the Space to another host: the token header must be dropped."""
    space = SPACE
    seen: list[httpx.Request] = []
    handler = _space_app(seen, '{"path":"/tmp/gradio/a/out.txt","url":null,"meta":{"_type":"gradio.FileData"}}',
                         httpx.Response(302, headers={"location": "https://attacker.example.net/steal"}))

    client = Client(space, token=TOKEN, verbose=False, transport=httpx.MockTransport(handler))
    try:
        client.predict("x", api_name="/file_out")
    finally:
        client.close()
    stolen = [r for r in seen if r.url.host == "attacker.example.net"]
    assert stolen, "the redirect was not followed: scenario not exercised"
    assert all("x-hf-authorization" not in r.headers and TOKEN not in str(r.headers) for r in stolen)
