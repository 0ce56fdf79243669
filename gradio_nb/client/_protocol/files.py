"""FileData values (PROTOCOL.md §11), without I/O: detection, traversal and safe names."""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any, Callable, Mapping, TypedDict

__all__ = [
    "FILE_DATA_META",
    "FileData",
    "contains_file_schema",
    "is_file_schema",
    "is_file_or_files_schema",
    "is_file_data_with_meta",
    "is_legacy_file_obj",
    "map_files",
    "collect_files",
    "safe_filename",
]

FILE_DATA_META = {"_type": "gradio.FileData"}


class FileData(TypedDict, total=False):
    """A file as the Gradio protocol carries it (what ``handle_file`` returns), for type hints.

    gradio_client exports a ``FileData`` of the same purpose (from Gradio 3's ``name``/``data``
    days); this one has the fields Gradio 4 and later send and accept.
    """

    path: str
    url: str | None
    size: int | None
    orig_name: str | None
    mime_type: str | None
    is_stream: bool
    meta: dict[str, Any]


FileData.__module__ = "gradio_nb"  # shown as gradio_nb.FileData in signatures and help()

# Windows device names: a file called "CON" or "nul.txt" cannot be created there.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_MAX_NAME_BYTES = 200


def is_file_data_with_meta(value: Any) -> bool:
    """A FileData dict as sse_v2.1+ servers mark it (and as ``handle_file`` builds it)."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("path"), str)
        and isinstance(value.get("meta"), dict)
        and value["meta"].get("_type") == "gradio.FileData"
    )


def is_legacy_file_obj(value: Any) -> bool:
    """Any dict with a string ``path``: how servers before sse_v2.1 mark files."""
    return isinstance(value, dict) and isinstance(value.get("path"), str)


def contains_file_schema(schema: Any) -> bool:
    """Whether a component's JSON schema contains a FileData object anywhere."""
    if isinstance(schema, Mapping):
        if schema.get("title") == "FileData":
            return True
        props = schema.get("properties")
        if isinstance(props, Mapping) and "path" in props and "meta" in props:
            return True
        return any(contains_file_schema(v) for v in schema.values())
    if isinstance(schema, (list, tuple)):
        return any(contains_file_schema(v) for v in schema)
    return False


def is_file_schema(schema: Mapping[str, Any]) -> bool:
    """A schema that *is* one FileData object (not one that merely contains files)."""
    if schema.get("title") in ("FileData", "ImageData"):
        return True
    props = schema.get("properties")
    return isinstance(props, Mapping) and "path" in props and ("meta" in props or "url" in props)


def is_file_or_files_schema(schema: Mapping[str, Any]) -> bool:
    """Whether a value of ``schema`` is one file or a list of files (an Image, a Files), rather
    than an object with files inside (a MultimodalTextbox, an ImageEditor, a Chatbot)."""
    defs = schema.get("$defs") if isinstance(schema.get("$defs"), Mapping) else {}

    def resolve(node: Any) -> Mapping[str, Any]:
        if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        return node if isinstance(node, Mapping) else {}

    def one_file(node: Any) -> bool:
        node = resolve(node)
        branches = [resolve(b) for b in node.get("anyOf") or node.get("oneOf") or []]
        if branches:
            real = [b for b in branches if b.get("type") != "null"]
            return bool(real) and all(one_file(b) for b in real)
        return is_file_schema(node)

    node = resolve(schema)
    if node.get("type") == "array":
        return one_file(node.get("items"))
    return one_file(node)


def map_files(value: Any, fn: Callable[[dict[str, Any]], Any], is_file: Callable[[Any], bool]) -> Any:
    """Return ``value`` with every file dict replaced by ``fn(file)`` (gradio_client's traverse)."""
    if is_file(value):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_files(v, fn, is_file) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_files(v, fn, is_file) for v in value]
    return value


def collect_files(value: Any, is_file: Callable[[Any], bool]) -> list[dict[str, Any]]:
    """Every file dict inside ``value``, depth first."""
    found: list[dict[str, Any]] = []

    def visit(node: Any) -> None:
        if is_file(node):
            found.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                visit(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                visit(v)

    visit(value)
    return found


def safe_filename(name: str, default: str = "file") -> str:
    """A server-given file name made safe to create inside a download folder.

    Keeps only the last path component (both ``/`` and ``\\``), removes control and reserved
    characters, drive letters and leading dots, avoids Windows device names and caps the length
    while keeping the extension. The result never contains a separator and is never ``..``.
    """
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = name.split(":")[-1]  # drive letters ("C:x") and NTFS streams ("a:b")
    name = _UNSAFE.sub("_", name).strip().lstrip(". ").rstrip()
    stem, ext = os.path.splitext(name)
    if stem.upper() in _RESERVED:
        stem = "_" + stem
    if len(ext.encode()) > 20:
        stem, ext = stem + ext, ""
    budget = _MAX_NAME_BYTES - len(ext.encode())
    stem = stem.encode()[:budget].decode("utf-8", "ignore")
    name = stem + ext
    return name if name and name not in {".", ".."} else default
