from __future__ import annotations

import pytest

from gradio_nb import Client


@pytest.fixture(scope="session")
def protocol_app(gradio_server):
    return gradio_server("protocol/protocol_app")


@pytest.fixture(scope="session")
def protocol_app_show_error(gradio_server):
    return gradio_server("protocol/protocol_app", env={"SHOW_ERROR": "1"})


@pytest.fixture
def client(protocol_app):
    with Client(protocol_app.url, verbose=False) as c:
        yield c
