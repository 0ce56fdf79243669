"""cache=: finished results survive the process; a re-run calls the app only for the rest."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gradio_nb import CacheError, Client, handle_file
from gradio_nb.client._batch.cache import ResultCache
from batch_helpers import app_calls, reset_stats


def test_a_rerun_is_served_from_the_cache_without_calling_the_app(client, tmp_path):
    reset_stats(client)
    first = client.map(range(50), api_name="/square", cache=tmp_path / "c", progress=False)
    assert first.results(timeout=60) == [x * x for x in range(50)]
    assert app_calls(client) == 50
    again = client.map(range(60), api_name="/square", cache=tmp_path / "c", progress=False)
    assert again.results(timeout=60) == [x * x for x in range(60)]
    assert app_calls(client) == 60  # only the 10 new items ran
    snap = again.snapshot()
    assert snap.cached == 50 and snap.succeeded == 60
    cached = [i for i in again.items if i.cached]
    assert len(cached) == 50 and all(i.attempts == 0 for i in cached)


def test_failures_are_not_cached(client, tmp_path):
    client.map([-1, 2], api_name="/square", cache=tmp_path, progress=False).results(timeout=60)
    reset_stats(client)
    values = client.map([-1, 2], api_name="/square", cache=tmp_path, progress=False).results(timeout=60)
    assert app_calls(client) == 1 and values[1] == 4


def test_the_key_covers_the_endpoint_and_every_input(client, tmp_path):
    client.map([{"text": "a", "n": 1}], api_name="/describe", cache=tmp_path, progress=False).results(timeout=60)
    reset_stats(client)
    values = client.map([{"text": "a", "n": 2}, {"text": "a", "n": 1, "shout": True}],
                        api_name="/describe", cache=tmp_path, progress=False).results(timeout=60)
    assert values == [("a a", 3), ("A", 1)] and app_calls(client) == 2


def test_output_files_are_copied_into_the_cache_folder(client, tmp_path):
    cache = tmp_path / "c"
    (path,) = client.map(["hello"], api_name="/write_file", cache=cache, progress=False).results(timeout=60)
    os.remove(path)  # the download folder is cleaned: the cached copy must not depend on it
    reset_stats(client)
    (again,) = client.map(["hello"], api_name="/write_file", cache=cache, progress=False).results(timeout=60)
    assert app_calls(client) == 0
    assert Path(again).is_relative_to(cache) and Path(again).read_text() == "hello"


def test_file_inputs_are_keyed_by_content(client, tmp_path):
    one, two = tmp_path / "a.txt", tmp_path / "b.txt"
    one.write_text("same"), two.write_text("same")
    from gradio_nb.client._batch.cache import cache_key

    endpoint = client.endpoint("/write_file")
    assert cache_key(client.src, endpoint, [handle_file(one)]) == cache_key(client.src, endpoint, [handle_file(two)])
    two.write_text("different")
    assert cache_key(client.src, endpoint, [handle_file(one)]) != cache_key(client.src, endpoint, [handle_file(two)])


def test_the_folder_is_private_and_holds_no_secret(batch_app, tmp_path):
    secret = "s3cr3t-header-value"
    with Client(batch_app.url, verbose=False, headers={"x-api-key": secret}) as client:
        client.map([3], api_name="/square", cache=tmp_path / "c", progress=False).results(timeout=60)
    folder = tmp_path / "c"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes()


def test_a_foreign_sqlite_file_is_a_clear_error(client, tmp_path):
    db = sqlite3.connect(tmp_path / "results.sqlite3")
    db.execute("CREATE TABLE results (x)")
    db.commit(), db.close()
    with pytest.raises(CacheError, match="not a gradio_nb batch cache"):
        client.map([1], api_name="/square", cache=tmp_path)


def test_a_corrupt_file_is_a_clear_error(client, tmp_path):
    (tmp_path / "results.sqlite3").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CacheError, match="not a usable gradio_nb batch cache"):
        client.map([1], api_name="/square", cache=tmp_path)


def test_a_tampered_entry_stops_the_batch_instead_of_giving_a_wrong_result(client, tmp_path):
    client.map([4], api_name="/square", cache=tmp_path, progress=False).results(timeout=60)
    db = sqlite3.connect(tmp_path / "results.sqlite3")
    db.execute("UPDATE results SET value = '17'")
    db.commit(), db.close()
    batch = client.map([4], api_name="/square", cache=tmp_path, progress=False)
    with pytest.raises(CacheError, match="corrupt"):
        batch.results(timeout=60)


def test_two_processes_can_write_the_same_cache_at_once(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from gradio_nb.client._batch.cache import ResultCache
        cache = ResultCache({str(tmp_path)!r})
        for i in range(300):
            cache.put(f"{{sys.argv[1]}}-{{i}}", (i, "x" * 100))
        print(cache.count())
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name in ("a", "b")]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    cache = ResultCache(tmp_path)
    assert cache.count() == 600
    assert cache.get("a-7") == (True, (7, "x" * 100))
    cache.close()
