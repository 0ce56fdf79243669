"""Hugging Face Spaces: resolve a Space id to its app URL, wait for it, duplicate it.

Pure synchronous code on ``huggingface_hub`` (plus one plain ``httpx`` GET to wake a sleeping
Space). It runs before any app connection exists: call it from the calling thread, or from async
code through an executor (``await loop.run_in_executor(None, functools.partial(resolve_space, ...))``).
It never touches the gradio_nb event loop.

Public API
==========

Tokens
------
``pick_token(token, hf_token) -> str | bool | None``
    Merges the two spellings (``hf_token=`` is the older gradio_client name). Both given and
    different -> ``ConfigError``.
``resolve_token(token) -> str | None``
    The argument (a non-empty str), else ``HF_TOKEN`` / ``HUGGING_FACE_HUB_TOKEN``, else the saved
    login (``huggingface_hub.get_token()``). ``token=False`` means "use no token at all" (None).
    ``HF_HUB_DISABLE_IMPLICIT_TOKEN=1`` disables the environment / saved-login fallbacks.
``space_host_allows_token(space_host, url) -> bool``
    True only when ``url`` has the same origin (scheme, host, port) as the Space's own host (as
    reported by the Hub) or as the Hub endpoint. Use it before attaching ``x-hf-authorization`` to
    any request (file downloads, redirects, URLs found in outputs...).
``hub_auth_headers(token) -> dict``
    ``{"x-hf-authorization": "Bearer <token>"}`` (empty dict for None): the header the Spaces proxy
    uses to authorise private Spaces. Send it only where ``space_host_allows_token`` says so.

Ids and URLs
------------
``is_space_id(src) -> bool``           ``"owner/name"`` (Hub repo-id rules), not a URL.
``parse_space_src(src) -> str | None`` the Space id for ``"owner/name"`` or a Hub Space page URL
                                        (``https://huggingface.co/spaces/owner/name[/...]`` or the
                                        ``HF_ENDPOINT`` equivalent); None for anything else
                                        (app URLs such as ``https://owner-name.hf.space`` included).
``space_page_url(space_id) -> str``    ``https://huggingface.co/spaces/owner/name`` (HF_ENDPOINT aware).
``hub_endpoint() -> str``              ``HF_ENDPOINT`` (read at call time, so setting it after
                                        ``huggingface_hub`` was imported still works), else
                                        ``huggingface_hub.constants.ENDPOINT``.

Resolving
---------
``SpaceStatus`` (frozen dataclass, never holds the token):
    ``space_id, stage, hardware, host, private, url, previous_stage=None, error_message=None,
    requested_hardware=None, final=False`` plus ``running`` / ``failed`` / ``waiting`` /
    ``changed`` properties. ``host`` is the app origin (``https://owner-name.hf.space``, no
    trailing slash), ``url`` the Hub page.

``resolve_space(space_id, *, token=None, timeout=300, on_progress=None) -> SpaceStatus``
    ``token`` is used as given (call ``resolve_token`` first; None = anonymous). Returns once the
    Space is RUNNING (``status.host`` is then the app URL: append "/" for ``src``).

    * BUILDING, APP_STARTING, RUNNING_BUILDING, RUNNING_APP_STARTING: polls
      ``get_space_runtime`` with backoff (1 s, x1.5, at most 10 s; never faster than 1 s).
      RUNNING_* stages mean the previous version still serves: if the timeout runs out there, the
      status is returned instead of raising.
    * SLEEPING (and STOPPED): woken by one GET to the Space's host (with ``x-hf-authorization``
      when a token is given; redirects not followed), then, if still asleep two polls later and a
      token is given, one ``restart_space`` (owner only; refusals are ignored); then waits as above.
    * NO_APP_FILE, CONFIG_ERROR, BUILD_ERROR, RUNTIME_ERROR, PAUSED, DELETING, at the start or
      reached while waiting (e.g. BUILDING -> BUILD_ERROR): ``SpaceStageError`` with ``.stage``,
      ``.url`` (the Hub page) and the Hub's error message.
    * Still waiting when ``timeout`` seconds are over: ``SpaceStageError`` (``timeout=None`` waits
      without limit).
    * Unknown stages are not waited for: the status is returned and the caller tries the app.
    * Not found / private without access: ``SpaceError`` saying the Space may be private and how to
      pass a token. Rejected token: ``AuthenticationError``. Hub 429: ``TooManyRequestsError``.
      Hub unreachable: ``ConnectionFailed``. Invalid id: ``ConfigError``.

    ``on_progress(status, elapsed_seconds)`` is called only when there is something to wait for:
    after every poll while waiting (the first call carries the first non-RUNNING status), and a
    last time with ``status.final == True`` (RUNNING, the failing stage just before the
    exception, or the stage the timeout ran out in). ``status.previous_stage`` is set on the poll
    where the stage changed (``BUILDING`` -> ``BUILD_ERROR``). The callback
    runs on the calling thread; exceptions it raises propagate. ``TerminalProgress()`` is a ready
    renderer (one rewritten line on a tty, one line per stage change otherwise);
    ``format_progress(status, elapsed)`` gives the text of one line.

Duplicating
-----------
``duplicate(from_id, to_id=None, token=None, private=True, hardware=None, secrets=None,
sleep_timeout=5, *, hf_token=None, verbose=True, on_progress=None) -> str``
    Same keyword parameters as gradio_client 2.7.2's ``Client.duplicate`` (minus ``max_workers``,
    which belongs to the Client), plus ``hf_token``. Returns the new Space id. ``verbose`` prints the
    steps (like the reference) unless ``on_progress`` is given.

``duplicate_space(from_id, to_id=None, *, token, private=True, hardware=None, secrets=None,
sleep_timeout=5, on_progress=None) -> str``
    The implementation, with the token already resolved (``resolve_token``); ``token`` None ->
    ``AuthenticationError`` (duplicating needs an account). ``on_progress(message: str)`` receives
    one human-readable line per step. Behaviour:

    * the target is ``to_id`` as given when it has a namespace (``"acme/x"`` stays in ``acme``),
      else ``<whoami name>/<to_id or the source's name>``;
    * an existing target is re-used (safe to call again); ``secrets`` then only trigger a
      ``UserWarning`` (they are used the first time only);
    * a new target is created with one ``duplicate_repo(repo_type="space", exist_ok=True)`` call
      carrying privacy, hardware (when it is not cpu-basic), the sleep time and the secrets, so
      the Space builds once, with its secrets;
    * hardware: ``hardware`` or the source's (cpu-basic when the Hub reports none); afterwards
      ``request_space_hardware`` only when the target's (requested or current) hardware differs;
    * sleep time (``sleep_timeout`` minutes; None or 0 = leave it) for non-cpu-basic hardware;
      afterwards ``HfApi.set_space_sleep_time`` only when the Space's differs. Every request goes
      to ``hub_endpoint()``, so ``HF_ENDPOINT`` is honoured (gradio_client hard-codes huggingface.co).

``plan_duplicate(from_id, to_id=None, *, token, hardware=None, private=True, secrets=None,
sleep_timeout=5) -> DuplicatePlan``
    Read-only (GET requests and whoami only): what ``duplicate_space`` with the same arguments
    would do. ``DuplicatePlan`` (frozen) holds ``from_id, to_id, exists, private,
    existing_private, source_hardware, current_hardware, hardware, request_hardware, sleep_time,
    set_sleep_time, secret_names, from_url, url`` and ``billing`` (never secret values, never the token) and ``describe() -> str``
    (multi-line text: target, created or re-used, hardware, sleep time, a billing note for paid
    hardware, and the ignored-secrets note).

    Contract for the ``%gradio duplicate`` magic::

        tok = resolve_token(pick_token(token, hf_token))
        plan = plan_duplicate(src, to_id, token=tok, hardware=hw, private=private,
                              secrets=secrets, sleep_timeout=sleep)
        print(plan.describe())                   # or show it in a card
        if user_confirms():
            space_id = duplicate_space(plan.from_id, plan.to_id, token=tok, private=plan.private,
                                       hardware=plan.hardware, secrets=secrets,
                                       sleep_timeout=sleep, on_progress=print)
            client = Client(space_id, token=tok)  # waits for the build with resolve_space

    Passing ``plan.to_id`` (always namespaced) makes the second call skip ``whoami``.

Rate limits
-----------
``rate_limit_hint(space_id, *, private=False) -> str`` (the sentence suggesting
``Client.duplicate("owner/name", token=...)``; "" for private Spaces or no Space),
``rate_limit_message(space_id, *, private=False) -> str`` (the whole message) and
``too_many_requests_error(space_id=None, *, private=False, retry_after=None) ->
TooManyRequestsError``. Pass ``private=SpaceStatus.private`` so private Spaces get no hint.

How the Client uses this (``src`` not a URL)
============================================
::

    tok = _spaces.resolve_token(_spaces.pick_token(token, hf_token))
    space_id = _spaces.parse_space_src(src)
    if space_id is not None:
        status = _spaces.resolve_space(space_id, token=tok, timeout=space_timeout,
                                       on_progress=on_progress or (_spaces.TerminalProgress() if verbose else None))
        self.space_id, self.src = status.space_id, status.host.rstrip("/") + "/"
        headers.update(_spaces.hub_auth_headers(tok))  # only for requests where
        # _spaces.space_host_allows_token(status.host, url) is True
"""

from __future__ import annotations

import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, TextIO
from urllib.parse import urlsplit

from ._exceptions import (
    AuthenticationError,
    ConfigError,
    ConnectionFailed,
    SpaceError,
    SpaceStageError,
    TooManyRequestsError,
)

__all__ = [
    "SpaceStatus",
    "DuplicatePlan",
    "TerminalProgress",
    "pick_token",
    "resolve_token",
    "hub_endpoint",
    "hub_auth_headers",
    "space_page_url",
    "is_space_id",
    "parse_space_src",
    "space_host_allows_token",
    "resolve_space",
    "format_progress",
    "plan_duplicate",
    "duplicate_space",
    "duplicate",
    "rate_limit_hint",
    "rate_limit_message",
    "too_many_requests_error",
    "RUNNING",
    "WAIT_STAGES",
    "SLEEP_STAGES",
    "ERROR_STAGES",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
CPU_BASIC = "cpu-basic"

RUNNING = "RUNNING"
#: stages worth waiting for (the Space is on its way to RUNNING)
WAIT_STAGES = frozenset({"BUILDING", "APP_STARTING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"})
#: stages where the previous version still serves requests
SERVING_STAGES = frozenset({"RUNNING_BUILDING", "RUNNING_APP_STARTING"})
#: stages of a Space that is asleep and can be woken
SLEEP_STAGES = frozenset({"SLEEPING", "STOPPED"})
#: stages a Space cannot serve from (gradio_client's INVALID_RUNTIME, plus DELETING)
ERROR_STAGES = frozenset({"NO_APP_FILE", "CONFIG_ERROR", "BUILD_ERROR", "RUNTIME_ERROR", "PAUSED", "DELETING"})

POLL_MIN = 1.0  # seconds; never poll the Hub faster than this
POLL_MAX = 10.0
POLL_FACTOR = 1.5
WAKE_TIMEOUT = 10.0  # seconds for the wake-up GET to a sleeping Space's host
RESTART_AFTER_SLEEPING_POLLS = 2
MAX_TRANSIENT_ERRORS = 5

_REPO_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}/[A-Za-z0-9_.\-]{1,96}$")

ProgressCallback = Callable[["SpaceStatus", float], None]
StepCallback = Callable[[str], None]


# ----------------------------------------------------------------------------------------------
# version / HfApi
# ----------------------------------------------------------------------------------------------
def _version() -> str:
    try:
        from importlib.metadata import version

        return version("gradio_nb")
    except Exception:  # not installed (source checkout)
        return "0"


def hub_endpoint() -> str:
    """The Hub endpoint: ``HF_ENDPOINT`` at call time, else huggingface_hub's own constant."""
    env = os.environ.get("HF_ENDPOINT")
    if env:
        return env.rstrip("/")
    try:
        from huggingface_hub import constants

        return str(constants.ENDPOINT).rstrip("/")
    except Exception:  # pragma: no cover - huggingface_hub is a dependency
        return DEFAULT_ENDPOINT


def _api() -> Any:
    from huggingface_hub import HfApi

    return HfApi(endpoint=hub_endpoint(), library_name="gradio_nb", library_version=_version())


def _tok(token: str | None) -> str | bool:
    """What to pass as ``token=`` to huggingface_hub: the token, or False (never the implicit one)."""
    return token if token else False


# ----------------------------------------------------------------------------------------------
# tokens
# ----------------------------------------------------------------------------------------------
def pick_token(token: str | bool | None = None, hf_token: str | bool | None = None) -> str | bool | None:
    """Merge ``token=`` and the older ``hf_token=`` spelling."""
    if token is not None and hf_token is not None and token != hf_token:
        raise ConfigError("Pass the Hugging Face token as either token= or hf_token=, not both.")
    return token if token is not None else hf_token


def resolve_token(token: str | bool | None = None) -> str | None:
    """The token to use: the argument, else ``HF_TOKEN``, else the saved login (``get_token()``).

    ``False`` means no token at all. Never logs or prints the token.
    """
    if token is False:
        return None
    if isinstance(token, str):
        token = token.strip()
        if token:
            return token
        token = None
    if token is not None and token is not True:
        raise ConfigError("token must be a string, None or False.")
    try:
        from huggingface_hub import constants

        if getattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", False) and token is not True:
            return None
    except Exception:  # pragma: no cover
        pass
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        value = (os.environ.get(var) or "").strip()
        if value:
            return value
    try:
        from huggingface_hub import get_token

        value = get_token()
    except Exception:  # e.g. an OIDC exchange that failed: behave as "not logged in"
        value = None
    return value.strip() if isinstance(value, str) and value.strip() else None


def hub_auth_headers(token: str | None) -> dict[str, str]:
    """The header that authorises a private Space through the Spaces proxy."""
    return {"x-hf-authorization": f"Bearer {token}"} if token else {}


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except (ValueError, AttributeError):
        return None
    if scheme not in ("http", "https") or not host:
        return None
    if port is None:
        port = 443 if scheme == "https" else 80
    return scheme, host, port


def space_host_allows_token(space_host: str | None, url: str) -> bool:
    """May the HF token be sent to ``url``? Only to the Space's own host and to the Hub endpoint.

    Same origin means same scheme, host name and port: ``https://owner-name.hf.space`` does not
    cover ``https://other-name.hf.space`` nor ``http://owner-name.hf.space``.
    """
    target = _origin(url)
    if target is None:
        return False
    allowed = [hub_endpoint()]
    if space_host:
        allowed.append(space_host)
    return any(_origin(a) == target for a in allowed)


# ----------------------------------------------------------------------------------------------
# ids and URLs
# ----------------------------------------------------------------------------------------------
def is_space_id(src: Any) -> bool:
    """True for ``"owner/name"`` following the Hub's repo-id rules (not a URL, not a path)."""
    if not isinstance(src, str) or "://" in src:
        return False
    if not _REPO_ID_RE.match(src) or "--" in src or ".." in src or src.endswith(".git"):
        return False
    return len(src) <= 96 and not src.startswith(".")


def parse_space_src(src: Any) -> str | None:
    """The Space id named by ``src`` (an id or a Hub Space page URL), or None."""
    if not isinstance(src, str):
        return None
    src = src.strip()
    if is_space_id(src):
        return src
    if not src.startswith(("http://", "https://")):
        return None
    parts = [p for p in urlsplit(src).path.split("/") if p]
    if len(parts) < 3 or parts[0] != "spaces":
        return None  # an app URL: decided without importing huggingface_hub
    o = _origin(src)
    hubs = {_origin(hub_endpoint()), _origin(DEFAULT_ENDPOINT), _origin("https://hf.co"), _origin("https://www.huggingface.co")}
    if o is None or o not in hubs:
        return None
    if len(parts) >= 3 and parts[0] == "spaces":
        candidate = f"{parts[1]}/{parts[2]}"
        if is_space_id(candidate):
            return candidate
    return None


def space_page_url(space_id: str) -> str:
    """The Space's page on the Hub (``https://huggingface.co/spaces/owner/name``)."""
    return f"{hub_endpoint()}/spaces/{space_id}"


def _check_id(space_id: Any, what: str = "Space id") -> str:
    if not is_space_id(space_id):
        raise ConfigError(
            f"{what} {space_id!r} is not valid: expected 'owner/name' (letters, digits, '-', '_', '.'), "
            "or a full URL starting with http:// or https://."
        )
    return space_id


# ----------------------------------------------------------------------------------------------
# error mapping
# ----------------------------------------------------------------------------------------------
def _scrub(text: str, token: str | None) -> str:
    if token and token in text:
        text = text.replace(token, "hf_***")
    return text


def _status_code(exc: BaseException) -> int | None:
    resp = getattr(exc, "response", None)
    code = getattr(resp, "status_code", None)
    return code if isinstance(code, int) else None


def _retry_after(exc: BaseException) -> float | None:
    resp = getattr(exc, "response", None)
    try:
        value = resp.headers.get("retry-after")  # type: ignore[union-attr]
        return float(value) if value is not None else None
    except Exception:
        return None


def _is_not_found(exc: BaseException) -> bool:
    try:
        from huggingface_hub.errors import RepositoryNotFoundError
    except Exception:  # pragma: no cover
        from huggingface_hub.utils import RepositoryNotFoundError  # type: ignore
    return isinstance(exc, RepositoryNotFoundError)


def _is_transport_error(exc: BaseException) -> bool:
    if _status_code(exc) is not None:
        return False
    mod = type(exc).__module__ or ""
    if mod.split(".")[0] in ("httpx2", "httpx", "httpcore", "httpcore2", "requests", "urllib3"):
        return True
    return isinstance(exc, (ConnectionError, TimeoutError)) or type(exc).__name__ == "OfflineModeIsEnabled"


def _hub_message(exc: BaseException) -> str:
    """The Hub's own message, short, without huggingface_hub's request-id noise."""
    server = getattr(exc, "server_message", None)
    if isinstance(server, str) and server.strip():
        return server.strip()
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _private_hint(space_id: str) -> str:
    return (
        f"If it is a private Space, pass a Hugging Face token: Client({space_id!r}, token=\"hf_...\") "
        "(or hf_token=...), set the HF_TOKEN environment variable, or log in with `hf auth login`. "
        f"Create a token at {hub_endpoint()}/settings/tokens."
    )


def _map_hub_error(exc: BaseException, *, space_id: str | None, token: str | None, action: str) -> Exception:
    """Turn a huggingface_hub / transport error into one of ours (message never holds the token)."""
    try:
        from huggingface_hub.errors import HFValidationError, LocalTokenNotFoundError
    except Exception:  # pragma: no cover
        HFValidationError = LocalTokenNotFoundError = ()  # type: ignore
    page = space_page_url(space_id) if space_id else hub_endpoint()
    if isinstance(exc, HFValidationError):  # type: ignore[arg-type]
        return ConfigError(_scrub(f"Invalid Space id: {exc}", token))
    if isinstance(exc, LocalTokenNotFoundError):  # type: ignore[arg-type]
        return AuthenticationError(
            f"{action} needs a Hugging Face token: pass token=\"hf_...\", set HF_TOKEN, or run `hf auth login`."
        )
    if _is_not_found(exc):
        if token:
            # "Could not find Space: <id>." is gradio_client's wording: users match on it.
            msg = (
                f"Could not find Space: {space_id}. The Space {space_id!r} ({page}) does not "
                "exist, or the token you gave cannot read it (a private Space is visible to its "
                "owner and the members of its organization only)."
            )
        else:
            msg = (f"Could not find Space: {space_id}. If it is a private Space, please provide a "
                   f"Hugging Face token. The Space {space_id!r} ({page}) may be private. "
                   + _private_hint(space_id or "owner/name"))
        return SpaceError(msg)
    code = _status_code(exc)
    if code == 401:
        if token:
            return AuthenticationError(
                f"The Hugging Face Hub rejected the token while trying to {action} (invalid or expired). "
                f"Check it at {hub_endpoint()}/settings/tokens."
            )
        return AuthenticationError(f"{action} needs a Hugging Face token (the Hub answered 401). " + _private_hint(space_id or "owner/name"))
    if code == 403:
        return AuthenticationError(
            _scrub(f"The Hugging Face Hub refused to {action} with this token (403): {_hub_message(exc)}", token)
        )
    if code == 402:
        return SpaceError(
            _scrub(f"Could not {action}: the Hub asks for billing information (402): {_hub_message(exc)}. "
                   f"See {hub_endpoint()}/settings/billing", token)
        )
    if code == 429:
        return TooManyRequestsError(
            f"The Hugging Face Hub rate-limited this client while trying to {action} (429). Please try again later.",
            retry_after=_retry_after(exc),
        )
    if code is not None:
        return SpaceError(_scrub(f"Could not {action}: the Hugging Face Hub answered {code}: {_hub_message(exc)}", token))
    if type(exc).__name__ == "OfflineModeIsEnabled":
        return ConnectionFailed(
            f"Could not {action}: huggingface_hub is in offline mode (HF_HUB_OFFLINE is set). Unset it to use Spaces."
        )
    if _is_transport_error(exc):
        return ConnectionFailed(
            _scrub(f"Could not reach the Hugging Face Hub at {hub_endpoint()} to {action}: {type(exc).__name__}: {exc}", token)
        )
    return SpaceError(_scrub(f"Could not {action}: {type(exc).__name__}: {exc}", token))


def _mapped(exc: BaseException, *, space_id: str | None, token: str | None, action: str) -> Exception:
    err = _map_hub_error(exc, space_id=space_id, token=token, action=action)
    try:
        err.hub_status = _status_code(exc)  # type: ignore[attr-defined]
    except Exception:  # pragma: no cover
        pass
    return err


def _hub_call(fn: Callable[..., Any], *args: Any, _sid: str | None, _token: str | None, _action: str, **kwargs: Any) -> Any:
    """Call a huggingface_hub function; map its errors (``_token`` is only used to scrub messages)."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - mapped below
        raise _mapped(exc, space_id=_sid, token=_token, action=_action) from None


# ----------------------------------------------------------------------------------------------
# status
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpaceStatus:
    """What the Hub says about a Space at one moment. Never holds a token."""

    space_id: str
    stage: str
    hardware: str | None
    host: str | None  # the app origin, e.g. https://owner-name.hf.space (no trailing slash)
    private: bool
    url: str  # the Hub page, e.g. https://huggingface.co/spaces/owner/name
    previous_stage: str | None = None  # the stage of the previous poll, when it differs
    error_message: str | None = None  # the Hub's message for *_ERROR stages
    requested_hardware: str | None = None
    final: bool = False  # True on the last on_progress call of a wait (done, failed or timed out)

    @property
    def running(self) -> bool:
        return self.stage == RUNNING

    @property
    def failed(self) -> bool:
        return self.stage in ERROR_STAGES

    @property
    def waiting(self) -> bool:
        return self.stage in WAIT_STAGES or self.stage in SLEEP_STAGES

    @property
    def changed(self) -> bool:
        return self.previous_stage is not None and self.previous_stage != self.stage


def _stage_str(stage: Any) -> str:
    value = getattr(stage, "value", stage)
    return str(value) if value is not None else "UNKNOWN"


def _runtime_fields(runtime: Any) -> dict[str, Any]:
    raw = getattr(runtime, "raw", None) or {}
    return {
        "stage": _stage_str(getattr(runtime, "stage", None)),
        "hardware": _stage_str(runtime.hardware) if getattr(runtime, "hardware", None) else None,
        "requested_hardware": _stage_str(runtime.requested_hardware) if getattr(runtime, "requested_hardware", None) else None,
        "error_message": raw.get("errorMessage") if isinstance(raw, dict) else None,
    }


_STAGE_TEXT = {
    "BUILDING": "is building",
    "APP_STARTING": "is starting",
    "RUNNING_BUILDING": "is building a new version",
    "RUNNING_APP_STARTING": "is starting a new version",
    "SLEEPING": "is asleep, waking it up",
    "STOPPED": "is stopped, waking it up",
    "RUNNING": "is running",
    "NO_APP_FILE": "has no app file",
    "CONFIG_ERROR": "has a configuration error",
    "BUILD_ERROR": "failed to build",
    "RUNTIME_ERROR": "crashed (runtime error)",
    "PAUSED": "is paused",
    "DELETING": "is being deleted",
}


def format_progress(status: SpaceStatus, elapsed: float) -> str:
    """One line for a terminal: ``Space owner/name is building (BUILDING, 12 s)``."""
    what = _STAGE_TEXT.get(status.stage, f"is {status.stage}")
    change = f"{status.previous_stage} -> " if status.changed else ""
    return f"Space {status.space_id} {what} ({change}{status.stage}, {elapsed:.0f} s)"


class TerminalProgress:
    """A ready ``on_progress`` renderer: one line rewritten in place on a tty, else one line per stage."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self._last_stage: str | None = None
        self._width = 0

    def __call__(self, status: SpaceStatus, elapsed: float) -> None:
        stream = self.stream or sys.stderr
        line = format_progress(status, elapsed)
        final = status.final or status.running or status.failed
        try:
            tty = bool(stream.isatty())
        except Exception:
            tty = False
        if tty:
            pad = " " * max(0, self._width - len(line))
            stream.write("\r" + line + pad + ("\n" if final else ""))
            self._width = 0 if final else len(line)
        elif status.stage != self._last_stage or final:
            stream.write(line + "\n")
        self._last_stage = status.stage
        stream.flush()


# ----------------------------------------------------------------------------------------------
# resolve
# ----------------------------------------------------------------------------------------------
def _stage_error(status: SpaceStatus, waited_from: str | None) -> SpaceStageError:
    what = _STAGE_TEXT.get(status.stage, f"is in stage {status.stage}")
    parts = [f"Space {status.space_id} {what} (stage {status.stage}"]
    if waited_from and waited_from != status.stage:
        parts[0] += f", it was {waited_from} when we started waiting"
    parts[0] += ") and cannot be used."
    if status.error_message:
        parts.append(f"Hub message: {status.error_message.strip()}")
    if status.stage == "PAUSED":
        parts.append("Its owner paused it; if it is yours, restart it from its page.")
    elif status.stage == "DELETING":
        parts.append("It is being deleted.")
    else:
        parts.append("If it is your Space, see the logs on its page; otherwise contact its owner.")
    parts.append(f"See {status.url}")
    return SpaceStageError(" ".join(parts), stage=status.stage, url=status.url)


def _wake_host(host: str | None, token: str | None) -> None:
    """One GET to the Space's host: the Spaces proxy wakes a sleeping Space on any request."""
    if not host:
        return
    try:
        import httpx

        url = host.rstrip("/") + "/"
        headers = {"user-agent": f"gradio_nb/{_version()}"}
        if token and space_host_allows_token(host, url):
            headers.update(hub_auth_headers(token))
        with httpx.Client(follow_redirects=False, timeout=WAKE_TIMEOUT, trust_env=True) as http:
            http.get(url, headers=headers).close()
    except Exception:  # best effort: the polls below tell whether it worked
        pass


def is_zero_gpu(hardware: str | None) -> bool:
    """True for the hardware names the Hub gives ZeroGPU Spaces ("zero-a10g" and its kin)."""
    return bool(hardware) and str(hardware).lower().startswith("zero")


def space_hardware(space_id: str, *, token: str | None = None) -> str | None:
    """The hardware the Space runs on now, as the Hub names it (None if it says none)."""
    space_id = _check_id(parse_space_src(space_id) or space_id)
    runtime = _hub_call(_api().get_space_runtime, space_id, token=_tok(token), _sid=space_id,
                        _token=token, _action=f"read the hardware of the Space {space_id}")
    return _runtime_fields(runtime)["hardware"]


def resolve_space(
    space_id: str,
    *,
    token: str | None = None,
    timeout: float | None = 300,
    on_progress: ProgressCallback | None = None,
) -> SpaceStatus:
    """Find the Space's host and wait until it is RUNNING (see the module docstring)."""
    space_id = _check_id(parse_space_src(space_id) or space_id)
    api = _api()
    tok = _tok(token)
    action = f"look up the Space {space_id}"
    info = _hub_call(api.space_info, space_id, token=tok, _sid=space_id, _token=token, _action=action)
    return _wait(api, space_id, info, token=token, timeout=timeout, on_progress=on_progress)


def _wait(
    api: Any,
    space_id: str,
    info: Any,
    *,
    token: str | None,
    timeout: float | None,
    on_progress: ProgressCallback | None,
) -> SpaceStatus:
    page = space_page_url(space_id)
    if getattr(info, "disabled", False):
        raise SpaceError(f"Space {space_id} has been disabled on the Hugging Face Hub. See {page}")
    host = getattr(info, "host", None)
    if not host:
        raise SpaceError(
            f"Could not find the app URL of Space {space_id} ({page}): the Hub gave no host. "
            "It may not be a Gradio Space, or it was never built. " + (_private_hint(space_id) if not token else "")
        )
    host = str(host).rstrip("/")
    private = bool(getattr(info, "private", False))
    tok = _tok(token)

    def status_from(runtime: Any, previous: str | None) -> SpaceStatus:
        f = _runtime_fields(runtime)
        return SpaceStatus(
            space_id=space_id,
            stage=f["stage"],
            hardware=f["hardware"],
            host=host,
            private=private,
            url=page,
            previous_stage=previous if previous != f["stage"] else None,
            error_message=f["error_message"],
            requested_hardware=f["requested_hardware"],
        )

    def poll(previous: str | None) -> SpaceStatus:
        rt = _hub_call(
            api.get_space_runtime, space_id, token=tok, _sid=space_id, _token=token, _action=f"read the stage of Space {space_id}"
        )
        return status_from(rt, previous)

    runtime = getattr(info, "runtime", None)
    status = status_from(runtime, None) if runtime is not None and getattr(runtime, "stage", None) else poll(None)

    start = time.monotonic()
    deadline = None if timeout is None else start + max(0.0, float(timeout))
    interval = POLL_MIN
    first_wait_stage: str | None = None  # None until there is something to wait for
    woke = restarted = False
    sleeping_polls = 0
    transient = 0

    def report(st: SpaceStatus, final: bool = False) -> None:
        if on_progress is not None and (first_wait_stage is not None or not final):
            on_progress(replace(st, final=True) if final else st, time.monotonic() - start)

    while True:
        stage = status.stage
        if stage == RUNNING:
            report(status, final=True)
            return status
        if stage in ERROR_STAGES:
            report(status, final=True)
            raise _stage_error(status, first_wait_stage)
        if stage not in WAIT_STAGES and stage not in SLEEP_STAGES:
            report(status, final=True)  # unknown stage: do not block on it, let the app connection decide
            return status
        if first_wait_stage is None:
            first_wait_stage = stage
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            report(status, final=True)
            if stage in SERVING_STAGES:
                return status  # the previous version still serves
            raise SpaceStageError(
                f"Space {space_id} is still {stage} after waiting {timeout:g} s. Try again later, or pass a "
                f"longer timeout (None waits without limit). See {page}",
                stage=stage,
                url=page,
            )
        report(status)
        if stage in SLEEP_STAGES:
            if not woke:
                woke = True
                _wake_host(host, token)
            else:
                sleeping_polls += 1
                if token and not restarted and sleeping_polls >= RESTART_AFTER_SLEEPING_POLLS:
                    restarted = True
                    try:  # owner only; anyone else gets 401/403, which is fine
                        api.restart_space(space_id, token=tok)
                    except Exception:  # noqa: BLE001
                        pass
        while True:  # sleep, then poll; transient Hub trouble (429, 5xx, network) is retried
            now = time.monotonic()
            pause = interval if deadline is None else min(interval, max(0.0, deadline - now))
            time.sleep(pause)
            interval = min(interval * POLL_FACTOR, POLL_MAX)
            try:
                status = poll(stage)
                transient = 0
                break
            except (TooManyRequestsError, ConnectionFailed, SpaceError) as exc:
                transient += 1
                if not _transient(exc) or transient > MAX_TRANSIENT_ERRORS:
                    raise
                if deadline is not None and time.monotonic() >= deadline:
                    break  # keep the last status: the timeout check above reports it
                hint = getattr(exc, "retry_after", None)
                if isinstance(hint, (int, float)) and hint > interval:
                    interval = min(float(hint), 6 * POLL_MAX)  # the Hub asked us to slow down


def _transient(exc: Exception) -> bool:
    if isinstance(exc, (TooManyRequestsError, ConnectionFailed)):
        return True
    code = getattr(exc, "hub_status", None)
    return isinstance(code, int) and code >= 500


# ----------------------------------------------------------------------------------------------
# rate limits
# ----------------------------------------------------------------------------------------------
def rate_limit_hint(space_id: str | None, *, private: bool = False) -> str:
    """The sentence to append to a 429 error from a public Space ("" for private Spaces / URLs)."""
    if not space_id or private:
        return ""
    return (
        "To avoid being rate-limited, duplicate the Space for your own use with "
        f"Client.duplicate({space_id!r}, token=\"hf_...\") and use your copy."
    )


def rate_limit_message(space_id: str | None, *, private: bool = False) -> str:
    """The whole 429 message; for a public Space it suggests duplicating it."""
    base = "Too many requests to the API, please try again later."
    hint = rate_limit_hint(space_id, private=private)
    return f"{base} {hint}" if hint else base


def too_many_requests_error(
    space_id: str | None = None, *, private: bool = False, retry_after: float | None = None
) -> TooManyRequestsError:
    """The error for a 429 from an app: with the duplicate hint when it is a public Space."""
    return TooManyRequestsError(rate_limit_message(space_id, private=private), retry_after=retry_after)


# ----------------------------------------------------------------------------------------------
# duplicate
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DuplicatePlan:
    """What ``duplicate_space`` would do. Holds secret names only, never values or the token."""

    from_id: str
    to_id: str
    exists: bool
    private: bool
    existing_private: bool | None
    source_hardware: str | None
    current_hardware: str | None  # of the existing target, else None
    hardware: str  # the hardware the target will run on
    request_hardware: bool  # a hardware request will be sent
    sleep_time: int | None  # seconds of inactivity before sleeping (non-cpu-basic only)
    set_sleep_time: bool  # a sleep-time request will be sent (or it goes in the creation request)
    secret_names: tuple[str, ...] = ()
    from_url: str = ""
    url: str = ""

    @property
    def billing(self) -> bool:
        """True when the target runs on paid hardware."""
        return self.hardware != CPU_BASIC

    def describe(self) -> str:
        lines = [f"Duplicate Space {self.from_id} -> {self.to_id}"]
        lines.append(f"  source:   {self.from_url} (hardware {self.source_hardware or 'unknown'})")
        if self.exists:
            lines.append(f"  target:   {self.url} already exists: it will be re-used, nothing is created.")
            if self.existing_private is not None and self.existing_private != self.private:
                lines.append(
                    f"  privacy:  it stays {'private' if self.existing_private else 'public'} "
                    f"(private={self.private} only applies to a new Space)."
                )
        else:
            lines.append(f"  target:   {self.url} does not exist yet: it will be created ({'private' if self.private else 'public'}).")
        if self.request_hardware:
            now = f"currently {self.current_hardware}; " if self.exists and self.current_hardware else ""
            lines.append(f"  hardware: {now}{self.hardware} will be requested.")
        else:
            lines.append(f"  hardware: {self.hardware}" + (" (unchanged)." if self.exists else "."))
        if self.sleep_time:
            lines.append(f"  sleep:    after {self.sleep_time // 60} min without requests" + (" (will be set)." if self.set_sleep_time else " (already set)."))
        else:
            lines.append("  sleep:    the Hub's default for free hardware.")
        if self.secret_names:
            if self.exists:
                lines.append(f"  secrets:  {', '.join(self.secret_names)} will be IGNORED (secrets are only used when the Space is created).")
            else:
                lines.append(f"  secrets:  {', '.join(self.secret_names)} will be stored in the new Space.")
        if self.billing:
            owner = self.to_id.split("/")[0]
            extra = " ZeroGPU hardware needs a PRO account or an organization plan." if self.hardware.startswith("zero") else ""
            lines.append(
                f"  billing:  {self.hardware} is paid hardware: {owner}'s account is billed while the Space runs."
                f"{extra} See {hub_endpoint()}/settings/billing"
            )
        return "\n".join(lines)


def _space_exists(api: Any, space_id: str, token: str) -> Any | None:
    """The runtime of ``space_id``, or None when it does not exist (or this token cannot see it)."""
    try:
        return api.get_space_runtime(space_id, token=token)
    except Exception as exc:  # noqa: BLE001
        if _is_not_found(exc):
            return None
        raise _mapped(exc, space_id=space_id, token=token, action=f"check whether {space_id} exists") from None


def _source_runtime(api: Any, from_id: str, token: str) -> Any:
    try:
        return api.get_space_runtime(from_id, token=token)
    except Exception as exc:  # noqa: BLE001
        if _is_not_found(exc):
            raise SpaceError(
                f"Could not find Space: {from_id}. The Space {from_id!r} to duplicate "
                f"({space_page_url(from_id)}) does not exist, or it is private and the token "
                "cannot read it."
            ) from None
        raise _mapped(exc, space_id=from_id, token=token, action=f"read the Space {from_id}") from None


def _target_id(api: Any, from_id: str, to_id: str | None, token: str) -> str:
    if to_id:
        to_id = parse_space_src(to_id) or to_id.strip()
        if "/" in to_id:
            return _check_id(to_id, "to_id")  # an org (or user) namespace given: keep it
        name = to_id
    else:
        name = from_id.split("/", 1)[1]
    me = _hub_call(api.whoami, token=token, _sid=None, _token=token, _action="find your Hugging Face user name")
    return _check_id(f"{me['name']}/{name}", "to_id")


def _need_token(token: str | None) -> str:
    if not token:
        raise AuthenticationError(
            "Duplicating a Space needs a Hugging Face token with write access: pass token=\"hf_...\" "
            f"(or hf_token=...), set HF_TOKEN, or run `hf auth login`. Create one at {hub_endpoint()}/settings/tokens"
        )
    return token


def _wanted_sleep(hardware: str, sleep_timeout: float | None) -> int | None:
    if hardware == CPU_BASIC or sleep_timeout is None or sleep_timeout <= 0:
        return None
    return int(round(float(sleep_timeout) * 60))


def plan_duplicate(
    from_id: str,
    to_id: str | None = None,
    *,
    token: str | None,
    hardware: str | None = None,
    private: bool = True,
    secrets: Mapping[str, str] | None = None,
    sleep_timeout: float | None = 5,
) -> DuplicatePlan:
    """What ``duplicate_space`` with the same arguments would do. Read-only."""
    token = _need_token(token)
    from_id = _check_id(parse_space_src(from_id) or from_id, "from_id")
    api = _api()
    original = _runtime_fields(_source_runtime(api, from_id, token))
    target = _target_id(api, from_id, to_id, token)
    existing = _space_exists(api, target, token)
    wanted = _stage_str(hardware) if hardware else (original["hardware"] or original["requested_hardware"] or CPU_BASIC)
    sleep = _wanted_sleep(wanted, sleep_timeout)
    existing_private: bool | None = None
    if existing is not None:
        current = _runtime_fields(existing)
        current_hw = current["requested_hardware"] or current["hardware"] or CPU_BASIC
        request_hw = current_hw != wanted
        set_sleep = sleep is not None and getattr(existing, "sleep_time", None) != sleep
        try:
            existing_private = bool(api.space_info(target, token=token).private)
        except Exception:  # noqa: BLE001 - only used for the description
            existing_private = None
    else:
        current_hw = None
        request_hw = wanted != CPU_BASIC
        set_sleep = sleep is not None
    return DuplicatePlan(
        from_id=from_id,
        to_id=target,
        exists=existing is not None,
        private=bool(private),
        existing_private=existing_private,
        source_hardware=original["hardware"] or original["requested_hardware"],
        current_hardware=current_hw,
        hardware=wanted,
        request_hardware=request_hw,
        sleep_time=sleep,
        set_sleep_time=set_sleep,
        secret_names=tuple(secrets or ()),
        from_url=space_page_url(from_id),
        url=space_page_url(target),
    )


def duplicate_space(
    from_id: str,
    to_id: str | None = None,
    *,
    token: str | None,
    private: bool = True,
    hardware: str | None = None,
    secrets: Mapping[str, str] | None = None,
    sleep_timeout: float | None = 5,
    on_progress: StepCallback | None = None,
    _stacklevel: int = 2,
) -> str:
    """Duplicate ``from_id`` (or re-use an existing duplicate); return the target Space id."""
    token = _need_token(token)
    from_id = _check_id(parse_space_src(from_id) or from_id, "from_id")
    say: StepCallback = on_progress or (lambda _msg: None)
    api = _api()
    original = _runtime_fields(_source_runtime(api, from_id, token))
    target = _target_id(api, from_id, to_id, token)
    wanted = _stage_str(hardware) if hardware else (original["hardware"] or original["requested_hardware"] or CPU_BASIC)
    sleep = _wanted_sleep(wanted, sleep_timeout)
    page = space_page_url(target)

    runtime = _space_exists(api, target, token)
    if runtime is not None:
        say(f"Using your existing Space: {page}")
        if secrets:
            warnings.warn(
                "Secrets are only used when the Space is duplicated for the first time, and are not "
                f"updated if the duplicated Space already exists ({target}). Set them on {page}/settings.",
                UserWarning,
                stacklevel=_stacklevel,
            )
    else:
        say(f"Creating a duplicate of {from_id} for your own use: {target} ({'private' if private else 'public'})")
        secret_list = [{"key": str(k), "value": str(v)} for k, v in (secrets or {}).items()] or None
        action = f"duplicate {from_id} to {target}"
        if hasattr(api, "duplicate_repo"):
            _hub_call(
                api.duplicate_repo,
                from_id,
                target,
                repo_type="space",
                private=bool(private),
                token=token,
                exist_ok=True,
                space_hardware=wanted if wanted != CPU_BASIC else None,
                space_sleep_time=sleep,
                space_secrets=secret_list,
                _sid=from_id,
                _token=token,
                _action=action,
            )
        else:  # pragma: no cover - huggingface_hub < 1.0
            _hub_call(
                api.duplicate_space,
                from_id,
                target,
                private=bool(private),
                token=token,
                exist_ok=True,
                hardware=wanted if wanted != CPU_BASIC else None,
                sleep_time=sleep,
                secrets=secret_list,
                _sid=from_id,
                _token=token,
                _action=action,
            )
        say(f"Created new Space: {page}")
        runtime = _hub_call(api.get_space_runtime, target, token=token, _sid=target, _token=token, _action=f"read the Space {target}")

    current = _runtime_fields(runtime)
    current_hw = current["requested_hardware"] or current["hardware"] or CPU_BASIC  # a pending request counts
    if current_hw != wanted:
        say(f"Requesting hardware {wanted} for {target} (billing: {hub_endpoint()}/settings/billing)")
        runtime = _hub_call(
            api.request_space_hardware, target, wanted, token=token, _sid=target, _token=token, _action=f"request hardware {wanted} for {target}"
        )
    if sleep is not None and getattr(runtime, "sleep_time", None) != sleep:
        say(f"Setting the sleep time of {target} to {sleep // 60} min without requests")
        _hub_call(
            api.set_space_sleep_time, target, sleep, token=token, _sid=target, _token=token, _action=f"set the sleep time of {target}"
        )
    return target


def duplicate(
    from_id: str,
    to_id: str | None = None,
    token: str | bool | None = None,
    private: bool = True,
    hardware: str | None = None,
    secrets: Mapping[str, str] | None = None,
    sleep_timeout: float | None = 5,
    *,
    hf_token: str | bool | None = None,
    verbose: bool = True,
    on_progress: StepCallback | None = None,
) -> str:
    """``Client.duplicate``'s Hub part: same keyword parameters (minus ``max_workers``); returns the id."""
    tok = resolve_token(pick_token(token, hf_token))
    steps = on_progress if on_progress is not None else (print if verbose else None)
    return duplicate_space(
        from_id,
        to_id,
        token=tok,
        private=private,
        hardware=hardware,
        secrets=secrets,
        sleep_timeout=sleep_timeout,
        on_progress=steps,
        _stacklevel=4,
    )
