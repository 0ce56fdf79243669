"""URL layout, protocol versions and safe file names (pure functions)."""

from __future__ import annotations

import pytest

from gradio_nb.client._exceptions import ConfigError, ProtocolError
from gradio_nb.client._protocol.files import is_file_data_with_meta, is_legacy_file_obj, safe_filename
from gradio_nb.client._protocol.routes import (
    Routes,
    normalize_src,
    origin_of,
    protocol_features,
    split_credentials,
)


@pytest.mark.parametrize("src, expected", [
    ("http://127.0.0.1:7860", "http://127.0.0.1:7860/"),
    ("http://127.0.0.1:7860/", "http://127.0.0.1:7860/"),
    ("https://host/myapp", "https://host/myapp/"),
    (" http://h/app/?x=1#f ", "http://h/app/"),
])
def test_normalize_src(src: str, expected: str) -> None:
    assert normalize_src(src) == expected


@pytest.mark.parametrize("bad", ["", "127.0.0.1:7860", "ftp://h/", "http://"])
def test_normalize_src_rejects_what_is_not_an_app_url(bad: str) -> None:
    with pytest.raises(ConfigError):
        normalize_src(bad)


def test_credentials_are_split_off() -> None:
    assert split_credentials("http://al%40ice:p%3Ass@h:8/app") == ("http://h:8/app", ("al@ice", "p:ss"))
    assert split_credentials("http://h/") == ("http://h/", None)


def test_routes_with_and_without_api_prefix() -> None:
    new = Routes("http://h/myapp/", "/gradio_api")
    assert new.join == "http://h/myapp/gradio_api/queue/join"
    assert new.config == "http://h/myapp/config"
    assert new.data("a b") == "http://h/myapp/gradio_api/queue/data?session_hash=a%20b"
    old = Routes("http://h/", "")
    assert old.join == "http://h/queue/join" and old.info() == "http://h/info?serialize=False"


def test_file_urls_quote_and_keep_dot_segments_literal() -> None:
    routes = Routes("http://h/", "/gradio_api")
    assert routes.file("/tmp/gradio/x/my file.png") == "http://h/gradio_api/file=/tmp/gradio/x/my%20file.png"
    assert "/../" not in routes.file("/tmp/gradio/../../etc/passwd")


@pytest.mark.parametrize("protocol, diffs, closes, meta", [
    ("sse_v1", False, False, False),
    ("sse_v2", True, False, False),
    ("sse_v2.1", True, False, True),
    ("sse_v3", True, True, True),
])
def test_protocol_features(protocol: str, diffs: bool, closes: bool, meta: bool) -> None:
    features = protocol_features(protocol, "4.44.1")
    assert (features.diffs, features.server_closes_stream, features.files_need_meta) == (diffs, closes, meta)
    assert features.cancel_route


def test_old_protocols() -> None:
    ws = protocol_features("ws", "3.50.2")
    assert (ws.per_event, ws.websocket, ws.queue, ws.diffs, ws.cancel_route) == (True, True, True, False, False)
    assert not protocol_features("ws", "3.50.2", queue=False).queue  # 3.x without a queue
    sse = protocol_features("sse", "4.5.0")
    assert (sse.per_event, sse.websocket, sse.reset_event, sse.diffs) == (True, False, True, False)
    v1 = protocol_features("sse_v1", "4.20.0")
    assert not v1.cancel_route and v1.reset_event and not v1.per_event
    assert not protocol_features("sse_v3", "4.44.1").reset_event
    # what closing a session's stream does to its queued events (measured on 4.10, 4.19, 4.21)
    assert not v1.closed_stream_keeps_queued
    assert protocol_features("sse_v2", "4.19.2").closed_stream_keeps_queued
    assert protocol_features("sse_v2.1", "4.21.0").closed_stream_keeps_queued


def test_unknown_protocol_is_refused_clearly() -> None:
    with pytest.raises(ProtocolError, match="'sse_v9'.*Gradio 3.x to 6.x"):
        protocol_features("sse_v9", "9.0.0")


def test_per_event_routes() -> None:
    routes = Routes("http://h/app/")
    assert routes.join_per_event(3, "ab c") == "http://h/app/queue/join?fn_index=3&session_hash=ab+c"
    assert routes.send_data == "http://h/app/queue/data"
    assert routes.predict == "http://h/app/run/predict"
    assert routes.info(serialized=True) == "http://h/app/info"  # 3.x: files as file paths
    assert routes.info() == "http://h/app/info?serialize=False"


def test_file_detection_by_protocol() -> None:
    plain = {"path": "not/a/file.txt", "note": "data"}
    marked = {"path": "/tmp/x.png", "meta": {"_type": "gradio.FileData"}}
    assert is_legacy_file_obj(plain) and not is_file_data_with_meta(plain)
    assert is_file_data_with_meta(marked)


def test_origin_of_fills_default_ports() -> None:
    assert origin_of("https://Space.hf.space/x") == ("https", "space.hf.space", 443)
    assert origin_of("http://h:8080") == ("http", "h", 8080)


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("/abs/path/file.txt", "file.txt"),
    ("C:\\\\Windows\\\\evil.exe", "evil.exe"),
    ("a\x00b.txt", "a_b.txt"),
    (". .bashrc", "bashrc"),
    ("CON.txt", "_CON.txt"),
    ("..", "file"),
    ("", "file"),
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_caps_length_and_keeps_extension() -> None:
    name = safe_filename("x" * 500 + ".png")
    assert name.endswith(".png") and len(name.encode()) <= 200
