"""Widgets without a browser or a kernel: ipywidgets' DummyComm swaps in for the comm, so every
widget works and records the messages it would send; ``frontend_available`` is forced on so the
display functions build widget views (as in a kernel) unless a test turns it off."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipywidgets.widgets.tests.utils import setup_test_comm, teardown_test_comm

from gradio_nb.client._protocol.endpoints import build_app_spec

# shared/ beside the clone (CI), else this workplace's copy
CAPTURES = next((p for p in (Path(__file__).resolve().parents[3] / "shared" / "protocol" / "captures",
                             Path("/work/shared/protocol/captures")) if p.is_dir()),
                Path("/work/shared/protocol/captures"))
HERE = Path(__file__).resolve().parent
LOCAL_CAPTURES = HERE / "captures"


@pytest.fixture(autouse=True)
def dummy_comm():
    setup_test_comm()
    yield
    teardown_test_comm()


@pytest.fixture
def frontend(monkeypatch):
    """Pretend a kernel with a frontend is there (widget views instead of text)."""
    from gradio_nb.widgets import _kernel

    monkeypatch.setattr(_kernel, "frontend_available", lambda: True)
    import gradio_nb.widgets as widgets

    monkeypatch.setattr(widgets, "frontend_available", lambda: True)
    return True


def _capture(name: str) -> dict:
    for folder in (LOCAL_CAPTURES, CAPTURES):
        path = folder / name
        if path.exists():
            return json.loads(path.read_text())
    raise FileNotFoundError(name)


@pytest.fixture(scope="session")
def many_components_spec():
    return build_app_spec(_capture("many-components-config.json"), _capture("many-components-info.json"))


@pytest.fixture(scope="session")
def protocol_app_spec():
    return build_app_spec(_capture("config-protocol-app.json"), _capture("info-protocol-app.json"))


def _serve(tmp_path_factory, name: str):
    """tests/widgets/apps/<name>.py on a free port (a generous start-up time: busy CI boxes)."""
    from servers import GradioServer

    server = GradioServer(HERE / "apps" / f"{name}.py", temp_dir=tmp_path_factory.mktemp("gradio-tmp"),
                          log_dir=tmp_path_factory.mktemp(f"{name}-logs"), startup_timeout=300)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def widget_app(tmp_path_factory):
    """apps/widget_app.py: rich outputs, progress, logs, streaming."""
    yield from _serve(tmp_path_factory, "widget_app")


@pytest.fixture(scope="module")
def rewrite_app(tmp_path_factory):
    """apps/rewrite_app.py: a generator whose repeated picture Gradio rewrites in place (#11)."""
    yield from _serve(tmp_path_factory, "rewrite_app")


@pytest.fixture(scope="module")
def batch_view_app(tmp_path_factory):
    """apps/batch_view_app.py: pictures, sounds, instant numbers, failures, a slow call (#11)."""
    yield from _serve(tmp_path_factory, "batch_view_app")
