"""Pickling: a client pickles to how it was made and connects again on first use; endpoints
pickle to their client and api_name; jobs refuse. In-process round trips and the lazy connect."""
from __future__ import annotations

import asyncio
import pickle
import threading

import httpx
import pytest

from gradio_nb import AsyncClient, Client, ConnectionFailed, handle_file
from gradio_nb.client import _client as client_module
from gradio_nb.client._api import EndpointFunction, EndpointNamespace
from servers import GradioServer, free_port

SECRETS = ("hf_explicit_secret_1234", "pw-secret-5678", "header-secret-9012")


def _client_of(obj):
    """The client behind a client, an endpoint function or a namespace."""
    if isinstance(obj, EndpointNamespace):
        return obj._EndpointNamespace__client
    return obj._client if isinstance(obj, EndpointFunction) else obj


def _lazy(obj):
    """A client, endpoint or namespace after a pickle round trip, before its first use."""
    copy = pickle.loads(pickle.dumps(obj))
    assert copy is not obj and _client_of(copy)._live_app is None
    return copy


def test_client_round_trip_connects_on_first_use(client):
    copy = _lazy(client)
    assert repr(copy) == f"<Client({client.src!r}): connects on first use>"
    assert not copy.closed
    assert copy.api.generate("again") == "again x10"  # the first use connects
    assert copy._live_app is not None and copy._live_app is not client._live_app
    assert copy.src == client.src and copy.view_api(print_info=False) is None
    assert repr(copy).startswith("Client.predict() Usage Info")
    copy.close()
    assert copy.closed and not client.closed


def test_options_travel(api_app):
    with Client(api_app.url, verbose=False, validate=False, api_name="/my-fn", isolate_jobs=False,
                retries=2, download_files=False) as client:
        copy = _lazy(client)
        assert (copy.validate, copy.verbose, copy._default_api_name) == (False, False, "/my-fn")
        assert copy.predict("q") == "my-fn:q"  # the default endpoint came along
        assert copy._app.isolate_jobs is False and copy._app.transport.retries == 2
        copy.close()


def test_endpoint_round_trip(client):
    ep = _lazy(client.api.generate)
    assert ep.__name__ == "generate" and ep._client._live_app is None  # unpickling did not connect
    assert repr(ep) == f"<endpoint generate(...) of Client({client.src!r})>"
    by_index = pickle.loads(pickle.dumps(client.api[client.api.pair.endpoint.fn_index]))
    namespace = pickle.loads(pickle.dumps(client.api))
    assert ep("x", steps=2) == "x x2"
    assert str(ep.__signature__) == str(client.api.generate.__signature__)
    assert ep._client.api.generate is ep  # one function per endpoint, also after a connect
    assert by_index("ab", 1) == ("ba", 2)
    assert namespace.lambda_("z") == "lambda:z"


def test_one_client_per_recipe_and_process(client):
    first = _lazy(client)
    assert pickle.loads(pickle.dumps(client.api.generate))._client is first
    assert pickle.loads(pickle.dumps(client.api))._EndpointNamespace__client is first
    assert first.api.generate("once") == "once x10"
    assert pickle.loads(pickle.dumps(client)) is first  # connected: still the one
    first.close()
    second = _lazy(client)  # a closed one is not handed out again
    assert second is not first and not second.closed
    with Client(client.src, verbose=False, validate=False) as other_options:
        assert pickle.loads(pickle.dumps(other_options)) is not second


def test_a_file_argument_travels_with_the_call(client, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    ep = _lazy(client.api.upload)
    assert ep(handle_file(str(path))) == "notes.txt"


def test_unpickled_namespace_lists_endpoints_and_suggests(client):
    copy = _lazy(client)
    with pytest.raises(AttributeError, match=r"has no endpoint 'genrate'\. Did you mean 'generate'\? "
                                             r"Endpoints: generate, my_fn, lambda_, _2d, pair, upload\."):
        copy.api.genrate  # connects, then explains
    copy.close()
    with pytest.raises(AttributeError, match=r"use client.api\['/a-b'\] or client.api\['/a_b'\]"):
        _lazy(client).api.a_b


def test_first_use_from_many_threads_connects_once(client, monkeypatch):
    prepared = []
    real = client_module._Recipe.prepare

    def counting(recipe):
        prepared.append(recipe)
        return real(recipe)

    monkeypatch.setattr(client_module._Recipe, "prepare", counting)
    ep = _lazy(client.api.generate)
    barrier = threading.Barrier(6)
    results: list[str] = []

    def work(i):
        barrier.wait()
        results.append(ep(f"t{i}", steps=1))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [f"t{i} x1" for i in range(6)]
    assert len(prepared) == 1  # one connect, shared by the six first users
    ep._client.close()


def test_close_before_first_use(client, monkeypatch):
    copy = _lazy(client)
    monkeypatch.setattr(client_module._Recipe, "prepare", lambda recipe: pytest.fail("connected"))
    copy.close()
    assert copy.closed
    with pytest.raises(ConnectionFailed, match="This client is closed; create a new one."):
        copy.predict("x", api_name="/generate")


def test_a_failed_lazy_connect_is_tried_again(gradio_server):
    server = GradioServer("api_names", log_dir=None)
    server.port = free_port()
    client = client_module._unpickle_client(
        Client, client_module._Recipe(f"http://127.0.0.1:{server.port}/", None, None, None, {"verbose": False}, False))
    with pytest.raises(ConnectionFailed):
        client.api.generate  # nothing listens yet
    server.start()
    try:
        assert client.api.generate("up") == "up x10"
    finally:
        client.close()
        server.stop()


def test_env_token_stays_out_explicit_credentials_travel(api_app, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_from_the_environment_777")
    with Client(api_app.url, verbose=False) as plain:
        data = pickle.dumps(plain)
        assert b"hf_from_the_environment_777" not in data
        assert pickle.loads(data)._recipe.token is None and pickle.loads(data)._recipe.hf_token is None
    url = api_app.url.replace("http://", "http://alice:pw-secret-5678@")
    with Client(url, verbose=False, hf_token="hf_explicit_secret_1234",
                headers={"X-Api-Key": "header-secret-9012"}) as given:
        data = pickle.dumps(given)
        for secret in SECRETS:  # given explicitly: they travel, as fsspec file systems do
            assert secret.encode() in data
        copy = pickle.loads(data)
        assert copy._recipe.hf_token == "hf_explicit_secret_1234" and copy._recipe.auth is None
        assert copy.api.generate("s") == "s x10"
        _assert_no_secret(copy)
        copy.close()


def _assert_no_secret(client):
    texts = [repr(client), repr(client.api), str(client.api), repr(client._recipe), client.src]
    for ep in client.api:
        texts += [repr(ep), ep.__doc__, str(ep.__signature__), repr(ep.info)]
    for bad in (lambda: client.api.nope, lambda: client.api["/nope"], lambda: client.api.generate(),
                lambda: client.api.generate("x", stpes=1), lambda: client.api[1.5]):
        with pytest.raises(Exception) as error:
            bad()
        texts.append(str(error.value))
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, text


def test_no_secret_in_any_repr_doc_or_error(api_app):
    url = api_app.url.replace("http://", "http://alice:pw-secret-5678@")
    with Client(url, verbose=False, hf_token="hf_explicit_secret_1234",
                headers={"X-Api-Key": "header-secret-9012"}) as client:
        _assert_no_secret(client)
        lazy = _lazy(client)
        assert "pw-secret" not in repr(lazy) and "pw-secret" not in repr(_lazy(client.api.generate))
        lazy.close()


def test_jobs_do_not_pickle(client):
    job = client.api.generate.submit("j")
    with pytest.raises(TypeError, match=r"A Job cannot be pickled.*Send the client or the endpoint"):
        pickle.dumps(job)
    assert job.result(timeout=30) == "j x10"


def test_a_client_with_a_custom_transport_does_not_pickle(api_app):
    transport = httpx.AsyncHTTPTransport()
    with Client(api_app.url, verbose=False, transport=transport) as client:
        with pytest.raises(TypeError, match="made with transport=... cannot be pickled"):
            pickle.dumps(client)


def test_async_client_and_its_endpoints_pickle(api_app):
    async def main():
        async with await AsyncClient.connect(api_app.url, verbose=False) as client:
            copy = pickle.loads(pickle.dumps(client))
            assert type(copy) is AsyncClient and copy._live_app is None
            assert await copy.predict("p", api_name="/generate") == "p x10"  # connects without blocking
            ep = pickle.loads(pickle.dumps(client.api.pair))
            assert await ep("ab", 2) == ("ba", 4)
            await copy.close()
            await ep._client.close()
            fresh = pickle.loads(pickle.dumps(client))
            await fresh.close()  # never connected: nothing to close
            assert fresh.closed

    asyncio.run(main())
