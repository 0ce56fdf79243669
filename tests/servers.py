"""Real Gradio servers for the tests: each app runs as a subprocess on a free loopback port.

    server = GradioServer(APPS / "calculator.py", python=python_for("5"))
    server.start()            # waits until GET <url>config answers 200 (or 401 for auth apps)
    Client(server.url)        # "http://127.0.0.1:<port>/" (plus the mount path, if any)
    server.kill()             # SIGKILL, e.g. in the middle of a job
    server.restart()          # same port, same URL
    server.stop()

The server's stdout and stderr go to a log file; when the process dies or is not ready within
`startup_timeout` seconds, `ServerError` carries the log's tail. `ServerPool` shares servers
between tests (one per app, version, environment and arguments) and can start several at once.
Nothing here imports pytest: `conftest.py` turns `VenvMissing` into a skip or a failure.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Mapping, Sequence

import httpx

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
APPS = TESTS / "apps"
LEGACY_VENVS = Path(os.environ.get("GRADIO_NB_LEGACY_VENVS", ROOT / ".venvs"))
VENV_NAMES = {
    "5": "gradio5", "4": "gradio4",
    # Old lines, one per wire protocol (tests/protocols/): 4.21 sse_v2.1, 4.19 sse_v2,
    # 4.10 sse_v1, 4.5 sse (v0), 3.50 ws (the 3.x websocket queue), 3.20 ws before /info.
    "4.21": "gradio4_21", "4.19": "gradio4_19", "4.10": "gradio4_10", "4.5": "gradio4_5",
    "3.50": "gradio3_50", "3.20": "gradio3_20",
}
VERSIONS = ("6", "5", "4")
OLD_VERSIONS = ("4.21", "4.19", "4.10", "4.5", "3.50", "3.20")

# Apps that do not serve at the root of their port.
APP_PATHS = {"protocol/mounted_app": "myapp/"}

POLL_SECONDS = 0.05
READY_STATUSES = (200, 401)
# Seconds a server may take to answer /config; busy machines may raise it.
STARTUP_TIMEOUT = float(os.environ.get("GRADIO_TEST_STARTUP_TIMEOUT", "60"))

# Runs the app as __main__ after asking Linux to SIGKILL it when the test process dies, so that
# a killed pytest (timeout, Ctrl-C twice, OOM) leaves no orphan servers behind.
BOOTSTRAP = """\
import os, runpy, sys
try:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
except Exception:
    pass
# Gradio 3.x checks its port with a plain bind() before uvicorn starts: on a restart (same
# port) the TIME_WAIT connections that uvicorn closed would fail it ("Address already in use").
import socket
_bind = socket.socket.bind
def _reuse_bind(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        self.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return _bind(self, address)
socket.socket.bind = _reuse_bind
if os.getppid() != int(os.environ.pop("GRADIO_TEST_PARENT_PID")):
    sys.exit("the test process is gone")
app = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(app))
runpy.run_path(app, run_name="__main__")
"""


class ServerError(RuntimeError):
    """Raised when a server dies or does not answer in time; the message ends with its log."""


class VenvMissing(LookupError):
    """Raised when the venv for an older Gradio server version has not been built."""


def python_for(version: str) -> Path:
    """The Python that runs Gradio servers of `version`: a major version ("6", "5" or "4") or
    one of the old lines in OLD_VERSIONS ("4.10", "3.50", ...)."""
    if version == "6":
        return Path(sys.executable)
    if version not in VENV_NAMES:
        raise ValueError(f"unknown Gradio server version {version!r}; expected one of {VERSIONS + OLD_VERSIONS}")
    python = LEGACY_VENVS / VENV_NAMES[version] / "bin" / "python"
    if not python.exists():
        raise VenvMissing(
            f"no Gradio {version}{'.x' if '.' not in version else ''} server venv at {python.parent.parent} "
            f"(run `bash scripts/setup.sh` to build it)"
        )
    return python


def app_path(app: str | os.PathLike) -> Path:
    """`"calculator"` -> tests/apps/calculator.py, `"protocol/auth_app"` -> tests/apps/protocol/auth_app.py."""
    path = Path(app)
    if path.suffix != ".py":
        path = APPS / f"{app}.py"
    if not path.exists():
        raise FileNotFoundError(path)
    return path


_ports_given: set[int] = set()
_ports_lock = threading.Lock()


def free_port() -> int:
    """A loopback port that is free now and was not handed out before in this process."""
    with _ports_lock:
        while True:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in _ports_given:
                _ports_given.add(port)
                return port


def server_env(extra: Mapping[str, str] | None = None, temp_dir: str | os.PathLike | None = None) -> dict:
    env = dict(os.environ)
    loopback = "127.0.0.1,localhost,::1"
    for key in ("NO_PROXY", "no_proxy"):
        env[key] = ",".join(filter(None, [env.get(key), loopback]))
    env.update(
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_DISABLE_TELEMETRY="1",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if temp_dir is not None:
        env["GRADIO_TEMP_DIR"] = str(temp_dir)
    env.update(extra or {})
    return env


class GradioServer:
    """One Gradio app in a subprocess.

    app: path of a script that takes its port as argv[1] and binds 127.0.0.1.
    python: the interpreter (i.e. the venv, i.e. the Gradio version); default: this one.
    env: extra environment variables; args: extra command-line arguments after the port.
    path: where the app is mounted on its port ("myapp/" for protocol/mounted_app).
    """

    def __init__(
        self,
        app: str | os.PathLike,
        *,
        python: str | os.PathLike | None = None,
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        path: str = "",
        temp_dir: str | os.PathLike | None = None,
        log_dir: str | os.PathLike | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
    ):
        self.app = app_path(app)
        self.python = str(python or sys.executable)
        self.extra_env = dict(env or {})
        self.args = [str(a) for a in args]
        self.path = path.strip("/") + "/" if path.strip("/") else ""
        self.temp_dir = temp_dir
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="gradio-server-logs-"))
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self._starts = 0
        self._suspended = False

    # -- addresses ---------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        if self.port is None:
            raise ServerError(f"{self.app.name} was never started")
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url(self) -> str:
        """The app's URL, always ending in "/". A server the pool suspended starts again here."""
        if self._suspended:
            self._suspended = False
            self.start()
        return self.root_url + self.path

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<GradioServer {self.app.name} python={self.python} port={self.port} {state}>"

    # -- life cycle --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def spawn(self) -> "GradioServer":
        """Start the process without waiting for it (see `wait_ready`)."""
        if self.running:
            return self
        if self.port is None:
            self.port = free_port()
        self._starts += 1
        self.log_path = self.log_dir / f"{self.app.stem}-{self.port}-{self._starts}.log"
        log = open(self.log_path, "wb")
        try:
            env = server_env(self.extra_env, self.temp_dir)
            env["GRADIO_TEST_PARENT_PID"] = str(os.getpid())
            self.process = subprocess.Popen(
                [self.python, "-c", BOOTSTRAP, str(self.app), str(self.port), *self.args],
                cwd=self.app.parent,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop/kill reach any children
            )
        finally:
            log.close()
        self._spawned_at = time.monotonic()
        return self

    def wait_ready(self) -> "GradioServer":
        """Poll GET <url>config every 50 ms until it answers 200 or 401."""
        if self.process is None:
            raise ServerError(f"{self.app.name} was never started")
        deadline = self._spawned_at + self.startup_timeout
        with httpx.Client(trust_env=False, timeout=2.0) as http:
            while True:
                code = self.process.poll()
                if code is not None:
                    raise ServerError(f"{self.app.name} exited with code {code} while starting" + self._tail())
                try:
                    if http.get(self.url + "config").status_code in READY_STATUSES:
                        return self
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    self.kill()
                    raise ServerError(
                        f"{self.app.name} did not answer {self.url}config within "
                        f"{self.startup_timeout:.0f} s" + self._tail()
                    )
                time.sleep(POLL_SECONDS)

    def start(self) -> "GradioServer":
        return self.spawn().wait_ready()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (then SIGKILL after `timeout` seconds) and wait for the process."""
        self._suspended = False
        self._signal(signal.SIGTERM)
        try:
            self.process and self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the server's process group at once (for tests that kill a server mid-job)."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def suspend(self) -> None:
        """Stop now; start again (same port) the next time `url` is read."""
        if self.running:
            self.stop(timeout=3)
            self._suspended = True

    def restart(self) -> "GradioServer":
        """Stop if running, then start again on the same port (same URL)."""
        self.stop()
        return self.start()

    def _signal(self, sig: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def __enter__(self) -> "GradioServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- logs --------------------------------------------------------------------------------

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def _tail(self, lines: int = 40) -> str:
        tail = "\n".join(self.log().splitlines()[-lines:])
        return f"\n--- last {lines} lines of {self.log_path} ---\n{tail}"


class ServerPool:
    """Shares servers: one per (app, version, env, args), started on first use.

    An idle gradio 6 server costs about 5 % of a core (its queue polls), so the pool keeps at
    most `max_running` (env GRADIO_TEST_MAX_SERVERS, default 10) servers running: starting one
    more suspends the least recently used one, which starts again, on its old port, when its
    `url` is next read (or by the next `get`). `close` stops them all.
    """

    def __init__(self, temp_dir: str | os.PathLike, log_dir: str | os.PathLike, max_running: int | None = None):
        self.temp_dir = Path(temp_dir)
        self.log_dir = Path(log_dir)
        self.max_running = max_running or int(os.environ.get("GRADIO_TEST_MAX_SERVERS", "10"))
        self._servers: dict[tuple, GradioServer] = {}  # in order of last use, oldest first

    @staticmethod
    def key(app, version: str = "6", env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> tuple:
        return (str(app), str(version), tuple(sorted((env or {}).items())), tuple(args))

    def spawn(self, app, version: str = "6", env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> GradioServer:
        """Start (without waiting) unless already running. Raises VenvMissing for an unbuilt venv."""
        key = self.key(app, version, env, args)
        server = self._servers.pop(key, None)
        if server is None:
            server = GradioServer(
                app,
                python=python_for(str(version)),
                env=env,
                args=args,
                path=APP_PATHS.get(str(app), ""),
                temp_dir=self.temp_dir / f"gradio{version}",
                log_dir=self.log_dir,
            )
        self._servers[key] = server  # now the most recently used
        if not server.running:
            self._make_room()
            server._suspended = False
            server.spawn()
        return server

    def get(self, app, version: str = "6", env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> GradioServer:
        """A ready server (started again if a test stopped or killed it, or the pool did)."""
        return self.spawn(app, version, env, args).wait_ready()

    def prestart(self, specs) -> None:
        """Spawn several servers at once so that their start-ups overlap; `specs` holds
        (app, version) or (app, version, env) tuples. Unbuilt venvs are ignored here (`get`
        reports them)."""
        for spec in specs:
            try:
                self.spawn(*spec)
            except VenvMissing:
                pass

    def _make_room(self) -> None:
        running = [server for server in self._servers.values() if server.running]
        for server in running[: max(0, len(running) - self.max_running + 1)]:
            server.suspend()

    def close(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
