"""The httpx seam: a whole app faked with ``httpx.MockTransport`` (no server, no sockets)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from gradio_nb import Client, ProtocolError, QueueError, TooManyRequestsError

CONFIG = {
    "version": "6.31.0", "protocol": "sse_v3", "api_prefix": "/gradio_api", "connect_heartbeat": False,
    "components": [{"id": 1, "type": "textbox", "props": {"label": "text"}, "skip_api": False,
                    "api_info": {"type": "string"}},
                   {"id": 2, "type": "textbox", "props": {"label": "out"}, "skip_api": False,
                    "api_info": {"type": "string"}}],
    "dependencies": [{"id": 0, "api_name": "echo", "api_visibility": "public", "inputs": [1],
                      "outputs": [2], "backend_fn": True, "types": {"generator": False}}],
}
INFO = {"named_endpoints": {"/echo": {
    "parameters": [{"label": "text", "parameter_name": "text", "parameter_has_default": False,
                    "parameter_default": None, "type": {"type": "string"},
                    "python_type": {"type": "str", "description": ""}, "component": "Textbox"}],
    "returns": [{"label": "out", "type": {"type": "string"},
                 "python_type": {"type": "str", "description": ""}, "component": "Textbox"}],
    "api_visibility": "public"}}, "unnamed_endpoints": {}}


class FakeApp:
    """Answers the Gradio routes; ``join_script`` decides each queue/join answer."""

    def __init__(self, join_script: list[httpx.Response] | None = None, stream: str | None = None) -> None:
        self.join_script = list(join_script or [])
        self.stream = stream
        self.requests: list[httpx.Request] = []
        self.join_times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/config":
            return httpx.Response(200, json=CONFIG)
        if path == "/gradio_api/info":
            return httpx.Response(200, json=INFO)
        if path == "/gradio_api/queue/join":
            self.join_times.append(time.monotonic())
            if self.join_script:
                return self.join_script.pop(0)
            self._data = json.loads(request.content)["data"]
            return httpx.Response(200, json={"event_id": "e1"})
        if path == "/gradio_api/queue/data":
            body = self.stream or (
                'data: {"msg":"estimation","event_id":"e1","rank":0,"queue_size":1,"rank_eta":null}\n\n'
                'data: {"msg":"process_completed","event_id":"e1","success":true,"output":{"data":%s}}\n\n'
                'data: {"msg":"close_stream","event_id":null}\n\n' % json.dumps(self._data)
            )
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body.encode())
        return httpx.Response(404, json={"detail": "Not Found"})


def connect(app: FakeApp, **kwargs) -> Client:
    return Client("http://app.test/", verbose=False, transport=httpx.MockTransport(app), **kwargs)


def test_a_call_through_the_mock() -> None:
    app = FakeApp()
    with connect(app) as client:
        assert client.predict("hello", api_name="/echo") == "hello"
    join = next(r for r in app.requests if r.url.path.endswith("/queue/join"))
    body = json.loads(join.content)
    assert body["fn_index"] == 0 and body["data"] == ["hello"] and join.headers["x-gradio-user"] == "api"


def test_429_is_a_clear_error_with_retry_after() -> None:
    app = FakeApp([httpx.Response(429, headers={"retry-after": "7"}, json={"detail": "slow down"})])
    with connect(app) as client, pytest.raises(TooManyRequestsError, match="retry after 7 s") as info:
        client.predict("x", api_name="/echo")
    assert info.value.retry_after == 7.0


def test_503_is_a_queue_error_by_default() -> None:
    app = FakeApp([httpx.Response(503, json={"detail": "Queue is full. Max size is 2 and size is 2."})])
    with connect(app) as client, pytest.raises(QueueError, match="Queue is full"):
        client.predict("x", api_name="/echo")
    assert len(app.join_times) == 1


def test_retries_back_off_then_succeed() -> None:
    app = FakeApp([httpx.Response(503, json={"detail": "Queue is full."}),
                   httpx.Response(429, headers={"retry-after": "0.2"}, json={})])
    with connect(app, retries=2) as client:
        assert client.predict("x", api_name="/echo") == "x"
    gaps = [b - a for a, b in zip(app.join_times, app.join_times[1:])]
    assert len(app.join_times) == 3 and gaps[0] >= 0.45 and gaps[1] >= 0.18


def test_malformed_stream_fails_the_job_clearly() -> None:
    app = FakeApp(stream='data: {"msg":"estimation","event_id":"e1"}\n\ndata: not json\n\n')
    with connect(app) as client, pytest.raises(ProtocolError, match="not a JSON object"):
        client.predict("x", api_name="/echo")


def test_user_headers_go_only_to_the_app_and_no_token_to_plain_urls() -> None:
    app = FakeApp()
    with connect(app, headers={"x-api-key": "k"}, token="hf_secret") as client:
        client.predict("x", api_name="/echo")
    assert all(r.headers.get("x-api-key") == "k" for r in app.requests)
    assert not any("x-hf-authorization" in r.headers for r in app.requests)
    assert "hf_secret" not in repr(client)


def test_heartbeat_opens_for_the_state_session_only_when_asked() -> None:
    import copy

    config = copy.deepcopy(CONFIG)
    config["connect_heartbeat"] = True
    config["components"].append({"id": 3, "type": "state", "props": {}, "skip_api": True})
    config["dependencies"][0]["inputs"] = [1, 3]

    class StatefulApp(FakeApp):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/config":
                self.requests.append(request)
                return httpx.Response(200, json=config)
            if request.url.path.startswith("/gradio_api/heartbeat/"):
                self.requests.append(request)
                return httpx.Response(200, headers={"content-type": "text/event-stream"},
                                      content=b"data: ALIVE\n\n")
            if request.url.path == "/gradio_api/queue/join":
                body = json.loads(request.content)
                assert body["data"] == ["x", None], "State inputs are sent as null"
            return super().__call__(request)

    app = StatefulApp()
    with connect(app) as client:
        assert client.predict("x", api_name="/echo") == "x"
        beats = [r for r in app.requests if "/heartbeat/" in r.url.path]
        assert beats and beats[0].url.path.endswith("/" + client.session_hash)


def test_done_callbacks_may_read_the_job() -> None:
    """Callbacks run outside the job's lock: reading a snapshot there must not deadlock."""
    import threading

    seen: list[bool] = []
    done = threading.Event()
    with connect(FakeApp()) as client:
        job = client.submit("x", api_name="/echo")
        job.add_done_callback(lambda j: (seen.append(j.snapshot().done), done.set()))
        assert job.result(timeout=10) == "x"
        assert done.wait(10) and seen == [True]
        assert client.predict("y", api_name="/echo") == "y", "the loop thread is still alive"
