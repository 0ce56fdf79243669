"""Fixtures for the batch tests: the counting app (tests/apps/batch_app.py) and its clients."""
from __future__ import annotations

import pytest

from gradio_nb import Client


@pytest.fixture(scope="session")
def batch_app(gradio_server):
    return gradio_server("batch_app")


@pytest.fixture
def client(batch_app):
    with Client(batch_app.url, verbose=False) as c:
        yield c

