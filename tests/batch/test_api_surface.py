"""The batch API's names and signatures (what the docs, the notebooks and client.api rely on)."""
from __future__ import annotations

import inspect
from datetime import timedelta

import gradio_nb
from gradio_nb import AsyncClient, Batch, BatchSnapshot, Client, Item


def test_names_are_exported_and_map_does_not_shadow_the_builtin():
    assert callable(gradio_nb.map) and gradio_nb.map.__doc__
    assert "map" not in gradio_nb.__all__  # a star import keeps the builtin map
    for name in ("Batch", "Item", "BatchSnapshot", "CacheError", "JobLostError"):
        assert name in gradio_nb.__all__


def test_map_and_sweep_signatures():
    for cls in (Client, AsyncClient):
        params = inspect.signature(cls.map).parameters
        assert list(params)[:3] == ["self", "inputs", "api_name"]
        params = inspect.signature(cls.sweep).parameters
        assert list(params)[:2] == ["self", "api_name"]
        assert any(p.kind is p.VAR_KEYWORD for p in params.values())  # the grid
    assert inspect.iscoroutinefunction(AsyncClient.map) and inspect.iscoroutinefunction(AsyncClient.sweep)
    options = inspect.signature(Client.map).parameters
    for name, default in [("concurrency", None), ("retries", 3), ("errors", "collect"), ("cache", None),
                          ("progress", True), ("quota_wait", timedelta(minutes=30))]:
        assert options[name].default == default, name
    for fn in (Client.sweep, gradio_nb.map):
        assert inspect.signature(fn).parameters["quota_wait"].default == timedelta(minutes=30)
    assert list(inspect.signature(gradio_nb.map).parameters)[:3] == ["clients", "inputs", "api_name"]


def test_batch_surface():
    for method in ("results", "done", "cancel", "retry_failed", "to_pandas", "snapshot", "add_listener",
                   "__iter__", "__aiter__", "__await__", "__len__"):
        assert callable(getattr(Batch, method)), method
    assert {"index", "inputs", "value", "error", "elapsed", "attempts", "cached"} <= set(Item.__dataclass_fields__)
    assert {"done", "running", "queued", "failed", "cached", "throughput", "eta", "quota_until",
            "quota_error", "quota_paused"} <= set(BatchSnapshot.__dataclass_fields__)
    assert "options" in str(inspect.signature(Batch.retry_failed))
