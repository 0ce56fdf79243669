"""The one ``httpx.AsyncClient`` of a Client, and the translation of HTTP failures into our errors.

Every request of a Client goes through ``Transport``: one connection pool, one cookie jar, one
place that decides which headers go to which host (user headers and the HF token only to the
hosts they are for, checked on every request including redirects), and one mapping from
status codes and httpx exceptions to the gradio_nb exception tree.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import ssl
import sys
import threading
import urllib.parse
import urllib.request
import warnings
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping

import httpx

from ._protocol.routes import origin_of
from ._exceptions import (
    AuthenticationError,
    ConfigError,
    ConnectionFailed,
    GradioNBError,
    ProtocolError,
    QueueError,
    TooManyRequestsError,
    ValidationError,
)

__all__ = ["Transport", "DEFAULT_TIMEOUT", "body_chunks", "call_headers"]

# Connecting must never hang forever; reading an SSE stream may legitimately wait long (a job
# can queue for minutes), but heartbeats arrive every 15 s, so a silent stream is a dead one.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=None)
# Discovery (login, config, info) answers at once from any live app: a server that accepted the
# connection but stays silent fails ``Client(url)`` within 10 s, not after the 60 s read timeout
# that long predictions need (gradio_client fails in about 5 s, httpx's default).
DISCOVERY_TIMEOUT = httpx.Timeout(connect=5.0, read=8.0, write=8.0, pool=5.0)
STREAM_READ_TIMEOUT = 45.0
# Joins and uploads are short; capping how many run at once keeps a burst of 1,000 submits from
# opening 1,000 connections in the same instant (event streams are not capped: each must stay
# open until its job ends).
SHORT_REQUESTS = 32
_warned_insecure = False
_ssl_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}


class _DeferredCAContext(ssl.SSLContext):
    """A verifying client context that loads its CA bundle just before the first TLS handshake.

    Loading the bundle costs ~20 ms, a good part of the first ``Client(url)`` in a process, and a
    Client of a plain-HTTP app (a local server, a tunnel, the demo) never needs it. Everything
    else is ``ssl.create_default_context``'s: TLS client, hostname check, certificates required.
    """

    _ca: tuple[str | None, str | None]
    _lock: threading.Lock
    _loaded: bool

    @classmethod
    def create(cls, cafile: str | None, capath: str | None) -> _DeferredCAContext:
        context = cls(ssl.PROTOCOL_TLS_CLIENT)
        context._ca, context._lock, context._loaded = (cafile, capath), threading.Lock(), False
        keylog = os.environ.get("SSLKEYLOGFILE")
        if keylog and not sys.flags.ignore_environment:
            context.keylog_filename = keylog
        return context

    def _load_ca(self) -> None:
        with self._lock:
            if not self._loaded:
                self.load_verify_locations(cafile=self._ca[0], capath=self._ca[1])
                self._loaded = True

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:  # asyncio/anyio streams
        if not self._loaded:
            self._load_ca()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:  # blocking sockets
        if not self._loaded:
            self._load_ca()
        return super().wrap_socket(*args, **kwargs)


def _shared_ssl_context() -> ssl.SSLContext:
    """One verifying SSL context per process (per CA setting), shared by every Client, with the
    CA bundle httpx would use: ``SSL_CERT_FILE``, else ``SSL_CERT_DIR``, else certifi's."""
    key = (os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None)
    context = _ssl_contexts.get(key)
    if context is None:
        if key[0] or key[1]:
            cafile, capath = key[0], None if key[0] else key[1]
        else:
            import certifi

            cafile, capath = certifi.where(), None
        context = _ssl_contexts[key] = _DeferredCAContext.create(cafile, capath)
    return context


_TRANSPORT_KWARGS = ("verify", "cert", "trust_env", "http1", "http2", "limits")
# httpx.AsyncClient settings that act on each request: with any of them, joins take the client's
# full request path too (Transport.post_json).
_PER_REQUEST_KWARGS = frozenset({"auth", "event_hooks", "mounts", "proxy", "proxies", "params", "app"})


def call_headers(user: Mapping[str, str] | None) -> dict[str, str]:
    """The headers of a call's join: the user's ``headers=``, and ``x-gradio-user: api`` always.

    Apps tell API calls from browser users by that header, so no spelling of it in
    ``headers=`` may replace it (gradio_client overwrites only the lower-case one).
    """
    headers = {k: v for k, v in (user or {}).items() if k.lower() != "x-gradio-user"}
    headers["x-gradio-user"] = "api"
    return headers


def _user_agent() -> str:
    from .. import __version__

    return f"gradio_nb/{__version__}; httpx/{httpx.__version__}; python/{platform.python_version()}"


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] if text else response.reason_phrase
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        if isinstance(detail, dict):
            return str(detail.get("error") or detail)
        return str(detail)
    return str(body)[:300]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime
        from datetime import datetime, timezone

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


# Headers of the user's that say who calls: a Space's ZeroGPU quota follows them. (A user's own
# x-hf-authorization never leaves: the header policy sends only the client's token.)
_IDENTITY_HEADERS = frozenset({"x-ip-token", "authorization"})


class Transport:
    """HTTP for one app: pooled, cookie-aware, with per-host header policy."""

    def __init__(
        self,
        src: str,
        *,
        headers: Mapping[str, str] | None = None,
        hf_token: str | None = None,
        token_origins: frozenset[tuple[str, str, int | None]] = frozenset(),
        ssl_verify: bool = True,
        httpx_kwargs: Mapping[str, Any] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        space_id: str | None = None,
        space_private: bool = False,
        retries: int = 0,
        basic_auth: tuple[str, str] | None = None,
    ) -> None:
        global _warned_insecure
        self.src = src
        self.space_id = space_id
        self._origin = origin_of(src)
        self._user_headers = {k: v for k, v in (headers or {}).items()}
        self._hf_token = hf_token
        self._token_origins = token_origins
        self.space_private = space_private
        if not isinstance(retries, int) or retries < 0:
            raise ConfigError("retries must be a whole number >= 0.")
        self.retries = retries
        self._suspect_pool = False
        self._basic_auth = httpx.BasicAuth(*basic_auth)._auth_header if basic_auth else None
        self._user_timeout = bool(httpx_kwargs and "timeout" in httpx_kwargs)
        # The user's httpx_kwargs={"timeout": ...} wins everywhere, discovery included.
        self.discovery_timeout: Any = (  # a Timeout, or httpx's "the client's own"
            httpx.USE_CLIENT_DEFAULT if self._user_timeout else DISCOVERY_TIMEOUT
        )
        self.short_requests = asyncio.Semaphore(SHORT_REQUESTS)
        if not ssl_verify and not _warned_insecure:
            _warned_insecure = True
            warnings.warn(
                "ssl_verify=False: TLS certificates of the app are not checked; anyone on the "
                "network path can read and change the traffic.",
                UserWarning,
                stacklevel=4,
            )
        kwargs: dict[str, Any] = {
            "timeout": DEFAULT_TIMEOUT,
            # A client certificate (httpx's cert=) is loaded into the context: not the shared one.
            "verify": (True if httpx_kwargs and "cert" in httpx_kwargs else _shared_ssl_context())
            if ssl_verify else False,
            "follow_redirects": False,
        }
        kwargs.update(httpx_kwargs or {})
        if transport is not None:
            kwargs["transport"] = transport
        ours = "transport" not in kwargs
        if ours:
            from ._http11 import HTTP11Transport, make_transport  # h11: not needed to import gradio_nb

            kwargs["transport"] = make_transport(**{k: kwargs[k] for k in _TRANSPORT_KWARGS if k in kwargs})
            ours = isinstance(kwargs["transport"], HTTP11Transport)
        hooks = kwargs.setdefault("event_hooks", {})
        hooks.setdefault("request", []).insert(0, self._apply_header_policy)
        base_headers = {"user-agent": _user_agent()}
        base_headers.update(kwargs.pop("headers", {}) or {})
        self.http = httpx.AsyncClient(headers=base_headers, **kwargs)
        direct = (ours and not _PER_REQUEST_KWARGS.intersection(httpx_kwargs or ())
                  and not (kwargs.get("trust_env", True) and _env_proxies()))
        self._direct: httpx.AsyncBaseTransport | None = kwargs["transport"] if direct else None
        self._direct_timeout = self.http.timeout.as_dict()
        self._urls: dict[str, httpx.URL] = {}

    @property
    def user_headers(self) -> dict[str, str]:
        """The headers the user gave (a copy): never the HF token or the URL's credentials."""
        return dict(self._user_headers)
    # -- who calls ----------------------------------------------------------------------------

    def _identity_headers(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        merged = {**self._user_headers, **(headers or {})}
        return {k.lower(): v for k, v in merged.items() if k.lower() in _IDENTITY_HEADERS}

    def identifies_caller(self, headers: Mapping[str, str] | None = None) -> bool:
        """Whether calls to the app say who calls: the HF token (sent to a Space's own host),
        or an ``x-ip-token``/authorization header (``headers``: the call's own)."""
        token_sent = bool(self._hf_token) and self._origin in self._token_origins
        return token_sent or bool(self._identity_headers(headers))

    def secrets(self, headers: Mapping[str, str] | None = None) -> list[str]:
        """The secrets calls may carry (the HF token, identity header values), to redact."""
        values = [self._hf_token or "", *self._identity_headers(headers).values()]
        values += [v.split(" ", 1)[1] for v in values if " " in v]  # "Bearer <token>"
        return sorted({v.strip() for v in values if len(v.strip()) >= 8}, key=len, reverse=True)

    # -- header policy -----------------------------------------------------------------------

    async def _apply_header_policy(self, request: httpx.Request) -> None:
        """User headers (and URL credentials) go to the app's origin only; the HF token to the
        Space's hosts only. Checked on every request, redirects included: httpx copies headers
        onto a redirected request, so anything that must not leave the origin is removed here.
        """
        origin = origin_of(request.url)
        if origin == self._origin:
            for key, value in self._user_headers.items():
                request.headers.setdefault(key, value)
            if self._basic_auth is not None and "authorization" not in request.headers:
                request.headers["authorization"] = self._basic_auth
        else:
            for key in self._user_headers:
                request.headers.pop(key, None)
            if self._basic_auth is not None and request.headers.get("authorization") == self._basic_auth:
                del request.headers["authorization"]
        if self._hf_token and origin in self._token_origins:
            request.headers["x-hf-authorization"] = f"Bearer {self._hf_token}"
        else:
            request.headers.pop("x-hf-authorization", None)

    # -- requests ------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        expected: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request and return a response with an expected status, or raise ours."""
        response = await self._send(method, url, what=what, **kwargs)
        if response.status_code not in expected:
            raise self.error_for(response, what)
        return response

    async def post_json(
        self, url: str, body: Any, *, what: str, headers: Mapping[str, str]
    ) -> httpx.Response:
        """POST ``body`` as JSON and return the 200 response, else raise ours: ``queue/join``,
        the one request a batch makes per item.

        It goes straight to the transport unless the user set something that acts per request
        (auth, event hooks, proxies, default params). httpx.AsyncClient's request path (URL
        merging, the cookie jar's round trip through urllib, the auth and redirect generators)
        costs ~100 µs a request, a tenth of a batch's client CPU per item; the request itself
        is the same: the client's headers and cookies, the header policy, its timeouts.
        """
        if self._direct is None:
            return await self.request("POST", url, what=what, json=body, headers=headers)
        # httpx's own encoding of json= (NaN refused: it is not JSON)
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        parsed = self._urls.get(url)
        if parsed is None:  # a join URL is parsed once (a fifth of building the request)
            parsed = self._urls[url] = httpx.URL(url)
        request = httpx.Request("POST", parsed, headers=self.http.headers, content=content,
                                extensions={"timeout": self._direct_timeout})
        request.headers.update(headers)
        request.headers["content-type"] = "application/json"
        if self.http.cookies:
            self.http.cookies.set_cookie_header(request)
        await self._apply_header_policy(request)
        response = await self._attempt(lambda: self._send_direct(request), what)
        if response.status_code != 200:
            raise self.error_for(response, what)
        return response

    async def _send_direct(self, request: httpx.Request) -> httpx.Response:
        assert self._direct is not None
        try:
            response = await self._direct.handle_async_request(request)
        except httpx.RequestError as exc:
            exc.request = request  # as the client does: the message reads its timeout
            raise
        response.request = request
        try:
            await response.aread()
        except BaseException:
            await response.aclose()
            raise
        if "set-cookie" in response.headers:
            self.http.cookies.extract_cookies(response)
        return response

    async def _send(self, method: str, url: str, *, what: str, **kwargs: Any) -> httpx.Response:
        return await self._attempt(lambda: self.http.request(method, url, **kwargs), what)

    async def _attempt(self, send: Callable[[], Awaitable[httpx.Response]], what: str) -> httpx.Response:
        """``send()``, again (up to 3 times) while a failure proves the app never got it."""
        attempts = 3
        for attempt in range(1, attempts + 1):
            try:
                response = await send()
            except httpx.TransportError as exc:
                if attempt < attempts and self._unsent(exc):
                    await asyncio.sleep(0.05 * attempt)
                    continue
                raise self.connection_error(exc, what) from exc
            if response.status_code >= 500:
                self._suspect_pool = True
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _unsent(self, exc: httpx.TransportError) -> bool:
        """Whether ``exc`` proves the app never received the request (so resending is safe).

        A pooled keep-alive connection the server had already closed (uvicorn's idle timeout, or
        Gradio dropping it after a 500, PROTOCOL.md §4) fails with "disconnected without
        sending a response" before the app saw anything. Connect timeouts are not retried: the
        user's connect timeout is the promise of how long an unreachable app takes to fail.
        """
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            if self._suspect_pool:
                self._suspect_pool = False
                return True
            # A body cut after the response began means the app did get the request.
            return "incomplete" not in str(exc).lower()
        return False

    @asynccontextmanager
    async def stream(self, method: str, url: str, *, what: str, **kwargs: Any) -> AsyncIterator[httpx.Response]:
        """A streamed response with status 200 (else our error)."""
        timeout = kwargs.pop("timeout", None)
        if timeout is None and not self._user_timeout:
            base = self.http.timeout
            timeout = httpx.Timeout(
                connect=base.connect, read=STREAM_READ_TIMEOUT if base.read is not None else None,
                write=base.write, pool=base.pool,
            )
        follow_redirects = kwargs.pop("follow_redirects", False)
        request = self.http.build_request(method, url, timeout=timeout or self.http.timeout, **kwargs)
        for attempt in (1, 2, 3):
            try:
                response = await self.http.send(request, stream=True, follow_redirects=follow_redirects)
            except httpx.TransportError as exc:
                if attempt < 3 and self._unsent(exc):
                    continue
                raise self.connection_error(exc, what) from exc
            break
        try:
            if response.status_code != 200:
                await response.aread()
                raise self.error_for(response, what)
            yield response
        except httpx.TransportError as exc:
            raise self.connection_error(exc, what) from exc
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    # -- errors --------------------------------------------------------------------------------

    def connection_error(self, exc: Exception, what: str) -> ConnectionFailed:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate verify failed" in str(exc):
            return ConnectionFailed(
                f"{what} failed: the TLS certificate of {self.src} could not be verified. For a "
                "self-signed certificate you trust, pass ssl_verify=False."
            )
        if isinstance(exc, httpx.ConnectTimeout):
            reason = "connecting timed out"
        elif isinstance(exc, httpx.ReadTimeout):
            waited = _read_timeout_of(exc)
            reason = "the server sent nothing in time (read timeout" + (
                f" after {waited:g} s; httpx_kwargs={{'timeout': ...}} sets it)" if waited else ")"
            )
        elif isinstance(exc, httpx.ConnectError):
            reason = "the connection was refused or the host is unreachable"
        elif isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
            reason = "the server closed the connection"
        else:
            reason = type(exc).__name__
        return ConnectionFailed(f"{what} failed: {reason} ({self.src}). Is the app running?")

    def error_for(self, response: httpx.Response, what: str) -> GradioNBError:
        status = response.status_code
        detail = _detail(response)
        if status == 401:
            # gradio_client's wording first (users match on it), then what to do.
            return AuthenticationError(
                f"Could not load {self.src} as credentials were not provided. Please login. "
                f"{what}: the app needs a login ({detail}); pass auth=(username, password) to Client."
            )
        if status == 403 and self.space_id:
            return AuthenticationError(f"{what}: access to {self.space_id} was refused ({detail}).")
        if status == 429:
            retry_after = _retry_after(response)
            message = (f"Too many requests to the API, please try again later. {what}: HTTP 429 "
                       f"from {self.src}.")
            if retry_after is not None:
                message += f" The server asks to retry after {retry_after:.0f} s."
            if self.space_id:
                from ._spaces import rate_limit_hint

                hint = rate_limit_hint(self.space_id, private=self.space_private)
                if hint:
                    message += " " + hint
            return TooManyRequestsError(message, retry_after=retry_after)
        if status == 503:
            return QueueError(
                f"Queue is full! Please try again. ({detail})" if "full" in detail.lower()
                else f"{what}: the app is unavailable (HTTP 503: {detail})."
            )
        if status == 422:
            return validation_error(response)
        return ProtocolError(f"{what}: HTTP {status} from {_strip_query(str(response.url))}: {detail}")


def body_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """A streamed body as its bytes arrive: raw, one async generator instead of httpx's three
    (an event stream is read a message at a time), unless the server compressed it or the body
    is already in memory (a MockTransport's response)."""
    if response.is_stream_consumed or "content-encoding" in response.headers:
        return response.aiter_bytes()
    return response.aiter_raw()


def _env_proxies() -> bool:
    """Whether the environment names a proxy (httpx then mounts a proxy transport)."""
    return any(key != "no" for key in urllib.request.getproxies_environment())


def _read_timeout_of(exc: httpx.TimeoutException) -> float | None:
    """The read timeout the failed request had, for the message (None if unknown)."""
    try:
        return exc.request.extensions["timeout"]["read"]
    except (RuntimeError, KeyError, TypeError):  # RuntimeError: the exception has no request
        return None


def _strip_query(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def validation_error(response: httpx.Response) -> ValidationError:
    """422 at join time: the app's ``validator=`` or FastAPI's body validation (PROTOCOL.md §4)."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        failed = [d for d in detail if isinstance(d, dict) and d.get("__type__") == "validate"
                  and not d.get("is_valid", True)]
        if failed:
            lines = [f"- {d.get('parameter_name')}: {d.get('message')}" for d in failed]
            return ValidationError(
                f"{len(failed)} parameter(s) failed validation:\n" + "\n".join(lines), errors=failed
            )
        msgs = [f"- {'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}" for d in detail
                if isinstance(d, dict)]
        return ValidationError("The app rejected the request body:\n" + "\n".join(msgs), errors=detail)
    return ValidationError(f"The app rejected the inputs (HTTP 422): {detail or response.text[:300]}")
