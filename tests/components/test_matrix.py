"""Every Gradio component, sent and received exactly as gradio_client does (issue #19).

One app per server version (matrix_app.py) hosts, for every component class its Gradio
exports, an input endpoint that describes what its function received and an output endpoint
that returns the component's own example value. Each value is sent through gradio_client (the
reference installed in this venv, 2.7.2, for every server version) and through gradio_nb:

* inputs: the function must receive the same thing (types, text, numbers, file contents and
  names) from both clients, for the component's example_payload() with its internet URLs
  swapped for local files of the same kind, and for edge values (None, empty, text only,
  several files, a non-ASCII file name);
* outputs: predict must return the same value (files compared by content and name), and the
  notebook's renderer for the component must draw it without raising;
* forms: every input component's endpoint form builds, and its default, sent unchanged, is
  accepted by the app.

The class list is generated from the installed Gradio: a new component fails until it works.
"""
from __future__ import annotations

import concurrent.futures
import json
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import gradio
import gradio_client
import pytest

from gradio_nb import Client, handle_file

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from catalog import NON_ASCII_STEM, SKIP, component_classes, describe, localize, sample_files  # noqa: E402

APP = HERE / "matrix_app.py"
WORKERS = 6  # calls in flight (both clients together): the 2-core CI machine is shared
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="session")
def matrix_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("matrix-files")
    mp4 = Path(gradio.__file__).parent / "media_assets" / "videos" / "world.mp4"
    shutil.copyfile(mp4, folder / "sample.mp4")
    sample_files(folder, folder / "sample.mp4")
    return folder


@dataclass
class Matrix:
    version: str
    manifest: dict[str, Any]
    files: dict[str, str]
    ref: gradio_client.Client
    ours: Client
    diffs: list[str] = field(default_factory=list)

    @property
    def components(self) -> list[str]:
        return sorted(self.manifest["payloads"])


@pytest.fixture(scope="module")
def matrix(server_version, gradio_server, matrix_files, tmp_path_factory):
    manifest_path = matrix_files / f"manifest-{server_version}.json"
    server = gradio_server(APP, server_version, env={"MATRIX_FILES": str(matrix_files),
                                                      "MATRIX_MANIFEST": str(manifest_path)})
    downloads = tmp_path_factory.mktemp(f"matrix-downloads-{server_version}")
    ref = gradio_client.Client(server.url, verbose=False, download_files=str(downloads / "ref"))
    with Client(server.url, verbose=False, download_files=str(downloads / "ours")) as ours:
        yield Matrix(server_version, json.loads(manifest_path.read_text()),
                     sample_files(matrix_files, matrix_files / "sample.mp4"), ref, ours)
    ref.close()


# -- the cases ------------------------------------------------------------------------------------

Case = Callable[[Callable[[str], Any]], tuple]  # handle_file -> the positional arguments


def _files_in(payload: Any) -> bool:
    found: list[bool] = []
    localize(payload, lambda kind, original: found.append(True))
    return bool(found)


def _with_files(payload: Any, suffix: str) -> Case:
    def build(handle):
        return (localize(payload, lambda kind, original: handle(FILES[kind + suffix])),)
    return build


def _several(payload: Any) -> Case | None:
    """The payload with every list of files holding two different files."""
    def grow(value, handle):
        if isinstance(value, list) and value and all(_files_in(v) for v in value):
            return [*(grow(v, handle) for v in value), _with_files(value[0], "2")(handle)[0]]
        if isinstance(value, dict) and not _files_in({"path": value.get("path", "")}):
            return {k: grow(v, handle) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(grow(v, handle) for v in value)
        return localize(value, lambda kind, original: handle(FILES[kind]))

    return lambda handle: (grow(payload, handle),)


FILES: dict[str, str] = {}

# Edge values beyond the generic ones; "<kind>" stands for a local sample file of that kind.
EXTRA_CASES: dict[str, dict[str, Any]] = {
    "Chatbot": {
        "a file in a message": [{"role": "user", "content": [{"type": "text", "text": "look"},
                                                             {"type": "file", "file": "<png>"}]}],
    },
    "MultimodalTextbox": {
        "text only": {"text": "hi"},
        "no files": {"text": "hi", "files": []},
        "non-ASCII text": {"text": "héllo 測試 🙂", "files": []},
    },
    "Textbox": {"non-ASCII text": "héllo 測試 🙂", "multiline": "a\nb\n"},
    "Number": {"float": 2.5, "negative": -7},
    "Checkbox": {"false": False},
    "JSON": {"nested": {"a": [1, 2.5, None, {"b": "c"}]}, "list": [1, "x"]},
}


def cases_for(name: str, payload: Any, hidden: bool) -> dict[str, Case]:
    # ImageSlider takes a pair: "several files" does not apply.
    if hidden:  # skip_api: not a parameter; both clients send the Textbox beside it only
        return {"hidden": lambda handle: ("x",)}
    cases: dict[str, Case] = {"example": _with_files(payload, ""), "None": lambda handle: (None,)}
    if isinstance(payload, str):
        cases["empty"] = lambda handle: ("",)
    if isinstance(payload, list):
        cases["empty"] = lambda handle: ([],)
    if _files_in(payload):
        cases["non-ASCII file name"] = _with_files(payload, "-nonascii")
        if name != "ImageSlider" and _several(payload)(lambda p: {"path": p})[0] != _with_files(payload, "")(lambda p: {"path": p})[0]:
            cases["several files"] = _several(payload)
    for case, value in EXTRA_CASES.get(name, {}).items():
        cases[case] = _with_files(value, "")
    return cases


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    for attempt in range(3):
        try:
            return "ok", call()
        except concurrent.futures.CancelledError:
            # gradio_client 2.7.2's race (utils.check_for_cancel): when its job thread completes
            # before the cancel watcher looks, predict raises CancelledError for a call that
            # worked. A flaw of the reference, not a behaviour to compare.
            if attempt == 2:
                return "error", "CancelledError (gradio_client, 3 times)"
        except Exception as exc:  # noqa: BLE001 - both clients must fail alike; the kind is compared
            return "error", f"{type(exc).__name__}: {str(exc)[:300]}"
    raise AssertionError("unreachable")


def _run_all(jobs: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(_outcome, jobs))


# -- the matrix -----------------------------------------------------------------------------------

def test_every_component_class_is_built_or_skipped_with_a_reason(matrix) -> None:
    m = matrix.manifest
    assert not m["broken"], f"Gradio {m['version']}: the matrix app could not build {m['broken']}"
    covered = set(m["payloads"]) | set(m["skipped"])
    assert covered == set(m["classes"]), f"neither covered nor skipped: {set(m['classes']) - covered}"
    assert all(SKIP.get(name) for name in m["skipped"])
    if matrix.version == "6":  # the list comes from the installed Gradio, not from a copy
        assert m["classes"] == list(component_classes(gradio))
        assert len(m["classes"]) >= 58 and {"Dialogue", "ImageSlider", "ParamViewer"} <= set(m["payloads"])
    names = {e.api_name for e in matrix.ours.endpoints}
    for name in matrix.components:
        assert {f"/in_{name}", f"/out_{name}"} <= names, name


def test_inputs_reach_the_function_as_gradio_client_sends_them(matrix) -> None:
    FILES.update(matrix.files)
    plan: list[tuple[str, str, Case]] = []
    for name in matrix.components:
        hidden = name in matrix.manifest["hidden"]
        for case, build in cases_for(name, matrix.manifest["payloads"][name], hidden).items():
            plan.append((name, case, build))

    def call(client, handle, name, build):
        return lambda: json.loads(client.predict(*build(handle), api_name=f"/in_{name}"))

    both = _run_all([call(matrix.ref, gradio_client.handle_file, n, b) for n, _, b in plan]
                    + [call(matrix.ours, handle_file, n, b) for n, _, b in plan])
    ref, ours = both[:len(plan)], both[len(plan):]
    differences = [
        f"{name} [{case}]:\n    gradio_client -> {r}\n    gradio_nb     -> {o}"
        for (name, case, _), r, o in zip(plan, ref, ours)
        if r[0] != o[0] or (r[0] == "ok" and r != o)
    ]
    print(_summary(matrix, "inputs", plan, ref))
    for (name, case, _), r in zip(plan, ref):
        if r[0] != "ok":
            print(f"    refused alike: {name} [{case}]: {r[1][:120]}")
    assert not differences, f"{len(differences)} difference(s) on Gradio {matrix.version}:\n" + "\n".join(differences)
    # the example payload of every visible component must reach the function
    failed = [f"{n}: {r[1]}" for (n, case, _), r in zip(plan, ref) if case == "example" and r[0] != "ok"]
    assert not failed, "example payloads the app refused:\n" + "\n".join(failed)
    # Components that hand the function a path keep the name (those that decode it to an array
    # cannot); the comparison above already shows gradio_client keeps the same names.
    non_ascii = [o[1] for (n, case, _), o in zip(plan, ours) if case == "non-ASCII file name" and o[0] == "ok"]
    assert sum(NON_ASCII_STEM in json.dumps(v, ensure_ascii=False) for v in non_ascii) >= 5


def test_outputs_are_returned_as_gradio_client_returns_them_and_render(matrix) -> None:
    from gradio_nb.widgets._render import RENDERERS, Budget, _guess

    names = matrix.components
    both = _run_all([lambda n=n: describe(matrix.ref.predict(api_name=f"/out_{n}")) for n in names]
                    + [lambda n=n: matrix.ours.predict(api_name=f"/out_{n}") for n in names])
    ref, ours = both[:len(names)], both[len(names):]
    differences, unrendered = [], []
    for name, r, o in zip(names, ref, ours):
        described = ("ok", describe(o[1])) if o[0] == "ok" else o
        if r != described:
            differences.append(f"{name}:\n    gradio_client -> {r}\n    gradio_nb     -> {described}")
        if o[0] != "ok":
            continue
        endpoint = matrix.ours.endpoint(f"/out_{name}")
        values = [o[1]] if len(endpoint.returns) == 1 else list(o[1] if isinstance(o[1], (list, tuple)) else [o[1]])
        for ret, value in zip(endpoint.returns, values):
            if value is None:
                continue
            try:  # the renderer itself, without render_value's fall-back to JSON
                rendered = RENDERERS.get(ret.component_type.lower(), _guess)(value, ret.props, Budget())
                assert rendered.html and rendered.text is not None
            except Exception as exc:  # noqa: BLE001
                unrendered.append(f"{name} ({ret.component_type}): {type(exc).__name__}: {exc}")
    print(_summary(matrix, "outputs", [(n, "example", None) for n in names], ref))
    for name, r in zip(names, ref):
        if r[0] != "ok":
            print(f"    refused alike: {name}: {r[1][:160]}")
    assert not differences, f"{len(differences)} difference(s) on Gradio {matrix.version}:\n" + "\n".join(differences)
    failed = [f"{n}: {r[1]}" for n, r in zip(names, ref) if r[0] != "ok"]
    assert not failed, "example values the app could not return:\n" + "\n".join(failed)
    assert not unrendered, "outputs the notebook cannot draw:\n" + "\n".join(unrendered)


Calls = list[tuple[str, tuple]]  # (api_name, positional arguments) per call


def check_form_defaults(ours: Client, manifest: dict[str, Any], reference: Callable[[Calls], list[tuple[str, Any]]]) -> None:
    """Every input component's endpoint form builds, and its default, sent unchanged, is accepted
    by the app. `reference` makes calls through the reference client (the one of the server's
    day on the old lines), to excuse what the app refuses to it too."""
    from ipywidgets.widgets.tests.utils import setup_test_comm, teardown_test_comm

    from gradio_nb.widgets._form import EndpointForm
    from gradio_nb.widgets._inputs import FieldError

    components = sorted(manifest["payloads"])
    setup_test_comm()
    arguments, to_fill = {}, []
    try:
        for name in components:
            form = EndpointForm(ours, ours.endpoint(f"/in_{name}"))
            try:
                arguments[name] = form.arguments()
            except FieldError as exc:
                # Only a required parameter without a default may be left for the user to fill,
                # and the form must say which one.
                empty = [p for p in form.endpoint.parameters if p.required and not p.has_default]
                assert empty and all((p.label or p.name) in str(exc) for p in empty), (name, exc)
                to_fill.append(name)
    finally:
        teardown_test_comm()
    outcomes = _run_all([lambda n=n: ours.predict(**arguments[n], api_name=f"/in_{n}") for n in arguments])
    # A skip_api input (a Button) is not a parameter: no client can send it, and an app that
    # needs its value fails for the reference client too. Only that is excused.
    hidden = [n for n in arguments if n in manifest["hidden"]]
    excused = {n for n, o in zip(hidden, reference([(f"/in_{n}", tuple(arguments[n].values())) for n in hidden]))
               if o[0] != "ok"}
    refused = [f"{n}: {arguments[n]!r} -> {o[1]}" for n, o in zip(arguments, outcomes)
               if o[0] != "ok" and n not in excused]
    print(f"\nGradio {manifest['version']} forms: {len(components)} built, "
          f"{len(arguments) - len(excused)} defaults sent and accepted, {len(excused)} refused as for the reference client: {sorted(excused)}, {len(to_fill)} wait for a required value: {to_fill}")
    assert not refused, f"form defaults the app refused on Gradio {manifest['version']}:\n" + "\n".join(refused)


# The sample kind a component's form is given; the others take an image.
FORM_FILE_KIND = {"Audio": "wav", "Microphone": "wav", "Video": "mp4", "PlayableVideo": "mp4",
                  "Model3D": "gltf", "File": "pdf", "Files": "pdf", "UploadButton": "pdf",
                  "DownloadButton": "pdf"}
FILE_FIELDS = ("file", "gallery", "multimodal", "imageeditor", "annotatedimage", "imageslider")


def check_file_forms(ours: Client, manifest: dict[str, Any], files: dict[str, str],
                     app_refuses: dict[str, str] | None = None) -> None:
    """Every form with a file field sends the files chosen in it (two where it takes several),
    and the function receives them. `app_refuses`: component -> why the app refuses its input
    from any client (old lines), checked to be refused still."""
    from ipywidgets.widgets.tests.utils import setup_test_comm, teardown_test_comm

    from gradio_nb.widgets._form import EndpointForm

    app_refuses = app_refuses or {}
    components = sorted(manifest["payloads"])
    setup_test_comm()
    arguments = {}
    try:
        for name in components:
            form = EndpointForm(ours, ours.endpoint(f"/in_{name}"))
            field = form.fields[-1]
            if field.kind not in FILE_FIELDS:
                continue
            kind = FORM_FILE_KIND.get(name, "png")
            paths = field.control
            while not hasattr(paths, "value"):  # the picker's box of paths, last in its field
                paths = paths.children[-1]
            several = type(paths).__name__ == "Textarea"  # one path per line
            paths.value = "\n".join([files[kind], files[kind + "2"]] if several else [files[kind]])
            arguments[name] = form.arguments()
    finally:
        teardown_test_comm()
    expected = {"Image", "Audio", "Files", "Gallery", "MultimodalTextbox", "ImageEditor"} & set(components)
    assert {"Image", "Audio", "Files"} <= expected <= set(arguments), sorted(arguments)
    outcomes = _run_all([lambda n=n: json.loads(ours.predict(**arguments[n], api_name=f"/in_{n}"))
                         for n in arguments])
    refused = [f"{n}: {arguments[n]!r} -> {o[1]}" for n, o in zip(arguments, outcomes)
               if (o[0] != "ok") != (n in app_refuses)]
    assert not refused, f"chosen files the app refused (or no longer refuses) on Gradio {manifest['version']}:\n" + "\n".join(refused)
    accepted = [o[1] for n, o in zip(arguments, outcomes) if n not in app_refuses]
    # every function received its file (by content: a hash of it or of its decoded pixels, as a
    # numpy array or, for type="pil", a PIL image: PngImageFile...)
    empty = [n for n, o in zip(arguments, outcomes)
             if n not in app_refuses and not re.search(r'"(file|ndarray|\w*Image\w*)": ', json.dumps(o[1]))]
    assert not empty, f"the function received no file from the form of {empty}"
    received = json.dumps(accepted, ensure_ascii=False)
    # names kept (3.20 adds a random tail to an uploaded file's stem); several files sent
    assert "sample" in received and "other" in received
    print(f"\nGradio {manifest['version']} file forms: {len(arguments)} sent their files: {sorted(arguments)}"
          + (f"; refused by the app whoever sends them: {sorted(app_refuses)}" if app_refuses else ""))


def test_every_input_form_builds_and_its_default_is_accepted(matrix) -> None:
    check_form_defaults(matrix.ours, matrix.manifest, lambda calls: _run_all(
        [lambda n=n, a=a: matrix.ref.predict(*a, api_name=n) for n, a in calls]))


def test_every_file_form_sends_the_chosen_files_and_the_app_accepts_them(matrix) -> None:
    check_file_forms(matrix.ours, matrix.manifest, matrix.files)


def _summary(matrix: Matrix, what: str, plan: list, outcomes: list) -> str:
    ok = sum(1 for o in outcomes if o[0] == "ok")
    return (f"\nGradio {matrix.manifest['version']} {what}: {len(matrix.components)} components, "
            f"{len(plan)} calls per client, {ok} accepted by the app, {len(plan) - ok} refused by it "
            f"alike, {len(matrix.manifest['skipped'])} skipped: {sorted(matrix.manifest['skipped'])}")
