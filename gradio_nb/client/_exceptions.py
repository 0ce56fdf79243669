"""The one exception tree of gradio_nb.

    GradioNBError
    ├── ConfigError (also ValueError)      bad local input: client options, api_name, arguments
    │   ├── EndpointNotFoundError           unknown api_name / fn_index
    │   ├── ArgumentError (also TypeError)  missing / unknown / duplicated / mistyped arguments
    │   └── FileInputError                  handle_file on a missing path, a directory, too big...
    ├── ConnectionFailed                    the app could not be reached or went away
    │   └── ServerStoppedError              the server ended a stream with jobs pending
    │       └── JobLostError                the app reported an error for one job (unexpected_error)
    ├── ProtocolError                       the server spoke the protocol badly
    ├── AuthenticationError                 login refused / credentials missing (401/400 on login)
    ├── TooManyRequestsError                HTTP 429
    ├── QueueError                          HTTP 503: queue full or stopped
    ├── ValidationError                     HTTP 422 from the app's validator
    ├── AppError                            the app's function raised (gr.Error or otherwise)
    │   ├── ZeroGPUQuotaError               a ZeroGPU Space: over the caller's GPU quota
    │   └── ZeroGPUUnavailableError         a ZeroGPU Space: no GPU free now (retried by retries=N)
    ├── JobCancelledError (also concurrent.futures.CancelledError)
    ├── JobTimeoutError (also TimeoutError) result(timeout=...) ran out
    ├── CacheError                          a batch cache folder cannot be used (corrupt, foreign)
    └── SpaceError                          a Hugging Face Space cannot be used
        └── SpaceStageError                 BUILD_ERROR, PAUSED, ... or waited too long

Where gradio_client raises its own exception (``AppError``, ``AuthenticationError``,
``TooManyRequestsError``, ``QueueError``, ``ValidationError``), ours has the same name and
attributes, so ``except AppError`` code keeps working after the import change.
Where gradio_client raises a bare ``ValueError``/``TypeError``, ours subclasses it too, and
``AppError``, ``AuthenticationError`` and ``ValidationError`` are ``ValueError``s as there.
"""

from __future__ import annotations

import concurrent.futures
from datetime import timedelta
from typing import Any

__all__ = [
    "GradioNBError",
    "ConfigError",
    "EndpointNotFoundError",
    "ArgumentError",
    "FileInputError",
    "ConnectionFailed",
    "ServerStoppedError",
    "JobLostError",
    "ProtocolError",
    "AuthenticationError",
    "TooManyRequestsError",
    "QueueError",
    "ValidationError",
    "AppError",
    "ZeroGPUQuotaError",
    "ZeroGPUUnavailableError",
    "ZeroGPUTokenWarning",
    "JobCancelledError",
    "JobTimeoutError",
    "CacheError",
    "SpaceError",
    "SpaceStageError",
]


class GradioNBError(Exception):
    """Root of every error gradio_nb raises."""


class ConfigError(GradioNBError, ValueError):
    """Raised when local input (options, endpoint names, arguments) cannot be used."""


class EndpointNotFoundError(ConfigError):
    """Raised when an ``api_name`` or ``fn_index`` names no callable endpoint."""


class ArgumentError(ConfigError, TypeError):
    """Raised when predict/submit arguments do not fit the endpoint's signature."""


class FileInputError(ConfigError):
    """Raised when a file argument cannot be sent (missing, a directory, unreadable, too big)."""


class ConnectionFailed(GradioNBError, ConnectionError):
    """Raised when the app cannot be reached, or the connection to it was lost."""


class ServerStoppedError(ConnectionFailed):
    """Raised for jobs still pending when the server stops or cuts their stream."""


class JobLostError(ServerStoppedError):
    """Raised when the app reports an error for one job (its worker failed) while the
    connection itself stays up: worth retrying, and no sign that the app went away."""


class ProtocolError(GradioNBError):
    """Raised when the server answers something the Gradio protocol does not allow."""


class AuthenticationError(GradioNBError, ValueError):
    """Raised when the app needs credentials, or refused the ones given."""


class TooManyRequestsError(GradioNBError):
    """Raised on HTTP 429. ``retry_after`` is the server's hint in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueueError(GradioNBError):
    """Raised when the app's queue is full or stopped (HTTP 503)."""


class ValidationError(GradioNBError, ValueError):
    """Raised when the app's validator rejects the inputs (HTTP 422)."""

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class AppError(GradioNBError, ValueError):
    """Raised when the app's function raised; carries the app's message and title.

    Same attributes as gradio_client's ``AppError``.
    """

    def __init__(
        self,
        message: str = "Error raised.",
        duration: float | None = 10,
        visible: bool = True,
        title: str = "Error",
        print_exception: bool = True,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.duration = duration
        self.visible = visible
        self.title = title
        self.print_exception = print_exception


class _ZeroGPUError(AppError):
    """A ZeroGPU refusal: ``app_message`` is the app's text; ``message`` adds what to do."""

    def __init__(self, message: str = "Error raised.", *, reason: str, **app_error: Any) -> None:
        super().__init__(message, **app_error)
        self.app_message = message
        self.reason = reason

    def _advise(self, advice: str) -> None:
        """Append what the user can do to the app's text (once the context is known)."""
        if advice:
            self.message = f"{self.app_message}\n{advice}"
            self.args = (self.message,)


class ZeroGPUQuotaError(_ZeroGPUError):
    """Raised when a ZeroGPU Space refuses a call because the caller's GPU quota ran out.

    ``retry_after``: when the quota allows the call again (None if the app did not say);
    ``requested_s``/``left_s``: the GPU seconds asked for and left (None if not given);
    ``reason``: "quota", "runs_limit" or "space_limit" (no token was sent).
    """

    def __init__(self, message: str = "Error raised.", *, retry_after: timedelta | None = None,
                 requested_s: int | None = None, left_s: int | None = None, reason: str = "quota",
                 **app_error: Any) -> None:
        app_error.setdefault("title", "ZeroGPU quota exceeded")
        super().__init__(message, reason=reason, **app_error)
        self.retry_after = retry_after
        self.requested_s = requested_s
        self.left_s = left_s


class ZeroGPUUnavailableError(_ZeroGPUError):
    """Raised when a ZeroGPU Space found no GPU for the call now (it passes).

    ``reason``: "no_gpu", "queue_timeout" or "pending_credits" (too many of the caller's tasks
    at once). ``Client(retries=N)`` submits such a call again, with the backoff used for 503.
    """

    def __init__(self, message: str = "Error raised.", *, reason: str = "no_gpu", **app_error: Any) -> None:
        app_error.setdefault("title", "ZeroGPU client error")
        super().__init__(message, reason=reason, **app_error)


class ZeroGPUTokenWarning(UserWarning):
    """Warned when a ZeroGPU Space did not accept the token sent, and fell back to IP quotas."""


class JobCancelledError(GradioNBError, concurrent.futures.CancelledError):
    """Raised by ``Job.result()`` for a job that was cancelled."""


class JobTimeoutError(GradioNBError, TimeoutError):
    """Raised when ``Job.result(timeout=...)`` runs out before the job finished."""


class CacheError(GradioNBError):
    """Raised when a batch cache cannot be used: corrupt, foreign, or of another format."""


class SpaceError(GradioNBError):
    """Raised when a Hugging Face Space cannot be resolved or used."""


class SpaceStageError(SpaceError):
    """Raised when a Space is in a stage it cannot serve from (or stayed building too long)."""

    def __init__(self, message: str, *, stage: str | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.url = url
