"""The contenders, behind one small synchronous interface the workloads drive.

Every method is what a user of that library would write; nothing is tuned per
workload beyond what the library's documented API offers. Import of the library
happens in ``load()``, so an import failure becomes ``Unavailable`` (reported as
'unavailable' in the results) instead of breaking the harness.

  floor          bench/floor.py: raw protocol on one pooled httpx.AsyncClient
  floor_isolated the floor with one session per job (workloads 2 and 7 only)
  gradio_client  the reference client 2.7.2, sync API (predict, submit, job.result, iteration)
  gradio_nb      gradio_nb.Client, sync facade (predict, submit, job.result, iteration)
  gradio_nb_async  gradio_nb.AsyncClient from asyncio code (await, gather, async for)
  gradio_nb_shared gradio_nb.Client(isolate_jobs=False): one session, as gradio_client (2, 7)
"""
from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Callable


class Unavailable(Exception):
    """The contender's library cannot be imported or lacks the API a workload needs."""


Mark = Callable[[], None]


class Contender:
    name = "?"

    def load(self) -> None: ...
    def connect(self, url: str, download_dir: str, max_workers: int | None = None) -> None: ...
    def close(self) -> None: ...
    def predict_echo(self, text: str) -> str: ...
    def concurrent_echo(self, texts: list[str], mark: Mark) -> list[str]: ...
    def stream(self, n: int, interval: float) -> list[tuple[Any, float]]: ...
    def echo_file(self, path: str) -> str: ...
    def sleep_many(self, n: int, seconds: float, mark: Mark) -> list[str]: ...
    def stream_values(self, n: int, interval: float) -> list[Any]:
        return [v for v, _ in self.stream(n, interval)]


# ---------------------------------------------------------------------------------
class Floor(Contender):
    name = "floor"

    def load(self) -> None:
        from bench import floor

        self.mod = floor
        self.runner = asyncio.Runner()
        self.session = None
        self.phases: dict[str, float] = {}

    def _run(self, coro):
        return self.runner.run(coro)

    def connect(self, url, download_dir, max_workers=None):
        self.download_dir = download_dir
        self.session = self._run(self.mod.FloorSession.connect(url))

    def close(self):
        if self.session is not None:
            self._run(self.session.aclose())
            self.session = None

    def predict_echo(self, text):
        return self._run(self.session.call("/echo", [text]))[0]

    def concurrent_echo(self, texts, mark):
        async def go():
            tasks = [asyncio.ensure_future(self.session.call("/echo", [t])) for t in texts]
            mark()
            return [r[0] for r in await asyncio.gather(*tasks)]

        return self._run(go())

    def stream(self, n, interval):
        got: list[tuple[Any, float]] = []

        def on_output(values):
            got.append((values[0], time.time()))

        self._run(self.session.call("/stream", [n, interval], on_output=on_output))
        return got

    def echo_file(self, path):
        async def go():
            t0 = time.perf_counter()
            fd = await self.session.upload(path)
            t1 = time.perf_counter()
            out = (await self.session.call("/echo_file", [fd]))[0]
            t2 = time.perf_counter()
            local = await self.session.download(out, self.download_dir)
            t3 = time.perf_counter()
            self.phases = {"upload_s": t1 - t0, "event_s": t2 - t1, "download_s": t3 - t2}
            return local

        return self._run(go())

    def sleep_many(self, n, seconds, mark):
        async def go():
            tasks = [
                asyncio.ensure_future(self.session.call("/sleep", [seconds, f"job-{i}"]))
                for i in range(n)
            ]
            mark()
            return [r[0] for r in await asyncio.gather(*tasks)]

        return self._run(go())


class FloorIsolated(Floor):
    """The floor with one session per job, the protocol work gradio_nb's cancel isolation
    needs (Gradio cancels every running task of a session and endpoint, PROTOCOL.md 9): one
    join and one ``queue/data`` stream per job, on the same pooled client."""

    name = "floor_isolated"

    def concurrent_echo(self, texts, mark):
        async def go():
            tasks = [asyncio.ensure_future(self.session.sibling().call("/echo", [t])) for t in texts]
            mark()
            return [r[0] for r in await asyncio.gather(*tasks)]

        return self._run(go())

    def sleep_many(self, n, seconds, mark):
        async def go():
            tasks = [
                asyncio.ensure_future(self.session.sibling().call("/sleep", [seconds, f"job-{i}"]))
                for i in range(n)
            ]
            mark()
            return [r[0] for r in await asyncio.gather(*tasks)]

        return self._run(go())


# ---------------------------------------------------------------------------------
class _SyncClientLike(Contender):
    """gradio_client and gradio_nb's sync facade share the reference API."""

    client_kwargs: dict[str, Any] = {}

    def _new_client(self, url, download_dir, max_workers):
        raise NotImplementedError

    def connect(self, url, download_dir, max_workers=None):
        self.client = self._new_client(url, download_dir, max_workers)

    def close(self):
        client = getattr(self, "client", None)
        if client is not None and hasattr(client, "close"):
            client.close()
        self.client = None

    def predict_echo(self, text):
        return self.client.predict(text, api_name="/echo")

    def concurrent_echo(self, texts, mark):
        jobs = [self.client.submit(t, api_name="/echo") for t in texts]
        mark()
        return [j.result() for j in jobs]

    def stream(self, n, interval):
        job = self.client.submit(n, interval, api_name="/stream")
        got = []
        for out in job:
            got.append((out, time.time()))
        return got

    def echo_file(self, path):
        return self.client.predict(self.handle_file(path), api_name="/echo_file")

    def sleep_many(self, n, seconds, mark):
        jobs = [self.client.submit(seconds, f"job-{i}", api_name="/sleep") for i in range(n)]
        mark()
        return [j.result() for j in jobs]


class GradioClient(_SyncClientLike):
    name = "gradio_client"

    def load(self):
        import gradio_client

        self.mod = gradio_client
        self.handle_file = gradio_client.handle_file

    def _new_client(self, url, download_dir, max_workers):
        # max_workers: the reference client runs each job on a worker thread (default
        # 40), so give it enough to actually have every job in flight.
        return self.mod.Client(
            url,
            verbose=False,
            download_files=download_dir,
            analytics_enabled=False,
            max_workers=max(40, max_workers or 0),
        )


def _call_with_supported(fn, *args, **kwargs):
    """Call fn with only the keyword arguments its signature accepts."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(*args, **kwargs)
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return fn(*args, **kwargs)
    return fn(*args, **{k: v for k, v in kwargs.items() if k in params})


class GradioNb(_SyncClientLike):
    name = "gradio_nb"

    def load(self):
        try:
            import gradio_nb

            self.mod = gradio_nb
            self.handle_file = gradio_nb.handle_file
            gradio_nb.Client  # noqa: B018
        except Exception as exc:  # noqa: BLE001 - any failure means "not there yet"
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc

    def _new_client(self, url, download_dir, max_workers):
        return _call_with_supported(
            self.mod.Client, url, verbose=False, download_files=download_dir
        )


class GradioNbShared(GradioNb):
    """gradio_nb.Client(isolate_jobs=False): one session for all jobs, as gradio_client."""

    name = "gradio_nb_shared"

    def _new_client(self, url, download_dir, max_workers):
        return self.mod.Client(url, verbose=False, download_files=download_dir, isolate_jobs=False)


class GradioNbAsync(Contender):
    """gradio_nb.AsyncClient driven from the caller's own asyncio loop."""

    name = "gradio_nb_async"

    def load(self):
        try:
            import gradio_nb

            self.mod = gradio_nb
            self.handle_file = gradio_nb.handle_file
            self.AsyncClient = gradio_nb.AsyncClient
        except Exception as exc:  # noqa: BLE001
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
        self.runner = asyncio.Runner()
        self.client = None

    def _run(self, coro):
        return self.runner.run(coro)

    def connect(self, url, download_dir, max_workers=None):
        async def go():
            factory = getattr(self.AsyncClient, "connect", self.AsyncClient)
            made = _call_with_supported(factory, url, verbose=False, download_files=download_dir)
            return await made if inspect.isawaitable(made) else made

        self.client = self._run(go())

    def close(self):
        if self.client is not None:
            closer = getattr(self.client, "aclose", None) or getattr(self.client, "close", None)
            if closer is not None:
                r = closer()
                if inspect.isawaitable(r):
                    self._run(r)
        self.client = None

    def predict_echo(self, text):
        return self._run(self.client.predict(text, api_name="/echo"))

    def concurrent_echo(self, texts, mark):
        async def go():
            jobs = [await self._submit(t, api_name="/echo") for t in texts]
            mark()
            return list(await asyncio.gather(*(self._await_job(j) for j in jobs)))

        return self._run(go())

    async def _submit(self, *args, **kwargs):
        """AsyncClient.submit may return the Job directly or a coroutine giving it."""
        job = self.client.submit(*args, **kwargs)
        if inspect.iscoroutine(job):
            job = await job
        return job

    @staticmethod
    async def _await_job(job):
        return await job

    def stream(self, n, interval):
        async def go():
            job = await self._submit(n, interval, api_name="/stream")
            got = []
            # like gradio_client, ``async for`` yields StatusUpdate and OutputUpdate objects;
            # the last OutputUpdate (final=True) repeats the final value
            async for update in job:
                if hasattr(update, "outputs") and not getattr(update, "final", False):
                    got.append((update.outputs, time.time()))
            return got

        return self._run(go())

    def echo_file(self, path):
        return self._run(self.client.predict(self.handle_file(path), api_name="/echo_file"))

    def sleep_many(self, n, seconds, mark):
        async def go():
            jobs = [await self._submit(seconds, f"job-{i}", api_name="/sleep") for i in range(n)]
            mark()
            return list(await asyncio.gather(*(self._await_job(j) for j in jobs)))

        return self._run(go())


CONTENDERS: dict[str, type[Contender]] = {
    c.name: c for c in (Floor, FloorIsolated, GradioClient, GradioNb, GradioNbAsync, GradioNbShared)
}
