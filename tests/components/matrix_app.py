"""The component matrix app: one input endpoint and one output endpoint per component class of
the installed Gradio (6.31, 5.50 or 4.44.1; the same file runs on all of them).

    /in_<Name>    the component as the input; returns describe(what the function received)
    /out_<Name>   no input; returns the component's own example_value() as its output

and writes a manifest (JSON, to $MATRIX_MANIFEST) before it serves: Gradio's version, every
class found, the skipped ones with their reason, each component's example payload (internet
URLs kept: the test swaps them for local files) and the classes it could not build, with why.

Components whose value is not part of the API (``skip_api``: State, the buttons...) get a
Textbox beside them, so that both clients have something to send and receive.

argv: port. Environment: MATRIX_FILES, the folder of sample files (catalog.sample_files),
MATRIX_MANIFEST, where to write the manifest.
"""
import json
import os
import sys
import traceback
from collections import ChainMap
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "apps"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
warnings.filterwarnings("ignore")

import gradio as gr  # noqa: E402

from _launch import launch  # noqa: E402
from catalog import BROKEN_EXAMPLES, FALLBACK_OUTPUTS, FALLBACK_OUTPUTS_3X, FALLBACK_PAYLOADS, FALLBACK_PAYLOADS_3X, OLD_KWARGS, SKIP, component_classes, describe, localize, sample_files  # noqa: E402

FILES_DIR = os.environ["MATRIX_FILES"]
FILES = sample_files(FILES_DIR, Path(FILES_DIR) / "sample.mp4")


def _local(kind: str, original):
    path = FILES.get(kind, FILES["txt"])
    if isinstance(original, dict):
        return {**original, "path": path, "url": None, "orig_name": os.path.basename(path)}
    return path


def _jsonable(value):
    try:
        return json.loads(json.dumps(value, default=lambda o: repr(o)))
    except (TypeError, ValueError):
        return repr(value)


# Choice components are built with choices, so that their example payload is a real choice, and
# plots with the columns of their own example DataFrame, so that they can show it.
KWARGS = {
    **{name: {"choices": ["first", "second"]} for name in ("CheckboxGroup", "Dropdown", "Radio")},
    **{name: {"x": "x", "y": "y"} for name in ("BarPlot", "LinePlot", "ScatterPlot")},
}


GRADIO_3 = gr.__version__.startswith("3.")


def _fallback(name, output=False):
    """The catalog's value for `name` (KeyError if none): for an output its output value, else
    its input value; 3.x's own shapes first on 3.x."""
    tables = ([FALLBACK_OUTPUTS_3X] if GRADIO_3 and output else []) + ([FALLBACK_OUTPUTS] if output else [])
    tables += ([FALLBACK_PAYLOADS_3X] if GRADIO_3 else []) + [FALLBACK_PAYLOADS]
    value = ChainMap(*tables)[name]
    return value() if callable(value) else value


def _payload(cls, instance):
    """The component's own example_payload(), or before Gradio had one, the documented fallback
    (KeyError, so a class breaks the build, when there is none)."""
    if cls.__name__ in BROKEN_EXAMPLES.get(".".join(gr.__version__.split(".")[:2]), ()):
        return _fallback(cls.__name__)
    try:
        return instance.example_payload()
    except (NotImplementedError, AttributeError):
        return _fallback(cls.__name__)


def _example(cls, instance):
    try:
        return instance.example_value()
    except (NotImplementedError, AttributeError):
        return _fallback(cls.__name__, output=True)


def _build(name, cls):
    try:
        return cls(**KWARGS.get(name, {}))
    except TypeError:
        if name not in OLD_KWARGS:
            raise
        return cls(**KWARGS.get(name, {}), **OLD_KWARGS[name])


def _receiver(hidden: bool):
    def receive(*args):
        return json.dumps(describe(args[-1]), sort_keys=True, ensure_ascii=False)
    return receive


def _sender(value, hidden: bool):
    def send():
        return ("marker", value) if hidden else value
    return send


manifest = {"version": gr.__version__, "classes": [], "skipped": {}, "payloads": {}, "hidden": [],
            "broken": {}}

with gr.Blocks() as demo:
    trigger = gr.Button("never clicked")
    for name, cls in component_classes(gr).items():
        manifest["classes"].append(name)
        if name in SKIP:
            manifest["skipped"][name] = SKIP[name]
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                component = _build(name, cls)
                # 3.x had no skip_api: there only State stayed out of the API (both clients
                # insert None for it), as a button's value was a string the call carried.
                hidden = bool(getattr(component, "skip_api", isinstance(component, gr.State)))
                payload = _payload(cls, component)
                example = localize(_example(cls, component), _local)
            if hidden:
                manifest["hidden"].append(name)
            manifest["payloads"][name] = _jsonable(payload)
            inputs = [gr.Textbox(), component] if hidden else [component]
            trigger.click(_receiver(hidden), inputs, gr.Textbox(), api_name=f"in_{name}")
            outputs = [gr.Textbox(), component] if hidden else [component]
            trigger.click(_sender(example, hidden), None, outputs, api_name=f"out_{name}")
        except Exception:
            manifest["broken"][name] = traceback.format_exc(limit=3)

if __name__ == "__main__":
    Path(os.environ["MATRIX_MANIFEST"]).write_text(json.dumps(manifest, ensure_ascii=False))
    launch(demo, allowed_paths=[FILES_DIR], show_error=True)
