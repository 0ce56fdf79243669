"""``AsyncClient`` (the implementation's public face) and ``Client`` (its sync facade).

Both share ``_ClientBase``: everything that needs no I/O (endpoint lookup, argument binding,
``view_api``) happens in the caller's thread, so mistakes raise at once with a useful message.
I/O runs on the loop thread through ``App``.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
import threading
import weakref
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, Sequence

from . import _hooks, _loop, _spaces
from ._api import AsyncEndpointFunction, EndpointFunction, EndpointNamespace, PendingNamespace
from ._app import App
from ._batch import Batch
from ._batch.api import DEFAULT_QUOTA_WAIT
from ._batch.api import map as batch_map
from ._batch.api import start_sweep
from ._exceptions import ArgumentError, ConfigError, ConnectionFailed
from ._handle_file import default_download_dir
from ._job import Job
from ._protocol.endpoints import Endpoint, render_view_api
from ._protocol.routes import normalize_src, origin_of, split_credentials
from ._protocol.validation import check_arguments
from ._transport import Transport

__all__ = ["AsyncClient", "Client"]

DEFAULT_SPACE_TIMEOUT = 300.0


def _normalize_auth(auth: Any) -> tuple[str, str] | None:
    if auth is None:
        return None
    if isinstance(auth, (tuple, list)) and len(auth) == 2 and all(isinstance(a, str) for a in auth):
        return (auth[0], auth[1])
    raise ConfigError("auth must be a (username, password) tuple or list of two strings.")


class _Connection:
    """What ``connect`` needs, resolved in the caller's thread (Space lookup included)."""

    def __init__(
        self,
        src: str,
        token: str | bool | None = None,
        hf_token: str | bool | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        ssl_verify: bool = True,
        httpx_kwargs: Mapping[str, Any] | None = None,
        download_files: str | os.PathLike[str] | Literal[False] | None = None,
        space_timeout: float | None = DEFAULT_SPACE_TIMEOUT,
        verbose: bool = True,
        retries: int = 0,
        isolate_jobs: bool = True,
        transport: Any = None,
    ) -> None:
        self.space_id = _spaces.parse_space_src(src)
        token_value = _spaces.pick_token(token, hf_token)
        token_origins: set[tuple[str, str, int | None]] = set()
        self.token: str | None = None
        self.space_private = False
        self.basic_auth: tuple[str, str] | None = None
        if self.space_id is not None:
            self.token = _spaces.resolve_token(token_value)
            on_progress = _space_progress(verbose)
            status = _spaces.resolve_space(
                self.space_id, token=self.token, timeout=space_timeout, on_progress=on_progress
            )
            if not status.host:
                raise ConfigError(f"The Hub reports no host for Space {self.space_id}.")
            self.src = normalize_src(status.host)
            self.space_private = bool(status.private)
            token_origins.add(origin_of(self.src))
        else:
            clean, self.basic_auth = split_credentials(src)
            self.src = normalize_src(clean)
            host = _host(self.src)
            if host.endswith(".hf.space") and token_value is not False:
                # A Space's own app URL: its token may go to that host, and nowhere else.
                self.token = _spaces.resolve_token(token_value)
                token_origins.add(origin_of(self.src))
        self.token_origins = frozenset(token_origins)
        self.headers = dict(headers or {})
        self.ssl_verify = ssl_verify
        self.httpx_kwargs = dict(httpx_kwargs or {})
        self.transport = transport
        self.retries = retries
        self.isolate_jobs = isolate_jobs
        if download_files is False:
            self.download_dir: str | None = None
        elif download_files is None or download_files is True:
            self.download_dir = default_download_dir()
        elif isinstance(download_files, (str, os.PathLike)):
            self.download_dir = os.fspath(download_files)
            if os.path.exists(self.download_dir) and not os.path.isdir(self.download_dir):
                raise ConfigError(  # gradio_client's wording first
                    f"Path: {self.download_dir} is not a directory. download_files must be a "
                    "folder (created when needed) or False."
                )
        else:
            raise ConfigError("download_files must be a folder path or False.")

    async def open(self, auth: tuple[str, str] | None) -> App:
        transport = Transport(
            self.src,
            headers=self.headers,
            hf_token=self.token,
            token_origins=self.token_origins,
            ssl_verify=self.ssl_verify,
            httpx_kwargs=self.httpx_kwargs,
            transport=self.transport,
            space_id=self.space_id,
            space_private=self.space_private,
            retries=self.retries,
            basic_auth=self.basic_auth,
        )
        return await App.open(transport, auth=auth, download_dir=self.download_dir,
                              isolate_jobs=self.isolate_jobs)


@dataclass(frozen=True, repr=False)
class _Recipe:
    """How a client was made: what it pickles to, and how an unpickled one connects.

    Only what the user passed is kept (fsspec's convention): a token found in the environment
    or in the Hub login is looked up again by ``_Connection`` wherever the client is rebuilt.
    """

    src: str
    token: str | bool | None
    hf_token: str | bool | None
    auth: tuple[str, str] | None
    options: Mapping[str, Any] = field(default_factory=dict)  # _Connection's keyword options
    verbose: bool = True
    validate: bool = True
    api_name: str | None = None

    def __repr__(self) -> str:  # never the token, the password or the headers
        return f"<_Recipe {self.display_src()!r}>"

    def display_src(self) -> str:
        if _needs_hub(self.src):
            return self.src
        return normalize_src(split_credentials(self.src)[0])

    def prepare(self) -> _Connection:
        return _Connection(self.src, self.token, self.hf_token, **self.options)

    async def aprepare(self) -> _Connection:
        if _needs_hub(self.src):  # huggingface_hub is sync: keep it off every event loop
            return await asyncio.to_thread(self.prepare)
        return self.prepare()


# Clients rebuilt by unpickling, one per (class, recipe) and process, as fsspec caches its file
# systems: Dask and joblib unpickle a task's function for every task, and each copy connecting
# on its own would cost a /config and /info round trip (and a connection pool) per call.
_unpickled: dict[bytes, _ClientBase] = {}
_unpickled_lock = threading.Lock()
os.register_at_fork(after_in_child=_unpickled.clear)  # a child's clients are its own


def _unpickle_client(cls: type[_ClientBase], recipe: _Recipe) -> _ClientBase:
    """The client for this recipe in this process; a new one connects on first use."""
    key = pickle.dumps((cls.__qualname__, recipe))
    with _unpickled_lock:
        client = _unpickled.get(key)
        if client is None or client.closed:
            client = cls.__new__(cls)
            client._init_unconnected(recipe)
            _unpickled[key] = client
        return client


def _host(url: str) -> str:
    import urllib.parse

    return (urllib.parse.urlsplit(url).hostname or "").lower()


def _space_progress(verbose: bool) -> Callable[..., None] | None:
    if _hooks.space_progress is not None:
        renderer = _hooks.space_progress()
        if renderer is not None:
            return renderer
    if not verbose:
        return None
    return _spaces.TerminalProgress()


def _pick_src(src: str | None, space: str | None) -> str:
    if src is not None and space is not None and src != space:
        raise ConfigError("Pass the app either as src or as space, not both.")
    value = src if src is not None else space
    if value is None:
        raise ConfigError("Client needs the app: a URL such as 'http://127.0.0.1:7860/' or a Space id 'owner/name'.")
    return value


class _ClientBase:
    """No-I/O parts shared by ``Client`` and ``AsyncClient``.

    A client made by ``Client(...)``/``AsyncClient.connect(...)`` is connected at once. One
    rebuilt by pickle (a process pool, joblib, Dask) holds only its ``_Recipe`` and connects on
    first use: ``_app`` starts one shared connect on the loop thread, whichever threads ask.
    """

    _live_app: App | None = None
    _recipe: _Recipe | None = None
    _connecting: concurrent.futures.Future[App] | None = None
    _connect_lock: threading.Lock | None = None
    _closed_unconnected = False
    _auth_username: str | None = None
    _default_api_name: str | None = None
    _endpoint_function: type = EndpointFunction
    api: EndpointNamespace
    """The app's endpoints as functions: ``client.api.generate(text="a cat")``."""
    verbose: bool
    space_id: str | None
    validate: bool

    # -- connection, possibly lazy ----------------------------------------------------------

    @property
    def _app(self) -> App:
        app = self._live_app
        if app is not None:
            return app
        _loop.check_may_block()
        return self._start_connect().result()

    @_app.setter
    def _app(self, app: App) -> None:
        self._live_app = app

    def _init_unconnected(self, recipe: _Recipe) -> None:
        self._recipe = recipe
        self._connect_lock = threading.Lock()
        self.verbose = recipe.verbose
        self.validate = recipe.validate
        self.space_id = _spaces.parse_space_src(recipe.src)
        self._auth_username = recipe.auth[0] if recipe.auth else None
        self._default_api_name = recipe.api_name
        self.api = PendingNamespace(self, self._endpoint_function)

    def _start_connect(self) -> concurrent.futures.Future[App]:
        """The one connect of an unpickled client, started by its first user (any thread)."""
        assert self._connect_lock is not None and self._recipe is not None
        with self._connect_lock:
            if self._closed_unconnected:
                raise ConnectionFailed("This client is closed; create a new one.")
            future = self._connecting
            if future is None or (future.done() and future.exception() is not None):
                # First use, or the last attempt failed (app down?): try again now.
                future = asyncio.run_coroutine_threadsafe(self._connect_lazily(), _loop.get_loop())
                self._connecting = future
            return future

    async def _ensure_connected(self) -> None:
        """Async callers wait for a lazy connect without blocking their event loop."""
        if self._live_app is None:
            await asyncio.wrap_future(self._start_connect())

    async def _connect_lazily(self) -> App:
        recipe = self._recipe
        assert recipe is not None
        prep = await recipe.aprepare()
        app = await prep.open(recipe.auth)
        self.space_id = prep.space_id
        self._live_app = app
        self._make_api()
        self._on_connected(app)
        return app

    def _on_connected(self, app: App) -> None:
        """Called once a lazy connect has succeeded (on the loop thread)."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle to how the client was made (src, options, credentials given explicitly)."""
        recipe = self._recipe
        if recipe is None:
            raise TypeError(f"This {type(self).__name__} was built around an existing connection, so it "
                            "cannot be pickled: make it with Client(src)/AsyncClient.connect(src).")
        if recipe.options.get("transport") is not None:
            raise TypeError(f"A {type(self).__name__} made with transport=... cannot be pickled: the "
                            "transport object lives in this process. Pickle a client made from the "
                            "app's URL instead.")
        return (_unpickle_client, (type(self), recipe))

    def _label(self) -> str:
        """``Client('http://host/')`` for reprs and errors: never connects, never a secret."""
        if self._live_app is not None:
            src = self._live_app.transport.src
        else:
            src = self._recipe.display_src() if self._recipe is not None else "?"
        return f"{type(self).__name__}({src!r})"

    def _close_unconnected(self) -> bool:
        """Close a lazy client that never connected (True), so that later use fails clearly."""
        if self._live_app is not None or self._connect_lock is None:
            return False
        with self._connect_lock:
            connecting = self._connecting
            if connecting is not None and not (connecting.done() and connecting.exception()):
                return False  # a connect is under way: the caller closes what it opens
            self._closed_unconnected = True
            return True

    def _make_api(self) -> None:
        """``client.api``: a plain attribute (IPython's completer reads no properties)."""
        pending = self.__dict__.get("api")
        functions = pending._EndpointNamespace__functions if pending is not None else None
        self.api = EndpointNamespace(self, self._endpoint_function, functions)

    @property
    def src(self) -> str:
        """The app's URL (normalised, ending in '/')."""
        return self._app.transport.src

    @property
    def config(self) -> Mapping[str, Any]:
        return self._app.config

    @property
    def app_version(self) -> str:
        return self._app.spec.version

    @property
    def protocol(self) -> str:
        return self._app.spec.protocol

    @property
    def session_hash(self) -> str:
        """The session that holds this client's ``gr.State`` values."""
        return self._app.state_session.hash

    @property
    def endpoints(self) -> list[Endpoint]:
        """The documented (public) endpoints, in the app's order."""
        return self._app.spec.documented()

    @property
    def all_endpoints(self) -> list[Endpoint]:
        """Every callable endpoint, undocumented ones included (see ``load_all_endpoints``)."""
        return [e for e in self._app.spec.callable() if e.api_name]

    @property
    def headers(self) -> dict[str, str]:
        """The headers given to ``Client(headers=...)`` (a copy; tokens are never in it)."""
        return self._app.transport.user_headers

    @property
    def output_dir(self) -> str:
        """Where output files are downloaded (gradio_client's name for it)."""
        download_dir = self._app.files.download_dir
        return str(download_dir) if download_dir is not None else default_download_dir()

    @property
    def api_prefix(self) -> str:
        """The app's API path prefix, as gradio_client writes it (``"gradio_api/"``)."""
        return str(self._app.config.get("api_prefix") or "").lstrip("/") + "/"

    @property
    def src_prefixed(self) -> str:
        """The app's URL with its API prefix (``http://host/gradio_api/``)."""
        return self._app.routes.api

    @property
    def upload_url(self) -> str:
        return self._app.routes.upload

    @property
    def closed(self) -> bool:
        app = self._live_app
        return app.closed if app is not None else self._closed_unconnected

    @property
    def auth_username(self) -> str | None:
        """The user name this client logged in with (never the password)."""
        return self._auth_username

    def endpoint(self, api_name: str | None = None, fn_index: int | None = None) -> Endpoint:
        """Look an endpoint up as ``predict`` would (errors list the valid names)."""
        return self._app.spec.resolve(api_name, fn_index)

    def view_api(
        self,
        all_endpoints: bool | None = None,
        print_info: bool = True,
        return_format: Literal["dict", "str"] | None = None,
    ) -> dict[str, Any] | str | None:
        """Print (and optionally return) the app's API, exactly as gradio_client shows it."""
        info = self._app.spec.info
        text = render_view_api(info, all_endpoints)
        if print_info:
            print(text)
        if return_format == "str":
            return text
        if return_format == "dict":
            return info  # type: ignore[return-value]
        return None

    def __repr__(self) -> str:
        if self._live_app is None:  # unpickled, not used yet: a repr must not connect
            return f"<{self._label()}: connects on first use>"
        return render_view_api(self._app.spec.info)

    __str__ = __repr__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def widget(self, api_name: str | None = None) -> Any:
        """Interactive forms for the endpoints (one tab each), or for one endpoint (Jupyter)."""
        return _hooks.notebook().client_widget(self, api_name=api_name)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        return _hooks.notebook().client_mimebundle(self)

    def add_zero_gpu_headers(self, headers: dict[str, str]) -> dict[str, str]:
        """Add the ``x-ip-token`` of the Gradio request being handled to ``headers`` (and return it).

        For a Gradio app that calls a ZeroGPU Space: called inside one of its event functions,
        it passes the app's user's token on, so the Space counts that user's GPU quota. As in
        gradio_client, it does nothing for an app that is not a Space, or outside a Gradio
        request. Use: ``client.predict(..., headers=client.add_zero_gpu_headers({}))``.
        """
        if not self.space_id:
            return headers
        # Inside a Gradio app, gradio is imported already; never import it (seconds) here.
        context = sys.modules.get("gradio.context")
        local = getattr(context, "LocalContext", None)
        request = local.request.get(None) if local is not None else None
        if request is not None and "x-ip-token" in (getattr(request, "headers", None) or {}):
            headers["x-ip-token"] = request.headers["x-ip-token"]
        return headers

    def map(self, inputs: Any, api_name: str | None = None, *, fn_index: int | None = None,
            concurrency: int | None = None, retries: int = 3, errors: str = "collect",
            cache: bool | str | os.PathLike[str] | None = None, progress: bool = True,
            headers: Mapping[str, str] | None = None,
            quota_wait: timedelta | float | None = DEFAULT_QUOTA_WAIT) -> Batch:
        """Run an endpoint over ``inputs`` and return the ``Batch`` at once.

        ``inputs``: any iterable, read lazily; each item is a dict (keyword arguments), a tuple
        (positional) or a bare value (the one parameter); a pandas DataFrame gives one call per
        row, columns matched to parameter names. Each item is bound and validated like
        ``predict()``: a bad item fails alone. ``concurrency``: jobs in flight (None picks a
        bound from the app); ``retries``: per item, for 429/503/lost connections (backoff with
        jitter, honouring Retry-After; a 429 also lowers the concurrency for a while);
        ``errors``: "collect" records failures and goes on, "raise" stops at the first;
        ``cache``: True or a folder, to store results and skip finished items on a re-run;
        ``progress``: a tqdm bar on stderr; ``quota_wait``: on a ZeroGPU Space, the longest
        quota wait to accept (a ``timedelta`` or seconds; None always waits, 0 never): a quota
        refusal pauses the batch until the quota allows again, a longer wait stops it with the
        unfinished items failed (``batch.retry_failed(quota_wait=None)`` resumes them).

        The batch's stateless jobs share one session (it is cancelled as a whole); an endpoint
        with ``gr.State`` runs each item in a fresh session of its own, from the initial State.
        """
        return batch_map(self, inputs, api_name, fn_index=fn_index,
                         concurrency=concurrency, retries=retries, errors=errors, cache=cache,
                         progress=progress, headers=headers, quota_wait=quota_wait)

    def sweep(self, api_name: str | None = None, *, fn_index: int | None = None,
              concurrency: int | None = None, retries: int = 3, errors: str = "collect",
              cache: bool | str | os.PathLike[str] | None = None, progress: bool = True,
              quota_wait: timedelta | float | None = DEFAULT_QUOTA_WAIT, **grid: Any) -> Batch:
        """Run an endpoint over a grid: lists vary (cartesian product), scalars are fixed,
        parameters not given keep the app's defaults. Options as in ``map``.

        ``client.sweep(api_name="/predict", text=["a cat", "a dog"], steps=[10, 25, 50])``
        """
        return start_sweep([self], api_name=api_name, fn_index=fn_index, grid=grid, options=dict(
            concurrency=concurrency, retries=retries, errors=errors, cache=cache, progress=progress,
            quota_wait=quota_wait))

    def _check_default_api_name(self, api_name: str | None) -> str | None:
        if api_name is not None:
            self._app.spec.resolve(api_name)  # a wrong default fails now, with the valid names
        return api_name

    def _bind(
        self, args: Sequence[Any], kwargs: Mapping[str, Any], api_name: str | None, fn_index: int | None
    ) -> tuple[Endpoint, list[Any], dict[str, Any], ArgumentError | None]:
        """Resolve and bind a call: (endpoint, values, arguments by name, refused).

        Raises what gradio_client raises at submit: an unknown endpoint, a missing or unknown
        argument. Returns as ``refused`` what gradio_client sends and learns of only from
        ``result()``: too many positional arguments, a value the endpoint's schema rules out.
        Nothing is sent for a refused call; ``submit`` fails its job with the error, ``predict``
        raises it.
        """
        if api_name is None and fn_index is None:
            api_name = self._default_api_name
        endpoint = self._app.spec.resolve(api_name, fn_index)
        refused: ArgumentError | None = None
        if endpoint.documented and len(args) > len(endpoint.parameters):
            try:
                endpoint.bind(args, kwargs)  # raises the "takes N argument(s)" error
            except ArgumentError as exc:
                refused = exc
            args = args[: len(endpoint.parameters)]  # bind the rest: their errors raise now
        values = endpoint.bind(args, kwargs)
        if refused is None and self.validate and endpoint.documented:
            try:
                check_arguments(endpoint, values,
                                choices_enforced=self._app.features.choices_enforced)
            except ArgumentError as exc:
                refused = exc
        names = [p.name for p in endpoint.parameters] if endpoint.documented else \
            [f"arg{i}" for i in range(len(values))]
        return endpoint, values, dict(zip(names, values)), refused

    def _needs_full_info(self, api_name: str | None, kwargs: Mapping[str, Any]) -> bool:
        api_name = api_name or self._default_api_name
        if not kwargs or api_name is None:
            return False
        for endpoint in self._app.spec.endpoints.values():
            if endpoint.api_name == api_name and not endpoint.documented and endpoint.callable:
                return True
        return False

    def _start(
        self,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        api_name: str | None,
        fn_index: int | None,
        headers: Mapping[str, str] | None,
        result_callbacks: Callable[..., Any] | Sequence[Callable[..., Any]] | None,
        *,
        raise_refused: bool = False,
    ) -> Job:
        """Bind, check and start a call (``submit``); ``raise_refused``: ``predict``'s way."""
        endpoint, values, arguments, refused = self._bind(args, kwargs, api_name, fn_index)
        if refused is not None and raise_refused:
            raise refused
        return self._new_job(endpoint, values, arguments, headers, result_callbacks, refused)

    def _new_job(
        self,
        endpoint: Endpoint,
        values: list[Any],
        arguments: dict[str, Any],
        headers: Mapping[str, str] | None,
        result_callbacks: Callable[..., Any] | Sequence[Callable[..., Any]] | None,
        refused: ArgumentError | None = None,
        *,
        session: Any = None,
        announce: bool = True,
    ) -> Job:
        """A job for the call, started on the loop thread (in ``session``, for batches); or,
        ``refused``, one failed with it. ``announce=False`` keeps it out of the notebook's job
        list (a batch shows as one)."""
        app = self._app
        job = Job(
            endpoint, arguments, canceller=app.request_cancel, diffs=app.features.diffs,
            verbose=self.verbose, space_id=self.space_id,
        )
        job._owner = self  # keeps the client (and its connection) alive while the job lives
        if result_callbacks:
            callbacks = [result_callbacks] if callable(result_callbacks) else list(result_callbacks)

            def on_done(finished: Job) -> None:  # never on the loop thread (Job.add_done_callback)
                if finished.cancelled() or finished.exception() is not None:
                    return
                value = finished.result()
                for callback in callbacks:
                    callback(*value) if isinstance(value, tuple) else callback(value)

            job.add_done_callback(on_done)
        if refused is not None:
            job._fail_before_sending(refused)
        if announce and _hooks.on_job is not None:
            _hooks.on_job(job)
        if refused is None:
            _loop.call_soon(app.start, job, values, dict(headers) if headers else None, session)
        return job


class AsyncClient(_ClientBase):
    """The async client: ``client = await AsyncClient.connect(src)``.

    Same methods as ``Client``, as coroutines. It can be used from any event loop; its I/O runs
    on gradio_nb's loop thread.
    """

    _endpoint_function = AsyncEndpointFunction

    def __init__(self, app: App, *, verbose: bool = True, space_id: str | None = None,
                 validate: bool = True) -> None:
        self._app = app
        self.verbose = verbose
        self.space_id = space_id
        self.validate = validate
        self._make_api()

    @classmethod
    async def connect(
        cls,
        src: str | None = None,
        token: str | bool | None = None,
        *,
        hf_token: str | bool | None = None,
        auth: tuple[str, str] | list[str] | None = None,
        headers: Mapping[str, str] | None = None,
        download_files: str | Path | Literal[False] = None,  # type: ignore[assignment]
        ssl_verify: bool = True,
        httpx_kwargs: Mapping[str, Any] | None = None,
        verbose: bool = True,
        validate: bool = True,
        retries: int = 0,
        isolate_jobs: bool = True,
        space_timeout: float | None = DEFAULT_SPACE_TIMEOUT,
        transport: Any = None,
        space: str | None = None,
        api_name: str | None = None,
    ) -> AsyncClient:
        """Connect to a Gradio app (URL) or a Hugging Face Space (``owner/name``).

        Beyond gradio_client's options: ``validate`` checks arguments against the endpoint's
        schema before sending; ``retries`` retries a submit refused with 429/503, and a call a
        ZeroGPU Space found no GPU for (exponential backoff, honouring Retry-After); ``isolate_jobs`` (see ``Client``); ``space_timeout``
        bounds the wait for a building or sleeping Space; ``transport`` is an
        ``httpx.AsyncBaseTransport`` (e.g. ``MockTransport``).
        """
        src = _pick_src(src, space)
        auth_pair = _normalize_auth(auth)
        options = dict(headers=headers, ssl_verify=ssl_verify, httpx_kwargs=httpx_kwargs,
                       download_files=download_files, space_timeout=space_timeout,
                       verbose=verbose, retries=retries, isolate_jobs=isolate_jobs,
                       transport=transport)
        recipe = _Recipe(src, token, hf_token, auth_pair, options, verbose, validate, api_name)
        prep = await recipe.aprepare()
        app = await _loop.run_async(prep.open(auth_pair))
        client = cls(app, verbose=verbose, space_id=prep.space_id, validate=validate)
        client._auth_username = auth_pair[0] if auth_pair else None
        client._recipe = recipe
        try:
            client._default_api_name = client._check_default_api_name(api_name)
        except BaseException:
            await client.close()
            raise
        return client

    async def submit(
        self,
        *args: Any,
        api_name: str | None = None,
        fn_index: int | None = None,
        headers: Mapping[str, str] | None = None,
        result_callbacks: Callable[..., Any] | Sequence[Callable[..., Any]] | None = None,
        **kwargs: Any,
    ) -> Job:
        """Start a call and return its ``Job`` at once (``await job`` for the result).

        As in gradio_client, an unknown ``api_name`` or a missing or unknown argument raises
        here; a value the endpoint's schema rules out fails the job (``await job`` raises).
        """
        await self._ensure_connected()
        if self._needs_full_info(api_name, kwargs):
            await _loop.run_async(self._app.load_all_endpoints())
        return self._start(args, kwargs, api_name, fn_index, headers, result_callbacks)

    async def predict(
        self,
        *args: Any,
        api_name: str | None = None,
        fn_index: int | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call an endpoint and return its result (the last yield for generators)."""
        if self._needs_full_info(api_name, kwargs):
            await _loop.run_async(self._app.load_all_endpoints())
        job = self._start(args, kwargs, api_name, fn_index, headers, None, raise_refused=True)
        try:
            return await job
        except asyncio.CancelledError:
            job.cancel()
            raise

    async def map(self, inputs: Any, api_name: str | None = None, **options: Any) -> Batch:  # type: ignore[override]
        """``batch = await client.map(inputs, api_name=...)``: as ``Client.map``."""
        return _ClientBase.map(self, inputs, api_name, **options)

    async def sweep(self, api_name: str | None = None, **grid_and_options: Any) -> Batch:  # type: ignore[override]
        """``batch = await client.sweep(api_name=..., **grid)``: as ``Client.sweep``."""
        return _ClientBase.sweep(self, api_name, **grid_and_options)

    async def load_all_endpoints(self) -> None:
        """Also document undocumented endpoints (keyword arguments, defaults, forms)."""
        await self._ensure_connected()
        await _loop.run_async(self._app.load_all_endpoints())

    async def reset_session(self) -> None:
        """Start a fresh session: State values start over."""
        await self._ensure_connected()
        await _loop.run_async(self._app.reset_session())

    async def close(self) -> None:
        """Close the connection; pending jobs fail with ``ConnectionFailed``."""
        if self._close_unconnected():
            return
        await self._ensure_connected()
        await _loop.run_async(self._app.aclose())

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @classmethod
    async def duplicate(cls, from_id: str, to_id: str | None = None, token: str | None = None,
                        **kwargs: Any) -> AsyncClient:
        """Duplicate a Space (or re-use your earlier duplicate) and connect to it."""
        client_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _CLIENT_KWARGS}
        space_id = await asyncio.to_thread(_spaces.duplicate, from_id, to_id, token, **kwargs)
        tok = token or kwargs.get("hf_token")
        return await cls.connect(space_id, tok, **client_kwargs)


_CLIENT_KWARGS = {"auth", "headers", "download_files", "ssl_verify", "httpx_kwargs", "validate",
                  "retries", "isolate_jobs", "space_timeout", "transport", "verbose"}


def _needs_hub(src: str) -> bool:
    return isinstance(src, str) and not src.strip().startswith(("http://", "https://"))


class Client(_ClientBase):
    """Use a Gradio app as an API: ``Client("owner/space")`` or ``Client("http://host:7860/")``.

    The sync facade of ``AsyncClient``, compatible with ``gradio_client.Client``. Works in
    scripts, threads, ``async def`` functions and Jupyter cells alike.
    """

    def __init__(
        self,
        src: str | None = None,
        token: str | bool | None = None,
        max_workers: int = 40,
        verbose: bool = True,
        auth: tuple[str, str] | list[str] | None = None,
        httpx_kwargs: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        download_files: str | Path | Literal[False] = None,  # type: ignore[assignment]
        ssl_verify: bool = True,
        analytics_enabled: bool = True,
        oauth_token: str | None = None,
        hf_token: str | bool | None = None,
        validate: bool = True,
        retries: int = 0,
        isolate_jobs: bool = True,
        space_timeout: float | None = DEFAULT_SPACE_TIMEOUT,
        transport: Any = None,
        space: str | None = None,
        api_name: str | None = None,
    ) -> None:
        """Connect to a Gradio app (URL) or a Hugging Face Space (``owner/name``).

        ``space=`` is the guide's older name for ``src``; ``api_name=`` sets the endpoint used
        when a call names none. ``max_workers`` and ``analytics_enabled`` are accepted for
        compatibility only: gradio_nb needs no worker threads and sends no telemetry.

        ``isolate_jobs=True`` (the default) runs each job of a stateless endpoint in a session
        of its own, so cancelling one job never stops another. ``False`` shares one session,
        as gradio_client does: a burst of concurrent jobs costs the app about half as much, but
        cancelling a *running* job also stops the other running jobs of that endpoint (they end
        with ``JobCancelledError``; Gradio cancels per session and endpoint).
        """
        del max_workers, analytics_enabled, oauth_token
        src = _pick_src(src, space)
        self.verbose = verbose
        self.validate = validate
        auth_pair = _normalize_auth(auth)
        options = dict(headers=headers, ssl_verify=ssl_verify, httpx_kwargs=httpx_kwargs,
                       download_files=download_files, space_timeout=space_timeout, verbose=verbose,
                       retries=retries, isolate_jobs=isolate_jobs, transport=transport)
        self._recipe = _Recipe(src, token, hf_token, auth_pair, options, verbose, validate, api_name)
        prep = self._recipe.prepare()
        self.space_id = prep.space_id
        self._app = _loop.run_sync(prep.open(auth_pair))
        self._make_api()
        self._auth_username = auth_pair[0] if auth_pair else None
        self._finalizer = weakref.finalize(self, _close_in_background, self._app)
        self._finalizer.atexit = False  # at exit, _loop.shutdown closes every live app itself
        try:
            self._default_api_name = self._check_default_api_name(api_name)
        except BaseException:
            self.close()
            raise
        if verbose:
            print(f"Loaded as API: {self.src} ✔")

    def submit(
        self,
        *args: Any,
        api_name: str | None = None,
        fn_index: int | None = None,
        headers: Mapping[str, str] | None = None,
        result_callbacks: Callable[..., Any] | Sequence[Callable[..., Any]] | None = None,
        **kwargs: Any,
    ) -> Job:
        """Start a call and return its ``Job`` at once (``job.result()`` blocks for the value).

        As in gradio_client, an unknown ``api_name`` or a missing or unknown argument raises
        here; a value the endpoint's schema rules out fails the job (``result()`` raises it,
        iterating yields nothing).
        """
        if self._needs_full_info(api_name, kwargs):
            _loop.run_sync(self._app.load_all_endpoints())
        return self._start(args, kwargs, api_name, fn_index, headers, result_callbacks)

    def predict(
        self,
        *args: Any,
        api_name: str | None = None,
        fn_index: int | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call an endpoint and block until its result (Ctrl-C cancels the remote job)."""
        if self._needs_full_info(api_name, kwargs):
            _loop.run_sync(self._app.load_all_endpoints())
        job = self._start(args, kwargs, api_name, fn_index, headers, None, raise_refused=True)
        try:
            if _hooks.blocking_wait is not None:
                with _hooks.blocking_wait(job):
                    return job.result()
            return job.result()
        except KeyboardInterrupt:
            job.cancel()
            raise

    def load_all_endpoints(self) -> None:
        """Also document undocumented endpoints (keyword arguments, defaults, forms)."""
        _loop.run_sync(self._app.load_all_endpoints())

    def reset_session(self) -> None:
        """Start a fresh session: State values start over."""
        _loop.run_sync(self._app.reset_session())

    def _on_connected(self, app: App) -> None:
        self._finalizer = weakref.finalize(self, _close_in_background, app)
        self._finalizer.atexit = False

    def close(self) -> None:
        """Close the connection; pending jobs fail with ``ConnectionFailed``."""
        if self._close_unconnected():
            return
        app = self._app  # a connect still under way finishes first, so that this closes it
        self._finalizer.detach()
        if not app.closed:
            _loop.run_sync(app.aclose())

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def duplicate(
        cls,
        from_id: str,
        to_id: str | None = None,
        token: str | None = None,
        private: bool = True,
        hardware: str | None = None,
        secrets: dict[str, str] | None = None,
        sleep_timeout: int = 5,
        max_workers: int = 40,
        verbose: bool = True,
        *,
        hf_token: str | None = None,
        **client_kwargs: Any,
    ) -> Client:
        """Duplicate a Space into your account (or re-use your earlier duplicate) and connect.

        Same parameters as ``gradio_client.Client.duplicate``; ``hf_token`` is accepted too.
        """
        space_id = _spaces.duplicate(
            from_id, to_id, token, private, hardware, secrets, sleep_timeout,
            hf_token=hf_token, verbose=verbose,
        )
        return cls(space_id, token, max_workers, verbose, hf_token=hf_token, **client_kwargs)



def _close_in_background(app: App) -> None:
    """A Client dropped without close(): release its connections on the loop thread."""
    try:
        if not app.closed:
            # shutdown() also awaits this same close: App.aclose is shared and idempotent.
            _loop.spawn(app.aclose)
    except RuntimeError:  # interpreter shutting down
        pass
