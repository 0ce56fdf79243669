"""gradio_nb's client core: stdlib, httpx, httpx-sse and huggingface_hub only.

Never imports IPython or ipywidgets (tests/test_layering.py enforces it).
"""

from ._httpx_cli import defer_httpx_cli

defer_httpx_cli()  # before anything imports httpx: see _httpx_cli

from ._batch import Batch, BatchSnapshot, Item  # noqa: E402
from ._batch.api import map  # noqa: E402,A004 - gradio_nb.map(clients, inputs, ...)
from ._client import AsyncClient, Client  # noqa: E402
from ._exceptions import (
    AppError,
    ArgumentError,
    AuthenticationError,
    CacheError,
    ConfigError,
    ConnectionFailed,
    EndpointNotFoundError,
    FileInputError,
    GradioNBError,
    JobCancelledError,
    JobLostError,
    JobTimeoutError,
    ProtocolError,
    QueueError,
    ServerStoppedError,
    SpaceError,
    SpaceStageError,
    TooManyRequestsError,
    ValidationError,
)
from ._handle_file import FileData, file, handle_file
from ._job import Job, JobSnapshot
from ._protocol.endpoints import Endpoint, Parameter, Return
from ._protocol.job_state import OutputUpdate, Status, StatusUpdate
from ._protocol.messages import Log, ProgressUnit

__all__ = [
    "AppError",
    "ArgumentError",
    "AsyncClient",
    "AuthenticationError",
    "Batch",
    "BatchSnapshot",
    "CacheError",
    "Client",
    "ConfigError",
    "ConnectionFailed",
    "Endpoint",
    "EndpointNotFoundError",
    "FileData",
    "FileInputError",
    "GradioNBError",
    "Item",
    "Job",
    "JobCancelledError",
    "JobLostError",
    "JobSnapshot",
    "JobTimeoutError",
    "Log",
    "OutputUpdate",
    "Parameter",
    "ProgressUnit",
    "ProtocolError",
    "QueueError",
    "Return",
    "ServerStoppedError",
    "SpaceError",
    "SpaceStageError",
    "Status",
    "StatusUpdate",
    "TooManyRequestsError",
    "ValidationError",
    "file",
    "handle_file",
]
# ``map`` is public (``gradio_nb.map(clients, inputs)``) but stays out of ``__all__``: a star
# import must not shadow the builtin ``map``.
