"""gradio_nb's exceptions, where ``gradio_client.exceptions`` code looks for them.

``from gradio_nb.exceptions import AppError`` works where ``from gradio_client.exceptions
import AppError`` did; the whole tree (rooted at ``GradioNBError``) is here too.
"""

from __future__ import annotations

from .client._exceptions import *  # noqa: F403 - the public tree, re-exported
from .client._exceptions import __all__  # noqa: F401
