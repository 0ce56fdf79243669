"""Fixtures for running the tutorial notebooks headless (nbclient) against the demo app.

demo_app        (session) the bundled demo app (gradio_nb/demo/app.py) on a free loopback port,
                          recording its calls (``demo_app.calls("slow")``)
jupyter_env     (session) isolated Jupyter/IPython dirs, GRADIO_NB_DEMO_URL for the kernels
executed        (session) factory: executed("quickstart") -> the executed notebook, run once per
                          session in its own working folder, saved as <name>.ipynb and
                          converted to <name>.html (nbconvert) next to it
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gradio_nb.demo import URL_ENV
from gradio_nb.demo._process import start_app

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CELL_TIMEOUT = 120  # seconds per cell (the slowest takes ~5 s; a loaded 2-core machine is slow)


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo-app")
    record = base / "calls.jsonl"
    app = start_app(base, record=record, env={"GRADIO_TEMP_DIR": str(base / "gradio")})
    yield app
    app.stop()


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory, demo_app):
    """Kernels inherit this process's environment: isolate Jupyter's dirs, pass the app URL."""
    base = tmp_path_factory.mktemp("jupyter")
    env = {URL_ENV: demo_app.url, "JUPYTER_PLATFORM_DIRS": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("HF_HOME", "hf")]:
        (base / sub).mkdir()
        env[var] = str(base / sub)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("HF_TOKEN", raising=False)
        mp.delenv("HF_ENDPOINT", raising=False)
        yield env


@dataclass
class Executed:
    name: str
    path: Path  # the executed .ipynb
    nb: nbformat.NotebookNode
    seconds: float

    @property
    def html(self) -> str:
        return self.path.with_suffix(".html").read_text(encoding="utf-8")

    @property
    def widget_state(self) -> dict:
        return self.nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})

    def cell(self, suffix: int) -> nbformat.NotebookNode:
        """The cell with id ``<name>-<suffix:02d>`` (ids are stable; indexes may move)."""
        wanted = f"{self.name}-{suffix:02d}"
        for cell in self.nb.cells:
            if cell.get("id") == wanted:
                return cell
        raise KeyError(wanted)

    def text(self, suffix: int) -> str:
        """All text of a code cell's outputs (stream, text/plain, errors)."""
        parts = []
        for out in self.cell(suffix).outputs:
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type == "error":
                parts.append("\n".join(out.traceback))
            else:
                parts.append(out.get("data", {}).get("text/plain", ""))
        return "\n".join(parts)

    def mimetypes(self, suffix: int) -> set[str]:
        return {m for out in self.cell(suffix).outputs for m in out.get("data", {})}


@pytest.fixture(scope="session")
def executed(jupyter_env, tmp_path_factory):
    cache: dict[str, Executed | BaseException] = {}

    def run(name: str) -> Executed:
        if name not in cache:
            try:
                cache[name] = _execute(name)
            except Exception as exc:  # every test of this notebook reports it; it runs once
                cache[name] = exc
        if isinstance(cache[name], BaseException):
            raise cache[name]
        return cache[name]

    def _execute(name: str) -> Executed:
        workdir = tmp_path_factory.mktemp(f"nb-{name}")
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(workdir)}},
                                store_widget_state=True)
        t0 = time.monotonic()
        client.execute()
        seconds = time.monotonic() - t0
        path = workdir / f"{name}.ipynb"
        nbformat.write(nb, path)
        subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", str(path)],
                       check=True, capture_output=True, cwd=workdir)
        print(f"\n{name}.ipynb ran in {seconds:.1f} s")
        return Executed(name, path, nb, seconds)

    return run
