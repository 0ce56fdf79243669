"""A live table of this kernel's jobs (forms, magics and code alike): status, progress, Cancel.

  %gradio jobs
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from IPython.core.error import UsageError

from .._shared import notebook_layer

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "jobs"
SUMMARY = "a live table of this kernel's jobs, with Cancel"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    from IPython.display import display

    widgets = notebook_layer()
    if widgets is None:
        raise UsageError("`%gradio jobs` needs the notebook layer (gradio_nb.widgets), which is not installed.")
    display(widgets.jobs_widget())
