"""Generator diffs: the recorded streams reproduce gradio_client's outputs exactly."""

from __future__ import annotations

import pytest

from gradio_nb.client._protocol.diff import DiffError, apply_diff

from .captures import streams
from .replay import replay


def _by_capture_order(name: str) -> list:
    return [next(iter(replay(s.body).values())) for s in streams(name)]


def test_count_appends() -> None:
    count = _by_capture_order("generator-diffs")[0]
    assert [o[0] for o in count.outputs] == ["0", "01", "012", "0123", "0123"]


def test_all_generators_end_with_the_completed_value() -> None:
    for job in _by_capture_order("generator-diffs"):
        if job.state.success:
            assert job.outputs[-1] == job.state.final_data


def test_table_reproduces_the_servers_nested_delete_quirk() -> None:
    jobs = _by_capture_order("generator-diffs")
    table = next(j for j in jobs if j.outputs and isinstance(j.outputs[0][0], dict)
                 and "headers" in j.outputs[0][0])
    intermediate = [o[0]["data"] for o in table.outputs[:-1]]
    # gradio_client 2.7.2 reports the same (wrong) last yield; the final value is right.
    assert intermediate == [[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 50, 6], [7, 8, 9]], [[3], [7, 8, 9]]]
    assert table.outputs[-1][0]["data"] == [[1], [4]]


def test_chatbot_token_stream() -> None:
    for stream in streams("chatbot-streaming-diffs"):
        for job in replay(stream.body, chunk=0).values():
            if job.state.success:
                assert job.outputs[-1] == job.state.final_data


def test_diff_actions_and_copy_on_write() -> None:
    value = {"a": [1, 2], "b": {"c": "x"}}
    new = apply_diff(value, [["append", ["b", "c"], "y"], ["add", ["a", 1], 9],
                             ["delete", ["a", 0], None], ["replace", ["d"], 1]])
    assert new == {"a": [9, 2], "b": {"c": "xy"}, "d": 1}
    assert value == {"a": [1, 2], "b": {"c": "x"}}, "the previous yield must not change"


@pytest.mark.parametrize("edit", [["explode", [], 1], ["delete", [], None], ["append", ["k"], "x"]])
def test_bad_edits_raise_diff_error(edit: list) -> None:
    with pytest.raises(DiffError):
        apply_diff({"a": 1}, [edit])


def test_sse_v1_has_no_diffs() -> None:
    body = (
        'data: {"msg":"process_generating","event_id":"e","output":{"data":["0"]},"success":true}\n\n'
        'data: {"msg":"process_generating","event_id":"e","output":{"data":["01"]},"success":true}\n\n'
        'data: {"msg":"process_completed","event_id":"e","output":{"data":["01"]},"success":true}\n\n'
    )
    job = replay(body, diffs=False)["e"]
    assert [o[0] for o in job.outputs] == ["0", "01", "01"]
