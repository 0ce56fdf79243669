"""Output file names chosen by a server cannot escape the download folder.

Unit tests on ``safe_filename`` and an end-to-end test where the fault server returns FileData
whose ``path`` is hostile, and the client downloads it.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from gradio_nb.client._protocol.files import safe_filename

HOSTILE = [
    "../../../../../../tmp/gradio_nb_escape.txt",
    "..\\..\\..\\..\\tmp\\gradio_nb_escape.txt",
    "/etc/passwd",
    "/tmp/gradio/abc/../../../../root/.bashrc",
    "C:\\Windows\\System32\\drivers\\etc\\hosts",
    "C:evil.txt",
    "\\\\server\\share\\evil.txt",
    "a\x00b.txt",
    "evil\x00/../../x.txt",
    "..",
    ".",
    "",
    "/",
    "...",
    "CON",
    "nul.txt",
    "com1",
    "LPT9.log",
    "file:stream.txt",
    "name\nwith\rcontrol\tchars.txt",
    "a" * 5000 + ".txt",
    "é" * 400 + ".png",
    "x" * 300,
    ".hidden",
    "~/.ssh/authorized_keys",
    "%2e%2e%2fescape.txt",
]


def _assert_safe(result: str) -> None:
    """What matters for escaping the folder or breaking the file system (hidden names aside)."""
    assert result, "empty name"
    assert result not in (".", ".."), result
    assert "/" not in result and "\\" not in result, result
    assert "\x00" not in result and all(ord(c) >= 32 for c in result), repr(result)
    assert ":" not in result, result
    assert len(result.encode()) <= 255, len(result.encode())
    result.encode("utf-8")  # valid unicode, no split multi-byte characters
    stem = result.split(".")[0].upper()
    assert stem not in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                        *(f"LPT{i}" for i in range(1, 10))}, result


@pytest.mark.parametrize("name", HOSTILE, ids=lambda n: repr(n[:30]))
def test_safe_filename_is_a_single_safe_component(name, tmp_path):
    result = safe_filename(name)
    _assert_safe(result)
    target = (tmp_path / result).resolve()
    assert target.parent == tmp_path.resolve()


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("/etc/passwd", "passwd"),
    ("C:\\Windows\\evil.dll", "evil.dll"),
    ("C:evil.txt", "evil.txt"),
    ("..", "file"),
    ("", "file"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("report.pdf", "report.pdf"),
    ("résumé 2024.docx", "résumé 2024.docx"),
])
def test_safe_filename_keeps_what_it_can(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", [".bashrc", "...profile"])
def test_leading_dots_are_removed(name):
    assert safe_filename(name) == name.lstrip(".")


@pytest.mark.parametrize("name", [". .bashrc", "..  .ssh"])
def test_no_hidden_file_after_blank_and_dot_mix(name):
    assert not safe_filename(name).startswith(".")


def test_long_names_keep_their_extension():
    result = safe_filename("a" * 5000 + ".txt")
    assert result.endswith(".txt") and len(result.encode()) <= 200


def test_safe_filename_fuzz(tmp_path):
    rng = random.Random(20261127)
    alphabet = "ab./\\:\x00\x01\n *?<>|\"%~é\u202e\ufeffCONUL1"
    for _ in range(5000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        result = safe_filename(name)
        _assert_safe(result)
        assert (tmp_path / result).resolve().parent == tmp_path.resolve(), (name, result)


# -- end to end: a server returns hostile FileData paths -------------------------------------------


E2E_PATHS = [
    "../../../../../../tmp/gradio_nb_escape.txt",
    "/tmp/gradio/x/../../../gradio_nb_escape2.txt",
    "..\\..\\..\\gradio_nb_escape3.txt",
    "C:\\Windows\\evil.txt",
    "/etc/passwd",
    "..",
    "",
    "CON",
    "a\x00b.txt",
    "/tmp/" + "n" * 3000 + ".txt",
    "~/.bashrc",
]


@pytest.mark.parametrize("path", E2E_PATHS, ids=lambda p: repr(p[:30]))
def test_downloaded_outputs_stay_in_the_download_folder(fault_server, client_for, tmp_path, path):
    """Either the file lands inside the download folder under a safe name, or the call fails
    with a clear gradio_nb error; nothing is ever written elsewhere.

    (For ``../`` paths httpx normalises the dot segments of the download URL, so the request goes
    to another path of the app, which answers 404: a clear failure, reported as a finding.)
    """
    from gradio_nb.client._exceptions import GradioNBError

    downloads = tmp_path / "downloads"
    outside_before = sorted(p.name for p in tmp_path.iterdir())
    client = client_for(fault_server.url, download_files=str(downloads))
    try:
        local = client.predict("file:" + path, api_name="/file_out")
    except GradioNBError as exc:
        assert str(exc)
    else:
        resolved = Path(local).resolve()
        assert os.path.commonpath([resolved, downloads.resolve()]) == str(downloads.resolve()), local
        assert resolved.read_bytes() == b"payload"
        _assert_safe(resolved.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(set(outside_before) | {"downloads"})
    for escaped in ("/tmp/gradio_nb_escape.txt", "/tmp/gradio_nb_escape2.txt", "/gradio_nb_escape3.txt"):
        assert not os.path.exists(escaped), f"{escaped} was written outside the download folder"
    leftovers = [p for p in downloads.rglob(".part-*")] if downloads.exists() else []
    assert not leftovers, f"partial downloads left behind: {leftovers}"


def test_download_url_keeps_dot_segments_of_the_server_path(fault_server, client_for, tmp_path):
    client = client_for(fault_server.url, download_files=str(tmp_path))
    import urllib.parse

    path = "/tmp/gradio/x/../../../../etc/out.txt"
    try:
        client.predict("file:" + path, api_name="/file_out")
    except Exception:  # noqa: BLE001 - the request log is what is checked
        pass
    gets = [r for r in fault_server.requests if r.method == "GET" and "out.txt" in r.target]
    assert gets, "no download request"
    asked = urllib.parse.unquote(gets[-1].target)
    assert asked == "/gradio_api/file=" + path, asked


def test_stream_output_url_name_stays_in_the_download_folder(fault_server, client_for, tmp_path):
    downloads = tmp_path / "downloads"
    client = client_for(fault_server.url, download_files=str(downloads))
    url = fault_server.url + "gradio_api/file=..%2F..%2F..%2Fescape.m3u8"
    local = client.predict("stream_file:" + url, api_name="/file_out")
    assert os.path.commonpath([Path(local).resolve(), downloads.resolve()]) == str(downloads.resolve())
