"""Endpoints from recorded /config and /info: resolution, binding, view_api text."""

from __future__ import annotations

import pytest

from gradio_nb.client._exceptions import ArgumentError, EndpointNotFoundError
from gradio_nb.client._protocol.endpoints import build_app_spec, render_view_api
from gradio_nb.client._protocol.validation import check_arguments

from .captures import CAPTURES, load_json


@pytest.fixture(scope="module")
def app():
    return build_app_spec(load_json("config-protocol-app.json"), load_json("info-protocol-app.json"))


@pytest.fixture(scope="module")
def calc():
    return build_app_spec(load_json("config-calculator.json"), load_json("info-calculator.json"))


def test_view_api_text_matches_gradio_client(app) -> None:
    recorded = (CAPTURES / "reference-client-behaviour.txt").read_text().splitlines()
    start = next(i for i, line in enumerate(recorded) if "app.view_api(all_endpoints=True)" in line)
    expected = [line[3:] for line in recorded[start + 1 : start + 61]]
    ours = render_view_api(app.info, all_endpoints=True).splitlines()[:60]
    assert [line.rstrip() for line in ours] == [line.rstrip() for line in expected]


def test_view_api_dict_drops_private_and_snippets(app) -> None:
    named = app.info["named_endpoints"]
    assert "/secret" not in named and "/undocumented" not in named
    assert all("code_snippets" not in e and "api_visibility" not in e for e in named.values())


def test_single_public_endpoint_is_inferred(calc) -> None:
    assert calc.resolve().api_name == "/calculator"


def test_several_endpoints_need_an_api_name(app) -> None:
    with pytest.raises(EndpointNotFoundError, match="multiple endpoints.*Valid api_names: /echo"):
        app.resolve()


def test_leading_slash_hint(app) -> None:
    with pytest.raises(EndpointNotFoundError, match='leading slash.*api_name="/echo"'):
        app.resolve("echo")


def test_close_name_is_suggested(app) -> None:
    with pytest.raises(EndpointNotFoundError, match="Did you mean '/echo'"):
        app.resolve("/ecko")


def test_private_endpoints_are_refused(app) -> None:
    with pytest.raises(EndpointNotFoundError):
        app.resolve("/secret")
    secret = next(e for e in app.endpoints.values() if e.api_name == "/secret")
    with pytest.raises(EndpointNotFoundError, match="Invalid function index"):
        app.resolve(fn_index=secret.fn_index)


def test_undocumented_endpoints_take_positional_args_only(app) -> None:
    endpoint = app.resolve("/undocumented")
    assert endpoint.bind(["x"], {}) == ["x"]
    with pytest.raises(ArgumentError, match="positional arguments only"):
        endpoint.bind([], {"text": "x"})


def test_all_endpoints_info_documents_undocumented_ones() -> None:
    spec = build_app_spec(
        load_json("config-protocol-app.json"), load_json("info-protocol-app.json"),
        load_json("info-protocol-app-all-endpoints.json"),
    )
    endpoint = spec.resolve("/undocumented")
    assert endpoint.documented and endpoint.parameters
    assert "/undocumented" not in spec.info["named_endpoints"], "view_api stays as gradio_client's"


def test_binding_defaults_keywords_and_errors(app) -> None:
    add = app.resolve("/add")
    assert add.bind([1], {}) == [1, 10]
    assert add.bind([], {"a": 2, "b": 3}) == [2, 3]
    with pytest.raises(ArgumentError, match=r"required argument: a\n  Signature: predict\(a, b=10"):
        add.bind([], {})
    with pytest.raises(ArgumentError, match="Did you mean `b`"):
        add.bind([1], {"bb": 2})
    with pytest.raises(ArgumentError, match="already set as a positional"):
        add.bind([1], {"a": 2})
    with pytest.raises(ArgumentError, match="takes 2 argument"):
        add.bind([1, 2, 3], {})


def test_state_slots_are_filled_with_none(app) -> None:
    remember = app.resolve("/remember")
    assert remember.has_state
    assert len(remember.parameters) == 1
    assert remember.wire_data(["x"]) == ["x", None]
    assert remember.keep_outputs([None, "[]"]) == ["[]"]
    assert remember.unwrap(["[]"]) == "[]"


def test_validation_catches_wrong_types(calc) -> None:
    endpoint = calc.resolve("/calculator")
    check_arguments(endpoint, [3, "add", 4])
    with pytest.raises(ArgumentError, match="operation.*expected one of 'add'.*got str 'plus'"):
        check_arguments(endpoint, [3, "plus", 4])
    with pytest.raises(ArgumentError, match="num1.*expected a number, got str '3'"):
        check_arguments(endpoint, ["3", "add", 4])


def test_many_components_map_to_parameters() -> None:
    spec = build_app_spec(load_json("many-components-config.json"), load_json("many-components-info.json"))
    kinds = {p.component_type for e in spec.endpoints.values() for p in e.parameters}
    assert {"textbox", "number", "slider", "dropdown", "checkboxgroup", "file"} <= kinds
    for endpoint in spec.endpoints.values():
        for param in endpoint.parameters:
            assert param.component_id is not None and param.props is not None
    files = [p for e in spec.endpoints.values() for p in e.parameters if p.component_type == "file"]
    assert files and all(p.is_file for p in files)
