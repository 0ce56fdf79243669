"""client.api: names (safe forms, collisions, unknown names), access, reprs, sync and async calls."""
from __future__ import annotations

import asyncio
import inspect

import gradio_client
import pytest

from gradio_nb import ArgumentError, AsyncClient, Client, EndpointNotFoundError, Job
from gradio_nb.client._protocol.signatures import python_name

API_NAMES = ["/generate", "/my-fn", "/lambda", "/2d", "/a-b", "/a_b", "/pair", "/upload"]


@pytest.mark.parametrize(("api_name", "name"), [
    ("/generate", "generate"), ("/my-fn", "my_fn"), ("/lambda", "lambda_"), ("/2d", "_2d"),
    ("/match", "match"), ("/class", "class_"), ("/a.b c", "a_b_c"), ("/été", "été"), ("/", "_"),
])
def test_python_name(api_name, name):
    assert python_name(api_name) == name
    assert name.isidentifier()


def test_every_view_api_endpoint_is_there(client, api_app):
    reference = gradio_client.Client(api_app.url, verbose=False, analytics_enabled=False)
    named = list(reference.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert named == API_NAMES
    assert [ep.api_name for ep in client.api] == API_NAMES
    assert len(client.api) == 8
    # The colliding /a-b and /a_b have no attribute: dir() lists what `client.api.<name>` reaches.
    assert sorted(dir(client.api)) == sorted(["generate", "my_fn", "lambda_", "_2d", "pair", "upload"])
    for name in dir(client.api):
        assert getattr(client.api, name).__name__ == name


def test_access_by_name_api_name_and_fn_index(client):
    generate = client.api.generate
    assert generate is client.api["/generate"] is client.api.generate
    assert client.api[generate.endpoint.fn_index].endpoint == generate.endpoint
    assert client.api["/my-fn"] is client.api.my_fn
    assert client.api.lambda_("x") == "lambda:x"
    assert client.api._2d("x") == "2d:x"
    assert client.api["/a-b"]("x") == "a-b:x" and client.api["/a_b"]("x") == "a_b:x"
    assert "generate" in client.api and "/a-b" in client.api and "a_b" not in client.api


def test_collisions_are_said_in_the_repr(client):
    text = repr(client.api)
    assert text.splitlines()[0] == f"Endpoints of Client({client.src!r}) (8):"
    assert "generate    (text: str, steps: float = 10, style: Literal['plain', 'fancy'] = 'plain') -> str" in text
    assert "api['/a-b'] (x: str) -> str" in text and "api['/a_b'] (x: str) -> str" in text
    assert "pair        (a: str, b: float = 1.5) -> tuple[str, float]" in text
    assert "only api['/name']" in text
    assert "a_b " not in text.replace("api['/a_b']", "")


def test_unknown_names(client):
    with pytest.raises(AttributeError, match=r"has no endpoint 'genrate'\. Did you mean 'generate'\? "
                                             r"Endpoints: generate, "):
        client.api.genrate
    with pytest.raises(AttributeError, match=r"use client.api\['/a-b'\] or client.api\['/a_b'\]"):
        client.api.a_b  # collides: no attribute
    assert getattr(client.api, "nope", None) is None
    with pytest.raises(EndpointNotFoundError, match=r"Did you mean '/generate'\?.*Valid api_names: /generate"):
        client.api["/genrate"]
    with pytest.raises(EndpointNotFoundError, match="Invalid function index: 99"):
        client.api[99]
    with pytest.raises(TypeError, match="api_name such as '/generate' or a fn_index, not float"):
        client.api[1.5]


def test_call_binds_validates_and_errors_like_predict(client):
    ep = client.api.generate
    assert ep("cat") == client.predict("cat", api_name="/generate") == "cat x10"
    assert ep("cat", 3, style="fancy") == "CAT X3"
    assert ep(text="dog", steps=2) == "dog x2"
    assert client.api.pair("abc", 2) == ("cba", 4)  # several outputs: a tuple
    with pytest.raises(ArgumentError, match="No value provided for required argument: text") as missing:
        ep()
    assert isinstance(missing.value, TypeError)
    with pytest.raises(TypeError, match="`stpes` is not a valid key-word argument.*Did you mean `steps`"):
        ep("x", stpes=3)
    with pytest.raises(TypeError, match="takes 3 argument"):
        ep(1, 2, 3, 4)


def test_submit_is_a_job(client):
    job = client.api.generate.submit("sub", steps=1)
    assert isinstance(job, Job)
    assert job.result(timeout=30) == "sub x1"
    assert job.endpoint.api_name == "/generate"


def test_info_is_the_view_api_entry(client):
    info = client.view_api(print_info=False, return_format="dict")
    assert client.api.generate.info == info["named_endpoints"]["/generate"]
    assert client.api["/a-b"].info == info["named_endpoints"]["/a-b"]


def test_works_with_functools_and_map(client):
    import functools

    fancy = functools.partial(client.api.generate, style="fancy", steps=1)
    assert list(map(fancy, ["a", "b"])) == ["A X1", "B X1"]


def test_async_client(api_app):
    async def main():
        async with await AsyncClient.connect(api_app.url, verbose=False) as client:
            ep = client.api.generate
            assert inspect.signature(ep) == inspect.signature(client.api["/generate"])
            assert sorted(dir(client.api)) == sorted(["generate", "my_fn", "lambda_", "_2d", "pair", "upload"])
            results = await asyncio.gather(ep("a"), ep("b", steps=2), client.api.pair("xy", 1))
            assert results == ["a x10", "b x2", ("yx", 2)]
            job = await ep.submit("c", steps=1)
            assert await job == "c x1"
            with pytest.raises(TypeError, match="required argument: text"):
                await ep()
            return repr(client.api)

    text = asyncio.run(main())
    assert text.startswith("Endpoints of AsyncClient(")


class _RecordingClient:
    """Stands in for Client.map/sweep (built in another branch): records the delegation."""

    def __init__(self):
        self.calls = []

    def map(self, inputs, **options):
        self.calls.append(("map", inputs, options))
        return "batch"

    def sweep(self, **grid):
        self.calls.append(("sweep", grid))
        return "grid"


def test_map_and_sweep_delegate_to_the_client(client):
    from gradio_nb.client._api import EndpointFunction

    fake = _RecordingClient()
    ep = EndpointFunction(fake, "/generate", "generate")  # type: ignore[arg-type]
    assert ep.map(["a", "b"], concurrency=2) == "batch"
    assert ep.sweep(text=["a"], steps=[1, 2]) == "grid"
    assert EndpointFunction(fake, 3, "fn_3").map([1]) == "batch"  # type: ignore[arg-type]
    assert fake.calls == [
        ("map", ["a", "b"], {"api_name": "/generate", "concurrency": 2}),
        ("sweep", {"api_name": "/generate", "text": ["a"], "steps": [1, 2]}),
        ("map", [1], {"fn_index": 3}),
    ]
    if hasattr(Client, "map"):  # the real Batch, once merged
        batch = client.api.generate.map(["a", "b"])
        assert list(batch.results()) == ["a x10", "b x10"]
