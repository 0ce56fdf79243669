"""A local stand-in for the parts of the Hugging Face Hub HTTP API that a Gradio
client needs for Spaces: resolving a Space to its host, reading its runtime,
whoami, duplicating a Space, requesting hardware, setting the sleep time and
adding secrets.

(Bundled with gradio_nb for the Spaces notebook, which runs offline against it; the same file as
the project's shared recipe /work/shared/recipes/hub-standin/hub_standin.py and
tests/spaces/hub_standin.py.)

Standard library only (http.server + threading), so it runs in any venv and can
be started from a pytest fixture in-process or as a separate process.

Point huggingface_hub at it by setting, BEFORE huggingface_hub.constants is
first imported (importing gradio_client already imports it):

    HF_ENDPOINT=http://127.0.0.1:7890
    HF_HUB_DISABLE_TELEMETRY=1      # no HEAD /api/telemetry/..., no agent-registry fetch
    HF_HOME=<tmp dir>               # isolate the token file / caches
    HF_TOKEN=<a token known to the stand-in>   (optional; read on every call)

Do NOT set HF_HUB_OFFLINE=1: it makes every huggingface_hub request raise
OfflineModeIsEnabled, including those to 127.0.0.1.

In-process use:

    from hub_standin import HubStandin
    hub = HubStandin(port=7890)
    hub.state.add_user("alice", token="hf_alice", orgs=["acme"])
    hub.state.add_space("gradio/hello", host="http://127.0.0.1:7891")
    hub.start()
    ...
    hub.state.requests      # every request seen (method, path, query, headers, json)
    hub.stop()

Separate process:

    python hub_standin.py --port 7890 --user alice=hf_alice \
        --space gradio/hello=http://127.0.0.1:7891 --space alice/secret=http://127.0.0.1:7891:private

and configure it at run time through the /_standin/* control routes (see
Handler._control).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

HUB_WEB = "https://huggingface.co"  # the Hub answers with its public URLs; huggingface_hub rewrites them to HF_ENDPOINT

VALID_STAGES = {
    # huggingface_hub 2.4.0 SpaceStage values
    "NO_APP_FILE", "CONFIG_ERROR", "BUILDING", "BUILD_ERROR", "RUNNING", "RUNNING_BUILDING",
    "RUNTIME_ERROR", "DELETING", "STOPPED", "PAUSED", "APP_STARTING", "RUNNING_APP_STARTING",
    # sent by the real Hub for a Space asleep after inactivity; NOT in the 2.4.0 enum (kept as a raw str)
    "SLEEPING",
}
ERROR_STAGES = {"NO_APP_FILE", "CONFIG_ERROR", "BUILD_ERROR", "RUNTIME_ERROR"}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _subdomain(space_id: str) -> str:
    # Real Hub: "owner/my_space" -> "owner-my-space" (lower-cased, "_" and "." -> "-")
    return re.sub(r"[^a-z0-9]+", "-", space_id.lower()).strip("-")


class HubState:
    """Everything the stand-in knows. Thread-safe enough for tests (one lock)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users: dict[str, dict[str, Any]] = {}  # name -> {"orgs": [...]}
        self.tokens: dict[str, str] = {}  # token -> user name
        self.spaces: dict[str, dict[str, Any]] = {}  # "owner/name" -> record
        self.requests: list[dict[str, Any]] = []  # log of every request
        # How duplicates come to life:
        self.duplicate_stages: list[str] = []  # stages served by successive GET .../runtime, then "RUNNING"
        self.duplicate_host: str | None = None  # host of new duplicates; default: the source Space's host
        self.duplicate_default_hardware: str = "cpu-basic"  # hardware when the payload names none
        self.instant_hardware: bool = True  # request_space_hardware switches "current" at once

    # ---- setup helpers -------------------------------------------------------------------------
    def add_user(self, name: str, token: str | None = None, orgs: list[str] | None = None) -> None:
        with self.lock:
            self.users[name] = {"orgs": list(orgs or [])}
            if token:
                self.tokens[token] = name

    def add_space(
        self,
        space_id: str,
        host: str | None = None,
        *,
        private: bool = False,
        stage: str = "RUNNING",
        stages: list[str] | None = None,
        hardware: str | None = "cpu-basic",
        requested_hardware: str | None = None,
        sleep_time: int | None = None,
        sdk: str = "gradio",
        error_message: str | None = None,
        disabled: bool = False,
    ) -> dict[str, Any]:
        owner, name = space_id.split("/")
        sub = _subdomain(space_id)
        rec = {
            "id": space_id,
            "author": owner,
            "name": name,
            "private": private,
            # None -> the Hub's default "https://<subdomain>.hf.space"; "" -> no "host" field at all
            "host": (f"https://{sub}.hf.space" if host is None else host.rstrip("/")) or None,
            "subdomain": sub,
            "stage": stage,
            "stages": list(stages or []),
            "hardware": hardware,
            "requested_hardware": requested_hardware if requested_hardware is not None else hardware,
            "sleep_time": sleep_time,
            "sdk": sdk,
            "error_message": error_message,
            "disabled": disabled,
            "secrets": {},  # key -> {"value", "description", "updatedAt"}
            "variables": {},  # key -> {"value", "description", "updatedAt"}
            "created_at": _now(),
            "last_modified": _now(),
            "sha": hashlib.sha1(space_id.encode()).hexdigest(),
            "likes": 0,
            "duplicated_from": None,
        }
        with self.lock:
            self.spaces[space_id] = rec
        return rec

    def set_stage(self, space_id: str, stage: str, stages: list[str] | None = None) -> None:
        with self.lock:
            self.spaces[space_id]["stage"] = stage
            self.spaces[space_id]["stages"] = list(stages or [])

    def reset_log(self) -> None:
        with self.lock:
            self.requests.clear()

    def calls(self, method: str | None = None, path_re: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                r
                for r in self.requests
                if (method is None or r["method"] == method) and (path_re is None or re.search(path_re, r["path"]))
            ]

    # ---- JSON shapes ---------------------------------------------------------------------------
    def runtime_json(self, rec: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "stage": rec["stage"],
            "hardware": {"current": rec["hardware"], "requested": rec["requested_hardware"]},
            "storage": None,
            "gcTimeout": rec["sleep_time"],
            "replicas": {"current": 1, "requested": 1},
            "devMode": False,
            "domains": [{"domain": f"{rec['subdomain']}.hf.space", "stage": "READY"}],
            "sdk": rec["sdk"],
        }
        if rec["stage"] in ERROR_STAGES:
            out["errorMessage"] = rec["error_message"] or f"Space is in stage {rec['stage']}"
        return out

    def space_json(self, rec: dict[str, Any]) -> dict[str, Any]:
        return {
            "_id": hashlib.md5(rec["id"].encode()).hexdigest()[:24],
            "id": rec["id"],
            "author": rec["author"],
            "sha": rec["sha"],
            "lastModified": rec["last_modified"],
            "createdAt": rec["created_at"],
            "private": rec["private"],
            "gated": False,
            "disabled": rec["disabled"],
            **({"host": rec["host"]} if rec["host"] else {}),
            "subdomain": rec["subdomain"],
            "likes": rec["likes"],
            "sdk": rec["sdk"],
            "tags": [rec["sdk"], "region:us"],
            "cardData": {"title": rec["name"], "sdk": rec["sdk"], "app_file": "app.py", "pinned": False},
            "siblings": [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"}, {"rfilename": "app.py"}],
            "runtime": self.runtime_json(rec),
            "models": [],
            "datasets": [],
            "usedStorage": 1024,
            "trendingScore": 0,
            **({"duplicatedFrom": rec["duplicated_from"]} if rec["duplicated_from"] else {}),
        }

    def whoami_json(self, user: str) -> dict[str, Any]:
        return {
            "type": "user",
            "id": hashlib.md5(user.encode()).hexdigest()[:24],
            "name": user,
            "fullname": user.title(),
            "email": f"{user}@example.com",
            "emailVerified": True,
            "canPay": False,
            "isPro": False,
            "periodEnd": None,
            "avatarUrl": f"/avatars/{user}.svg",
            "orgs": [
                {"type": "org", "name": o, "fullname": o, "roleInOrg": "write", "isEnterprise": False}
                for o in self.users.get(user, {}).get("orgs", [])
            ],
            "auth": {"type": "access_token", "accessToken": {"displayName": "standin", "role": "write", "createdAt": _now()}},
        }


class Handler(BaseHTTPRequestHandler):
    server_version = "HubStandin/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive, as huggingface_hub's shared httpx2.Client expects

    @property
    def state(self) -> HubState:
        return self.server.state  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # ---- plumbing --------------------------------------------------------------------------------
    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", f"Root={uuid.uuid4()}")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _not_found_repo(self) -> None:
        # X-Error-Code is what makes huggingface_hub raise RepositoryNotFoundError: its 401 fallback only
        # applies to https:// URLs (REPO_API_REGEX), so over http://127.0.0.1 the header is required.
        status = 401 if self._token() is None else 404
        self._send(
            status,
            {"error": "Repository not found"},
            {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
        )

    def _token(self) -> str | None:
        auth = self.headers.get("authorization") or ""
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None

    def _user(self) -> tuple[str | None, bool]:
        """(user, bad_token): user is None when anonymous or the token is unknown."""
        tok = self._token()
        if tok is None:
            return None, False
        user = self.state.tokens.get(tok)
        return user, user is None

    def _can_read(self, rec: dict[str, Any], user: str | None) -> bool:
        return not rec["private"] or self._can_write(rec, user)

    def _can_write(self, rec: dict[str, Any], user: str | None) -> bool:
        if user is None:
            return False
        return rec["author"] == user or rec["author"] in self.state.users.get(user, {}).get("orgs", [])

    def _read_json(self) -> Any:
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode(errors="replace")

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        body = self._read_json()  # always drain the body so keep-alive connections stay in sync
        with self.state.lock:
            self.state.requests.append(
                {
                    "method": self.command,
                    "path": path,
                    "query": {k: v if len(v) > 1 else v[0] for k, v in query.items()},
                    "authorization": self.headers.get("authorization"),
                    "user_agent": self.headers.get("user-agent"),
                    "json": body,
                    "time": time.time(),
                }
            )
        try:
            self._route(path, query, body)
        except Exception as e:  # never leave the client hanging (its timeout is None)
            self._send(500, {"error": f"stand-in error: {type(e).__name__}: {e}"})

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

    # ---- routes ----------------------------------------------------------------------------------
    def _route(self, path: str, query: dict[str, list[str]], body: Any) -> None:
        m = self.command
        if path.startswith("/_standin/"):
            return self._control(path, body)
        if path.startswith("/api/telemetry/"):
            return self._send(200, None)
        if path == "/api/agent-harnesses":
            return self._send(200, {"standardEnvVars": [], "harnesses": {}})
        if path == "/api/whoami-v2" and m == "GET":
            return self._whoami()
        mt = re.fullmatch(r"/api/spaces/([^/]+)/([^/]+)(?:/(.*))?", path)
        if mt:
            space_id, action = f"{mt.group(1)}/{mt.group(2)}", mt.group(3) or ""
            return self._space(space_id, action, query, body)
        self._send(404, {"error": f"Sorry, we can't find the page you are looking for ({m} {path})."})

    def _whoami(self) -> None:
        user, bad = self._user()
        if user is None:
            # The real Hub's wording; huggingface_hub maps any 401 here to "Invalid user token."
            return self._send(
                401,
                {"error": "Invalid credentials in Authorization header"},
                {"X-Error-Message": "Invalid credentials in Authorization header"},
            )
        self._send(200, self.state.whoami_json(user))

    def _space(self, space_id: str, action: str, query: dict[str, list[str]], body: Any) -> None:
        st, m = self.state, self.command
        user, bad = self._user()
        if bad:
            return self._send(
                401,
                {"error": "Invalid credentials in Authorization header"},
                {"X-Error-Message": "Invalid credentials in Authorization header"},
            )
        with st.lock:
            rec = st.spaces.get(space_id)
            if rec is None or not self._can_read(rec, user):
                return self._not_found_repo()

            if action == "" and m == "GET":  # space_info
                return self._send(200, st.space_json(rec))
            if action.startswith("revision/") and m == "GET":
                return self._send(200, st.space_json(rec))
            if action == "runtime" and m == "GET":  # get_space_runtime: advances the stage script
                if rec["stages"]:
                    rec["stage"] = rec["stages"].pop(0)
                return self._send(200, st.runtime_json(rec))
            if action == "duplicate" and m == "POST":
                return self._duplicate(rec, user, body or {})

            # everything below is owner-only
            if not self._can_write(rec, user):
                if user is None:
                    return self._send(401, {"error": "You must be authenticated to do this"})
                return self._send(
                    403,
                    {"error": "You don't have the rights to manage this Space"},
                    {"X-Error-Message": "You don't have the rights to manage this Space"},
                )
            if action == "hardware" and m == "POST":  # request_space_hardware
                flavor = (body or {}).get("flavor")
                rec["requested_hardware"] = flavor
                if st.instant_hardware:
                    rec["hardware"] = flavor
                if (body or {}).get("sleepTimeSeconds") is not None:
                    rec["sleep_time"] = body["sleepTimeSeconds"]
                return self._send(200, st.runtime_json(rec))
            if action == "sleeptime" and m == "POST":  # set_space_sleep_time
                rec["sleep_time"] = (body or {}).get("seconds")
                return self._send(200, st.runtime_json(rec))
            if action == "secrets" and m == "POST":  # add_space_secret
                if not isinstance(body, dict) or "key" not in body:
                    return self._send(400, {"error": "key is required"})
                rec["secrets"][body["key"]] = {
                    "value": body.get("value"),
                    "description": body.get("description"),
                    "updatedAt": _now(),
                }
                return self._send(200, None)
            if action == "secrets" and m == "DELETE":  # delete_space_secret
                rec["secrets"].pop((body or {}).get("key"), None)
                return self._send(200, None)
            if action == "secrets" and m == "GET":  # get_space_secrets: values are write-only
                return self._send(
                    200,
                    {k: {"description": v["description"], "updatedAt": v["updatedAt"]} for k, v in rec["secrets"].items()},
                )
            if action == "variables" and m in ("GET", "POST", "DELETE"):
                # add_space_variable / delete_space_variable read the full map back: r.json() -> {key: {...}}
                if m == "POST":
                    rec["variables"][body["key"]] = {
                        "value": body.get("value"),
                        "description": body.get("description"),
                        "updatedAt": _now(),
                    }
                elif m == "DELETE":
                    rec["variables"].pop((body or {}).get("key"), None)
                return self._send(200, dict(rec["variables"]))
            if action == "pause" and m == "POST":
                rec["stage"], rec["stages"] = "PAUSED", []
                return self._send(200, st.runtime_json(rec))
            if action == "restart" and m == "POST":
                rec["stage"], rec["stages"] = "BUILDING" if query.get("factory") else "APP_STARTING", ["RUNNING"]
                return self._send(200, st.runtime_json(rec))
        self._send(404, {"error": f"Sorry, we can't find the page you are looking for ({m} /api/spaces/{space_id}/{action})."})

    def _duplicate(self, src: dict[str, Any], user: str | None, body: dict[str, Any]) -> None:
        st = self.state
        if user is None:
            return self._send(401, {"error": "You must be authenticated to duplicate a Space"})
        target = body.get("repository")
        if not isinstance(target, str) or target.count("/") != 1:
            return self._send(400, {"error": "repository must be 'namespace/name'"})
        ns = target.split("/")[0]
        if ns != user and ns not in st.users.get(user, {}).get("orgs", []):
            return self._send(403, {"error": f"You don't have the rights to create a Space under the namespace '{ns}'"})
        url = f"{HUB_WEB}/spaces/{target}"
        if target in st.spaces:
            # huggingface_hub(exist_ok=True) swallows 409 but still reads r.json()["url"]: keep "url" here.
            return self._send(409, {"error": "You already created this space repo", "url": url})
        if "visibility" in body:  # huggingface_hub >= 2.x
            private = body["visibility"] in ("private", "protected")
        elif "private" in body:  # older huggingface_hub (duplicate_space): {"private": bool}
            private = bool(body["private"])
        else:
            private = src["private"]
        stages = list(st.duplicate_stages)
        rec = st.add_space(
            target,
            host=st.duplicate_host or src["host"],
            private=private,
            stage=stages.pop(0) if stages else "RUNNING",
            stages=stages,
            hardware=body.get("hardware") or st.duplicate_default_hardware,
            sleep_time=body.get("sleepTimeSeconds"),
            sdk=src["sdk"],
        )
        rec["duplicated_from"] = src["id"]
        for item in body.get("secrets") or []:
            rec["secrets"][item["key"]] = {"value": item.get("value"), "description": item.get("description"), "updatedAt": _now()}
        for item in body.get("variables") or []:
            rec["variables"][item["key"]] = {"value": item.get("value"), "description": item.get("description"), "updatedAt": _now()}
        self._send(200, {"url": url})

    # ---- control API (for tests in another process) -------------------------------------------------
    def _control(self, path: str, body: Any) -> None:
        """
        GET  /_standin/state                 -> {"users", "tokens", "spaces", "requests"}
        GET  /_standin/requests              -> request log
        POST /_standin/reset                 -> clear log
        POST /_standin/users  {"name","token","orgs"}
        POST /_standin/spaces {"id","host","private","stage","stages","hardware",...}  (upsert, kwargs of add_space)
        POST /_standin/stage  {"id","stage","stages"}
        POST /_standin/config {"duplicate_stages","duplicate_host","duplicate_default_hardware","instant_hardware"}
        """
        st, m = self.state, self.command
        with st.lock:
            if path == "/_standin/state" and m == "GET":
                return self._send(
                    200,
                    {"users": st.users, "tokens": st.tokens, "spaces": st.spaces, "requests": st.requests},
                )
            if path == "/_standin/requests" and m == "GET":
                return self._send(200, st.requests)
            if path == "/_standin/reset" and m == "POST":
                st.requests.clear()
                return self._send(200, {"ok": True})
            if path == "/_standin/users" and m == "POST":
                st.add_user(body["name"], body.get("token"), body.get("orgs"))
                return self._send(200, {"ok": True})
            if path == "/_standin/spaces" and m == "POST":
                body = dict(body)
                sid = body.pop("id")
                return self._send(200, st.add_space(sid, **body))
            if path == "/_standin/stage" and m == "POST":
                st.set_stage(body["id"], body["stage"], body.get("stages"))
                return self._send(200, {"ok": True})
            if path == "/_standin/config" and m == "POST":
                for k in ("duplicate_stages", "duplicate_host", "duplicate_default_hardware", "instant_hardware"):
                    if k in body:
                        setattr(st, k, body[k])
                return self._send(200, {"ok": True})
        self._send(404, {"error": "unknown control route"})


class HubStandin:
    """Run the stand-in in a daemon thread (port 0 = any free port; this project: use 7890-7899)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 7890, state: HubState | None = None) -> None:
        self.state = state or HubState()
        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.state = self.state  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread: threading.Thread | None = None

    def start(self) -> "HubStandin":
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "HubStandin":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def env(self, hf_home: str) -> dict[str, str]:
        """Environment for a child process that must talk to this stand-in."""
        return {
            "HF_ENDPOINT": self.url,
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HOME": hf_home,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7890)
    p.add_argument("--user", action="append", default=[], help="NAME=TOKEN[,ORG...]")
    p.add_argument(
        "--space", action="append", default=[], help="OWNER/NAME=HOST_URL[:private][:STAGE] e.g. a/b=http://127.0.0.1:7891"
    )
    a = p.parse_args()
    hub = HubStandin(a.host, a.port)
    for u in a.user:
        name, _, rest = u.partition("=")
        tok, *orgs = rest.split(",")
        hub.state.add_user(name, tok or None, orgs)
    for s in a.space:
        sid, _, rest = s.partition("=")
        flags = []
        while True:
            head, sep, tail = rest.rpartition(":")
            if sep and (tail == "private" or tail in VALID_STAGES):
                flags.append(tail)
                rest = head
            else:
                break
        stage = next((f for f in flags if f in VALID_STAGES), "RUNNING")
        hub.state.add_space(sid, rest or None, private="private" in flags, stage=stage)
    print(f"hub stand-in listening on {hub.url}", flush=True)
    try:
        hub.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
