"""Multimodal chat (issue #19): gr.ChatInterface(multimodal=True) on Gradio 6.31, 5.50 and 4.44.1,
called as gradio_client calls it, from its form (text + files), and drawn as a conversation."""
from __future__ import annotations

import gradio_client
import pytest

from gradio_nb import Client, handle_file
from gradio_nb.widgets._card import final_rendering
from gradio_nb.widgets._render import chat_message_parameter
from replicas import write_wav

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def chat(server_version, gradio_server):
    server = gradio_server("chat_multimodal", server_version)
    with Client(server.url, verbose=False) as ours:
        ref = gradio_client.Client(server.url, verbose=False)
        endpoint = next(e for e in ours.endpoints if chat_message_parameter(e) is not None)
        yield ours, ref, endpoint.api_name
        ref.close()


@pytest.fixture(scope="module")
def picture(tmp_path_factory):
    import base64

    path = tmp_path_factory.mktemp("chat") / "photo é.png"
    path.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"))
    return path


def test_the_issue_s_three_calls_work_as_with_gradio_client(chat, picture, tmp_path) -> None:
    ours, ref, api_name = chat
    sound = write_wav(tmp_path / "voice.wav", 0.2)
    calls = [
        lambda h: {"text": "hi", "files": [h(str(picture))]},
        lambda h: {"text": "hi", "files": [h(str(picture)), h(str(sound))]},
        lambda h: {"text": "hi", "files": []},
        lambda h: {"text": "hi"},
    ]
    for build in calls:
        expected = ref.predict(build(gradio_client.handle_file), api_name=api_name)
        assert ours.predict(build(handle_file), api_name=api_name) == expected
    assert ours.predict(calls[1](handle_file), api_name=api_name) == "hi + 2 files ['photo é.png', 'voice.wav']"


def test_the_form_takes_text_and_files_and_the_card_shows_the_conversation(chat, picture) -> None:
    from ipywidgets.widgets.tests.utils import setup_test_comm, teardown_test_comm

    from gradio_nb.widgets._form import EndpointForm

    ours, _, api_name = chat
    setup_test_comm()
    try:
        form = EndpointForm(ours, ours.endpoint(api_name), client_var="client")
        field = form.fields[0]
        assert field.kind == "multimodal"
        text, picker = field.control.children
        text.value = "what is this?"
        picker.children[1].value = str(picture)
        arguments = form.arguments()
        assert arguments["message"]["text"] == "what is this?"
        assert [f["path"] for f in arguments["message"]["files"]] == [str(picture)]
        job = form.submit()
        assert job.result(timeout=60) == "what is this? + 1 files ['photo é.png']"
    finally:
        teardown_test_comm()
    card = final_rendering(job.snapshot(), job.endpoint, job.arguments)
    assert "gnb-chatbot" in card.html
    user, reply = card.html.index("gnb-user"), card.html.index("gnb-assistant")
    assert user < card.html.index("<img", user) < reply          # the picture is in the user's bubble
    assert "what is this?" in card.html[user:reply]
    assert card.text.splitlines()[-2:] == [
        f"user: what is this? photo é.png ({picture.stat().st_size} B) {picture}",
        "assistant: what is this? + 1 files ['photo é.png']",
    ]
    # without the arguments (an old caller), the reply alone, as before
    assert "gnb-chatbot" not in final_rendering(job.snapshot(), job.endpoint).html
