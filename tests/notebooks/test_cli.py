"""The `gradio-nb` command: `demo` (the README's first command) and `kernelspec`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gradio_nb import __main__ as cli
from gradio_nb.demo import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "jupyter-config" / "kernels" / "gradio_nb" / "kernel.json"
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradio_nb", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


# --------------------------------------------------------------------------- kernelspec
def test_kernelspec_show_matches_the_shipped_template():
    shown = json.loads(run_cli("kernelspec", "show").stdout)
    template = json.loads(TEMPLATE.read_text())
    assert shown["argv"][0] == sys.executable and template["argv"][0] == "python"
    assert shown["argv"][1:] == template["argv"][1:]
    assert shown["argv"][-2:] == ["--ext", "gradio_nb"]
    for key in ("display_name", "language", "kernel_protocol_version"):
        assert shown[key] == template[key], key
    assert "gradio_nb" in shown["metadata"] and "gradio_nb" in template["metadata"]


def test_kernelspec_install_update_uninstall(tmp_path):
    prefix = tmp_path / "prefix"
    kernels = prefix / "share" / "jupyter" / "kernels"
    done = run_cli("kernelspec", "install", "--prefix", str(prefix))
    assert done.returncode == 0, done.stderr
    assert "Installed kernelspec 'gradio_nb'" in done.stdout
    spec = json.loads((kernels / "gradio_nb" / "kernel.json").read_text())
    assert spec["argv"][-2:] == ["--ext", "gradio_nb"] and spec["argv"][0] == sys.executable
    assert (kernels / "gradio_nb" / "logo-64x64.png").exists()

    again = run_cli("kernelspec", "install", "--prefix", str(prefix), "--display-name", "GNB")
    assert again.returncode == 0 and "Updated" in again.stdout
    assert json.loads((kernels / "gradio_nb" / "kernel.json").read_text())["display_name"] == "GNB"

    removed = run_cli("kernelspec", "uninstall", "--prefix", str(prefix))
    assert removed.returncode == 0, removed.stderr
    assert not (kernels / "gradio_nb").exists()


def test_kernelspec_never_replaces_or_removes_a_foreign_spec(tmp_path):
    foreign = tmp_path / "share" / "jupyter" / "kernels" / "mine"
    foreign.mkdir(parents=True)
    original = '{"argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], ' \
               '"display_name": "Mine", "language": "python"}'
    (foreign / "kernel.json").write_text(original)
    for action in ("install", "uninstall"):
        refused = run_cli("kernelspec", action, "--prefix", str(tmp_path), "--name", "mine")
        assert refused.returncode == 2, refused
        assert "not installed by gradio-nb" in refused.stderr
        assert (foreign / "kernel.json").read_text() == original


def test_kernelspec_does_not_shadow_the_default_python_kernel(tmp_path):
    refused = run_cli("kernelspec", "install", "--prefix", str(tmp_path), "--name", "python3")
    assert refused.returncode == 2 and "default Python kernel" in refused.stderr
    assert not (tmp_path / "share").exists()


def test_the_kernel_loads_gradio_nb_at_start(tmp_path):
    """A kernel started from the installed spec knows %gradio without %load_ext."""
    prefix = tmp_path / "prefix"
    assert run_cli("kernelspec", "install", "--prefix", str(prefix), "--name", "gnb-test").returncode == 0
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%gradio --help")])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
        mp.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
        NotebookClient(nb, timeout=120, kernel_name="gnb-test").execute()
    text = "".join(out.get("text", "") for out in nb.cells[0].outputs)
    assert "connect" in text and "predict" in text, nb.cells[0].outputs


# --------------------------------------------------------------------------- demo
def test_demo_without_gradio_says_how_to_install_it(monkeypatch, capsys):
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(cli.importlib.util, "find_spec",
                        lambda name, *a: None if name == "gradio" else real(name, *a))
    assert cli.main(["demo", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "needs gradio" in err and "pip install gradio" in err


def test_demo_refuses_a_busy_port(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["demo", "--app-only", "--port", str(port)]) == 2
    assert f"port {port}" in capsys.readouterr().err


def test_copy_notebooks_keeps_edits_unless_reset(tmp_path):
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert "quickstart.ipynb" in names
    assert cli.copy_notebooks(tmp_path) == []
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == names
    edited = tmp_path / "quickstart.ipynb"
    edited.write_text(edited.read_text().replace("quickstart", "my quickstart", 1))
    assert cli.copy_notebooks(tmp_path) == ["quickstart.ipynb"]
    assert "my quickstart" in edited.read_text()
    cli.copy_notebooks(tmp_path, reset=True)
    assert edited.read_bytes() == (NOTEBOOKS / "quickstart.ipynb").read_bytes()


@pytest.mark.timeout(420)
@pytest.mark.skipif(sys.platform != "linux", reason="reads the JupyterLab process's environment from /proc")
def test_demo_runs_the_app_and_jupyterlab_and_ctrl_c_stops_both(tmp_path):
    """`gradio-nb demo --no-browser`: app ready, JupyterLab on the quickstart, URL printed,
    the app's URL passed on; SIGINT (Ctrl-C) stops everything."""
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
           "IPYTHONDIR": str(tmp_path / "ipython"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "gradio_nb", "demo", "--no-browser",
                             "--dir", str(tmp_path / "nbs")], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        out = "".join(lines)
        app_url = re.search(r"Demo app:\s+(\S+)", out).group(1)
        lab_url = re.search(r"JupyterLab:\s+(\S+)", out).group(1)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/lab/tree/quickstart\.ipynb\?token=\S+", lab_url)
        with _http.open(app_url + "config", timeout=10) as r:
            assert r.status == 200
        base, token = lab_url.split("lab/tree/")[0], lab_url.split("token=")[1]
        auth = {"Authorization": f"token {token}"}
        with _http.open(urllib.request.Request(base + "api/contents/quickstart.ipynb", headers=auth),
                        timeout=30) as r:
            assert json.loads(r.read())["name"] == "quickstart.ipynb"
        # Kernels inherit the JupyterLab server's environment: it must hold the app's URL.
        lab_pid = _child_with(proc.pid, "jupyterlab")
        environ = Path(f"/proc/{lab_pid}/environ").read_bytes().split(b"\0")
        assert f"GRADIO_NB_DEMO_URL={app_url}".encode() in environ
        assert sorted(p.name for p in (tmp_path / "nbs").glob("*.ipynb")) == \
            sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, rest
    assert "Stopped the demo app and JupyterLab." in rest
    for url in (app_url, base + "api/status"):
        with pytest.raises(OSError):
            _http.open(url, timeout=5)


def _child_with(pid: int, needle: str) -> int:
    """The pid of a (grand)child of ``pid`` whose command line contains ``needle``."""
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            cmdline = (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((proc_dir / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid and needle in cmdline:
            return int(proc_dir.name)
    raise LookupError(f"no child of {pid} running {needle}")
