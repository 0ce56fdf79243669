"""Output rendering: per component, sanitized, media embedded within a budget."""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

from gradio_nb.widgets._render import Budget, render_outputs, render_value, sanitize

XSS = ('<b>ok</b><script>alert(1)</script><img src="x" onerror="alert(2)">'
       '<a href="javascript:alert(3)">a</a><div onclick="alert(4)" style="x">d</div>'
       '<iframe src="https://evil"></iframe><a href="data:text/html,<script>alert(5)</script>">d</a>')


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_inert(markup: str) -> None:
    """No element or attribute in ``markup`` can run code (parsed, not grepped)."""
    parser = _Tags()
    parser.feed(markup)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "iframe", "object", "embed", "style"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src") and value:
                assert not value.strip().lower().startswith(("javascript:", "data:text")), value


def test_sanitize_removes_everything_that_runs():
    clean = sanitize(XSS)
    assert_inert(clean)
    assert "<b>ok</b>" in clean


def test_html_and_markdown_outputs_are_sanitized():
    html_out = render_value("html", XSS)
    assert_inert(html_out.html)
    assert "<b>ok</b>" in html_out.html
    md = render_value("markdown", "# Title\n**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert_inert(md.html)
    assert "<h1>Title</h1>" in md.html and "<strong>bold</strong>" in md.html


def test_text_is_escaped_everywhere():
    assert "&lt;script&gt;" in render_value("textbox", "<script>").html
    table = render_value("dataframe", {"headers": ["<h>"], "data": [["<img src=x onerror=1>"]]})
    assert_inert(table.html)
    assert "<th>&lt;h&gt;</th>" in table.html
    chat = render_value("chatbot", [{"role": "user", "content": "<img src=x onerror=alert(1)>"}])
    assert_inert(chat.html)


def test_label_confidences_become_bars():
    out = render_value("label", {"label": "cat", "confidences": [{"label": "cat", "confidence": 0.7},
                                                                 {"label": "dog", "confidence": 0.3}]})
    assert "<b>cat</b>" in out.html and "width:70.0%" in out.html and "width:30.0%" in out.html
    assert "dog: 30.0%" in out.text


def test_dataframe_table_caps_rows():
    out = render_value("dataframe", {"headers": ["a"], "data": [[i] for i in range(120)], "metadata": None})
    assert out.html.count("<tr>") == 51 and "70 more rows" in out.html


def test_json_is_collapsible():
    out = render_value("json", {"k": [1, 2, {"x": None}]})
    assert out.html.startswith('<details class="gnb-json" open>') and "&quot;k&quot;" in out.html


def test_chatbot_messages_with_content_parts(tmp_path):
    img = tmp_path / "a.png"
    img.write_bytes(b"\x89PNG....")
    value = [
        {"role": "user", "metadata": None, "content": [{"text": "hi", "type": "text"}]},
        {"role": "assistant", "content": [{"type": "file", "file": {"path": str(img), "meta": {"_type": "gradio.FileData"}}}]},
    ]
    out = render_value("chatbot", value)
    assert out.html.count("gnb-bubble") == 2 and "gnb-user" in out.html and "gnb-assistant" in out.html
    assert "data:image/png;base64," in out.html
    assert out.text.splitlines()[0] == "user: hi"


def test_images_are_embedded_and_large_ones_are_not(tmp_path):
    img = tmp_path / "a.png"
    img.write_bytes(b"\x89PNG" + b"\x00" * 100)
    out = render_value("image", str(img))
    src = re.search(r'src="data:image/png;base64,([^"]+)"', out.html).group(1)
    assert base64.b64decode(src) == img.read_bytes()
    small = Budget(remaining=50)
    capped = render_value("image", str(img), budget=small)
    assert "data:" not in capped.html and "too large to embed" in capped.html and "a.png" in capped.html


def test_audio_video_players_and_remote_urls(tmp_path):
    wav = tmp_path / "s.wav"
    wav.write_bytes(b"RIFF....WAVE")
    assert "<audio controls src=\"data:audio/" in render_value("audio", str(wav)).html
    remote = render_value("video", {"path": "/srv/x.mp4", "url": "https://h/x.mp4", "meta": {"_type": "gradio.FileData"}})
    assert '<video controls src="https://h/x.mp4"' in remote.html


def test_files_show_name_size_and_a_download_link(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello file\n")
    out = render_value("file", [str(f), str(f)])
    assert out.html.count("notes.txt") >= 2 and "11 B" in out.html and 'download="notes.txt"' in out.html


def test_gallery_grid_with_captions(tmp_path):
    img = tmp_path / "g.png"
    img.write_bytes(b"\x89PNG")
    out = render_value("gallery", [(str(img), "one <b>"), {"image": str(img), "caption": None}])
    assert "gnb-gallery" in out.html and out.html.count("<img") == 2 and "one &lt;b&gt;" in out.html


def test_several_outputs_are_labelled_and_unknown_ones_guessed():
    class R:
        def __init__(self, label, kind):
            self.label, self.component_type, self.props = label, kind, {}
    out = render_outputs([R("count", "number"), R("blob", "mystery")], (3, {"a": 1}))
    assert "count" in out.html and "blob" in out.html and "gnb-json" in out.html
    assert out.text.splitlines()[0] == "count: 3"
    assert render_value("anything", None).text == "None"


PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


def test_annotated_image_editor_and_dialogue_outputs_are_drawn_not_dumped(tmp_path) -> None:
    png = tmp_path / "bus.png"
    png.write_bytes(PNG_1PX)
    annotated = render_value("annotatedimage", {"image": str(png), "annotations": [
        {"image": str(png), "label": "bus <b>"}]})
    assert "<img" in annotated.html and "bus &lt;b&gt;" in annotated.html
    assert annotated.text.splitlines()[-1] == "bus <b>"
    editor = render_value("imageeditor", {"background": str(png), "layers": [str(png)], "composite": str(png)})
    assert editor.html.count("<img") == 1 and editor.text.endswith("1 layer")
    dialogue = render_value("dialogue", [{"speaker": "A", "text": "hi"}, {"speaker": "B", "text": "<yo>"}])
    assert dialogue.text == "A: hi\nB: <yo>" and "&lt;yo&gt;" in dialogue.html
    for markup in (annotated.html, editor.html, dialogue.html):
        assert_inert(markup)
