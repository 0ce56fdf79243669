"""Files: streamed uploads before a call, streamed downloads after it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import stat
import ipaddress
import os
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any, AsyncIterator, BinaryIO, Mapping

import httpx

from ._exceptions import FileInputError, GradioNBError, ProtocolError
from ._protocol.files import (
    FILE_DATA_META,
    collect_files,
    is_file_data_with_meta,
    is_legacy_file_obj,
    map_files,
    safe_filename,
)
from ._handle_file import is_url as _is_url
from ._protocol.routes import Routes
from ._transport import Transport

__all__ = ["FileHandler"]

_CHUNK = 1 << 16


def _host_is_private(host: str) -> bool:
    """True when Gradio's URL validation would refuse this host (loopback, private, link-local).

    Decided from the name alone (no DNS lookup, which would need a thread): IP literals by their
    range, ``localhost`` and single-label or ``.local``/``.internal`` names as private.
    """
    host = host.strip("[]").lower()
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        pass
    return host == "localhost" or "." not in host or host.endswith((".localhost", ".local", ".internal"))


def _download_key(f: Mapping[str, Any]) -> str:
    """What identifies an output file on the server: its stream URL, else its path."""
    return str(f.get("url") if f.get("is_stream") else f["path"])


def _non_empty(path: str) -> bool:
    """True for a file that is still there and not empty (a download worth reusing)."""
    try:
        return os.path.getsize(path) > 0
    except OSError:
        return False


@contextlib.asynccontextmanager
async def _open_regular(path: str) -> AsyncIterator[BinaryIO]:
    """Open for reading without ever blocking on a FIFO (O_NONBLOCK), and only regular files."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileInputError(f"{path!r} is not a regular file (a directory, FIFO or device).")
        fileobj = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fileobj:
        yield fileobj


class FileHandler:
    """Uploads file arguments and downloads file outputs for one app."""

    def __init__(
        self,
        transport: Transport,
        routes: Routes,
        *,
        download_dir: str | os.PathLike[str] | None,
        max_file_size: int | None,
        files_need_meta: bool,
    ) -> None:
        self._transport = transport
        self._routes = routes
        self.download_dir = Path(download_dir) if download_dir else None
        self.max_file_size = max_file_size
        self._is_output_file = is_file_data_with_meta if files_need_meta else is_legacy_file_obj
        self._downloaded: dict[str, asyncio.Future[str]] = {}

    # -- uploads -----------------------------------------------------------------------------

    async def prepare_inputs(self, data: list[Any], labels: list[str]) -> list[Any]:
        """Upload every ``handle_file`` dict in ``data`` and replace it with the server's FileData."""
        pending: list[tuple[int, dict[str, Any]]] = []
        for i, value in enumerate(data):
            for f in collect_files(value, is_file_data_with_meta):
                pending.append((i, f))
        if not pending:
            return data
        for i, f in pending:
            self._check_local(f, labels[i] if i < len(labels) else "")
        uploaded = await asyncio.gather(
            *(self._upload_one(f, labels[i] if i < len(labels) else "") for i, f in pending)
        )
        replacements = {id(f): new for (_, f), new in zip(pending, uploaded)}
        return [
            map_files(value, lambda f: replacements.get(id(f), f), is_file_data_with_meta)
            for value in data
        ]

    def _check_local(self, f: Mapping[str, Any], label: str) -> None:
        path = f["path"]
        if _is_url(path):
            return
        where = f" for {label!r}" if label else ""
        try:
            size = os.path.getsize(path)
        except FileNotFoundError:
            raise FileInputError(f"File {path!r}{where} does not exist (any more).") from None
        except OSError as exc:
            raise FileInputError(f"File {path!r}{where} cannot be read: {exc.strerror}.") from None
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise FileInputError(f"{path!r}{where} is not a regular file (a directory, FIFO or device).")
        if self.max_file_size is not None and size > self.max_file_size:
            raise FileInputError(
                f"File {path!r}{where} is {size:,} bytes; the app accepts at most "
                f"{self.max_file_size:,} bytes (its max_file_size). Nothing was uploaded."
            )

    async def _upload_one(self, f: Mapping[str, Any], label: str) -> dict[str, Any]:
        path = str(f["path"])
        if _is_url(path):
            return await self._url_input(f, label)
        name = safe_filename(f.get("orig_name") or Path(path).name)
        async with self._transport.short_requests, _open_regular(path) as fileobj:
            # Streamed by httpx in 64 KiB chunks, never read whole into memory.
            response = await self._transport.request(
                "POST", self._routes.upload, what=f"Uploading {name}",
                files=[("files", (name, fileobj))],
                timeout=httpx.Timeout(connect=10.0, read=None, write=None, pool=None),
            )
        paths = response.json()
        if not isinstance(paths, list) or not paths or not isinstance(paths[0], str):
            raise ProtocolError(f"Uploading {name}: the server answered {paths!r}, not a list of paths.")
        return {"path": paths[0], "orig_name": name, "meta": dict(FILE_DATA_META)}

    async def _url_input(self, f: Mapping[str, Any], label: str) -> dict[str, Any]:
        url = str(f["path"])
        name = safe_filename(f.get("orig_name") or Path(urllib.parse.urlsplit(url).path).name)
        host = urllib.parse.urlsplit(url).hostname or ""
        if not _host_is_private(host):
            # Public URLs are fetched by the server itself, as gradio_client does; a quick HEAD
            # turns a dead link into an error before the call instead of an opaque app failure.
            try:
                head = await self._transport.http.head(url, follow_redirects=True, timeout=10.0)
            except httpx.HTTPError:
                head = None  # unreachable from here; the server may still reach it
            if head is not None and head.status_code in (404, 410):
                raise FileInputError(f"File URL {url!r} answers HTTP {head.status_code}. Check the URL.")
            return {"path": url, "orig_name": name, "meta": dict(FILE_DATA_META)}
        # Gradio refuses private and loopback URLs: fetch here, then upload.
        with tempfile.TemporaryDirectory(prefix="gradio_nb-") as tmp:
            local = Path(tmp) / name
            try:
                async with self._transport.http.stream("GET", url, follow_redirects=True) as r:
                    if r.status_code != 200:
                        raise FileInputError(
                            f"Fetching file URL {url!r}: HTTP {r.status_code}. Check the URL."
                        )
                    with open(local, "wb") as out:
                        async for chunk in r.aiter_bytes(_CHUNK):
                            out.write(chunk)
            except httpx.HTTPError as exc:
                raise FileInputError(f"Fetching file URL {url!r} failed: {exc}.") from exc
            self._check_local({"path": str(local)}, label)
            return await self._upload_one({"path": str(local), "orig_name": name}, label)

    # -- downloads ---------------------------------------------------------------------------

    def has_files(self, value: Any) -> bool:
        return self.download_dir is not None and bool(collect_files(value, self._is_output_file))

    async def process_outputs(self, data: list[Any], *, final: bool = False) -> list[Any]:
        """Download every output file; returns ``data`` with local paths in their place.

        A streamed output may reuse a file an earlier message already fetched, but a ``final``
        result fetches each of its files again: the app may have rewritten that file while the
        earlier download ran (see ``_local_copy``), and the final result is what stays.
        """
        if self.download_dir is None:
            return data
        files = collect_files(data, self._is_output_file)
        if not files:
            return data
        copies: dict[str, asyncio.Future[str]] = {}  # one local copy per file of this message
        for f in files:
            key = _download_key(f)
            if key not in copies:
                copies[key] = asyncio.ensure_future(self._local_copy(f, key, reuse=not final))
        local = await asyncio.gather(*(copies[_download_key(f)] for f in files))
        by_id = {id(f): path for f, path in zip(files, local)}
        return [map_files(v, lambda f: by_id.get(id(f), f), self._is_output_file) for v in data]

    async def _local_copy(self, f: Mapping[str, Any], key: str, *, reuse: bool) -> str:
        """The local copy of one output file: a new download, or an earlier one if ``reuse``.

        Why a final result never reuses a download: Gradio writes a PIL/numpy/bytes output in
        place (truncate, then write) under a folder named after its bytes, even when the file is
        already there. A generator that yields the same picture twice (a last "done" step)
        rewrites the file the previous message pointed to, and a download of it that lands
        between the truncation and the write gets a whole, valid, *empty* HTTP response. The
        rewrite is over before the app sends the message that follows it, so only a download
        started after that message arrived is sure to be whole (issue #11). A streamed output
        reuses earlier downloads (a chat history's files are not fetched again per token),
        except an empty one: that is what a download caught by a rewrite looks like.
        """
        earlier = self._downloaded.get(key) if reuse else None
        if earlier is not None:
            path = await asyncio.shield(earlier)
            if _non_empty(path):
                return path
        future = asyncio.ensure_future(self._fetch(f))
        self._downloaded[key] = future
        future.add_done_callback(lambda fut: self._forget_failed(key, fut))
        return await asyncio.shield(future)

    def _forget_failed(self, key: str, future: asyncio.Future[str]) -> None:
        failed = future.cancelled() or future.exception() is not None
        if failed and self._downloaded.get(key) is future:  # not a newer download of the same file
            self._downloaded.pop(key, None)

    async def _fetch(self, f: Mapping[str, Any]) -> str:
        assert self.download_dir is not None
        if f.get("is_stream") and isinstance(f.get("url"), str):
            url = self._routes.absolute(f["url"])
            name = safe_filename(Path(urllib.parse.urlsplit(url).path).name)
        else:
            url = self._routes.file(str(f["path"]))
            name = safe_filename(Path(str(f["path"]).replace("\\", "/")).name or str(f.get("orig_name") or ""))
        self.download_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        tmp = tempfile.NamedTemporaryFile(dir=self.download_dir, prefix=".part-", delete=False)
        try:
            with tmp:
                async with self._transport.stream(
                    "GET", url, what=f"Downloading output file {name}", follow_redirects=True
                ) as response:
                    async for chunk in response.aiter_bytes(_CHUNK):
                        digest.update(chunk)
                        tmp.write(chunk)
            folder = self.download_dir / digest.hexdigest()
            folder.mkdir(exist_ok=True)
            target = folder / name
            os.replace(tmp.name, target)
            return str(target)
        except GradioNBError:
            raise
        except OSError as exc:
            raise GradioNBError(f"Could not save output file {name} in {self.download_dir}: {exc}") from exc
        finally:
            if os.path.exists(tmp.name):
                os.unlink(tmp.name)
