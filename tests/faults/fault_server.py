"""A small Gradio-protocol server that misbehaves on purpose (tests/faults, tests/security).

It speaks just enough of the sse_v3 protocol (PROTOCOL.md §1-§11) for gradio_nb to connect:
``GET config``, ``GET gradio_api/info``, ``POST queue/join``, ``GET queue/data``, ``POST cancel``,
``POST upload``, ``GET gradio_api/file=...``, ``POST login``. It is written on raw asyncio
streams (no HTTP framework) so that a test can do what real servers do when they break: cut a
chunked body mid-message, drop a keep-alive connection after a 500 without saying so, never answer,
send malformed SSE, and so on.

What an event does is chosen by its first input value (a string), the *command*:

    "ok" / any text       estimation, process_starts, process_completed(data=[text])
    "slow:<s>"            like ok, but completes after <s> seconds
    "cut"                 estimation, process_starts, then the TCP connection is aborted
    "cut_clean"           estimation, process_starts, then the chunked body ends properly
    "hang"                estimation, process_starts, then nothing at all (no heartbeats)
    "badjson"             a "data: {not json" event, then completes normally
    "notobject"           a "data: [1, 2, 3]" event, then completes normally
    "badsse"              garbage SSE lines (no field, unknown fields, comments), then completes
    "unknownmsg"          a message of an unknown kind for this event, then completes
    "strayevent"          messages for an event id nobody joined, then completes
    "session_lost"        session-level unexpected_error(session_not_found), then abort
    "event_error"         unexpected_error carrying this event's id (connection stays up)
    "stopped_loop"        "Server stopped unexpectedly." (event_id null) every 0.5 s, forever
    "dup_completed"       two process_completed for the event (PROTOCOL.md §9 quirk)
    "big:<MB>"            completes with a string of <MB> megabytes (one JSON line)
    "deep:<N>"            completes with a list nested <N> deep
    "completed_nodata"    a successful process_completed without "data"
    "file:<path>"         (for /file_out) completes with a FileData whose path is <path>

Per-request scripting: ``server.join_responses`` (a list of ``(status, headers, body)`` used
by the next joins, in order), ``server.routes[(method, path)]`` (full override), and the
recorded ``server.requests`` (method, target, headers, body) for assertions.

Run alone: ``python fault_server.py PORT`` serves until killed.
"""
from __future__ import annotations

import asyncio
import json
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

API = "/gradio_api"

# -- the app description ----------------------------------------------------------------------

_FILE_SCHEMA = {
    "additionalProperties": False,
    "description": "For input, either path or url must be provided. For output, path is always provided.",
    "properties": {
        "path": {"title": "Path", "type": "string"},
        "url": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "title": "Url"},
        "size": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None, "title": "Size"},
        "orig_name": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "title": "Orig Name"},
        "mime_type": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "title": "Mime Type"},
        "is_stream": {"default": False, "title": "Is Stream", "type": "boolean"},
        "meta": {"default": {"_type": "gradio.FileData"}, "title": "Meta", "type": "object"},
    },
    "required": ["path"],
    "title": "FileData",
    "type": "object",
}

# (id, type, label, schema, extra props)
_COMPONENTS = [
    (1, "textbox", "text", {"type": "string"}, {}),
    (2, "textbox", "out", {"type": "string"}, {}),
    (3, "state", "state", None, {}),
    (4, "file", "file_out", _FILE_SCHEMA, {}),
    (5, "file", "file_in", _FILE_SCHEMA, {}),
    (10, "radio", "choice", {"enum": ["red", "green", "blue"], "title": "Radio", "type": "string"},
     {"choices": [["red", "red"], ["green", "green"], ["blue", "blue"]]}),
    (11, "number", "num", {"type": "number"}, {}),
    (12, "slider", "count", {"type": "integer", "description": "numeric value between 1 and 10"},
     {"minimum": 1, "maximum": 10, "step": 1, "precision": 0}),
    (13, "checkbox", "flag", {"type": "boolean"}, {}),
    (14, "checkboxgroup", "items",
     {"items": {"enum": ["a", "b", "c"], "type": "string"}, "title": "Checkbox Group", "type": "array"},
     {"choices": [["a", "a"], ["b", "b"], ["c", "c"]]}),
    (15, "textbox", "name", {"type": "string"}, {}),
]

# (fn_index, api_name, inputs, outputs, generator)
_DEPENDENCIES = [
    (0, "echo", [1], [2], False),
    (1, "state_echo", [1, 3], [2, 3], False),
    (2, "file_out", [1], [4], False),
    (3, "file_in", [5], [2], False),
    (4, "typed", [10, 11, 12, 13, 14, 15], [2], False),
]

_PARAM_DEFAULTS = {  # component id -> (has_default, default)
    10: (True, "red"), 11: (True, 0), 12: (True, 1), 13: (True, False), 14: (True, []),
}


def _component(cid: int) -> dict[str, Any]:
    for c_id, kind, label, schema, props in _COMPONENTS:
        if c_id == cid:
            comp: dict[str, Any] = {
                "id": c_id, "type": kind, "props": {"label": label, "name": kind, **props},
                "skip_api": kind == "state",
            }
            if schema is not None:
                comp.update(api_info=schema, api_info_as_input=schema, api_info_as_output=schema)
            return comp
    raise KeyError(cid)


def make_config(root: str, *, max_file_size: int | None = None, protocol: str = "sse_v3") -> dict[str, Any]:
    return {
        "version": "6.31.0",
        "api_prefix": API,
        "mode": "blocks",
        "protocol": protocol,
        "connect_heartbeat": False,
        "enable_queue": True,
        "show_error": True,
        "max_file_size": max_file_size,
        "space_id": None,
        "root": root.rstrip("/"),
        "components": [_component(c[0]) for c in _COMPONENTS],
        "dependencies": [
            {
                "id": fn, "targets": [], "inputs": inputs, "outputs": outputs, "backend_fn": True,
                "js": None, "queue": True, "api_name": name, "api_visibility": "public",
                "types": {"generator": gen, "cancel": False}, "connection": "sse",
            }
            for fn, name, inputs, outputs, gen in _DEPENDENCIES
        ],
    }


def make_info() -> dict[str, Any]:
    named: dict[str, Any] = {}
    for _fn, name, inputs, outputs, _gen in _DEPENDENCIES:
        params = []
        for cid in inputs:
            c_id, kind, label, schema, _props = next(c for c in _COMPONENTS if c[0] == cid)
            if kind == "state":
                continue
            has_default, default = _PARAM_DEFAULTS.get(cid, (False, None))
            params.append({
                "label": label, "parameter_name": label, "parameter_has_default": has_default,
                "parameter_default": default, "type": schema,
                "python_type": {"type": "str", "description": ""},
                "component": kind.capitalize(), "example_input": None,
            })
        returns = []
        for cid in outputs:
            c_id, kind, label, schema, _props = next(c for c in _COMPONENTS if c[0] == cid)
            if kind == "state":
                continue
            returns.append({"label": label, "type": schema,
                            "python_type": {"type": "str", "description": ""},
                            "component": kind.capitalize()})
        named["/" + name] = {"parameters": params, "returns": returns, "api_visibility": "public",
                             "description": ""}
    return {"named_endpoints": named, "unnamed_endpoints": {}}


# -- HTTP plumbing -----------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    conn: int
    at: float = field(default_factory=time.monotonic)

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.target).query))

    def json(self) -> Any:
        return json.loads(self.body)


class Conn:
    """One accepted TCP connection."""

    def __init__(self, server: "FaultServer", reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int):
        self.server, self.reader, self.writer, self.n = server, reader, writer, n
        self.poisoned = False  # after a silent-drop 500: the next request is answered with a reset
        self.closed = False

    # responses
    async def send(self, status: int, body: bytes | str | dict | list = b"", headers: dict[str, str] | None = None,
                   reason: str = "X") -> None:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = {"content-type": "application/json", **(headers or {})}
        elif isinstance(body, str):
            body = body.encode()
        head = f"HTTP/1.1 {status} {reason}\r\ncontent-length: {len(body)}\r\n"
        for k, v in (headers or {}).items():
            head += f"{k}: {v}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()

    async def start_stream(self, headers: dict[str, str] | None = None) -> None:
        head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ntransfer-encoding: chunked\r\n"
        for k, v in (headers or {}).items():
            head += f"{k}: {v}\r\n"
        self.writer.write(head.encode() + b"\r\n")
        await self.writer.drain()

    async def chunk(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode()
        if not data:
            return
        self.writer.write(b"%x\r\n" % len(data) + data + b"\r\n")
        await self.writer.drain()

    async def sse(self, message: dict[str, Any]) -> None:
        await self.chunk("data: " + json.dumps(message, separators=(",", ":")) + "\n\n")

    async def end_stream(self) -> None:
        self.writer.write(b"0\r\n\r\n")
        await self.writer.drain()

    def abort(self) -> None:
        self.closed = True
        self.writer.transport.abort()


Handler = Callable[[Request, Conn], Awaitable[None]]


@dataclass
class Event:
    event_id: str
    session: str
    fn_index: int
    data: list[Any]
    done: bool = False
    task: asyncio.Task | None = None


class FaultServer:
    """The scripted server. ``start()`` runs it on its own loop thread; ``url`` is its address."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, max_file_size: int | None = None,
                 ssl_context: ssl.SSLContext | None = None, url_host: str | None = None,
                 auth: tuple[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.url_host = url_host or host
        self.max_file_size = max_file_size
        self.ssl_context = ssl_context
        self.auth = auth
        self.requests: list[Request] = []
        self.join_responses: list[tuple[int, dict[str, str], Any]] = []
        self.routes: dict[tuple[str, str], Handler] = {}
        self.files: dict[str, bytes] = {}  # served by GET file=<path>; anything else: b"payload"
        self.file_redirect: str | None = None
        self.poison_hits = 0  # requests that arrived on a connection dropped after a 500
        self.join_delay = 0.0  # seconds between starting an event and answering its join  # GET file= answers 302 to this URL
        self.events: dict[str, Event] = {}
        self.queues: dict[str, asyncio.Queue] = {}
        self.connections = 0
        self.open_streams: dict[str, int] = {}  # session_hash -> queue/data responses in progress
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._conns: set[Conn] = set()

    # -- life cycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.url_host}:{self.port}/"

    def start(self) -> "FaultServer":
        ready = threading.Event()

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self._listen())
            ready.set()
            self.loop.run_forever()
            self.loop.run_until_complete(self._shutdown())
            self.loop.close()

        self._thread = threading.Thread(target=run, name="fault-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    async def _listen(self) -> None:
        # backlog as uvicorn's default: bursts of connections queue in the kernel, as with Gradio
        self._server = await asyncio.start_server(self._serve, self.host, self.port, ssl=self.ssl_context,
                                                  limit=1 << 24, backlog=2048)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for conn in list(self._conns):
            conn.abort()
        tasks = [t for t in asyncio.all_tasks(self.loop) if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        if self.loop is not None and self._thread is not None and self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers for tests ---------------------------------------------------------------------

    def requests_to(self, path_part: str, method: str | None = None) -> list[Request]:
        return [r for r in list(self.requests) if path_part in r.target and (method is None or r.method == method)]

    def joins(self) -> list[Request]:
        return self.requests_to("/queue/join", "POST")

    # -- serving ------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        conn = Conn(self, reader, writer, self.connections)
        self._conns.add(conn)
        try:
            while not conn.closed:
                line = await reader.readline()
                if not line:
                    break
                if conn.poisoned:  # the silent keep-alive drop after a 500 (PROTOCOL.md §4)
                    self.poison_hits += 1
                    conn.abort()
                    break
                try:
                    method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
                except ValueError:
                    break
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = await self._read_body(reader, headers)
                req = Request(method, target, headers, body, conn.n)
                self.requests.append(req)
                await self._dispatch(req, conn)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:  # server shutting down: end quietly
            conn.abort()
        finally:
            self._conns.discard(conn)
            if not conn.closed:
                try:
                    writer.close()
                except Exception:  # noqa: BLE001
                    pass

    @staticmethod
    async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int((await reader.readline()).strip().split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    return bytes(out)
                out += await reader.readexactly(size)
                await reader.readline()
        length = int(headers.get("content-length", "0") or 0)
        return await reader.readexactly(length) if length else b""

    async def _dispatch(self, req: Request, conn: Conn) -> None:
        path = req.path
        override = self.routes.get((req.method, path))
        if override is not None:
            await override(req, conn)
            return
        if req.method == "GET" and path == "/config":
            await conn.send(200, make_config(self.url, max_file_size=self.max_file_size))
        elif req.method == "GET" and path == API + "/info":
            await conn.send(200, make_info())
        elif req.method == "POST" and path == "/login":
            await self._login(req, conn)
        elif req.method == "POST" and path == API + "/queue/join":
            await self._join(req, conn)
        elif req.method == "GET" and path == API + "/queue/data":
            await self._data(req, conn)
        elif req.method == "POST" and path == API + "/cancel":
            await self._cancel(req, conn)
        elif req.method == "POST" and path == API + "/upload":
            await self._upload(req, conn)
        elif req.method in ("GET", "HEAD") and path.startswith(API + "/file="):
            await self._file(req, conn)
        elif req.method == "GET" and path.startswith(API + "/heartbeat/"):
            await conn.start_stream()
            await conn.chunk("data: ALIVE\n\n")
            await asyncio.sleep(3600)
        else:
            await conn.send(404, {"detail": "Not Found"})

    async def _login(self, req: Request, conn: Conn) -> None:
        form = dict(urllib.parse.parse_qsl(req.body.decode()))
        if self.auth and (form.get("username"), form.get("password")) == self.auth:
            await conn.send(200, {"success": True}, {"set-cookie": "access-token-unsecure-x=tok; HttpOnly; Path=/"})
        else:
            await conn.send(400, {"detail": "Incorrect credentials."})

    async def _join(self, req: Request, conn: Conn) -> None:
        if self.join_responses:
            status, headers, body = self.join_responses.pop(0)
            if status == 500 and headers.get("x-fault") == "silent-drop":
                headers = {k: v for k, v in headers.items() if k != "x-fault"}
                await conn.send(500, body, {"content-type": "text/plain; charset=utf-8", **headers})
                conn.poisoned = True
                return
            await conn.send(status, body, headers)
            return
        payload = req.json()
        session = str(payload["session_hash"])
        event = Event(uuid.uuid4().hex, session, int(payload["fn_index"]), list(payload.get("data") or []))
        self.events[event.event_id] = event
        queue = self.queues.setdefault(session, asyncio.Queue())
        event.task = asyncio.ensure_future(self._script(event, queue))
        if self.join_delay:
            await asyncio.sleep(self.join_delay)
        await conn.send(200, {"event_id": event.event_id})

    async def _cancel(self, req: Request, conn: Conn) -> None:
        payload = req.json()
        event = self.events.get(str(payload.get("event_id")))
        if event is not None and not event.done:
            event.done = True
            if event.task is not None:
                event.task.cancel()
            await self.queues[event.session].put(
                {"msg": "process_completed", "event_id": event.event_id, "output": {}, "success": True})
        await conn.send(200, {"success": True})

    async def _upload(self, req: Request, conn: Conn) -> None:
        if self.max_file_size is not None and len(req.body) > self.max_file_size + 400:
            await conn.send(413, f"File size exceeded maximum allowed size of {self.max_file_size} bytes.")
            return
        await conn.send(200, [f"/tmp/gradio/{uuid.uuid4().hex}/uploaded.bin"])

    async def _file(self, req: Request, conn: Conn) -> None:
        if self.file_redirect:
            await conn.send(302, b"", {"location": self.file_redirect})
            return
        path = urllib.parse.unquote(req.path[len(API + "/file="):])
        body = self.files.get(path, b"payload")
        if req.method == "HEAD":
            head = f"HTTP/1.1 200 OK\r\ncontent-length: {len(body)}\r\n\r\n"
            conn.writer.write(head.encode())
            await conn.writer.drain()
            return
        await conn.send(200, body, {"content-type": "application/octet-stream"})

    # -- the event stream ----------------------------------------------------------------------

    async def _data(self, req: Request, conn: Conn) -> None:
        session = req.query.get("session_hash", "")
        queue = self.queues.get(session)
        if queue is None:
            await conn.start_stream()
            await conn.sse({"msg": "unexpected_error", "event_id": None, "message": "404: Not Found",
                            "session_not_found": True, "success": False})
            conn.abort()
            return
        await conn.start_stream()
        self.open_streams[session] = self.open_streams.get(session, 0) + 1
        try:
            await self._pump(queue, conn, session)
        finally:
            self.open_streams[session] -= 1

    async def _pump(self, queue: asyncio.Queue, conn: Conn, session: str) -> None:
        while True:
            item = await queue.get()
            if isinstance(item, dict):
                await conn.sse(item)
                if item.get("msg") == "process_completed":
                    pending = [e for e in self.events.values() if e.session == session and not e.done]
                    if not pending and queue.empty():
                        await conn.sse({"msg": "close_stream", "event_id": None})
                        await conn.end_stream()
                        return
            elif item[0] == "raw":
                await conn.chunk(item[1])
            elif item[0] == "abort":
                conn.abort()
                return
            elif item[0] == "end":
                await conn.end_stream()
                return
            elif item[0] == "close":
                await conn.sse({"msg": "close_stream", "event_id": None})
                await conn.end_stream()
                return

    async def _script(self, event: Event, q: asyncio.Queue) -> None:
        eid = event.event_id
        command = str(event.data[0]) if event.data and event.data[0] is not None else ""
        if event.fn_index == 3:  # file_in: report what arrived
            command = "ok"
            result_value: Any = json.dumps(event.data[0])
        elif event.fn_index == 4:  # typed: echo the arguments
            command = "ok"
            result_value = json.dumps(event.data)
        else:
            result_value = command
        name, _, arg = command.partition(":")

        def completed(data: list[Any]) -> dict[str, Any]:
            return {"msg": "process_completed", "event_id": eid, "success": True,
                    "output": {"data": data, "is_generating": False}}

        def result(value: Any) -> dict[str, Any]:
            data = [value] + ([None] if event.fn_index == 1 else [])
            return completed(data)

        async def finish(message: dict[str, Any]) -> None:
            event.done = True
            await q.put(message)

        await q.put({"msg": "estimation", "event_id": eid, "rank": 0, "queue_size": 1, "rank_eta": None})
        await q.put({"msg": "process_starts", "event_id": eid, "eta": None})
        if name == "slow":  # "slow:<seconds>" or "slow:<seconds>:<tag>"
            await asyncio.sleep(float(arg.split(":")[0]))
            await finish(result(result_value))
        elif name == "cut":
            await asyncio.sleep(0.2)
            await q.put(("abort",))
        elif name == "cut_clean":
            await asyncio.sleep(0.2)
            await q.put(("end",))
        elif name == "hang":
            await asyncio.sleep(3600)
        elif name == "badjson":
            await q.put(("raw", "data: {not json\n\n"))
            await finish(result(result_value))
        elif name == "notobject":
            await q.put(("raw", "data: [1, 2, 3]\n\n"))
            await finish(result(result_value))
        elif name == "badsse":
            await q.put(("raw", "this line has no colon\n: a comment\nevent: weird\nid: 7\nretry: x\n\n"))
            await q.put(("raw", "garbage: field\n\n"))
            await finish(result(result_value))
        elif name == "unknownmsg":
            await q.put({"msg": "brand_new_kind_from_the_future", "event_id": eid, "payload": [1]})
            await finish(result(result_value))
        elif name == "strayevent":
            stray = uuid.uuid4().hex
            await q.put({"msg": "process_starts", "event_id": stray, "eta": None})
            await q.put({"msg": "process_completed", "event_id": stray, "success": True,
                         "output": {"data": ["stray"]}})
            await finish(result(result_value))
        elif name == "session_lost":
            await asyncio.sleep(0.2)
            await q.put({"msg": "unexpected_error", "event_id": None, "message": "404: Not Found",
                         "session_not_found": True, "success": False})
            await q.put(("abort",))
        elif name == "event_error":
            await asyncio.sleep(0.1)
            event.done = True
            await q.put({"msg": "unexpected_error", "event_id": eid, "message": "worker exploded",
                         "success": False})
            await q.put({"msg": "close_stream", "event_id": None})
            await q.put(("end",))
        elif name == "stopped_loop":
            while True:
                await asyncio.sleep(0.5)
                await q.put({"msg": "unexpected_error", "event_id": None,
                             "message": "Server stopped unexpectedly.", "success": False})
        elif name == "dup_completed":
            await q.put(result("first"))
            await finish(result("second"))
        elif name == "big":
            await finish(result("x" * int(float(arg) * 1_000_000)))
        elif name == "deep":
            depth = int(arg)
            nested = "[" * depth + "]" * depth
            event.done = True
            await q.put(("raw", 'data: {"msg":"process_completed","event_id":"%s","success":true,'
                                '"output":{"data":[%s]}}\n\n' % (eid, nested)))
            await q.put(("close",))
        elif name == "completed_nodata":
            await finish({"msg": "process_completed", "event_id": eid, "success": True,
                          "output": {"is_generating": False}})
        elif name == "file":
            path = arg
            url = self.url.rstrip("/") + API + "/file=" + urllib.parse.quote(path, safe="/")
            await finish(completed([{"path": path, "url": url, "size": None, "orig_name": None,
                                     "mime_type": None, "is_stream": False,
                                     "meta": {"_type": "gradio.FileData"}}]))
        elif name == "stream_file":  # an is_stream output whose url is wherever arg says
            await finish(completed([{"path": "stream.m3u8", "url": arg, "is_stream": True,
                                     "meta": {"_type": "gradio.FileData"}}]))
        else:
            await finish(result(result_value))


# -- servers that do not speak at all -----------------------------------------------------------


class SilentServer:
    """Accepts TCP connections, reads what is sent, never answers (a wedged app)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="silent-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _run(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.accepted.append(conn)

    def __enter__(self) -> "SilentServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._thread.join(5)
        for c in self.accepted:
            c.close()
        self.sock.close()


class BlackHole:
    """A port whose accept backlog is full: new connections are never established (SYN dropped)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.fillers: list[socket.socket] = []
        for _ in range(8):  # fill the backlog; extra connects just stay in SYN_SENT
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self.fillers.append(s)
        time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def close(self) -> None:
        for s in self.fillers:
            s.close()
        self.sock.close()


if __name__ == "__main__":
    server = FaultServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
