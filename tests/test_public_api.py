"""The public surface: ``__all__`` is honest and gradio_client code finds what it expects."""

from __future__ import annotations

import inspect

import gradio_nb
from gradio_nb import AsyncClient, Client, Job


def test_all_names_exist_and_are_documented() -> None:
    for name in gradio_nb.__all__:
        obj = getattr(gradio_nb, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, f"{name} has no docstring"


def test_every_exception_has_one_root() -> None:
    for name in gradio_nb.__all__:
        obj = getattr(gradio_nb, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            assert issubclass(obj, gradio_nb.GradioNBError), name


def test_gradio_client_names_are_present() -> None:
    import gradio_client

    for name in ("Client", "handle_file"):
        assert hasattr(gradio_nb, name)
    for method in ("predict", "submit", "view_api", "reset_session", "duplicate", "close"):
        assert callable(getattr(Client, method)), method
    for method in ("result", "done", "outputs", "status", "cancel", "__iter__", "__aiter__", "__await__"):
        assert callable(getattr(Job, method)), method
    reference = {p for p in inspect.signature(gradio_client.Client.__init__).parameters if not p.startswith("_")}
    ours = inspect.signature(Client.__init__).parameters
    assert reference <= set(ours), reference - set(ours)
    for method in ("predict", "submit", "view_api", "duplicate"):
        ref = inspect.signature(getattr(gradio_client.Client, method)).parameters
        got = inspect.signature(getattr(Client, method)).parameters
        assert set(ref) - {"kwargs", "args"} <= set(got), (method, set(ref) - set(got))


def test_async_client_mirrors_the_sync_methods() -> None:
    for method in ("predict", "submit", "reset_session", "close", "duplicate", "load_all_endpoints"):
        assert inspect.iscoroutinefunction(getattr(AsyncClient, method)), method


def test_reference_exceptions_are_caught_the_same_way() -> None:
    import gradio_client.exceptions as ref_exceptions
    import gradio_client.utils as ref_utils

    for name in ("AppError", "AuthenticationError", "TooManyRequestsError", "QueueError", "ValidationError"):
        reference = getattr(ref_exceptions, name, None) or getattr(ref_utils, name)
        ours = getattr(gradio_nb, name)
        for base in reference.__mro__[1:]:
            if base.__module__ == "builtins" and base is not object:
                assert issubclass(ours, base), f"{name} must be a {base.__name__} like gradio_client's"
    ours = gradio_nb.AppError("m", title="T")
    assert (ours.message, ours.title, ours.duration, ours.visible) == ("m", "T", 10, True)
