"""The component matrix (test_matrix.py) on the old Gradio lines, 4.21 down to 3.20, against the
gradio_client OF THAT DAY (installed in each server's venv, run in a subprocess by
reference_matrix.py: the main venv's gradio_client 2.7.2 cannot talk to them).

The same matrix_app.py runs on each server, with every component class its Gradio exports:
the component's own example_payload() where it has one (4.19+), else the documented fallback
value of catalog.FALLBACK_PAYLOADS (as an output, before example_value() came with 4.21, the
output-shaped catalog.FALLBACK_OUTPUTS). Inputs: the function receives the same thing from both
clients. Outputs: predict returns the same value (files by content and name) and the notebook
draws it. Gradio 3.20 predates Gradio's own use of gradio_client: its reference is the first
line, 0.1.4 (scripts/setup.sh installs it there).
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from gradio_nb import Client, handle_file
from servers import python_for, server_env

import test_matrix
from test_matrix import APP, cases_for, _run_all, matrix_files  # noqa: F401 - matrix_files: fixture
from catalog import file_digest, sample_files

pytestmark = [pytest.mark.legacy, pytest.mark.timeout(900)]
SCRIPT = Path(__file__).with_name("reference_matrix.py")

# Differences from that day's client that are its own flaws, not gradio_nb's: (version, component,
# case) -> why. Each was checked against what the app's function received (inputs) or what the
# server sent (outputs). Where both clients return something, their contents must still agree
# (_content: file names and the .json wrapping left aside); where that client fails, gradio_nb's
# value is printed beside the reason; where it returns what the app never sent (WrongReference),
# gradio_nb's value must be what the app sent.
CLIENT = {"3.50": "gradio_client 0.6.1", "3.20": "gradio_client 0.1.4"}


@dataclass(frozen=True)
class WrongReference:
    why: str
    expected: Callable[[dict[str, str]], Any]  # the sample files -> the content the app sent

    def __str__(self) -> str:
        return self.why


# Reasons shared by 3.50 and 3.20: {client} is that day's gradio_client, {version} the server.
_JSON_IN = ("{client} serializes a JSON-typed input (JSONSerializable) as the path of a .json file "
            "to read, Path(load_dir) / value, and raises TypeError for the value itself; gradio_nb "
            "sends the value, which the function receives as given")
_JSON_OUT = ("{client} writes a JSON-typed output to a .json file and returns its path "
             "(JSONSerializable.deserialize); gradio_nb returns the value: the file's content equals it")
_NAMELESS = ("{version} sends an Image output as a data: URL without a name: {client} names its "
             "copy tmpXXXX.png, gradio_nb output.png; same content")
_UPLOAD_NONE = ("{client} uploads a File/UploadButton value before serializing it and raises "
                "TypeError for None; gradio_nb sends None, which the function receives (the "
                "browser sends null for no file)")
_GALLERY_IN = ("{client} takes a Gallery input as a folder holding captions.json "
               "(GallerySerializable) and raises TypeError for a list; gradio_nb sends the list, "
               "which the function receives")


def _why(reason: str, version: str) -> str:
    return reason.format(client=CLIENT[version], version=version)


_JSON_IN_CASES = (("Chatbot", "example"), ("Chatbot", "empty"), ("Dataframe", "example"),
                  ("HighlightedText", "example"), ("HighlightedText", "empty"), ("JSON", "example"),
                  ("JSON", "nested"), ("JSON", "list"), ("Label", "example"), ("List", "example"),
                  ("Matrix", "example"), ("Numpy", "example"))
_JSON_OUT_NAMES = ("BarPlot", "Chatbot", "Dataframe", "HighlightedText", "JSON", "Label", "LinePlot",
                   "List", "Matrix", "Numpy", "Plot", "ScatterPlot", "Timeseries")
_IMAGES = ("Image", "ImageMask", "ImagePaint", "Paint", "Pil", "Sketchpad", "Webcam")
_ONE_FILE_CASES = ("example", "non-ASCII file name")
_MEDIA = ("Model3D", "Video", "PlayableVideo")
INPUT_DIFFERENCES: dict[tuple[str, str, str], str] = {
    **{(v, name, case): _why(_JSON_IN, v) for v in CLIENT for name, case in _JSON_IN_CASES},
    **{(v, name, "None"): _why(_UPLOAD_NONE, v) for v in CLIENT for name in ("File", "Files", "UploadButton")},
    **{("3.50", name, "None"): "gradio_client 0.6.1 serializes a None video as (None, None), on "
                               "which 3.50's Video.preprocess fails; gradio_nb sends None, which "
                               "the function receives" for name in ("Video", "PlayableVideo")},
    ("3.50", "Gallery", "empty"): _why(_GALLERY_IN, "3.50"),
    **{("3.20", "Gallery", case): _why(_GALLERY_IN, "3.20")
       for case in ("example", "empty", "non-ASCII file name", "several files")},
    ("3.20", "Chatbot", "a file in a message"): _why(_JSON_IN, "3.20"),
    **{("3.50", name, case): "gradio_client 0.6.1 sends the file inline with its full path as its "
                             "name, which 3.50 flattens into the temp file's name (tmp<path "
                             "without slashes>); gradio_nb uploads it and the function gets the "
                             "file's own name, as from the browser; same content"
       for name in _MEDIA for case in _ONE_FILE_CASES},
    **{("3.20", name, case): "gradio_client 0.1.4 sends the file inline, which 3.20 saves as "
                             "<stem><content hash>; gradio_nb uploads it, and 3.20's upload route "
                             "names it <stem>_<random>, to which the component adds the hash; "
                             "same content"
       for name in _MEDIA for case in _ONE_FILE_CASES},
    **{("3.20", name, case): "both clients upload the file, and 3.20's upload route stores it "
                             "as <stem>_<random> (tempfile): the name the function gets changes "
                             "from call to call, whoever sends it; same content"
       for name, cases in (("File", _ONE_FILE_CASES), ("UploadButton", _ONE_FILE_CASES),
                           ("Files", (*_ONE_FILE_CASES, "several files"))) for case in cases},
    **{("3.50", name, "empty"): "gradio_client 0.6.1 serializes '' as (None, None), on which "
                                "3.50's Video.preprocess fails; gradio_nb sends None (no file)"
       for name in ("Video", "PlayableVideo")},
}
# Examples the old apps refuse whoever sends them, and why (the matrix still sends them both ways).
APP_REFUSES: dict[tuple[str, str, str], str] = {
    ("3.50", "Gallery", "example"): "3.50's Gallery takes no input ('Preprocessing: this component "
                                    "does *not* accept input'): neither its browser nor a client "
                                    "sends one",
    **{(v, "ImageMask", "example"): f"{v}'s ImageMask (tool='sketch') wants {{'image', 'mask'}} "
                                    "data URLs while its API documents one base64 string: both "
                                    "clients send that, and the app fails" for v in CLIENT},
}
OUTPUT_DIFFERENCES: dict[tuple[str, str, str], str | WrongReference] = {
    **{(v, name, "example"): _why(_JSON_OUT, v) for v in CLIENT for name in _JSON_OUT_NAMES},
    ("3.50", "FileExplorer", "example"): _why(_JSON_OUT, "3.50"),
    ("3.50", "AnnotatedImage", "example"): "gradio_client 0.6.1 takes an AnnotatedImage output for "
                                           "JSON (JSONSerializable): its .json file holds the "
                                           "server's file dicts, the image and masks left on the "
                                           "server; gradio_nb downloads them: same files",
    **{(v, name, "example"): _why(_NAMELESS, v) for v in CLIENT for name in _IMAGES},
    ("3.50", "Gallery", "example"): "gradio_client 0.6.1 saves a Gallery output as a folder with "
                                    "captions.json and returns the folder; gradio_nb returns the "
                                    "list of images (as gradio_client 1.x does)",
    ("3.20", "Gallery", "example"): "gradio_client 0.1.4 saves a Gallery output as a folder with "
                                    "captions.json, each image under a random name "
                                    "(NamedTemporaryFile(prefix=<server's stem>)), and returns the "
                                    "folder; gradio_nb returns the list of images, named as the "
                                    "server names them; same files and captions",
    **{("3.20", name, "example"): "gradio_client 0.1.4 saves a downloaded output as "
                                  "NamedTemporaryFile(prefix=<server's stem>), a random tail on "
                                  "the name; gradio_nb keeps the server's name; same content"
       for name in ("Audio", "Microphone", "File", "Files", *_MEDIA)},
    ("3.50", "UploadButton", "example"): "gradio_client 0.6.1 decodes an UploadButton output's "
                                         "server path as base64 ('Incorrect padding'); gradio_nb "
                                         "downloads the file the server names",
    ("3.20", "UploadButton", "example"): WrongReference(
        "3.20 sends an UploadButton output as the bare server path, which gradio_client 0.1.4 "
        "decodes as base64 into an empty tmpXXXX.pdf; gradio_nb downloads the file the server "
        "names: the sample PDF the app returned",
        lambda files: {"file": file_digest(files["pdf"])}),
    ("3.20", "Dataset", "example"): WrongReference(
        "gradio_client 0.1.4 takes a Dataset output for a string (StringSerializable) and returns "
        "3.20's update of the table's samples as is; gradio_nb, like gradio_client 0.6.1 on 3.50 "
        "(where /info leaves the Dataset out), returns no value for it",
        lambda files: {"tuple": []}),
}


def _reference(version: str, url: str, plan: list[tuple[str, list]], folder: Path) -> list[tuple[str, Any]]:
    """Runs `plan` ([api_name, args] with {"__file__": path} files) through that day's client."""
    plan_path = folder / f"plan-{version}-{len(plan)}.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    # in `folder`: gradio_client 0.1.4 saves a Gallery output's folder under the working directory
    run = subprocess.run([str(python_for(version)), str(SCRIPT), url, str(plan_path)],
                         capture_output=True, text=True, timeout=600, env=server_env(), cwd=folder)
    assert run.returncode == 0, run.stderr[-3000:]
    return [tuple(r) for r in json.loads(run.stdout.strip().splitlines()[-1])]


@pytest.fixture(scope="module")
def old_matrix(old_version, gradio_server, matrix_files, tmp_path_factory):
    python = str(python_for(old_version))
    if subprocess.run([python, "-c", "import gradio_client"], capture_output=True).returncode:
        pytest.skip(f"no gradio_client in the Gradio {old_version} venv: run scripts/setup.sh")
    manifest_path = matrix_files / f"manifest-{old_version}.json"
    server = gradio_server(APP, old_version, env={"MATRIX_FILES": str(matrix_files),
                                                   "MATRIX_MANIFEST": str(manifest_path)})
    downloads = tmp_path_factory.mktemp(f"matrix-downloads-{old_version}")
    with Client(server.url, verbose=False, download_files=str(downloads)) as ours:
        yield (old_version, server.url, json.loads(manifest_path.read_text()), ours,
               sample_files(matrix_files, matrix_files / "sample.mp4"), downloads)


# Altair charts (the plots before Gradio 5) number their selections and views with a counter of
# the server process (param_7, view_3; Altair 4, on 3.20: selector004): each call gets new ones,
# whichever client makes it.
_ALTAIR_COUNTER = re.compile(r"\b(param_|view_|selector)\d+\b")


def _stable(outcome: tuple[str, Any]) -> tuple[str, Any]:
    return outcome[0], json.loads(_ALTAIR_COUNTER.sub(r"\1N", json.dumps(outcome[1], ensure_ascii=False)))


def _report(m: dict, what: str, labels: list[tuple[str, str]], ref: list[tuple[str, Any]],
            ours: list[tuple[str, Any]]) -> None:
    """Prints what was compared, by outcome of each client: accepted by both, refused by the app
    to both, failed in the client of the day only (its flaws: KNOWN below), failed in gradio_nb
    only, and not answered by the client of the day."""
    kinds = {("ok", "ok"): "accepted", ("error", "error"): "refused alike",
             ("error", "ok"): "client of the day only failed", ("ok", "error"): "gradio_nb only failed"}
    outcome = [("not compared" if r[0] == "hung" else kinds[r[0], o[0]]) for r, o in zip(ref, ours)]
    counts = ", ".join(f"{outcome.count(k)} {k}" for k in (*kinds.values(), "not compared"))
    print(f"\nGradio {m['version']} {what}: {len(m['payloads'])} components, {len(labels)} calls per client: "
          f"{counts}; skipped: {sorted(m['skipped'])}")
    for (name, case), r, o, kind in zip(labels, ref, ours, outcome):
        if kind == "refused alike":
            print(f"    refused alike: {name} [{case}]: {r[1][:120]}")
        elif kind == "not compared":  # nothing to compare with: said, not hidden
            print(f"    NO REFERENCE: {name} [{case}]: {r[1]}")


def _content(value: Any) -> Any:
    """A description without what the clients may each make up: file names, the .json file a
    3.x client wraps a JSON value in, and the 3.x file dict around a file left on the server."""
    if isinstance(value, dict):
        if set(value) in ({"json file"}, {"gallery folder"}):
            return _content(next(iter(value.values())))
        if set(value) == {"file", "name"}:
            return {"file": value["file"]}
        if set(value) in ({"name", "data", "is_file"}, {"name", "data", "is_file", "orig_name"}) \
                and isinstance(value["name"], dict):  # a 3.x file dict naming a file here: that file
            return _content(value["name"])
        return {k: _content(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_content(v) for v in value]
    return value


def _explained(entry: str | WrongReference, r: tuple[str, Any], o: tuple[str, Any], files: dict[str, str]) -> bool:
    """Whether a known flaw of that day's client covers this pair: it failed, or its value has
    gradio_nb's content; for a WrongReference, gradio_nb's content is what the app sent."""
    if isinstance(entry, WrongReference):
        return _content(o[1]) == entry.expected(files)
    return r[0] == "error" or _content(r[1]) == _content(o[1])


def _differences(version, labels, ref, ours, known: dict[tuple[str, str, str], Any],
                 files: dict[str, str]) -> list[str]:
    """Every call whose outcome differs, except the known flaws of that day's client (printed,
    with gradio_nb's value). A known entry that no longer differs is a difference too: the list
    stays true."""
    ref, ours = [_stable(r) for r in ref], [_stable(o) for o in ours]
    found, used = [], set()
    for (name, case), r, o in zip(labels, ref, ours):
        if r[0] == "hung" or (r[0] == o[0] and (r[0] != "ok" or r == o)):
            continue
        key = (version, name, case)
        if key in known and o[0] == "ok" and _explained(known[key], r, o, files):
            used.add(key)
            print(f"    KNOWN: {name} [{case}]: {known[key]}\n        gradio_nb -> {json.dumps(o[1], ensure_ascii=False)[:160]}")
            continue
        found.append(f"{name} [{case}]:\n    client of the day -> {r}\n    gradio_nb         -> {o}")
    labelled = {(version, n, c) for n, c in labels}
    found += [f"{k[1]} [{k[2]}]: listed as a known difference, but both clients agree now"
              for k in known if k in labelled and k not in used]
    return found


def test_every_component_class_is_built_or_skipped_with_a_reason(old_matrix) -> None:
    version, _, m, ours, _, _ = old_matrix
    assert not m["broken"], f"Gradio {m['version']}: the matrix app could not build {m['broken']}"
    covered = set(m["payloads"]) | set(m["skipped"])
    assert covered == set(m["classes"]), f"neither covered nor skipped: {set(m['classes']) - covered}"
    names = {e.api_name for e in ours.endpoints}
    assert {f"/in_{n}" for n in m["payloads"]} | {f"/out_{n}" for n in m["payloads"]} <= names


def test_inputs_reach_the_function_as_the_client_of_the_day_sends_them(old_matrix) -> None:
    version, url, m, ours, files, folder = old_matrix
    test_matrix.FILES.update(files)
    plan = [(name, case, build) for name in sorted(m["payloads"])
            for case, build in cases_for(name, m["payloads"][name], name in m["hidden"]).items()]
    ref = _reference(version, url, [[f"/in_{n}", list(b(lambda p: {"__file__": p}))] for n, _, b in plan], folder)
    mine = _run_all([lambda n=n, b=b: json.loads(ours.predict(*b(handle_file), api_name=f"/in_{n}"))
                     for n, _, b in plan])
    labels = [(n, c) for n, c, _ in plan]
    _report(m, "inputs", labels, ref, mine)
    differences = _differences(version, labels, ref, mine, INPUT_DIFFERENCES, files)
    assert not differences, f"{len(differences)} difference(s) on Gradio {version}:\n" + "\n".join(differences)
    failed = [f"{n}: {o[1]}" for (n, c), o in zip(labels, mine)
              if c == "example" and o[0] != "ok" and (version, n, c) not in APP_REFUSES]
    assert not failed, "example payloads the app refused:\n" + "\n".join(failed)


def test_outputs_are_returned_as_the_client_of_the_day_returns_them_and_render(old_matrix) -> None:
    from gradio_nb.widgets._render import RENDERERS, Budget, _guess

    from catalog import describe

    version, url, m, ours, files, folder = old_matrix
    names = sorted(m["payloads"])
    ref = _reference(version, url, [[f"/out_{n}", []] for n in names], folder)
    mine = _run_all([lambda n=n: ours.predict(api_name=f"/out_{n}") for n in names])
    described = [("ok", describe(o[1])) if o[0] == "ok" else o for o in mine]
    _report(m, "outputs", [(n, "example") for n in names], ref, mine)
    differences = _differences(version, [(n, "example") for n in names], ref, described, OUTPUT_DIFFERENCES, files)
    unrendered = []
    for name, o in zip(names, mine):
        if o[0] != "ok":
            continue
        endpoint = ours.endpoint(f"/out_{name}")
        values = [o[1]] if len(endpoint.returns) == 1 else list(o[1])
        for ret, value in zip(endpoint.returns, values):
            if value is None:
                continue
            try:
                rendered = RENDERERS.get(ret.component_type.lower(), _guess)(value, ret.props, Budget())
                assert rendered.html and rendered.text is not None
            except Exception as exc:  # noqa: BLE001
                unrendered.append(f"{name} ({ret.component_type}): {type(exc).__name__}: {exc}")
    assert not differences, f"{len(differences)} difference(s) on Gradio {version}:\n" + "\n".join(differences)
    # every output value (the component's own, else the catalog's output-shaped fallback) is
    # one the app can return
    failed = [f"{n}: {o[1]}" for n, o in zip(names, mine) if o[0] != "ok"]
    assert not failed, "example outputs the app could not return:\n" + "\n".join(failed)
    assert not unrendered, "outputs the notebook cannot draw:\n" + "\n".join(unrendered)


def test_every_input_form_builds_and_its_default_is_accepted(old_matrix) -> None:
    version, url, m, ours, _, folder = old_matrix
    test_matrix.check_form_defaults(ours, m, lambda calls: _reference(
        version, url, [[name, list(args)] for name, args in calls], folder) if calls else [])


def test_every_file_form_sends_the_chosen_files_and_the_app_accepts_them(old_matrix) -> None:
    version, _, m, ours, files, _ = old_matrix
    test_matrix.check_file_forms(ours, m, files, {name: why for (v, name, case), why in APP_REFUSES.items()
                                                  if v == version and case == "example"})
