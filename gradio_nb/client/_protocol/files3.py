"""Gradio 3.x values, without I/O (the ``ws`` protocol and 3.x apps without a queue): files,
and the update dicts that stand for values.

3.x had no FileData with ``path``/``meta``. Its values are (PROTOCOL.md §16):

* ``{"name": <server path>, "data": None, "is_file": True, "orig_name": ...}``: a file on the
  server, downloaded from ``file=<name>``; an uploaded input takes the same form;
* ``{"name": ..., "data": "data:<mime>;base64,...", "is_file": False}``: the bytes inline;
* a bare ``data:`` URL string: what ``gr.Image`` sends and expects (it never took paths).
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from typing import Any, Mapping, Sequence

__all__ = [
    "INLINE_TYPES",
    "is_file_value_3x",
    "uploaded_3x",
    "data_url",
    "decode_data_url",
    "mark_data_urls",
    "resolve_updates",
    "changes_nothing",
    "is_file_schema_3x",
    "empty_is_none",
    "unwrap_videos",
]

# Components whose 3.x values are bare data: URLs, in and out.
INLINE_TYPES = frozenset({"image"})


def is_file_value_3x(value: Any) -> bool:
    """A 3.x file dict: on the server (``is_file``) or inline (``data``)."""
    if not isinstance(value, dict) or "path" in value:
        return False
    if value.get("is_file") and isinstance(value.get("name"), str):
        return True
    return isinstance(value.get("data"), str) and value["data"].startswith("data:")


def uploaded_3x(server_path: str, orig_name: str) -> dict[str, Any]:
    """The value a 3.x app takes for a file already uploaded to ``upload``."""
    return {"name": server_path, "data": None, "is_file": True, "orig_name": orig_name}


def data_url(content: bytes, filename: str) -> str:
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def decode_data_url(url: str) -> tuple[bytes, str]:
    """``data:image/png;base64,...`` -> (bytes, ".png"). Raises ValueError if it is none."""
    header, sep, payload = url.partition(",")
    if not (sep and header.startswith("data:") and header.endswith(";base64")):
        raise ValueError(f"not a base64 data: URL: {url[:40]!r}")
    try:
        content = base64.b64decode(payload, validate=False)
    except binascii.Error as exc:
        raise ValueError(f"bad base64 in a data: URL: {exc}") from None
    mime = header[len("data:"):-len(";base64")]
    return content, mimetypes.guess_extension(mime) or ""


def mark_data_urls(values: Sequence[Any], inline: Sequence[bool]) -> list[Any]:
    """Wrap the bare data: URLs of inline outputs (``gr.Image``) as inline file dicts, so that
    they are saved as files like every other output file; text outputs stay untouched."""
    out = []
    for value, is_inline in zip(values, inline):
        if is_inline and isinstance(value, str) and value.startswith("data:"):
            value = {"name": None, "data": value, "is_file": False}
        out.append(value)
    return out + list(values[len(out):])


def unwrap_videos(values: Sequence[Any], video: Sequence[bool]) -> list[Any]:
    """The video alone where a 3.x ``gr.Video`` output sends ``[video, subtitles]`` (3.2x+;
    3.20 sent the video dict alone): what that day's gradio_client returns
    (``VideoSerializable.deserialize`` drops the subtitles), so that a Video output is one file
    on every line."""
    out = []
    for value, is_video in zip(values, video):
        if (is_video and isinstance(value, (list, tuple)) and len(value) == 2
                and (value[0] is None or is_file_value_3x(value[0]))
                and (value[1] is None or is_file_value_3x(value[1]))):
            value = value[0]
        out.append(value)
    return out + list(values[len(out):])


def resolve_updates(values: Sequence[Any], previous: Sequence[Any] | None) -> list[Any]:
    """3.x sends ``{"__type__": "update", ...}`` where an output changes only its looks: its
    ``value`` if it has one, else the output keeps its previous value (the end of a 3.20
    generator sends such updates instead of repeating the last yield)."""
    out = []
    for i, value in enumerate(values):
        if isinstance(value, dict) and value.get("__type__") == "update":
            if "value" in value:
                value = value["value"]
            elif previous is not None and i < len(previous):
                value = previous[i]
            else:
                value = None
        out.append(value)
    return out


def changes_nothing(values: Sequence[Any]) -> bool:
    """Only updates without a value: no new output (3.20 yields one when a generator ends)."""
    return bool(values) and all(
        isinstance(v, dict) and v.get("__type__") == "update" and "value" not in v for v in values
    )


def is_file_schema_3x(schema: Any) -> bool:
    """A 3.x file component's schema: an object with ``name`` and ``data`` (base64) or
    ``is_file``, alone or as one branch of ``oneOf`` (a file path or such a dict)."""
    if not isinstance(schema, Mapping):
        return False
    props = schema.get("properties")
    if isinstance(props, Mapping) and "name" in props and ("is_file" in props or "data" in props):
        return True
    branches = schema.get("oneOf") or schema.get("anyOf") or ()
    return isinstance(branches, list) and any(is_file_schema_3x(b) for b in branches)


# Components whose file the 3.x client uploads before serializing: "" is a path to it.
_UPLOADED_FIRST = frozenset({"file", "uploadbutton"})
# Media components whose 3.x value is one file: known by type where no /info gives the schema
# (3.20).
_MEDIA = frozenset({"audio", "video", "model3d"})


def empty_is_none(component_type: str, schema: Any) -> bool:
    """Whether ``""`` for this 3.x input means "no file", sent as None: what the browser sends
    for an empty Image, Audio, Video or Model3D, and what that day's gradio_client
    (ImgSerializable, FileSerializable) makes of ``""``. The app fails on ``""`` itself. File
    and UploadButton are left alone: that client uploads ``""`` as a path and fails, so does
    the app."""
    if component_type in _UPLOADED_FIRST:
        return False
    return component_type in INLINE_TYPES or component_type in _MEDIA or is_file_schema_3x(schema)
