"""The layers stay visible: the core never reaches the notebook layer, the protocol does no I/O."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gradio_nb"
NOTEBOOK_MODULES = ("IPython", "ipywidgets", "ipykernel", "gradio_nb.widgets", "gradio_nb.magics")
IO_MODULES = ("httpx", "httpcore", "asyncio", "socket", "threading", "subprocess", "huggingface_hub")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (lazy imports in functions included)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # resolve "from ..widgets import x" against the file's package
                package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-node.level]
                found.append((node.lineno, ".".join([*package, node.module or ""]).rstrip(".")))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _offending(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted(folder.rglob("*.py")):
        for line, module in _imports(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return bad


def test_client_core_never_imports_the_notebook_layer() -> None:
    assert _offending(PACKAGE / "client", NOTEBOOK_MODULES) == []


def test_protocol_layer_does_no_io() -> None:
    assert _offending(PACKAGE / "client" / "_protocol", IO_MODULES) == []
    for path in (PACKAGE / "client" / "_protocol").rglob("*.py"):
        assert "open(" not in path.read_text(), f"{path.name} opens files"


def test_import_gradio_nb_loads_no_notebook_modules() -> None:
    code = (
        "import sys, gradio_nb\n"
        "from gradio_nb import Client, AsyncClient, handle_file\n"
        "bad = [m for m in ('IPython', 'ipywidgets', 'ipykernel', 'gradio_nb.widgets') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("layer", ["widgets", "magics"])
def test_notebook_layers_do_no_protocol_work(layer: str) -> None:
    folder = PACKAGE / layer
    if not folder.is_dir():
        pytest.skip(f"gradio_nb/{layer} not present")
    assert _offending(folder, ("httpx", "httpx_sse", "gradio_nb.client._protocol.sse",
                               "gradio_nb.client._session", "gradio_nb.client._transport")) == []
