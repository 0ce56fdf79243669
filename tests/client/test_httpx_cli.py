"""httpx's CLI (click, rich, pygments) stays out of the process until someone runs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

CLI_DEPS = ("click", "rich", "pygments")


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module", autouse=True)
def _cli_deps_installed() -> None:
    missing = _run(f"import importlib.util; print([m for m in {CLI_DEPS!r} if not importlib.util.find_spec(m)])")
    if missing.strip() != "[]":
        pytest.skip(f"httpx's CLI dependencies are not installed here: {missing.strip()}")


def test_httpx_imported_after_gradio_nb_loads_no_cli_modules() -> None:
    out = _run(
        "import sys, gradio_nb, httpx\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('click', 'rich', 'pygments')])\n"
    )
    assert out.strip() == "[]"


def test_the_cli_still_runs_and_loads_for_real() -> None:
    out = _run(
        "import sys, gradio_nb, httpx\n"
        "sys.argv = ['httpx', '--help']\n"
        "try:\n"
        "    httpx.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "import httpx._main as cli\n"
        "print('rich' in sys.modules, hasattr(cli, 'print_help'), cli.__file__.endswith('_main.py'))\n"
    )
    assert "Usage: httpx <URL> [OPTIONS]" in out
    assert out.strip().splitlines()[-1] == "True True True"


def test_an_httpx_imported_first_is_left_alone() -> None:
    out = _run(
        "import sys, httpx\n"
        "real = sys.modules['httpx._main']\n"
        "import gradio_nb\n"
        "print(sys.modules['httpx._main'] is real, httpx.main is real.main)\n"
    )
    assert out.strip() == "True True"
