"""gradio_client's import paths work from gradio_nb: ``gradio_nb.utils.Status`` (the guide's
"utils.Status class"), ``gradio_nb.exceptions.AppError``, ``gradio_nb.FileData`` and
``gradio_nb.file``, all thin aliases of what gradio_nb has, and light to import."""
from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

import gradio_nb


def test_utils_names_are_ours() -> None:
    from gradio_nb.utils import (
        InvalidAPIEndpointError,
        OutputUpdate,
        ProgressUnit,
        QueueError,
        SpaceDuplicationError,
        Status,
        StatusUpdate,
        TooManyRequestsError,
        handle_file,
    )

    assert Status is gradio_nb.Status and StatusUpdate is gradio_nb.StatusUpdate
    assert (OutputUpdate, ProgressUnit, handle_file) == (gradio_nb.OutputUpdate, gradio_nb.ProgressUnit,
                                                          gradio_nb.handle_file)
    assert (QueueError, TooManyRequestsError) == (gradio_nb.QueueError, gradio_nb.TooManyRequestsError)
    assert InvalidAPIEndpointError is gradio_nb.EndpointNotFoundError
    assert SpaceDuplicationError is gradio_nb.SpaceError
    assert [s.value for s in Status][:4] == ["STARTING", "JOINING_QUEUE", "QUEUE_FULL", "IN_QUEUE"]


def test_exceptions_module_is_the_one_tree() -> None:
    from gradio_nb.exceptions import AppError, AuthenticationError, GradioNBError, ValidationError

    assert AppError is gradio_nb.AppError and GradioNBError is gradio_nb.GradioNBError
    assert AuthenticationError is gradio_nb.AuthenticationError
    assert ValidationError is gradio_nb.ValidationError
    for name in gradio_nb.exceptions.__all__:
        assert getattr(gradio_nb.exceptions, name) is getattr(gradio_nb, name)


def test_file_is_the_deprecated_handle_file(tmp_path) -> None:
    from gradio_nb import FileData, file

    path = tmp_path / "a.txt"
    path.write_text("hi")
    with pytest.warns(UserWarning, match=r"file\(\) is deprecated .* Use handle_file\(\) instead"):
        value = file(str(path))
    assert value == gradio_nb.handle_file(str(path))
    assert set(value) <= set(FileData.__annotations__)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradio_nb.handle_file(str(path))  # the new name does not warn


def test_the_alias_modules_import_nothing_heavy() -> None:
    code = ("import sys, gradio_nb.utils, gradio_nb.exceptions; "
            "print(sorted(m for m in ('IPython', 'ipywidgets', 'gradio', 'gradio_client', 'huggingface_hub') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
