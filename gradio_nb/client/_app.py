"""The connection to one app: discovery, sessions, running and cancelling jobs.

``App`` is the engine behind both ``AsyncClient`` and ``Client``. All of its coroutines and
callbacks run on the loop thread (``_loop.py``); the public classes only forward to it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import warnings
import weakref
from datetime import datetime
from typing import Any, Mapping

import httpx

from . import _loop
from ._exceptions import (
    AuthenticationError,
    ConnectionFailed,
    GradioNBError,
    JobCancelledError,
    ProtocolError,
    QueueError,
    TooManyRequestsError,
    ZeroGPUTokenWarning,
    ZeroGPUUnavailableError,
    _ZeroGPUError,
)
from ._files import FileHandler
from ._job import Job
from ._protocol import discovery, files3
from ._protocol.diff import DiffError
from ._protocol.endpoints import AppSpec, Endpoint, build_app_spec
from ._protocol.files import is_file_data_with_meta
from ._protocol.job_state import IllegalTransition, JobState, OutputEvent, app_error_from_payload
from ._protocol.messages import Log, Message, ProcessCompleted, ProcessGenerating, ProcessStarts
from ._protocol.routes import ProtocolFeatures, Routes, protocol_features
from ._protocol.zerogpu import token_fallback_reason, zerogpu_advice
from ._per_event import EventChannel, SSEv0Channel, run_event
from ._session import HeartbeatStream, Session, new_session_hash
from ._transport import Transport, call_headers

__all__ = ["App"]

log = logging.getLogger("gradio_nb")

# Idle job sessions kept for reuse: enough for a notebook's bursts, few enough to cost nothing.
_IDLE_SESSIONS = 64

_live_apps: "weakref.WeakSet[App]" = weakref.WeakSet()


def _backoff(attempt: int, hint: float | None = None) -> float:
    """Seconds before retry number ``attempt`` (from 0): the server's hint if it gave one, else
    0.5 s doubling up to 30 s; never more than a minute."""
    return min(hint if hint is not None else min(0.5 * 2**attempt, 30.0), 60.0)


async def _close_live_apps() -> None:
    await asyncio.gather(*(app.aclose() for app in list(_live_apps)), return_exceptions=True)


_loop.register_closer(_close_live_apps)


async def _abandon(task: asyncio.Future[Any], grace: float = 1.0) -> None:
    """Let a request we no longer need end by itself, and cancel it only if it takes longer.

    The request that failed usually means this one fails the same way within milliseconds.
    Cancelling it outright could interrupt a TLS handshake, and httpcore closes the socket of a
    failed handshake but not of a cancelled one (it stays open until garbage collection).
    """
    done, _ = await asyncio.wait({task}, timeout=grace)
    if not done:
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


class App:
    """One connected Gradio app (loop thread only)."""

    def __init__(self, transport: Transport, routes: Routes, spec: AppSpec, *,
                 config: Mapping[str, Any], download_dir: str | None,
                 isolate_jobs: bool = True) -> None:
        self.transport = transport
        self.isolate_jobs = isolate_jobs
        self.routes = routes
        self.spec = spec
        self.config = config
        self.features: ProtocolFeatures = protocol_features(spec.protocol, spec.version, queue=spec.queue)
        self.files = FileHandler(
            transport, routes, download_dir=download_dir, max_file_size=spec.max_file_size,
            files_need_meta=self.features.files_need_meta, gradio3=self.features.websocket,
        )
        self.state_session = self._new_session(new_session_hash())
        self._heartbeat: HeartbeatStream | None = None
        self._job_sessions: dict[str, Session] = {}  # hash -> session with a job in flight
        self._idle_sessions: list[Session] = []  # finished cleanly, ready for the next job
        # Earlier state sessions (before reset_session) whose jobs are still running.
        self._draining: weakref.WeakSet[Session] = weakref.WeakSet()
        # Sessions shared by the stateless jobs of a batch (``batch_session``).
        self._batch_sessions: set[Session] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        # Per-event protocols (ws, sse): the task that holds each job's connection; cancelling
        # it closes the connection, which is how those servers hear of a cancel.
        self._event_tasks: dict[Job, asyncio.Task[Any]] = {}
        # Cancelled while queued on sse_v2/sse_v2.1: stopped by `reset` at their first output.
        self._reset_when_generating: weakref.WeakSet[Job] = weakref.WeakSet()
        # 3.x: each job's last raw outputs, which an update without a value keeps.
        self._last_values: weakref.WeakKeyDictionary[Job, list[Any]] = weakref.WeakKeyDictionary()
        self._all_info_loaded = False
        self._closing: asyncio.Future[None] | None = None
        self.closed = False
        _live_apps.add(self)

    # -- connecting ------------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        transport: Transport,
        *,
        auth: tuple[str, str] | None,
        download_dir: str | None,
        isolate_jobs: bool = True,
    ) -> App:
        try:
            if auth is not None:
                await cls._login(transport, auth)
            config, raw_info, routes = await cls._discover(transport)
            spec = build_app_spec(config, raw_info)
            return cls(transport, routes, spec, config=config, download_dir=download_dir,
                       isolate_jobs=isolate_jobs)
        except BaseException:
            await transport.aclose()
            raise

    @staticmethod
    async def _login(transport: Transport, auth: tuple[str, str]) -> None:
        username, password = auth
        response = await transport.request(
            "POST", transport.src + "login", what="Logging in",
            data={"username": username, "password": password}, expected=(200, 302, 303, 307, 400, 401),
            timeout=transport.discovery_timeout,
        )
        if response.status_code in (400, 401):
            raise AuthenticationError(
                f"Could not login to {transport.src}. Invalid credentials: the app refused the "
                f"username or password ({response.status_code})."
            )

    @staticmethod
    async def _discover(transport: Transport) -> tuple[dict[str, Any], dict[str, Any], Routes]:
        """GET config, and /info in parallel at the usual prefix (one round trip, not two)."""
        src = transport.src
        guess = Routes(src, "/gradio_api")
        config_task = asyncio.ensure_future(
            transport.request("GET", src + "config", what="Loading the app's config",
                              expected=(200, 404), timeout=transport.discovery_timeout)
        )
        info_task = asyncio.ensure_future(
            transport.request("GET", guess.info(), what="Loading the app's API info", expected=(200, 404),
                              timeout=transport.discovery_timeout)
        )
        try:
            config_response = await config_task
        except BaseException:
            await _abandon(info_task)
            raise
        try:
            config = config_response.json() if config_response.status_code == 200 else None
        except ValueError:
            config = None
        if config is None:
            # Very old apps: no JSON /config, the config sits in the page.
            page = await transport.request("GET", src, what="Loading the app's page")
            config = discovery.config_from_page(page.text, src)
        if not isinstance(config, dict):
            await _abandon(info_task)
            raise ProtocolError(f"{src}config answered {type(config).__name__}, not an object.")
        try:
            discovery.check_supported(config, src)
        except ProtocolError:
            await _abandon(info_task)
            raise
        routes = Routes(src, str(config.get("api_prefix") or ""))
        info_response = await asyncio.gather(info_task, return_exceptions=True)
        first = info_response[0]
        if routes.api == guess.api and isinstance(first, ConnectionFailed):
            raise first  # asking the same URL again would double the wait (a silent server)
        if routes.api == guess.api and not isinstance(first, BaseException) and first.status_code == 200:
            raw_info = first.json()
        else:
            gradio3 = "protocol" not in config
            response = await transport.request("GET", routes.info(serialized=gradio3),
                                               what="Loading the app's API info", expected=(200, 404),
                                               timeout=transport.discovery_timeout)
            # Old 3.x (3.20) has no /info: described from the config, here.
            if response.status_code == 200:
                raw_info = response.json()
            else:
                config, raw_info = discovery.describe_locally(config)
        return config, raw_info, routes

    async def load_all_endpoints(self) -> None:
        """Document undocumented endpoints too (keyword arguments, defaults, forms)."""
        if self._all_info_loaded:
            return
        response = await self.transport.request(
            "GET", self.routes.info(all_endpoints=True), what="Loading the app's full API info",
            expected=(200, 404),
        )
        if response.status_code == 200:  # 404: no /info (3.20), all is described already
            self.spec = build_app_spec(self.config, dict(self.spec.info), response.json())
        self._all_info_loaded = True

    # -- sessions ----------------------------------------------------------------------------------

    def _new_session(self, session_hash: str, *, per_job: bool = False) -> Session:
        return Session(
            session_hash, transport=self.transport, routes=self.routes, features=self.features,
            deliver=self._deliver, fail=self._fail,
            on_idle=self._session_idle if per_job else None,
        )

    def _session_for(self, endpoint: Endpoint) -> Session:
        """State lives in the client's session; every other job gets a session of its own.

        Gradio cancels *every* running task of a (session, endpoint) pair (PROTOCOL.md §9), so
        jobs that share a session can kill each other on cancel: a session never has two jobs
        in flight. A session whose job ended cleanly is used again by a later job, which spares
        the app building per-session state for every call (back-to-back predicts alternate between
        two sessions: one is free again only once its stream has ended). With
        ``isolate_jobs=False`` every job uses the client's session, as in gradio_client.
        """
        if not self.isolate_jobs and not endpoint.has_state:
            return self.state_session
        if endpoint.has_state:
            if self._heartbeat is None and self.spec.connect_heartbeat:
                self._heartbeat = HeartbeatStream(self.transport, self.routes, self.state_session.hash)
                self._heartbeat.start()
            return self.state_session
        while self._idle_sessions:
            session = self._idle_sessions.pop()
            if session.reusable:
                break
        else:
            session = self._new_session(new_session_hash(), per_job=True)
        self._job_sessions[session.hash] = session
        return session

    def batch_session(self, endpoint: Endpoint) -> Session | None:
        """The session for a batch's jobs: one shared by all of them for a stateless endpoint
        (a batch is cancelled as a whole, so Gradio's per-session cancel scope costs nothing),
        or None for an endpoint with State: each of its items then runs in a fresh session of
        its own, from the State's initial value (``fresh_session``)."""
        if endpoint.has_state:
            return None
        session = self._new_session(new_session_hash())
        self._batch_sessions.add(session)
        return session

    def fresh_session(self) -> Session:
        """A new session for one job, never one used before (State starts from its initial
        value); it ends with its job and is not reused."""
        session = self._new_session(new_session_hash(), per_job=True)
        session.retire()
        self._job_sessions[session.hash] = session
        return session

    async def end_batch_session(self, session: Session) -> None:
        """The batch is over: close its session once nothing is pending on it."""
        self._batch_sessions.discard(session)
        if session.pending:
            self._draining.add(session)
        else:
            await session.aclose()

    def _session_idle(self, session: Session) -> None:
        """A job session has nothing in flight: keep it for the next job if it ended cleanly."""
        self._job_sessions.pop(session.hash, None)
        if session.reusable and not self.closed and len(self._idle_sessions) < _IDLE_SESSIONS:
            self._idle_sessions.append(session)

    async def reset_session(self) -> None:
        old, heartbeat = self.state_session, self._heartbeat
        self.state_session = self._new_session(new_session_hash())
        self._heartbeat = None
        if heartbeat is not None:
            await heartbeat.aclose()
        if old.pending:
            self._draining.add(old)  # its jobs finish on it; close() must still reach them
        else:
            await old.aclose()

    # -- running jobs ------------------------------------------------------------------------------

    def start(self, job: Job, values: list[Any], headers: Mapping[str, str] | None,
              session: Session | None = None) -> None:
        """Begin running ``job`` (loop thread; returns at once), in ``session`` if given."""
        if self.closed:
            self._fail(job, ConnectionFailed("This client is closed; create a new one."))
            return
        job._request = (values, headers)
        task = self._spawn(self._run(job, values, headers, session))
        if self.features.per_event or not self.features.queue:
            self._event_tasks[job] = task
            task.add_done_callback(lambda _, job=job: self._event_tasks.pop(job, None))

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, job: Job, values: list[Any], headers: Mapping[str, str] | None,
                   session: Session | None = None) -> None:
        endpoint = job.endpoint
        session = session or self._session_for(endpoint)
        job.session_hash = session.hash
        try:
            labels = [p.label or p.name for p in endpoint.parameters]
            if self.files.gradio3:
                values = await self._inline_images_3x(endpoint, values)
            values = await self.files.prepare_inputs(values, labels)
            if job._cancel_requested:
                self._cancel_locally(job)
                return
            payload = {
                "data": endpoint.wire_data(values),
                "event_data": None,
                "fn_index": endpoint.fn_index,
                "trigger_id": None,
                "session_hash": session.hash,
            }
            join_headers = call_headers(headers)
            if self.features.per_event or not self.features.queue:
                await self._run_per_event(job, payload, join_headers)
                return
            session.joining += 1
            try:
                response = await self._join(endpoint, payload, join_headers)
            finally:
                session.joining -= 1
            try:
                event_id = response.json()["event_id"]
            except (ValueError, KeyError, TypeError):
                raise ProtocolError(f"queue/join answered {response.text[:200]!r} without an event_id.") from None
            job.event_id = str(event_id)
            session.register(job.event_id, job)
            if job._cancel_requested:
                await self._send_cancel(job)
        except asyncio.CancelledError:
            self._fail(job, ConnectionFailed("The client was closed before the job was submitted."))
            raise
        except GradioNBError as exc:
            self._fail(job, exc)
        except Exception as exc:  # noqa: BLE001 - a job must end, whatever happened
            log.exception("unexpected error while submitting")
            self._fail(job, ProtocolError(f"Submitting {endpoint.name} failed: {exc!r}"))
        finally:
            if (job.event_id is None or self.features.per_event or not self.features.queue) \
                    and session.hash in self._job_sessions:
                self._session_idle(session)  # never joined, or no reader: nothing else ends it

    async def _run_per_event(self, job: Job, payload: dict[str, Any], headers: dict[str, str]) -> None:
        """ws (3.x), sse (4.0-4.7): one connection per event; 3.x without a queue: run/predict."""
        endpoint = job.endpoint
        if not self.features.queue or not endpoint.queued:
            await self._predict_without_queue(job, payload, headers)
            return
        channel: EventChannel
        if self.features.websocket:
            from ._ws import WebSocketChannel  # httpx-ws only for the apps that need it

            channel = WebSocketChannel(self.transport, self.routes, payload, headers)
        else:
            channel = SSEv0Channel(self.transport, self.routes, payload, headers)
        await run_event(channel, job, self._deliver)

    async def _predict_without_queue(self, job: Job, payload: dict[str, Any], headers: dict[str, str]) -> None:
        """Gradio 3.x without a queue (or a listener with queue=False): one POST run/predict
        that answers with the outputs, or 500 with ``{"error": ...}``."""
        self._deliver(job, ProcessStarts(None))
        async with self.transport.short_requests:
            response = await self.transport.request(
                "POST", self.routes.predict, what=f"Calling {job.endpoint.name}",
                json={k: payload[k] for k in ("data", "event_data", "fn_index", "session_hash")},
                headers=headers, expected=(200, 500),
                timeout=httpx.Timeout(connect=10.0, read=None, write=60.0, pool=None),
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or (response.status_code == 200 and not isinstance(body.get("data"), list)):
            raise ProtocolError(f"run/predict answered {response.status_code} {response.text[:200]!r}.")
        self._deliver(job, ProcessCompleted(None, success=response.status_code == 200, output=body))

    async def _join(self, endpoint: Endpoint, payload: dict[str, Any], headers: dict[str, str]) -> Any:
        """POST queue/join; with ``retries``, a refused join (429/503) is tried again.

        Safe to repeat: a refused join created no event. Nothing after a successful join is
        ever retried.
        """
        attempt = 0
        while True:
            try:
                async with self.transport.short_requests:
                    return await self.transport.post_json(
                        self.routes.join, payload, what=f"Submitting {endpoint.name}", headers=headers,
                    )
            except (TooManyRequestsError, QueueError) as exc:
                if attempt >= self.transport.retries:
                    raise
                delay = _backoff(attempt, getattr(exc, "retry_after", None))
                attempt += 1
                log.info("join refused (%s); retry %d in %.1f s", type(exc).__name__, attempt, delay)
                await asyncio.sleep(delay)

    # -- delivering messages -----------------------------------------------------------------------

    def _deliver(self, job: Job, message: Message) -> None:
        if isinstance(message, Log):
            message = self._warn_if_token_refused(job, message)
        elif isinstance(message, ProcessCompleted) and self._retry_without_gpu(job, message):
            return
        if job in self._reset_when_generating and isinstance(message, (ProcessGenerating, ProcessCompleted)):
            self._reset_when_generating.discard(job)
            if isinstance(message, ProcessGenerating) and job.event_id:
                self._spawn(self._quiet_post(self.routes.reset, {"event_id": job.event_id}))
        if job._cancel_requested and isinstance(message, ProcessCompleted):
            # The app's answer to our cancel. It queued it after killing the endpoint's running
            # tasks in the session, so their process_starts came before it on this stream: the
            # cancel's HTTP response alone may have overtaken them.
            shared = self._shared_session_of(job)
            if shared is not None:
                self._fail_collateral(job, shared)
        now = time.monotonic()
        try:
            event = job._update(lambda state: state.receive(message, now))
        except (IllegalTransition, DiffError) as exc:
            self._fail(job, ProtocolError(f"The app's messages for {job.endpoint.name} broke the protocol: {exc}"))
            return
        if event is not None:
            self._emit(job, event)
        elif job._jobstate.done:
            if isinstance(job._jobstate.error, _ZeroGPUError):
                self._advise(job, job._jobstate.error)
            self._after_outputs(job, job._settle)

    async def _inline_images_3x(self, endpoint: Endpoint, values: list[Any]) -> list[Any]:
        """3.x ``gr.Image`` inputs take the image itself as a data: URL, not an upload; an
        empty string for an image or media file is no file (files3.empty_is_none)."""
        values = list(values)
        for param in endpoint.parameters:
            value = values[param.index] if param.index < len(values) else None
            if value == "" and files3.empty_is_none(param.component_type, param.schema):
                values[param.index] = None
            elif param.component_type in files3.INLINE_TYPES and is_file_data_with_meta(value):
                values[param.index] = await self.files.inline_3x(value, param.label or param.name)
        return values

    def _emit(self, job: Job, event: OutputEvent) -> None:
        values = job.endpoint.keep_outputs(event.data)
        if self.files.gradio3:
            if not event.final and files3.changes_nothing(values):
                return
            values = files3.resolve_updates(values, self._last_values.get(job))
            self._last_values[job] = values
            returns = job.endpoint.returns
            values = files3.unwrap_videos(values, [r.component_type == "video" for r in returns])
            values = files3.mark_data_urls(values, [r.component_type in files3.INLINE_TYPES for r in returns])
        pending = job._delivery is not None and not job._delivery.done()
        if not pending and not self.files.has_files(values):
            job._add_output(job.endpoint.unwrap(values), final=event.final)
            return
        previous = job._delivery

        async def deliver() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            try:
                processed = await self.files.process_outputs(values, final=event.final)
            except GradioNBError as exc:
                job._fail_delivery(exc)
                return
            except Exception as exc:  # noqa: BLE001 - a job must end, whatever happened
                log.exception("processing outputs failed")
                job._fail_delivery(ProtocolError(f"Processing the outputs failed: {exc!r}"))
                return
            job._add_output(job.endpoint.unwrap(processed), final=event.final)

        job._delivery = asyncio.get_running_loop().create_task(deliver())

    def _after_outputs(self, job: Job, fn: Any) -> None:
        """Run ``fn`` once every output delivery of ``job`` has finished (keeps order)."""
        previous = job._delivery
        if previous is None or previous.done():
            fn()
            return

        async def later() -> None:
            await asyncio.gather(previous, return_exceptions=True)
            fn()

        job._delivery = asyncio.get_running_loop().create_task(later())

    def _fail(self, job: Job, error: BaseException) -> None:
        now = time.monotonic()
        job._update(lambda state: state.fail(error, now))
        self._after_outputs(job, job._settle)

    # -- ZeroGPU ---------------------------------------------------------------------------------

    def _calls_with_identity(self, job: Job) -> bool:
        """Whether ``job`` was sent with an HF token or a forwarded visitor's ``x-ip-token``."""
        return self.transport.identifies_caller(job._request[1] if job._request else None)

    def _advise(self, job: Job, error: _ZeroGPUError) -> None:
        """Append what the user can do to a ZeroGPU refusal (needs the client's context)."""
        error._advise(zerogpu_advice(
            error, token_sent=self._calls_with_identity(job), space_id=self.transport.space_id,
            now=datetime.now(), attempts=job._retried,
        ))

    def _retry_without_gpu(self, job: Job, message: ProcessCompleted) -> bool:
        """ZeroGPU found no GPU for ``job``: with ``retries`` left, submit it again after the
        backoff of a refused join, and return True. Only before any output (a generator that
        already yielded would start over) and never for a cancelled job."""
        if (message.success or job._cancel_requested or job._request is None or job._outputs
                or job._retried >= self.transport.retries):
            return False
        error = app_error_from_payload(message.output, message.title)
        if not isinstance(error, ZeroGPUUnavailableError):
            return False
        delay = _backoff(job._retried)
        job._retried += 1
        for session in (self._job_sessions.get(job.session_hash or ""), self._shared_session_of(job)):
            if session is not None:
                session.forget(job.event_id or "")
        note = Log(job.event_id, f"{error.app_message.rstrip(' .')}. Retry {job._retried} of "
                   f"{self.transport.retries} in {delay:.1f} s.", level="warning", title=error.title)
        log.info("%s: no GPU (%s); retry %d in %.1f s", job.endpoint.name, error.reason, job._retried, delay)
        with job._lock:
            job._jobstate = JobState(diffs=job._jobstate.diffs, logs=[*job._jobstate.logs, note])
            job.event_id = job.session_hash = None
        job._notify(wake=False)
        job._retry_wait = self._spawn(self._run_again(job, delay))
        return True

    async def _run_again(self, job: Job, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:
            if not job._cancel_requested:  # else job.cancel() ended the wait, and the job
                self._fail(job, ConnectionFailed("The client was closed before the job was retried."))
            raise
        job._retry_wait = None
        values, headers = job._request  # type: ignore[misc]
        await self._run(job, values, headers)

    def _warn_if_token_refused(self, job: Job, message: Log) -> Log:
        """ZeroGPU's "Falling back to IP-based quotas" gr.Warning, as a Python warning. Returns
        the log line to keep, without a secret the app's reason could quote (the token)."""
        reason = token_fallback_reason(message.title, message.log)
        if reason is None:
            return message
        text = message.log
        for secret in self.transport.secrets(job._request[1] if job._request else None):
            reason, text = reason.replace(secret, "***"), text.replace(secret, "***")
        why = f" ({reason})" if reason else ""
        warnings.warn(
            f"{self.transport.space_id or self.transport.src} did not accept the Hugging Face "
            f"token sent with {job.endpoint.name}{why}: ZeroGPU counts this call against your IP "
            "address's smaller quota. Check that the token is valid and not expired "
            "(https://huggingface.co/settings/tokens), and that it is the one you meant to pass "
            "(token=..., HF_TOKEN or `hf auth login`).",
            ZeroGPUTokenWarning, stacklevel=2,
        )
        return dataclasses.replace(message, log=text)

    # -- cancelling ------------------------------------------------------------------------------

    def request_cancel(self, job: Job) -> bool:
        """Called by ``Job.cancel`` from any thread. Decided on the loop thread, so the answer
        is final: True means the job ends cancelled, False that it had already finished."""
        if _loop.in_loop_thread():
            return self._cancel_now(job)

        async def cancel_now() -> bool:
            return self._cancel_now(job)

        return _loop.run_sync(cancel_now())

    def _cancel_now(self, job: Job) -> bool:
        if job._jobstate.done:
            return False
        job._cancel_requested = True
        session = self._job_sessions.get(job.session_hash or "")
        if session is not None:
            # the app may still run (and report) the cancelled event: no later job shares that
            session.retire()
        self._cancel_locally(job)
        event_task = self._event_tasks.pop(job, None)
        if event_task is not None:
            # ws / sse: closing the event's connection makes the server drop a queued event and
            # stop a generator at its next yield.
            event_task.cancel()
        if job._retry_wait is not None:  # waiting to be submitted again: nothing on the server
            job._retry_wait.cancel()
        elif job.event_id is not None or event_task is not None:  # else _run cancels after its join
            self._spawn(self._send_cancel(job))
        return True

    def _cancel_locally(self, job: Job) -> None:
        now = time.monotonic()
        job._update(lambda state: state.cancel(now))
        self._after_outputs(job, job._settle)

    async def _send_cancel(self, job: Job) -> None:
        """Ask the server to drop the event (queued: never runs; generator: stops)."""
        if not self.features.cancel_route:
            await self._cancel_before_4_29(job)
            return
        if not (job.event_id and job.session_hash):
            return
        payload = {"session_hash": job.session_hash, "fn_index": job.endpoint.fn_index,
                   "event_id": job.event_id}
        batch = next((s for s in self._batch_sessions if s.hash == job.session_hash), None)
        queued = batch is not None and job._jobstate.processing_at is None
        if queued:
            # A queued job of a batch: cancel it under a hash that owns no task, so the app
            # only drops it from its queue and the batch's running jobs live on (PROTOCOL.md
            # §9). The app then never reports it: stop routing it here.
            payload["session_hash"] = new_session_hash()
        try:
            await self.transport.request("POST", self.routes.cancel, what="Cancelling", json=payload)
        except GradioNBError as exc:
            log.warning("cancel request failed: %s", exc)
        if queued and batch is not None:
            batch.forget(job.event_id)
            return
        shared = self._shared_session_of(job)
        if shared is not None:
            self._fail_collateral(job, shared)

    async def _cancel_before_4_29(self, job: Job) -> None:
        """Servers before the cancel route (4.29): the app's own cancel listener where it has
        one (what its Stop button does); else ``POST reset`` stops a running generator (4.x);
        else the end of the job's connection (ws, sse) or of its own session's stream (sse_v1
        to sse_v2.1) makes the app drop a queued job and stop a generator at its next yield.
        A plain call already running cannot be stopped: the job ends here, and a warning that
        names the version says the app runs it to its end."""
        canceller = self.spec.canceller_of(job.endpoint.fn_index)
        if canceller is not None and job.session_hash:
            await self._quiet_post(self.routes.predict, {
                "data": [None] * len(self.spec.endpoints[canceller].input_types),
                "fn_index": canceller, "session_hash": job.session_hash, "event_data": None,
            })
            return
        if self.features.reset_event and job.event_id:
            answer = await self._quiet_post(self.routes.reset, {"event_id": job.event_id})
            if isinstance(answer, dict) and answer.get("success"):
                return  # a running generator: stopped
        running = job._jobstate.processing_at is not None
        stoppable = not running or job.endpoint.is_generator
        if not self.features.per_event:
            session = self._job_sessions.get(job.session_hash or "")
            own = session is not None and not session.joining and all(
                other is job for other in session.pending.values())
            if own and not running and self.features.closed_stream_keeps_queued:
                # The job stays routed; its first output is stopped by `reset` (the iterator
                # exists only then); a plain call runs.
                self._reset_when_generating.add(job)
                stoppable = job.endpoint.is_generator
            elif own:
                # The session is this job's alone: closing its stream is how sse_v1 servers
                # learn the client is gone (they drop its queued events, stop its generators).
                await session.aclose()
            else:
                stoppable = False
        if stoppable:
            return
        log.warning(
            "Gradio %s cannot %s (the cancel route came with 4.29) and the app has no cancel "
            "listener for %s: the job stops here, the app %s.", self.spec.version,
            "stop a call that is already running" if running else "drop a queued call",
            job.endpoint.name, "runs the call to its end" if running else "may still run it",
        )

    async def _quiet_post(self, url: str, payload: dict[str, Any]) -> Any:
        try:
            response = await self.transport.request("POST", url, what="Cancelling", json=payload,
                                                    expected=(200, 404, 422, 500))
            return response.json() if response.status_code == 200 else None
        except (GradioNBError, ValueError) as exc:
            log.warning("cancel request failed: %s", exc)
            return None

    def _shared_session_of(self, job: Job) -> Session | None:
        """The client's session (current or draining) that ``job`` ran in, if it shared one."""
        return next((s for s in (self.state_session, *self._draining, *self._batch_sessions)
                     if s.hash == job.session_hash), None)

    def _fail_collateral(self, cancelled: Job, session: Session) -> None:
        """Gradio also kills the *running* jobs of the same endpoint in the same session; they
        would never hear of it (PROTOCOL.md §9), so end them here."""
        if cancelled.endpoint.has_state:
            why = "the client's session, which keeps the app's State"
        elif session in self._batch_sessions:
            why = "its batch's session"
        else:
            why = "the client's session (isolate_jobs=False)"
        for other in list(session.pending.values()):
            if other is cancelled or other.endpoint.fn_index != cancelled.endpoint.fn_index:
                continue
            if other._jobstate.processing_at is not None:
                session.forget(other.event_id or "")
                self._fail(other, JobCancelledError(
                    f"The app cancelled this job too: Gradio cancels every running job of "
                    f"{cancelled.endpoint.name} in a session, and this job shared {why} with "
                    "the job you cancelled."
                ))

    # -- closing ---------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close once; concurrent and later calls wait for the same close."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        self.closed = True
        try:
            sessions = [self.state_session, *self._job_sessions.values(), *self._draining,
                        *self._batch_sessions]
            pending = [job for s in sessions for job in s.pending.values()]
            error = ConnectionFailed("The client was closed while this job was pending.")
            for session in sessions:
                session._fail_all(error)  # jobs end now, with the documented error
            # Then tell the server to drop what we leave behind, without waiting long.
            cancels = [asyncio.ensure_future(self._cancel_quietly(job))
                       for job in pending
                       if self.features.cancel_route and job.event_id and not job._cancel_requested]
            if cancels:
                await asyncio.wait(cancels, timeout=2.0)
                for task in cancels:
                    task.cancel()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, *cancels, return_exceptions=True)
            await asyncio.gather(*(s.aclose() for s in sessions), return_exceptions=True)
            if self._heartbeat is not None:
                await self._heartbeat.aclose()
        finally:
            await self.transport.aclose()
            _live_apps.discard(self)

    async def _cancel_quietly(self, job: Job) -> None:
        payload = {"session_hash": job.session_hash, "fn_index": job.endpoint.fn_index,
                   "event_id": job.event_id}
        try:
            await self.transport.http.post(self.routes.cancel, json=payload, timeout=2.0)
        except Exception:  # noqa: BLE001 - best effort while closing
            pass
