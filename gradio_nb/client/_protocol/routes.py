"""URL layout (PROTOCOL.md §1) and what each protocol version changes (§16)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from .._exceptions import ConfigError, ProtocolError

__all__ = ["PROTOCOLS", "Routes", "ProtocolFeatures", "normalize_src", "split_credentials", "origin_of", "protocol_features", "version_tuple"]


def split_credentials(src: str) -> tuple[str, tuple[str, str] | None]:
    """``http://user:pw@host/`` -> (``http://host/``, (user, pw)): secrets never stay in ``src``."""
    parts = urllib.parse.urlsplit(src.strip())
    if parts.username is None and parts.password is None:
        return src, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    user = urllib.parse.unquote(parts.username or "")
    password = urllib.parse.unquote(parts.password or "")
    return clean, (user, password)


def normalize_src(src: str) -> str:
    """``http://host/app`` -> ``http://host/app/``: relative joins keep the mount path."""
    if not isinstance(src, str) or not src.strip():
        raise ConfigError("src must be a URL such as 'http://127.0.0.1:7860' or a Space id 'owner/name'.")
    src = src.strip()
    parts = urllib.parse.urlsplit(src)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{src!r} is not an http(s) URL. Pass the app's full URL (e.g. 'http://127.0.0.1:7860/') "
            "or a Hugging Face Space id ('owner/name')."
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def origin_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with default ports filled in: what "the same site" means for secrets."""
    parts = urllib.parse.urlsplit(str(url))
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80))


def version_tuple(version: str) -> tuple[int, ...]:
    out: list[int] = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        out.append(int(digits) if digits else 0)
    return tuple(out)


# Every protocol gradio_nb speaks, oldest first (PROTOCOL.md §16).
PROTOCOLS = ("ws", "sse", "sse_v1", "sse_v2", "sse_v2.1", "sse_v3")


@dataclass(frozen=True)
class ProtocolFeatures:
    """How one protocol version behaves, so no code compares protocol strings."""

    name: str
    diffs: bool  # generator yields after the first are diffs (sse_v2+)
    server_closes_stream: bool  # the server sends close_stream (sse_v3); before, the client closes
    files_need_meta: bool  # only FileData with meta are files (sse_v2.1+; we use it for v3 too)
    cancel_route: bool  # POST cancel exists (gradio > 4.29)
    choices_enforced: bool = True  # Radio/Dropdown/CheckboxGroup refuse other values (gradio 5+)
    # One connection per event that carries its inputs once the server asks (send_data):
    # a websocket on Gradio 3.x (ws), an SSE stream plus POST queue/data on 4.0-4.7 (sse).
    per_event: bool = False
    websocket: bool = False
    # POST reset {"event_id"} stops a running generator (4.x before the cancel route).
    reset_event: bool = False
    # Closing a session's stream leaves its queued events queued (measured on 4.19 and 4.21);
    # sse_v1 servers drop them, so closing a job's own stream is its cancel there.
    closed_stream_keeps_queued: bool = False
    queue: bool = True  # False: a 3.x app without a queue, called with POST run/predict


def protocol_features(protocol: str, version: str, *, queue: bool = True) -> ProtocolFeatures:
    """``protocol`` as the config says it ("ws" when it has none, Gradio 3.x); ``queue``: the
    3.x config's ``enable_queue`` (4.x always queues)."""
    if protocol not in PROTOCOLS:
        raise ProtocolError(
            f"This app speaks the Gradio protocol {protocol!r}, which gradio_nb does not know "
            f"(it speaks {', '.join(PROTOCOLS)}: Gradio 3.x to 6.x). Is gradio_nb up to date?"
        )
    cancel_route = version_tuple(version) > (4, 29, 0)
    return ProtocolFeatures(
        name=protocol,
        diffs=protocol in ("sse_v2", "sse_v2.1", "sse_v3"),
        server_closes_stream=protocol == "sse_v3",
        # sse_v3 servers always mark files with meta; treating any {"path": ...} as a file is
        # the reference client's bug (PROTOCOL.md §17.1).
        files_need_meta=protocol in ("sse_v2.1", "sse_v3"),
        # Gradio 4 only warns about a value outside the choices and passes it to the function.
        choices_enforced=version_tuple(version) >= (5, 0, 0),
        cancel_route=cancel_route,
        per_event=protocol in ("ws", "sse"),
        websocket=protocol == "ws",
        reset_event=protocol != "ws" and not cancel_route,
        closed_stream_keeps_queued=protocol in ("sse_v2", "sse_v2.1"),
        queue=queue or protocol != "ws",
    )


class Routes:
    """Absolute URLs of one app. ``src`` ends with '/', ``api`` is the prefixed base."""

    __slots__ = ("src", "api")

    def __init__(self, src: str, api_prefix: str = "") -> None:
        self.src = src
        prefix = api_prefix.strip("/")
        self.api = urllib.parse.urljoin(src, prefix + "/") if prefix else src

    @property
    def config(self) -> str:
        return self.src + "config"

    @property
    def login(self) -> str:
        return self.src + "login"

    def info(self, all_endpoints: bool = False, *, serialized: bool = False) -> str:
        """``serialized``: Gradio 3.x's default view, files as file paths (as its clients showed
        them); ``serialize=False`` would describe its base64 ``name``/``data`` dicts instead."""
        if all_endpoints:
            return self.api + "info?all_endpoints=True"
        return self.api + ("info" if serialized else "info?serialize=False")

    @property
    def join(self) -> str:
        return self.api + "queue/join"

    def data(self, session_hash: str) -> str:
        return self.api + "queue/data?session_hash=" + urllib.parse.quote(session_hash, safe="")

    def join_per_event(self, fn_index: int, session_hash: str) -> str:
        """``sse`` (4.0-4.7): GET opens the event's own stream; ``ws`` (3.x): the websocket."""
        query = urllib.parse.urlencode({"fn_index": fn_index, "session_hash": session_hash})
        return self.join + "?" + query

    @property
    def send_data(self) -> str:
        """``sse``: POST the event's inputs here once the server asked for them."""
        return self.api + "queue/data"

    @property
    def predict(self) -> str:
        """3.x apps without a queue: POST run/predict answers with the outputs."""
        return self.api + "run/predict"

    @property
    def cancel(self) -> str:
        return self.api + "cancel"

    @property
    def reset(self) -> str:
        return self.api + "reset"

    def heartbeat(self, session_hash: str) -> str:
        return self.api + "heartbeat/" + urllib.parse.quote(session_hash, safe="")

    @property
    def upload(self) -> str:
        return self.api + "upload"

    def file(self, server_path: str) -> str:
        # Dot segments are escaped: an HTTP client would otherwise resolve "x/../y" and ask
        # the app for a different path than the one it returned.
        quoted = urllib.parse.quote(server_path, safe="/")
        segments = [s.replace(".", "%2E") if s in (".", "..") else s for s in quoted.split("/")]
        return self.api + "file=" + "/".join(segments)

    def absolute(self, url: str) -> str:
        return urllib.parse.urljoin(self.src, url)
