"""Fixtures for client.api: the api_names app (tests/apps/api_names.py) on Gradio 6.31."""
from __future__ import annotations

import pytest

from gradio_nb import Client


@pytest.fixture(scope="session")
def api_app(gradio_server):
    return gradio_server("api_names")


@pytest.fixture
def client(api_app):
    with Client(api_app.url, verbose=False) as c:
        yield c
