"""Fixtures for client.api: the api_names app (tests/apps/api_names.py) on Gradio 6.31."""
from __future__ import annotations

import asyncio

import pytest

from gradio_nb import AsyncClient, Client
from gradio_nb.client import _client as client_module


@pytest.fixture(scope="session")
def api_app(gradio_server):
    return gradio_server("api_names")


@pytest.fixture
def client(api_app):
    with Client(api_app.url, verbose=False) as c:
        yield c


@pytest.fixture(autouse=True)
def _close_unpickled_clients():
    """Clients rebuilt by unpickling in this process are cached (one per recipe): each test
    starts without them and closes the ones it made."""
    yield
    with client_module._unpickled_lock:
        clients = list(client_module._unpickled.values())
        client_module._unpickled.clear()
    for client in clients:
        if isinstance(client, AsyncClient):
            if client._live_app is not None and not client.closed:
                asyncio.run(client.close())
        else:
            client.close()
