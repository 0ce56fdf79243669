"""Who a call says it is (for ZeroGPU's advice), and which secrets its warnings must hide."""
from __future__ import annotations

import asyncio

import pytest

from gradio_nb.client._protocol.routes import origin_of
from gradio_nb.client._transport import Transport

SPACE = "https://owner-sd.hf.space/"
TOKEN = "hf_abcdefghijklmnop"


@pytest.fixture
def make():
    made = []

    def build(**kwargs) -> Transport:
        transport = Transport(SPACE, **kwargs)
        made.append(transport)
        return transport

    yield build
    for transport in made:
        asyncio.run(transport.http.aclose())


def test_the_token_counts_only_where_it_is_sent(make):
    assert make(hf_token=TOKEN, token_origins=frozenset({origin_of(SPACE)})).identifies_caller()
    assert not make(hf_token=TOKEN).identifies_caller()  # not this host's: never sent
    assert not make().identifies_caller()


def test_forwarded_visitors_and_authorization_headers_count(make):
    assert make(headers={"X-IP-Token": "jwt.of.visitor"}).identifies_caller()
    assert make().identifies_caller({"x-ip-token": "jwt.of.visitor"})  # the call's own headers
    assert make().identifies_caller({"Authorization": f"Bearer {TOKEN}"})
    assert not make(headers={"x-hf-authorization": f"Bearer {TOKEN}"}).identifies_caller()  # never sent


def test_secrets_cover_the_token_and_bearer_values(make):
    transport = make(hf_token=TOKEN, headers={"x-ip-token": "jwt.of.visitor.123"})
    secrets = transport.secrets({"authorization": "Bearer hf_zyxwvutsrqponm"})
    assert set(secrets) == {TOKEN, "jwt.of.visitor.123", "Bearer hf_zyxwvutsrqponm", "hf_zyxwvutsrqponm"}
    assert secrets[0] == "Bearer hf_zyxwvutsrqponm"  # longest first: replaced whole
