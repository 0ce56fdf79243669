"""``handle_file``: marks a path or URL as a file argument. Light on purpose (no httpx import)."""

from __future__ import annotations

import os
import tempfile
import urllib.parse
import warnings
from pathlib import Path
from typing import Any

from ._exceptions import FileInputError
from ._protocol.files import FILE_DATA_META, FileData

__all__ = ["handle_file", "file", "FileData", "default_download_dir", "is_url"]


def default_download_dir() -> str:
    """Where outputs land by default: ``$GRADIO_TEMP_DIR`` or ``<tmp>/gradio`` (as gradio_client)."""
    return os.environ.get("GRADIO_TEMP_DIR") or str(Path(tempfile.gettempdir()) / "gradio")


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def handle_file(filepath_or_url: str | os.PathLike[str]) -> FileData:
    """Mark a local path or an http(s) URL as a file argument; it is uploaded when the call is made.

    Errors (a missing path, a directory, an unreadable file) are raised here, before anything is
    sent.
    """
    if isinstance(filepath_or_url, os.PathLike):
        filepath_or_url = os.fspath(filepath_or_url)
    if not isinstance(filepath_or_url, str):
        raise FileInputError(
            f"handle_file() takes a path or an http(s) URL, not {type(filepath_or_url).__name__}."
        )
    value = filepath_or_url
    if is_url(value):
        name = Path(urllib.parse.urlsplit(value).path).name or "file"
        return {"path": value, "url": value, "orig_name": name, "meta": dict(FILE_DATA_META)}
    path = Path(value).expanduser()
    if not path.exists():
        hint = " It looks like a URL without http(s)://." if "://" in value or value.startswith("www.") else ""
        raise FileInputError(  # gradio_client's wording first, then ours
            f"File {value} does not exist on local filesystem and is not a valid URL "
            f"(handle_file: no such file: {value!r}).{hint}"
        )
    if path.is_dir():
        raise FileInputError(
            f"handle_file: {value!r} is a directory. Pass one file, or zip the folder first."
        )
    if not path.is_file():
        raise FileInputError(
            f"handle_file: {value!r} is not a regular file (a FIFO, socket or device cannot be uploaded)."
        )
    if not os.access(path, os.R_OK):
        raise FileInputError(f"handle_file: {value!r} is not readable (permission denied).")
    return {"path": str(path), "orig_name": path.name, "meta": dict(FILE_DATA_META)}




def file(filepath_or_url: str | os.PathLike[str]) -> FileData:
    """Deprecated name of ``handle_file``, kept (with gradio_client's warning) for old code."""
    warnings.warn(
        "file() is deprecated and will be removed in a future version. Use handle_file() instead.",
        stacklevel=2,
    )
    return handle_file(filepath_or_url)
