"""Browser end-to-end fixtures: the demo app, one JupyterLab server and Debian's Chromium
(driven by Playwright's Python API; never `playwright install`). Adapted from the shared recipe
/work/shared/recipes/e2e_example/conftest.py (see recipes/browser-e2e.md for the selectors and
timings this relies on).

Fixtures
--------
demo_app       (session)  the demo app (gradio_nb/demo/app.py) on a free loopback port; its call
                          record tells whether a cancelled call ever finished on the server
jupyterlab     (session)  JupyterLab on a free 127.0.0.1 port, no auth, isolated Jupyter dirs,
                          GRADIO_NB_DEMO_URL set for its kernels
browser        (session)  Chromium (E2E_CHROMIUM, `chromium` on PATH or /usr/bin/chromium)
artifacts_dir  (session)  screenshots: $E2E_ARTIFACTS or <repo>/artifacts/e2e (gitignored)
page           (function) a fresh context + page; records console errors and every request
                          that is not loopback; a screenshot and the server log on failure
open_notebook  (function) writes a notebook with the given code cells, opens it, waits for the
                          kernel to be idle; returns a `Notebook` helper. Kernel shut down after.

Environment knobs: E2E_CHROMIUM, E2E_PORTS ("LOW-HIGH", default 8890-8899), E2E_ARTIFACTS.
Without Chromium the tests are skipped locally and fail under CI=true.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
Page, expect, sync_playwright = playwright_sync.Page, playwright_sync.expect, playwright_sync.sync_playwright

from gradio_nb.demo import URL_ENV  # noqa: E402
from gradio_nb.demo._process import port_is_free, start_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Playwright already adds --headless and --no-sandbox; the background-networking flags stop
# Chromium from calling Google services (refused connections on a machine without internet).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PORTS = os.environ.get("E2E_PORTS", "8890-8899")
# Generous: ~3-5 s to start JupyterLab and ~7 s to load a page normally, but 40 s and more were
# measured on the shared 2-core machine at load average 30.
SERVER_START_TIMEOUT = 180         # seconds
PAGE_LOAD_TIMEOUT_MS = 180_000
KERNEL_IDLE_TIMEOUT_MS = 180_000
CELL_TIMEOUT_MS = 120_000

# A prompt reads "[ ]:" before, "[*]:" while queued/running and "[N]:" once the cell is done.
DONE_PROMPT = re.compile(r"^\[\d+\]:$")
KERNEL_IDLE = re.compile(r"\|\s*Idle")   # status bar: "Python 3 (ipykernel) | Idle"
LOCAL_URL = re.compile(r"(https?|wss?)://(127\.0\.0\.1|localhost)[:/]|file:|data:|blob:|about:")

expect.set_options(timeout=30_000)  # slack for a loaded 2-core CI box

_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy


# --------------------------------------------------------------------------- demo app
@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo-app")
    # One band per second for /paint: slow enough to watch a live card on a loaded machine.
    env = {"GRADIO_TEMP_DIR": str(base / "gradio"), "GRADIO_NB_DEMO_STEP": "1.0"}
    app = start_app(base, record=base / "calls.jsonl", env=env)
    yield app
    app.stop()


# --------------------------------------------------------------------------- JupyterLab
def _candidate_ports():
    lo, _, hi = PORTS.partition("-")
    for port in range(int(lo), int(hi or lo) + 1):
        if port_is_free(port):
            yield port


def _write_lab_settings(config_dir: Path) -> None:
    """No news toast (it covers widgets), no update check, every cell kept in the DOM."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for rel, value in settings.items():
        path = config_dir / "lab" / "user-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


class JupyterLabServer:
    def __init__(self, base: Path, extra_env: dict[str, str]):
        self.base = base
        self.root = base / "root"
        self.log_path = base / "jupyterlab.log"
        self.extra_env = extra_env
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.startup_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def env(self) -> dict:
        b = self.base
        return dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(b / "config"),
            JUPYTER_DATA_DIR=str(b / "data"),
            JUPYTER_RUNTIME_DIR=str(b / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(b / "config" / "lab" / "user-settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(b / "config" / "lab" / "workspaces"),
            IPYTHONDIR=str(b / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
            PYTHONUNBUFFERED="1",
            HF_HUB_DISABLE_TELEMETRY="1",
            **self.extra_env,
        )

    def start(self) -> None:
        for d in ("root", "config", "data", "runtime", "ipython"):
            (self.base / d).mkdir(parents=True, exist_ok=True)
        _write_lab_settings(self.base / "config")
        errors = []
        for attempt, port in enumerate(_candidate_ports()):
            if attempt >= 5:
                break
            t0 = time.monotonic()
            self._spawn(port)
            if self._wait_ready():
                self.startup_s = time.monotonic() - t0
                return
            errors.append(f"port {port}: exited with {self.proc.returncode}")
            self.stop()  # port taken between probe and bind: try the next one
        raise RuntimeError(f"JupyterLab did not start: {errors}\n{self.log_tail()}")

    def _spawn(self, port: int) -> None:
        self.port = port
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            "--ServerApp.allow_root=True", "--IdentityProvider.token=",
            "--ServerApp.disable_check_xsrf=True",  # lets the fixture DELETE sessions over REST
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # the 'pypi' manager would query PyPI
        ]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with _http.open(self.url + "api/status", timeout=2) as r:
                    if r.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"JupyterLab not ready after {SERVER_START_TIMEOUT}s\n{self.log_tail()}")

    def api(self, method: str, path: str):
        req = urllib.request.Request(self.url + path.lstrip("/"), method=method)
        with _http.open(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernel_of(self, notebook_path: str) -> None:
        for s in self.api("GET", "api/sessions"):
            if s.get("path") == notebook_path:
                self.api("DELETE", f"api/sessions/{s['id']}")

    def stop(self) -> None:
        p = self.proc
        if p is None:
            return
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)  # jupyter_server shuts its kernels down on SIGTERM
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in *our* process group (the server and its kernels)
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        p.wait()

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory, demo_app):
    server = JupyterLabServer(tmp_path_factory.mktemp("jupyterlab"), {URL_ENV: demo_app.url})
    server.start()
    print(f"\nJupyterLab ready at {server.url} in {server.startup_s:.1f}s (log: {server.log_path})")
    yield server
    server.stop()


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="module")  # not session: Playwright's sync API keeps an asyncio loop
def browser():                     # running in the main thread until it stops, breaking asyncio.run
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    d = Path(os.environ.get("E2E_ARTIFACTS") or ROOT / "artifacts" / "e2e")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def page(browser, request, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(60_000)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    pg.external_requests = []
    pg.on("request", lambda r: None if LOCAL_URL.match(r.url) else pg.external_requests.append(r.url))
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        shot = artifacts_dir / f"FAILED-{request.node.name}.png"
        try:
            pg.screenshot(path=str(shot), full_page=True)
            print(f"\nfailure screenshot: {shot}")
        except Exception as e:  # the page may be gone
            print(f"\nno screenshot: {e}")
        print("browser console errors:", pg.console_errors)
        print("non-local requests:", pg.external_requests)
        if "jupyterlab" in request.fixturenames:
            print("JupyterLab log tail:\n" + request.getfixturevalue("jupyterlab").log_tail())
    context.close()


# --------------------------------------------------------------------------- notebook helper
class Notebook:
    """Thin helper around one open notebook in JupyterLab 4.x."""

    def __init__(self, page: Page, name: str):
        self.page = page
        self.name = name
        # Scope everything to *this* notebook's panel: the dock tab's data-id is the panel's id.
        tab = page.locator("li.lm-TabBar-tab", has_text=name).first
        expect(tab).to_be_visible(timeout=KERNEL_IDLE_TIMEOUT_MS)
        self.panel = page.locator(f"#{tab.get_attribute('data-id')}")

    def cell(self, i: int):
        return self.panel.locator(".jp-Notebook .jp-Cell").nth(i)

    def prompt(self, i: int):
        return self.cell(i).locator(".jp-InputArea-prompt")

    def output(self, i: int):
        """Cell i's whole output area (all its outputs: stdout, widgets...)."""
        return self.cell(i).locator(".jp-Cell-outputArea")

    def wait_kernel_idle(self, timeout: int = KERNEL_IDLE_TIMEOUT_MS) -> None:
        # The status bar says "| Idle" only once the kernel is connected and idle (the toolbar's
        # execution indicator reads idle while it still says "No Kernel").
        expect(self.page.locator("#jp-main-statusbar")).to_contain_text(KERNEL_IDLE, timeout=timeout)

    def start_cell(self, i: int) -> str:
        """Select cell i (click its prompt: command mode) and press Ctrl+Enter; returns the old
        prompt text. Clicking the prompt first matters: after using a widget, keys go to it."""
        before = self.prompt(i).inner_text().strip()
        self.prompt(i).click()
        self.page.keyboard.press("Control+Enter")
        return before

    def run_cell(self, i: int, timeout: int = CELL_TIMEOUT_MS) -> None:
        """Run cell i and wait until it is done ("[N]:") and the kernel is idle."""
        before = self.start_cell(i)
        if DONE_PROMPT.match(before):  # re-run: wait for the number to change
            expect(self.prompt(i)).not_to_have_text(before, timeout=timeout)
        expect(self.prompt(i)).to_have_text(DONE_PROMPT, timeout=timeout)
        self.wait_kernel_idle(timeout)

    def interrupt(self) -> None:
        """The toolbar's ■ (Interrupt the kernel)."""
        self.panel.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').click()

    def errors(self):
        return self.panel.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').filter(has_text="Traceback")

    def assert_no_error_output(self) -> None:
        expect(self.errors()).to_have_count(0)


@pytest.fixture
def open_notebook(page, jupyterlab):
    opened: list[str] = []

    def _open(cells: list[str], name: str | None = None) -> Notebook:
        name = name or f"e2e-{uuid.uuid4().hex[:8]}.ipynb"  # fresh file => fresh kernel, "[ ]:" prompts
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(src) for src in cells],
            # without a kernelspec JupyterLab opens a "Select Kernel" dialog
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}},
        )
        nbformat.write(nb, jupyterlab.root / name)
        opened.append(name)
        # ?reset: an empty workspace, not the tabs the previous test left open
        page.goto(f"{jupyterlab.url}lab/tree/{name}?reset", timeout=PAGE_LOAD_TIMEOUT_MS)
        notebook = Notebook(page, name)
        notebook.wait_kernel_idle()
        return notebook

    yield _open
    for name in opened:
        try:
            jupyterlab.shutdown_kernel_of(name)
        except Exception as e:  # never mask the test result
            print(f"kernel cleanup for {name} failed: {e}")
