"""The pure parsing of %gradio: no shell, no server."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from gradio_nb.magics._parsing import (
    ASK,
    check_variable_name,
    normalize_api_name,
    parse_auth,
    parse_cell_arguments,
    parse_headers,
    parse_pairs,
    split_line,
)


def evaluate(body, **namespace):
    return parse_cell_arguments(body).evaluate(dict(namespace))


# -- the cell body of %%gradio predict -----------------------------------------------------------
def test_assignment_lines():
    assert evaluate('text = "hello"\nn = 3\n') == ((), {"text": "hello", "n": 3})


def test_keyword_list_on_one_or_more_lines():
    assert evaluate("a=1, b=2") == ((), {"a": 1, "b": 2})
    assert evaluate("a=1,\nb=2,\n") == ((), {"a": 1, "b": 2})


def test_positional_starred_and_double_starred():
    assert evaluate('"hi", *rest, **opts', rest=[1, 2], opts={"k": 3}) == (("hi", 1, 2), {"k": 3})


def test_names_come_from_the_namespace():
    assert evaluate("text = greeting.upper()", greeting="hi") == ((), {"text": "HI"})


def test_later_lines_see_earlier_arguments_without_touching_the_namespace():
    namespace = {"base": 10}
    args = parse_cell_arguments("a = base + 1\nb = a * 2  # a comment\n\n").evaluate(namespace)
    assert args == ((), {"a": 11, "b": 22})
    assert set(namespace) <= {"base", "__builtins__"}


def test_annotated_lines_and_comments():
    assert evaluate("# the prompt\ntext: str = 'x'") == ((), {"text": "x"})


def test_empty_body_means_no_arguments():
    assert evaluate("") == ((), {})
    assert evaluate("  \n# nothing\n") == ((), {})


def test_strings_are_not_evaluated():
    assert evaluate("code = '__import__(\"os\").getcwd()'") == ((), {"code": '__import__("os").getcwd()'})


def test_errors_of_the_users_expressions_propagate():
    with pytest.raises(NameError):
        evaluate("text = undefined_name")


@pytest.mark.parametrize(
    "body, message",
    [
        ("a = 1\nprint(a)", "line 2"),
        ("a, b = 1, 2\n", "line 1"),
        ("a = 1\na = 2", "given twice"),
        ("a = = 1\nb = 2", "neither an argument list"),
        ("x.y = 1\nz = 2", "line 1"),
    ],
)
def test_bad_bodies_are_usage_errors(body, message):
    with pytest.raises(UsageError, match=message):
        parse_cell_arguments(body)


# -- options -------------------------------------------------------------------------------------
def test_headers():
    assert parse_headers(["X-Api-Key=abc", "Accept = text/plain", "Empty="]) == {
        "X-Api-Key": "abc", "Accept": "text/plain", "Empty": ""
    }
    assert parse_headers(["Authorization=Bearer a=b"]) == {"Authorization": "Bearer a=b"}


@pytest.mark.parametrize("item", ["novalue", "=v", "bad key=v", "K=a\nb", "Ünïcode=1"])
def test_bad_headers_are_usage_errors(item):
    with pytest.raises(UsageError):
        parse_headers([item])


def test_repeated_header_is_a_usage_error():
    with pytest.raises(UsageError, match="twice"):
        parse_headers(["K=1", "k=2"])


def test_header_errors_do_not_echo_long_values():
    with pytest.raises(UsageError) as ei:
        parse_headers(["Bearer-sk-very-secret-value"])
    assert "very-secret-value" not in str(ei.value)


def test_auth():
    assert parse_auth("alice:wonder:land") == ("alice", "wonder:land")
    assert parse_auth("alice") == ("alice", ASK)
    assert parse_auth("alice:") == ("alice", "")
    with pytest.raises(UsageError):
        parse_auth(":pw")


def test_pairs():
    assert parse_pairs(["A=1", "B"], "--secret") == {"A": "1", "B": ASK}
    with pytest.raises(UsageError):
        parse_pairs(["=1"], "--secret")


def test_split_line_and_names():
    assert split_line('connect "http://x/" --header "K=a b"') == ["connect", "http://x/", "--header", "K=a b"]
    with pytest.raises(UsageError):
        split_line('connect "http://x/')
    assert check_variable_name("app") == "app"
    for bad in ("1a", "class", "a-b", ""):
        with pytest.raises(UsageError):
            check_variable_name(bad)
    assert normalize_api_name("predict") == "/predict"
    assert normalize_api_name("/predict") == "/predict"
    with pytest.raises(UsageError):
        normalize_api_name("/")
