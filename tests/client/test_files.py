"""Uploads and downloads against a real app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gradio_nb import ArgumentError, Client, FileInputError, handle_file


def test_upload_then_download(client, tmp_path: Path) -> None:
    src = tmp_path / "hello.txt"
    src.write_text("hello, world!")
    info, result = client.predict(handle_file(src), api_name="/file_info")
    assert info == {"name": "hello.txt", "size": 13}
    assert Path(result).read_text() == "received hello.txt (13 bytes)\n"


def test_downloads_go_to_the_chosen_folder(protocol_app, tmp_path: Path) -> None:
    with Client(protocol_app.url, download_files=tmp_path, verbose=False) as client:
        path = client.predict(api_name="/make_image")
    assert Path(path).is_file() and Path(path).resolve().is_relative_to(tmp_path.resolve())


def test_download_files_false_returns_file_data(protocol_app) -> None:
    with Client(protocol_app.url, download_files=False, verbose=False) as client:
        value = client.predict(api_name="/make_image")
    assert value["meta"] == {"_type": "gradio.FileData"} and value["path"].endswith(".webp")


def test_optional_file_can_be_none(client) -> None:
    assert client.predict(None, api_name="/file_info") == ({"none": True}, None)


def test_bare_path_string_is_refused_with_a_hint(client, tmp_path: Path) -> None:
    src = tmp_path / "x.txt"
    src.write_text("x")
    with pytest.raises(ArgumentError, match="wrap paths and URLs in handle_file"):
        client.predict(str(src), api_name="/file_info")


def test_handle_file_errors_before_sending(tmp_path: Path) -> None:
    with pytest.raises(FileInputError, match="no such file"):
        handle_file(tmp_path / "missing.wav")
    with pytest.raises(FileInputError, match="is a directory"):
        handle_file(tmp_path)
    with pytest.raises(FileInputError, match="path or an http"):
        handle_file(42)  # type: ignore[arg-type]


def test_oversized_upload_is_refused_before_sending(gradio_server, tmp_path: Path) -> None:
    limits = gradio_server("protocol/limits_app")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with Client(limits.url, verbose=False) as client:
        with pytest.raises(FileInputError, match="at most 1,024 bytes"):
            client.predict(handle_file(big), api_name="/upload_size")
        small = tmp_path / "small.txt"
        small.write_bytes(b"x" * 100)
        assert client.predict(handle_file(small), api_name="/upload_size") == 100


def test_loopback_url_is_fetched_here_and_uploaded(client, protocol_app, tmp_path: Path) -> None:
    image = client.predict(api_name="/make_image")
    with Client(protocol_app.url, download_files=False, verbose=False) as raw:
        url = raw.predict(api_name="/make_image")["url"]
    info, _ = client.predict(handle_file(url), api_name="/file_info")
    assert info["size"] == os.path.getsize(image)
