"""``gradio_client.utils``'s public names that user code imports, as gradio_nb's.

``from gradio_nb.utils import Status`` works where ``from gradio_client.utils import Status``
did (the guide points at "the ``utils.Status`` class"). Thin aliases only; gradio_client's
internal helpers (SSE readers, base64 codecs, schema converters) are not part of the API.
"""

from __future__ import annotations

from .client import (
    EndpointNotFoundError as InvalidAPIEndpointError,
    FileData,
    OutputUpdate,
    ProgressUnit,
    QueueError,
    SpaceError as SpaceDuplicationError,
    Status,
    StatusUpdate,
    TooManyRequestsError,
    file,
    handle_file,
)

__all__ = [
    "FileData",
    "InvalidAPIEndpointError",
    "OutputUpdate",
    "ProgressUnit",
    "QueueError",
    "SpaceDuplicationError",
    "Status",
    "StatusUpdate",
    "TooManyRequestsError",
    "file",
    "handle_file",
]
