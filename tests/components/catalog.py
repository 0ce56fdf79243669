"""The component matrix's shared half: imported by the matrix app (under each server's Python,
Gradio 6.31, 5.50 or 4.44.1) and by the test (under the main venv).

* ``component_classes(gr)``: every Component class the installed Gradio exports, generated, so a
  new component joins the matrix (or fails it) without anyone editing a list.
* ``SKIP``: the classes left out, each with its reason.
* ``sample_files(folder)``: local files of every kind the components' examples point to on the
  internet (PNG, WAV, MP4, PDF, glTF...), so no test needs the network.
* ``localize(value, files)``: a component's example with its internet URLs swapped for them.
* ``describe(value)``: the canonical description of a value (types, text, numbers, a content
  hash per file) that the app's functions return and the test compares.

Stdlib only at import time: the module runs under four different interpreters' packages.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import struct
import wave
from pathlib import Path
from typing import Any, Callable

# Classes that are not exercised, and why. Everything else the installed Gradio exports is.
SKIP = {
    "Component": "abstract base class of every component: cannot be instantiated",
    "FormComponent": "abstract base class of the form components: cannot be instantiated",
    "LoginButton": "needs gradio[oauth] and a Hugging Face OAuth app; a button, whose value is "
                   "not part of the API (skip_api), like Button which the matrix does cover",
    "LogoutButton": "Gradio 4.x's LoginButton twin: needs gradio[oauth]; not part of the API "
                    "(skip_api), like Button which the matrix does cover",
    # Gradio 3.x only
    "Carousel": "3.x: deprecated, its constructor raises DeprecationWarning (Gallery replaced it)",
    "Interpretation": "3.x: the interpretation panel of another component, not an input or output",
    "StatusTracker": "3.x: deprecated progress placeholder without a value (Gradio ignores it)",
}

# Constructor arguments for classes that an old Gradio cannot build without them (Dataset
# needs its components before 4.44).
OLD_KWARGS: dict[str, dict[str, Any]] = {
    "Dataset": {"components": ["textbox"], "samples": [["first"], ["second"]]},
}

# Examples for components whose own example_payload() / example_value() is not implemented
# (MultimodalTextbox on Gradio 4.44.1) or that predate them (Gradio before 4.19 and 3.x, where
# example_inputs() gave a raw browser value, not what a client sends). Each is what that day's
# gradio_client takes for the class (a file is a path: "<kind>" stands for a local sample file),
# and what its preprocess accepts. A class missing here on such a Gradio breaks the app build,
# so a new one fails the matrix until it is given a value.
FALLBACK_PAYLOADS: dict[str, Any] = {
    "MultimodalTextbox": {"text": "Describe this image", "files": ["<png>"]},
    **{name: "Hello!!" for name in ("Textbox", "TextArea", "Button", "ClearButton",
                                    "DuplicateButton")},
    "Code": "print('Hello World')", "Markdown": "# Hello!", "HTML": "<p>Hello</p>",
    "ColorPicker": "#ff0000", "Number": 3, "Slider": 3, "Checkbox": True,
    **{name: "first" for name in ("Radio", "Dropdown")}, "CheckboxGroup": ["first"],
    **{name: None for name in ("State", "Variable", "Plot", "BarPlot", "LinePlot", "ScatterPlot",
                               "Timeseries")},
    "Dataset": 0,  # the index of a sample
    **{name: "<png>" for name in ("Image", "Pil", "Webcam", "ImageMask", "ImagePaint", "Paint",
                                  "Sketchpad", "ImageEditor")},
    **{name: "<wav>" for name in ("Audio", "Microphone")},
    **{name: {"video": "<mp4>", "subtitles": None} for name in ("Video", "PlayableVideo")},
    "Model3D": "<gltf>", "File": "<pdf>", "UploadButton": "<pdf>", "DownloadButton": "<pdf>",
    "Files": ["<pdf>"], "Gallery": [{"image": "<png>", "caption": None}],
    "Dataframe": {"headers": ["a", "b"], "data": [["foo", "bar"]]},
    **{name: {"headers": ["a", "b"], "data": [["foo", "bar"]]} for name in ("List", "Matrix", "Numpy")},
    "JSON": {"foo": "bar"}, "Label": {"label": "Cat"}, "Chatbot": [["Hello!", None]],
    "HighlightedText": [{"token": "The", "class_or_confidence": None},
                        {"token": "quick", "class_or_confidence": "adj"}],
    "ParamViewer": {"array": {"type": "numpy", "description": "any valid json", "default": "None"}}, "AnnotatedImage": None,
    "FileExplorer": None,
}

# Gradio 3.x's own value shapes where 4.x changed them: a video was a path (4.x: a dict with
# subtitles), a gallery a list of [image, caption] pairs (4.x: dicts).
FALLBACK_PAYLOADS_3X: dict[str, Any] = {
    **{name: "<mp4>" for name in ("Video", "PlayableVideo")},
    "Gallery": [["<png>", None]],
}



def _frame() -> Any:
    """A two-column DataFrame (x, y): what the plots and 3.x's Timeseries draw."""
    import pandas

    return pandas.DataFrame({"x": [1, 2, 3], "y": [4, 5, 6]})


def _figure() -> Any:
    """A matplotlib Figure: what gr.Plot draws besides the plotting libraries' own charts."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([1, 2, 3], [4, 5, 6])
    return figure


# Output values (what each postprocess takes) for the lines without example_value() (before
# 4.21, 3.x included), where the input value above is no output: modelled on 4.21's own
# example_value(), and checked against the postprocess of 3.50, 4.5, 4.10 and 4.19. A callable
# is called in the app (objects that are not JSON: DataFrames, figures).
FALLBACK_OUTPUTS: dict[str, Any] = {
    "Label": {"cat": 0.9, "dog": 0.1},  # label -> confidence (the input is the Label's own dict)
    "HighlightedText": [["The", None], ["quick", "adj"]],  # (token, class) pairs
    "Gallery": [["<png>", "a caption"], "<png2>"],  # images, or (image, caption) pairs
    **{name: "<mp4>" for name in ("Video", "PlayableVideo")},  # a path (the input: a dict)
    # 4.5's ImageEditor.postprocess takes only the editor's dict (4.10 also took one image)
    **{name: {"background": "<png>", "layers": ["<png2>"], "composite": "<png>"}
       for name in ("ImageEditor", "ImageMask", "Paint", "Sketchpad")},
    "AnnotatedImage": ["<png>", [[[0, 0, 2, 2], "box"]]],  # (image, [(bbox, label)])
    "FileExplorer": ["a/b.txt", "c.txt"],  # paths under its root, sent as their parts
    "Dataset": [["third"], ["fourth"]],  # new samples (an update of the table)
    **{name: _frame for name in ("BarPlot", "LinePlot", "ScatterPlot", "Timeseries")},
    "Plot": _figure,
}

# 3.x outputs where they differ from 4.x's: the editors were gr.Image templates taking an image.
FALLBACK_OUTPUTS_3X: dict[str, Any] = {
    **{name: "<png>" for name in ("ImageMask", "Paint", "Sketchpad")},
}

# Gradio versions whose own example_payload() for a class is refused by that class's preprocess
# (for every client): the fallback above is used instead. 4.19 gave a bare URL for Video, a list
# of URLs for Gallery, lists for HighlightedText and None for Dataset; 4.21 fixed them.
BROKEN_EXAMPLES: dict[str, set[str]] = {
    "4.19": {"Dataset", "Gallery", "HighlightedText", "PlayableVideo", "Video"},
}

NON_ASCII_STEM = "données_測試 ü"  # accents, CJK and a space, in NFC


def component_classes(gr: Any) -> dict[str, type]:
    """Canonical class name -> class, for every Component subclass that `gradio` exports
    (aliases such as ``gr.Text`` or ``gr.Mic`` counted once, under the class's own name)."""
    from gradio.components import Component  # a package since 3.3x; one module in 3.20

    found: dict[str, type] = {}
    for name in dir(gr):
        obj = getattr(gr, name, None)
        if inspect.isclass(obj) and issubclass(obj, Component):
            found.setdefault(obj.__name__, obj)
    return dict(sorted(found.items()))


# -- sample files ---------------------------------------------------------------------------------

def _png(path: Path, color: tuple[int, int, int] = (200, 30, 30)) -> None:
    import zlib

    width = height = 4
    raw = b"".join(b"\x00" + bytes(color) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _wav(path: Path, freq: float = 440.0) -> None:
    import math

    rate = 8000
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
                               for i in range(rate // 4)))


_GLTF = json.dumps({"asset": {"version": "2.0"}, "scenes": [{"nodes": []}], "scene": 0})
_PDF = (b"%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def sample_files(folder: str | os.PathLike[str], mp4_source: str | os.PathLike[str]) -> dict[str, str]:
    """Write one sample per kind into `folder`: {"png": path, "png2": path, "png-nonascii": ...}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}

    def add(key: str, name: str, write: Callable[[Path], None]) -> None:
        path = folder / name
        if not path.exists():
            write(path)
        made[key] = str(path)

    mp4 = Path(mp4_source).read_bytes()
    for suffix, stem in (("", "sample"), ("2", "other"), ("-nonascii", NON_ASCII_STEM)):
        variant = 1 if suffix == "2" else 0
        add("png" + suffix, f"{stem}.png", lambda p, v=variant: _png(p, ((200, 30, 30), (30, 30, 200))[v]))
        add("wav" + suffix, f"{stem}.wav", lambda p, v=variant: _wav(p, (440.0, 660.0)[v]))
        add("mp4" + suffix, f"{stem}.mp4", lambda p, v=variant: p.write_bytes(mp4 + b"\0" * v))
        add("pdf" + suffix, f"{stem}.pdf", lambda p, v=variant: p.write_bytes(_PDF + b"%" * v))
        add("gltf" + suffix, f"{stem}.gltf", lambda p, v=variant: p.write_text(_GLTF + " " * v))
        add("txt" + suffix, f"{stem}.txt", lambda p, v=variant: p.write_text(f"text {v}\n"))
    return made


_URL = re.compile(r"^https?://")


def kind_of(name: str) -> str:
    """The sample kind for a URL or file name: "png", "wav", "mp4", "pdf", "gltf" or "txt"."""
    ext = os.path.splitext(name.split("?")[0])[1].lower().lstrip(".")
    return {"jpg": "png", "jpeg": "png", "webp": "png", "gif": "png", "png": "png", "wav": "wav",
            "mp3": "wav", "flac": "wav", "mp4": "mp4", "avi": "mp4", "webm": "mp4", "pdf": "pdf",
            "gltf": "gltf", "glb": "gltf", "obj": "gltf"}.get(ext, "txt")


def localize(value: Any, replace: Callable[[str, Any], Any]) -> Any:
    """`value` with every internet URL (bare, or the path of a FileData dict) or "<kind>"
    placeholder replaced by ``replace(kind, original)``; tuples stay tuples."""
    if isinstance(value, str):
        if _URL.match(value):
            return replace(kind_of(value), value)
        if value.startswith("<") and value.endswith(">") and value[1:-1].isalnum():
            return replace(value[1:-1], value)
        return value
    if isinstance(value, dict):
        path = value.get("path")
        if isinstance(path, str) and (_URL.match(path) or path.startswith("<")):
            return replace(kind_of(path) if _URL.match(path) else path[1:-1], value)
        return {k: localize(v, replace) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(localize(v, replace) for v in value)
    return value


# -- canonical descriptions -----------------------------------------------------------------------

def file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _is_file(value: str) -> bool:
    try:
        return len(value) < 4096 and os.path.isabs(value) and os.path.isfile(value)
    except (OSError, ValueError):
        return False


def describe(value: Any) -> Any:
    """A JSON-able description that two equal values share: files by content hash and name
    (never by their temporary path), arrays and images by shape and content hash."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, str):
        return {"file": file_digest(value), "name": os.path.basename(value)} if _is_file(value) else value
    if isinstance(value, Path):
        return describe(str(value))
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {"tuple": [describe(v) for v in value]}
    if isinstance(value, list):
        return [describe(v) for v in value]
    kind = type(value).__name__
    if hasattr(value, "tobytes") and hasattr(value, "shape"):  # numpy arrays
        return {kind: [list(value.shape), str(value.dtype), hashlib.sha256(value.tobytes()).hexdigest()[:16]]}
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # pandas DataFrames
        return {kind: describe(value.to_dict(orient="split"))}
    if hasattr(value, "tobytes") and hasattr(value, "mode") and hasattr(value, "size"):  # PIL images
        return {kind: [list(value.size), value.mode, hashlib.sha256(value.tobytes()).hexdigest()[:16]]}
    if hasattr(value, "model_dump"):  # pydantic models (GradioModel, FileData...)
        return {kind: describe(value.model_dump())}
    if hasattr(value, "item") and hasattr(value, "dtype"):  # numpy scalars
        return describe(value.item())
    if hasattr(value, "__dict__"):
        return {kind: describe({k: v for k, v in vars(value).items() if not k.startswith("_")})}
    return {kind: re.sub(r" at 0x[0-9a-f]+", "", repr(value))[:300]}
