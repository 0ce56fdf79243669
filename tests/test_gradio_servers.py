"""The server fixtures themselves (tests/servers.py): readiness, failures, kill and restart."""
from __future__ import annotations

import httpx
import pytest

from servers import GradioServer, ServerError


def get_config(url: str) -> httpx.Response:
    return httpx.get(url + "config", timeout=5, trust_env=False)


# A stand-in that starts in milliseconds: answers GET /config with 200, like a Gradio app.
FAKE_APP = """\
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/config" else 404)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


@pytest.fixture
def fake_app(tmp_path):
    app = tmp_path / "fake_app.py"
    app.write_text(FAKE_APP)
    return app


def test_auth_app_counts_as_ready(gradio_server):
    assert get_config(gradio_server("protocol/auth_app").url).status_code == 401


def test_mounted_app_url_has_mount_path(gradio_server):
    server = gradio_server("protocol/mounted_app")
    assert server.url == server.root_url + "myapp/"
    assert get_config(server.url).status_code == 200


def test_kill_then_restart_on_same_url(fake_app, tmp_path):
    with GradioServer(fake_app, log_dir=tmp_path) as server:
        url = server.url
        server.kill()
        assert not server.running
        with pytest.raises(httpx.TransportError):
            get_config(url)
        server.restart()
        assert server.url == url
        assert get_config(url).status_code == 200
    assert not server.running


def test_suspended_server_starts_again_on_url(fake_app, tmp_path):
    with GradioServer(fake_app, log_dir=tmp_path) as server:
        url = server.url
        server.suspend()
        assert not server.running
        assert server.url == url
        assert server.running
        assert get_config(url).status_code == 200


def test_pool_suspends_least_recently_used(fake_app, tmp_path):
    from servers import ServerPool

    pool = ServerPool(tmp_path, tmp_path, max_running=2)
    try:
        first = pool.get(fake_app, env={"N": "1"})
        second = pool.get(fake_app, env={"N": "2"})
        pool.get(fake_app, env={"N": "1"})  # now `second` is the least recently used
        third = pool.get(fake_app, env={"N": "3"})
        assert (first.running, second.running, third.running) == (True, False, True)
        assert get_config(second.url).status_code == 200  # reading url starts it again
    finally:
        pool.close()
    assert not any(s.running for s in (first, second, third))


def test_dying_app_reports_its_log(tmp_path):
    app = tmp_path / "broken_app.py"
    app.write_text("import sys\nprint('about to fail')\nsys.exit('boom: this app cannot start')\n")
    server = GradioServer(app, log_dir=tmp_path)
    with pytest.raises(ServerError, match="(?s)exited with code 1.*boom: this app cannot start"):
        server.start()


def test_silent_app_times_out_and_is_killed(tmp_path):
    app = tmp_path / "silent_app.py"
    app.write_text("import time\nprint('never listening')\ntime.sleep(60)\n")
    server = GradioServer(app, log_dir=tmp_path, startup_timeout=1)
    with pytest.raises(ServerError, match="(?s)did not answer .* within 1 s.*never listening"):
        server.start()
    assert not server.running


PARENT = """\
import sys, time
sys.path.insert(0, sys.argv[1])
from servers import GradioServer
server = GradioServer(sys.argv[2], log_dir=sys.argv[3]).start()
print(server.process.pid, flush=True)
time.sleep(60)
"""


def test_server_dies_with_the_test_process(fake_app, tmp_path):
    """A killed test process (timeout, OOM) must not leave its servers running."""
    import subprocess
    import sys

    import psutil

    from servers import TESTS

    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(TESTS), str(fake_app), str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        child = psutil.Process(int(parent.stdout.readline()))
        assert child.is_running()
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
    child.wait(timeout=10)
    assert not psutil.pid_exists(child.pid) or child.status() == psutil.STATUS_ZOMBIE
