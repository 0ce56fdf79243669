"""The calls made from forms and magics in this kernel, replayable as Python.

    from gradio_nb.widgets import history
    history.entries()     # [Entry(api_name="/echo", arguments={...}, code=..., result=..., ...)]
    print(history.as_code())

Secrets are never stored: password boxes and parameters named like credentials (token, password,
api_key...) are recorded as ``getpass.getpass(...)`` in the code and ``"<secret>"`` in the
arguments. The client's URL is ``client.src``, which never holds a token.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from ._code import call_code, needs_imports
from ._inputs import is_secret

__all__ = ["Entry", "as_code", "clear", "entries", "record", "record_batch"]

SECRET = "<secret>"


@dataclass(frozen=True)
class Entry:
    """One recorded call. ``status`` is "running", "done", "error" or "cancelled"."""

    client_var: str
    src: str | None
    api_name: str | None
    arguments: dict[str, Any]
    code: str
    status: str = "running"
    outputs: tuple[Any, ...] = ()
    result: Any = None
    error: str | None = None
    duration: float | None = None


_lock = threading.Lock()
_entries: list[Entry] = []


def _safe_arguments(job: Any) -> dict[str, Any]:
    by_name = {p.name: p for p in job.endpoint.parameters}
    return {
        name: SECRET if name in by_name and is_secret(by_name[name]) else value
        for name, value in job.arguments.items()
    }


def record(client_var: str | None, job: Any) -> Entry:
    """Remember a call; its outcome is filled in when the job finishes."""
    client = job.client
    entry = Entry(
        client_var=client_var or "client",
        src=getattr(client, "src", None),
        api_name=job.endpoint.api_name,
        arguments=_safe_arguments(job),
        code=call_code(job.endpoint, job.arguments, client_var),
    )
    with _lock:
        _entries.append(entry)
        index = len(_entries) - 1

    def finished(snap: Any) -> None:
        if not snap.done:
            return
        for remove in removers:
            remove()
        error = snap.error
        status = "cancelled" if snap.cancelled else ("error" if error is not None else "done")
        message = None
        if error is not None:
            message = f"{type(error).__name__}: {getattr(error, 'message', None) or error}"
        end = snap.finished_at if snap.finished_at is not None else time.monotonic()
        with _lock:
            if index < len(_entries) and _entries[index] is entry:
                _entries[index] = replace(
                    entry, status=status, outputs=snap.outputs, result=snap.result, error=message,
                    duration=max(0.0, end - snap.submitted_at),
                )

    # A listener, not add_done_callback: the core runs done callbacks while holding the job's
    # lock, so reading job.snapshot() there would deadlock the loop thread.
    removers: list[Any] = []
    removers.append(job.add_listener(finished))
    finished(job.snapshot())
    return entry


def record_batch(client_var: str | None, client: Any, batch: Any, code: str) -> Entry:
    """Remember a ``map``/``sweep`` started from a form or a magic, as ``code`` (which the
    caller writes: its inputs are a variable or a grid, not values to copy)."""
    entry = Entry(client_var=client_var or "client", src=getattr(client, "src", None),
                  api_name=batch.endpoint.api_name, arguments={}, code=code)
    with _lock:
        _entries.append(entry)
        index = len(_entries) - 1

    def finished(snap: Any) -> None:
        if not snap.finished:
            return
        remove()
        status = "cancelled" if snap.cancelled else ("error" if snap.failed else "done")
        message = f"{snap.failed} of {snap.total} failed" if snap.failed else None
        with _lock:
            if index < len(_entries) and _entries[index] is entry:
                _entries[index] = replace(entry, status=status, error=message, duration=snap.elapsed)

    remove = batch.add_listener(finished)
    finished(batch.snapshot())
    return entry


def entries() -> list[Entry]:
    """All recorded calls, oldest first."""
    with _lock:
        return list(_entries)


def clear() -> None:
    with _lock:
        _entries.clear()


def as_code() -> str:
    """Runnable Python for every recorded call (a Client per app, then the calls in order)."""
    records = entries()
    imports = {"from gradio_nb import Client"}
    clients: dict[str, str | None] = {}
    for entry in records:
        imports.update(needs_imports(entry.code))
        clients.setdefault(entry.client_var, entry.src)
    lines = sorted(imports, key=lambda line: (not line.startswith("import"), line))
    lines.append("")
    for var, src in clients.items():
        lines.append(f"{var} = Client({src!r})" if src else f"# {var} = Client(...)  (the app's URL)")
    lines.append("")
    for entry in records:
        lines.append(f"# {entry.status}" + (f" in {entry.duration:.2f} s" if entry.duration is not None else ""))
        lines.append(entry.code)
    return "\n".join(lines).rstrip() + "\n"
