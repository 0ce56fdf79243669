"""Parameter -> widget mapping, on the real configs of many_components and protocol_app."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import ipywidgets as W
import pytest

from gradio_nb.widgets._inputs import BUILDERS, FieldError, field_for, is_secret


def params(spec, api_name):
    endpoint = next(e for e in spec.endpoints.values() if e.api_name == api_name)
    return {p.label: p for p in endpoint.parameters}


@pytest.fixture
def simple(many_components_spec):
    return params(many_components_spec, "/simple_inputs")


@pytest.fixture
def media(many_components_spec):
    return params(many_components_spec, "/media_inputs")


def test_slider_uses_the_apps_bounds_step_and_default(simple):
    f = field_for(simple["slider"])
    assert f.kind == "intslider" and isinstance(f.control, W.IntSlider)
    assert (f.control.min, f.control.max, f.control.step, f.control.value) == (0, 10, 1, 3)
    f.control.value = 7
    assert f.to_wire() == 7


def test_float_slider_when_the_step_is_fractional(simple):
    p = simple["slider"]
    p = replace(p, props=MappingProxyType({**p.props, "step": 0.5, "maximum": 2}), default=0.5)
    f = field_for(p)
    assert isinstance(f.control, W.FloatSlider)
    assert (f.control.min, f.control.max, f.control.step, f.control.value) == (0, 2, 0.5, 0.5)


def test_radio_shows_labels_and_sends_values(simple):
    f = field_for(simple["radio"])
    assert isinstance(f.control, W.RadioButtons) and f.control.value == "a"
    tuples = field_for(simple["radio_tuples"])
    assert tuples.control.options == (("Label A", "value_a"), ("Label B", "value_b"))
    assert tuples.control.value is None  # no default: the user must choose
    with pytest.raises(FieldError):
        tuples.value()
    assert "Choose a value" in tuples.error.value
    tuples.control.value = "value_b"
    assert tuples.value() == "value_b" and tuples.error.value == ""


def test_dropdowns_single_multi_custom(simple):
    single = field_for(simple["dropdown"])
    assert isinstance(single.control, W.Dropdown) and single.to_wire() == "x"
    multi = field_for(simple["dropdown_multi"])
    assert isinstance(multi.control, W.SelectMultiple)
    assert multi.control.value == ("x",)
    multi.control.value = ("x", "z")
    assert multi.to_wire() == ["x", "z"]
    p = simple["dropdown"]
    custom = field_for(replace(p, props=MappingProxyType({**p.props, "allow_custom_value": True})))
    assert isinstance(custom.control, W.Combobox) and custom.control.options == ("x", "y", "z")
    custom.control.value = "something else"
    assert custom.to_wire() == "something else"
    p = simple["dropdown_multi"]
    tags = field_for(replace(p, props=MappingProxyType({**p.props, "allow_custom_value": True})))
    assert isinstance(tags.control, W.TagsInput) and tags.to_wire() == ["x"]


def test_checkbox_and_checkbox_group(simple):
    box = field_for(simple["checkbox"])
    assert isinstance(box.control, W.Checkbox) and box.to_wire() is True
    group = field_for(simple["checkbox_group"])
    checks = group.control.children
    assert [c.description for c in checks] == ["p", "q", "r"]
    assert [c.value for c in checks] == [True, False, False]
    checks[2].value = True
    assert group.to_wire() == ["p", "r"]


def test_text_number_color_datetime_code(simple):
    text = field_for(simple["textbox"])
    assert isinstance(text.control, W.Text) and not isinstance(text.control, W.Textarea)
    assert text.to_wire() == "hello"
    number = field_for(simple["number"])
    assert isinstance(number.control, W.FloatText) and number.to_wire() == 1.5
    color = field_for(simple["color"])
    assert isinstance(color.control, W.ColorPicker) and color.to_wire() == "#ff0000"
    when = field_for(simple["datetime"])
    assert isinstance(when.control, W.NaiveDatetimePicker)
    assert when.control.value == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert when.to_wire() == "2024-01-02 03:04:05"
    code = field_for(simple["code"])
    assert isinstance(code.control, W.Textarea) and code.to_wire() == "x = 1"


def test_textbox_with_lines_is_a_textarea_and_password_is_hidden(simple):
    p = simple["textbox"]
    area = field_for(replace(p, props=MappingProxyType({**p.props, "lines": 4})))
    assert isinstance(area.control, W.Textarea) and area.control.rows == 4
    secret = replace(p, props=MappingProxyType({**p.props, "type": "password"}))
    assert isinstance(field_for(secret).control, W.Password)
    assert is_secret(secret) and not is_secret(p)


def test_number_precision_zero_is_an_int_box(protocol_app_spec):
    count = params(protocol_app_spec, "/count")
    n = field_for(count["n"])
    assert isinstance(n.control, W.IntText) and n.to_wire() == 5
    delay = field_for(count["delay"])
    assert isinstance(delay.control, W.FloatText) and delay.to_wire() == 0.2


def test_json_and_dataframe_editors_validate(simple):
    js = field_for(simple["json_in"])
    assert isinstance(js.control, W.Textarea) and js.to_wire() == {"a": 1}
    js.control.value = "{not json"
    assert "Invalid JSON" in js.error.value  # shown while typing
    with pytest.raises(FieldError):
        js.value()
    df = field_for(simple["dataframe_in"])
    assert df.to_wire() == {"headers": ["c1", "c2"], "data": [[1, 2], [3, 4]], "metadata": None}
    df.control.value = "[[5, 6], [7, 8]]"  # rows alone get the component's headers
    assert df.to_wire() == {"headers": ["c1", "c2"], "data": [[5, 6], [7, 8]], "metadata": None}
    df.control.value = '"text"'
    with pytest.raises(FieldError):
        df.to_wire()


def test_file_inputs_take_a_path_url_or_upload(media, tmp_path):
    image = field_for(media["image_in"])
    assert image.kind == "file"
    upload, paths = image.watch
    assert isinstance(upload, W.FileUpload) and upload.accept == "image/*" and not upload.multiple
    with pytest.raises(FieldError):  # required
        image.value()
    path = tmp_path / "pic.png"
    path.write_bytes(b"\x89PNG fake")
    paths.value = str(path)
    sent = image.to_wire()
    assert sent["path"] == str(path) and sent["meta"] == {"_type": "gradio.FileData"}
    paths.value = "https://example.com/a.png"
    assert image.to_wire()["url"] == "https://example.com/a.png"
    paths.value = str(tmp_path / "missing.png")
    with pytest.raises(FieldError, match="no such file"):
        image.to_wire()
    paths.value = ""
    upload.value = ({"name": "up.txt", "type": "text/plain", "size": 3, "content": memoryview(b"abc"),
                     "last_modified": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)},)
    saved = image.to_wire()
    assert saved["orig_name"] == "up.txt" and Path(saved["path"]).read_bytes() == b"abc"

    files = field_for(media["files_in"])
    upload, paths = files.watch
    assert upload.multiple and isinstance(paths, W.Textarea)
    other = tmp_path / "b.txt"
    other.write_text("b")
    paths.value = f"{path}\n{other}\n"
    assert [f["orig_name"] for f in files.to_wire()] == ["pic.png", "b.txt"]


def test_gallery_and_multimodal(media, tmp_path):
    img = tmp_path / "g.png"
    img.write_bytes(b"x")
    gallery = field_for(media["gallery_in"])
    assert gallery.kind == "gallery" and gallery.to_wire() == []
    gallery.watch[1].value = str(img)
    (item,) = gallery.to_wire()
    assert item["caption"] is None and item["image"]["path"] == str(img)
    mm = field_for(media["multimodal_in"])
    assert mm.kind == "multimodal"
    mm.watch[0].value = "look"
    mm.watch[2].value = str(img)
    value = mm.to_wire()
    assert value["text"] == "look" and value["files"][0]["path"] == str(img)


def test_every_component_of_the_real_app_gets_its_widget(many_components_spec):
    kinds = {}
    for endpoint in many_components_spec.documented():
        for p in endpoint.parameters:
            kinds[p.label] = field_for(p).kind
    assert kinds == {
        "slider": "intslider", "radio": "radio", "dropdown": "dropdown",
        "dropdown_multi": "selectmultiple", "checkbox": "checkbox", "checkbox_group": "checkboxgroup",
        "textbox": "text", "number": "floattext", "color": "colorpicker", "datetime": "datetime",
        "code": "textarea", "json_in": "json", "dataframe_in": "dataframe", "radio_tuples": "radio",
        "image_in": "file", "audio_in": "file", "video_in": "file", "file_in": "file",
        "files_in": "file", "files_template_in": "file", "gallery_in": "gallery",
        "multimodal_in": "multimodal",
    }


def test_labels_required_marks_and_info_are_shown(simple):
    p = simple["textbox"]
    p = replace(p, props=MappingProxyType({**p.props, "info": "Type <here>"}), label="Your <name>")
    head = field_for(p).view.children[0].value
    assert "Your &lt;name&gt;" in head and "Type &lt;here&gt;" in head and "(optional)" in head
    required = field_for(simple["radio_tuples"]).view.children[0].value
    assert 'title="required"' in required


def test_unknown_components_fall_back_on_schema_then_json(simple):
    base = simple["textbox"]
    def custom(schema, **kw):
        return replace(base, component="Mything", component_type="mything", props=MappingProxyType({}),
                       schema=MappingProxyType(schema), has_default=False, default=None, **kw)
    assert field_for(custom({"type": "boolean"})).kind == "checkbox"
    assert field_for(custom({"type": "integer"})).kind == "inttext"
    assert field_for(custom({"type": "string", "enum": ["u", "v"]})).control.options == (("u", "u"), ("v", "v"))
    anything = field_for(custom({"type": "object", "properties": {"q": {"type": "string"}}},
                                python_type="dict(q: str)"))
    assert anything.kind == "json" and "dict(q: str)" in anything.control.placeholder
    anything.control.value = '{"q": "r"}'
    assert anything.to_wire() == {"q": "r"}


def test_dispatch_order_puts_files_first_and_json_last():
    names = [name for name, _test, _build in BUILDERS]
    assert names[:6] == ["gallery", "multimodal", "imageeditor", "annotatedimage", "imageslider", "file"]
    assert names.index("multiselect") < names.index("combobox") < names.index("dropdown")
    assert names.index("slider") < names.index("number")
    assert names[-1] == "json-any"
