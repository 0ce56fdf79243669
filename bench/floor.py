"""The raw-protocol floor: the least a client can do to run a Gradio 6.31 event.

One pooled ``httpx.AsyncClient``; ``POST gradio_api/queue/join`` per call; ONE
``GET gradio_api/queue/data?session_hash=S`` stream per session at a time, split on
``\\n\\n``, ``data: {json}`` parsed and routed by ``event_id`` until
``process_completed`` (the server then sends ``close_stream`` once nothing is pending
for the session and ends the response). No endpoint models, no argument binding,
no status objects: this is the cost of the protocol itself (PROTOCOL.md 4, 5, 6, 11).

Generator diffs (section 6) are applied so streamed values are real values.
Files: ``POST upload`` (streamed multipart), the returned server path wrapped into a
FileData, and ``GET file=<path>`` streamed to disk.
"""
from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections import defaultdict
from typing import Any, Callable
from urllib.parse import quote

import httpx

FILE_META = {"_type": "gradio.FileData"}
# httpcore's pool scans its connections on every request and response close (its idle ones
# quadratically), so a burst costs the client less with fewer joins in flight: 32 was the
# fastest setting measured for 300 submits on this machine kind (100 took 2-3x the CPU).
MAX_INFLIGHT_JOINS = int(os.environ.get("BENCH_FLOOR_JOINS", "32"))
MAX_CONNECTIONS = int(os.environ.get("BENCH_FLOOR_CONNECTIONS", "32"))


class FloorError(Exception):
    pass


def apply_diff(value: Any, diff: list) -> Any:
    """Apply one output's sse_v3 edits, strictly in order (PROTOCOL.md 6)."""
    for action, path, new in diff:
        if not path:
            if action == "replace":
                value = new
            elif action == "append":
                value = value + new
            continue
        target = value
        for key in path[:-1]:
            target = target[key]
        key = path[-1]
        if action == "replace":
            target[key] = new
        elif action == "append":
            target[key] = target[key] + new
        elif action == "add":
            if isinstance(target, list):
                target.insert(key, new)
            else:
                target[key] = new
        elif action == "delete":
            del target[key]
    return value


class FloorSession:
    """One session_hash, one reader at a time, events demultiplexed by event_id."""

    def __init__(self, http: httpx.AsyncClient, src: str, fn_index: dict[str, int],
                 join_slots: asyncio.Semaphore | None = None):
        self.http = http
        # httpcore's pool does O(pending requests x connections) work per request, so
        # thousands of queued POSTs cost milliseconds each: keep the queue short instead.
        self._join_slots = join_slots or asyncio.Semaphore(MAX_INFLIGHT_JOINS)
        self.src = src
        self.base = src + "gradio_api/"
        self.fn_index = fn_index
        self.session_hash = uuid.uuid4().hex
        self._queues: dict[str, asyncio.Queue] = {}
        self._early: dict[str, list] = defaultdict(list)
        self._unfinished = 0  # joins started and not yet seen process_completed
        self._reader: asyncio.Task | None = None

    @classmethod
    async def connect(cls, src: str, http: httpx.AsyncClient | None = None) -> "FloorSession":
        if not src.endswith("/"):
            src += "/"
        if http is None:
            http = new_http()
        r = await http.get(src + "config")
        r.raise_for_status()
        config = r.json()
        fn_index = {
            "/" + d["api_name"]: d["id"]
            for d in config["dependencies"]
            if isinstance(d.get("api_name"), str)
        }
        return cls(http, src, fn_index)

    def sibling(self) -> "FloorSession":
        """A new session on the same HTTP client and join slots (one session per job)."""
        return FloorSession(self.http, self.src, self.fn_index, self._join_slots)

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self.http.aclose()

    # -- the stream ---------------------------------------------------------------

    def _route(self, msg: dict) -> None:
        kind = msg.get("msg")
        eid = msg.get("event_id")
        if kind == "process_completed":
            self._unfinished -= 1
        if eid is None:
            if kind == "unexpected_error":
                for q in self._queues.values():
                    q.put_nowait(msg)
            return
        q = self._queues.get(eid)
        if q is None:
            self._early[eid].append(msg)  # arrived before the join response
        else:
            q.put_nowait(msg)

    async def _read(self) -> None:
        try:
            while self._unfinished > 0:
                async with self.http.stream(
                    "GET", self.base + "queue/data", params={"session_hash": self.session_hash}
                ) as r:
                    r.raise_for_status()
                    buf = b""
                    async for chunk in r.aiter_raw():
                        buf += chunk
                        while True:
                            i = buf.find(b"\n\n")
                            if i < 0:
                                break
                            line, buf = buf[:i], buf[i + 2 :]
                            if line.startswith(b"data:"):
                                self._route(json.loads(line[5:]))
        except BaseException as exc:  # deliver the failure to every waiter
            for q in self._queues.values():
                q.put_nowait({"msg": "unexpected_error", "message": repr(exc)})
            raise
        finally:
            self._reader = None

    # -- events -------------------------------------------------------------------

    async def call(
        self,
        api_name: str,
        data: list,
        on_output: Callable[[list], None] | None = None,
        on_joined: Callable[[], None] | None = None,
    ) -> list:
        """Run one event; ``on_output(values)`` for every generator step. Returns output data."""
        self._unfinished += 1
        eid = None
        body = {"data": data, "fn_index": self.fn_index[api_name], "session_hash": self.session_hash}
        try:
            async with self._join_slots:
                try:
                    r = await self.http.post(self.base + "queue/join", json=body)
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    # a pooled keep-alive connection the server had just closed: send again
                    r = await self.http.post(self.base + "queue/join", json=body)
        except BaseException:
            self._unfinished -= 1
            raise
        if r.status_code != 200:
            self._unfinished -= 1
            raise FloorError(f"join {r.status_code}: {r.text}")
        eid = r.json()["event_id"]
        q: asyncio.Queue = asyncio.Queue()
        self._queues[eid] = q
        for m in self._early.pop(eid, ()):
            q.put_nowait(m)
        if on_joined is not None:
            on_joined()
        if self._reader is None:
            self._reader = asyncio.create_task(self._read())
        try:
            values: list | None = None
            while True:
                msg = await q.get()
                kind = msg["msg"]
                if kind == "process_generating":
                    out = msg["output"]["data"]
                    if values is None:
                        values = out
                    else:
                        values = [apply_diff(v, d) for v, d in zip(values, out)]
                    if on_output is not None:
                        on_output(values)
                elif kind == "process_completed":
                    if not msg.get("success"):
                        raise FloorError(f"event failed: {msg.get('output')}")
                    return msg["output"]["data"]
                elif kind == "unexpected_error":
                    raise FloorError(msg.get("message"))
        finally:
            self._queues.pop(eid, None)

    # -- files --------------------------------------------------------------------

    async def upload(self, path: str) -> dict:
        name = os.path.basename(path)
        with open(path, "rb") as f:
            r = await self.http.post(
                self.base + "upload", files=[("files", (name, f, "application/octet-stream"))]
            )
        r.raise_for_status()
        return {"path": r.json()[0], "orig_name": name, "meta": FILE_META}

    async def download(self, filedata: dict, directory: str) -> str:
        url = self.base + "file=" + quote(filedata["path"])
        out_dir = os.path.join(directory, uuid.uuid4().hex)
        os.makedirs(out_dir, exist_ok=True)
        out = os.path.join(out_dir, os.path.basename(filedata["path"]))
        async with self.http.stream("GET", url) as r:
            r.raise_for_status()
            with open(out, "wb") as f:
                async for chunk in r.aiter_bytes():
                    f.write(chunk)
        return out


def new_http() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(None),
        limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS),
    )
