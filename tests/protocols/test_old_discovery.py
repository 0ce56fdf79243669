"""Discovery on old servers, pure: configs and /info recorded from real Gradio 4.10 and 3.50
servers (tests/protocols/captures/, the replica apps of tests/apps/)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradio_nb.client._exceptions import ArgumentError, EndpointNotFoundError, ProtocolError
from gradio_nb.client._protocol import discovery
from gradio_nb.client._protocol.endpoints import build_app_spec, render_view_api

CAPTURES = Path(__file__).parent / "captures"


def spec_of(name: str):
    config = json.loads((CAPTURES / f"{name}-config.json").read_text())
    info = json.loads((CAPTURES / f"{name}-info.json").read_text())
    return build_app_spec(config, info)


@pytest.mark.parametrize("server", ["4.10", "3.50"])
def test_parameters_named_after_labels(server):
    spec = spec_of(f"{server}-calculator")
    endpoint = spec.resolve("/predict")
    assert [p.name for p in endpoint.parameters] == ["num1", "operation", "num2"]
    assert all(p.keyword for p in endpoint.parameters)
    assert endpoint.bind((), {"num1": 1, "operation": "add", "num2": 2}) == [1, "add", 2]
    entry = spec.info["named_endpoints"]["/predict"]
    assert [p["parameter_name"] for p in entry["parameters"]] == ["num1", "operation", "num2"]
    with pytest.raises(ArgumentError, match="num2"):
        endpoint.bind((1, "add"), {})


def test_defaults_from_the_components_initial_value():
    endpoint = spec_of("4.10-count_generator").resolve("/count")
    (param,) = endpoint.parameters
    assert (param.name, param.has_default, param.default) == ("parameter_2", True, 10)
    assert endpoint.bind((), {}) == [10]
    text = render_view_api(spec_of("4.10-count_generator").info)
    assert "predict(parameter_2, api_name=\"/count\")" in text
    assert "(not required, defaults to:   10.0)" in text


def test_examples_loader_is_internal():
    """4.10 lists /load_example (the examples table's listener) in /info like an API: left out,
    so that a call without api_name finds the app's one endpoint."""
    spec = spec_of("4.10-calculator")
    assert list(spec.info["named_endpoints"]) == ["/predict"]
    assert spec.resolve().api_name == "/predict"
    assert "/load_example" not in render_view_api(spec.info)
    assert spec.resolve("/load_example").visibility == "undocumented"  # callable on purpose


def test_an_apps_own_dataset_listener_is_an_api():
    """Only Gradio's examples loader (queue=False) is internal: an app's own listener of a
    Dataset, queued like every listener by default, is listed and documented, as 4.10's /info
    and that day's gradio_client (0.7.3) list it."""
    config = json.loads((CAPTURES / "4.10-calculator-config.json").read_text())
    info = json.loads((CAPTURES / "4.10-calculator-info.json").read_text())
    loader = next(d for d in config["dependencies"] if d["api_name"] == "load_example")
    config["dependencies"].append({**loader, "api_name": "pick", "queue": None, "outputs": [4]})
    info["named_endpoints"]["/pick"] = {**info["named_endpoints"]["/load_example"],
                                        "returns": info["named_endpoints"]["/predict"]["returns"]}
    spec = build_app_spec(config, info)
    assert list(spec.info["named_endpoints"]) == ["/predict", "/pick"]
    pick = spec.resolve("/pick")
    assert pick.visibility == "public" and [p.component for p in pick.parameters] == ["Dataset"]
    assert pick.bind((1,), {}) == [1]
    assert "/load_example" not in render_view_api(spec.info) and "/pick" in render_view_api(spec.info)
    assert spec.resolve("/load_example").visibility == "undocumented"


def test_generator_interface_cleanup_is_internal():
    """4.10's generator Interface lists /cleanup (it toggles the Submit/Stop buttons): left out."""
    spec = spec_of("4.10-slow_yield")
    assert list(spec.info["named_endpoints"]) == ["/predict"]
    assert spec.resolve().api_name == "/predict"
    assert spec.canceller_of(spec.resolve().fn_index) is not None  # its Stop button


def test_unnamed_blocks_listener_of_3x():
    """3.x Blocks listeners had no api_name unless given: reachable by fn_index, named params."""
    spec = spec_of("3.50-word_count")
    endpoint = spec.resolve(fn_index=0)
    assert endpoint.api_name is None and endpoint.has_state
    assert [p.name for p in endpoint.parameters] == ["parameter_2"]
    with pytest.raises(EndpointNotFoundError):
        spec.resolve()


def test_config_from_the_page():
    config = json.loads((CAPTURES / "3.50-calculator-config.json").read_text())
    page = f"<html><script>window.gradio_config = {json.dumps(config)};</script></html>"
    assert discovery.config_from_page(page, "http://h/") == config
    with pytest.raises(ProtocolError, match="not a Gradio app"):
        discovery.config_from_page("<html>nginx</html>", "http://h/")


def test_gradio_2_is_refused_naming_the_version():
    old = {"version": "2.9.4", "mode": "interface", "allow_flagging": "manual", "input_components": []}
    with pytest.raises(ProtocolError, match=r"Gradio 2\.9\.4.*3\.x to 6\.x"):
        discovery.check_supported(old, "http://h/")
    discovery.check_supported(json.loads((CAPTURES / "3.50-calculator-config.json").read_text()), "http://h/")


@pytest.mark.parametrize("app", ["calculator", "transcriber", "word_count"])
def test_local_info_matches_what_3_50_serves(app):
    """Old 3.x servers (3.20) have no /info: the description computed from the config equals
    the one 3.50 serves, but for the example inputs and serializer names it adds."""
    config = json.loads((CAPTURES / f"3.50-{app}-config.json").read_text())
    served = json.loads((CAPTURES / f"3.50-{app}-info.json").read_text())
    local = discovery.local_info(config)

    def essentials(info):
        return {section: {key: [[(p["label"], p["component"], p["python_type"]["type"]) for p in entry[part]]
                                for part in ("parameters", "returns")]
                          for key, entry in info[section].items()}
                for section in ("named_endpoints", "unnamed_endpoints")}

    assert essentials(local) == essentials(served)
    assert render_view_api(build_app_spec(config, local).info) == render_view_api(build_app_spec(config, served).info)


def test_described_locally_without_info():
    """3.20 has no /info: the API comes from the config; the Interface's Submit/Stop button
    updates that its listener also returns are no outputs for a caller."""
    config, info = discovery.describe_locally(json.loads((CAPTURES / "3.20-slow_yield-config.json").read_text()))
    spec = build_app_spec(config, info)
    endpoint = spec.resolve()
    assert endpoint.api_name == "/predict" and [p.name for p in endpoint.parameters] == ["text"]
    assert [r.component for r in endpoint.returns] == ["Textbox"]
    assert endpoint.keep_outputs(["c", {"__type__": "update"}, {"__type__": "update"}]) == ["c"]
    assert 'predict(text, api_name="/predict") -> output' in render_view_api(spec.info)


def test_a_button_taken_as_input_is_a_parameter_without_info():
    """3.20: a listener that takes a Button as input gets its label from the caller (that day's
    gradio_client sends it, 3.50's /info lists it); the Submit/Stop buttons stay outputs of no
    interest."""
    config = json.loads((CAPTURES / "3.20-slow_yield-config.json").read_text())
    config["dependencies"].append({**config["dependencies"][0], "api_name": "press", "inputs": [8],
                                   "outputs": [1, 8, 9]})
    config, info = discovery.describe_locally(config)
    spec = build_app_spec(config, info)
    press = spec.resolve("/press")
    assert [p.component for p in press.parameters] == ["Button"]
    assert press.wire_data(press.bind(("Go",), {})) == ["Go"]
    assert [r.component for r in press.returns] == ["Textbox", "Button"]
    assert [r.component for r in spec.resolve("/predict").returns] == ["Textbox"]


def test_3x_file_parameters_are_files():
    """3.x describes a file input as a path or a name/data dict: forms then offer a file."""
    (audio,) = spec_of("3.50-transcriber").resolve("/predict").parameters
    assert audio.is_file and audio.name == "audio"
    (num1, _, _) = spec_of("3.50-calculator").resolve("/predict").parameters
    assert not num1.is_file


def test_a_3x_dataset_input_is_a_parameter():
    """3.50's /info leaves a Dataset input out, yet its browser sends the clicked sample's
    index and gradio_client 0.6.1 sends the caller's value: a listener of a Dataset takes it."""
    config = json.loads((CAPTURES / "3.50-calculator-config.json").read_text())
    info = json.loads((CAPTURES / "3.50-calculator-info.json").read_text())
    config["dependencies"].append({**config["dependencies"][0], "api_name": "pick", "inputs": [15, 2],
                                   "outputs": [4]})
    info["named_endpoints"]["/pick"] = {"parameters": info["named_endpoints"]["/predict"]["parameters"][:1],
                                        "returns": info["named_endpoints"]["/predict"]["returns"]}
    spec = build_app_spec(config, info)
    pick = spec.resolve("/pick")
    assert [(p.component, p.name) for p in pick.parameters] == [("Dataset", "parameter_15"), ("Number", "num1")]
    assert pick.parameters[0].schema["type"] == "integer"
    assert pick.wire_data(pick.bind((1, 2.5), {})) == [1, 2.5]
    assert 'predict(parameter_15, num1, api_name="/pick")' in render_view_api(spec.info)
    # the examples loader (unqueued) stays internal, and gets its Dataset too when called
    assert "/load_example" not in render_view_api(spec.info)


def test_a_listener_that_returns_a_button_is_an_api():
    """Only the unqueued /cleanup of a generator Interface is internal; an app's own listener
    that returns a Button (queued) is listed, as that day's gradio_client lists it."""
    config = json.loads((CAPTURES / "4.10-slow_yield-config.json").read_text())
    info = json.loads((CAPTURES / "4.10-slow_yield-info.json").read_text())
    cleanup = next(d for d in config["dependencies"] if d["api_name"] == "cleanup")
    config["dependencies"].append({**cleanup, "api_name": "relabel", "queue": None})
    info["named_endpoints"]["/relabel"] = info["named_endpoints"]["/cleanup"]
    spec = build_app_spec(config, info)
    assert list(spec.info["named_endpoints"]) == ["/predict", "/relabel"]
    assert spec.resolve("/relabel").visibility == "public"
    assert spec.resolve("/cleanup").visibility == "undocumented"


@pytest.mark.parametrize("kind, schema_of, expected", [
    ("audio", "3.50-transcriber", True),   # FileSerializable: "" is no file for that day's client
    ("image", None, True),                 # a data: URL string; ImgSerializable: not x -> None
    ("file", "3.50-transcriber", False),   # uploaded first, as a path: "" fails alike
    ("uploadbutton", "3.50-transcriber", False),
    ("video", None, True),                 # 3.20: no /info, so known by type
    ("model3d", None, True),
    ("textbox", None, False),
])
def test_an_empty_string_is_no_file_on_3x(kind, schema_of, expected):
    from gradio_nb.client._protocol import files3

    schema = {"type": "string"}
    if schema_of:
        info = json.loads((CAPTURES / f"{schema_of}-info.json").read_text())
        schema = info["named_endpoints"]["/predict"]["parameters"][0]["type"]
    assert files3.empty_is_none(kind, schema) is expected


def test_a_3x_video_output_is_the_video_alone():
    """3.50 sends a Video output as [video, subtitles]; that day's gradio_client returns the video
    alone (VideoSerializable.deserialize), and so does gradio_nb. 3.20 sent the dict alone."""
    from gradio_nb.client._protocol import files3

    video = {"name": "/tmp/gradio/abc/sample.mp4", "data": None, "is_file": True, "orig_name": "sample.mp4"}
    subtitles = {"name": None, "data": "data:text/vtt;base64,V0VCVlRU", "is_file": False}
    values = [[video, None], [video, subtitles], video, ["a", "b"], [video, None]]
    assert files3.unwrap_videos(values, [True, True, True, True, False]) == [
        video, video, video, ["a", "b"], [video, None]]
    assert files3.unwrap_videos([[None, None]], [True]) == [None]
