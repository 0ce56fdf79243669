"""Parameter -> input widget, by ONE ordered dispatch (after ipywidgets' ``widget_from_abbrev``).

``field_for(parameter)`` walks ``BUILDERS`` in order; the first builder whose test accepts the
parameter makes the ``Field``: the control, the view around it (label, required mark, info) and
``to_wire()``, the conversion of the widget's value into the argument for ``client.submit``.

Why the order matters:

1. File-valued components first (Gallery, MultimodalTextbox, the ImageEditor family,
   AnnotatedImage and ImageSlider, whose files sit inside their value, before single/multiple
   files): their schema contains a FileData, and every later test (JSON, text...) would also
   accept them, giving the user a JSON box where an upload is expected. Other values with files
   inside (a Chatbot's messages) get the JSON editor, never a bare file picker.
2. Components by type, the most specific variant first: a multiselect Dropdown before the single
   one, ``allow_custom_value`` before the fixed choice list, a multi-line Textbox before the
   one-line one, Slider before Number (a slider's schema is a plain "number" too).
3. Then the JSON schema alone, for components we do not know (custom components): boolean,
   integer/number, string enum, string.
4. Last, a JSON editor with the schema as a hint: it accepts anything, so it must come last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as W

from ..client import handle_file
from ..client._protocol.files import is_file_or_files_schema, is_file_schema

__all__ = ["BUILDERS", "Field", "FieldError", "field_for", "is_secret"]

_SECRET_WORDS = ("password", "passwd", "token", "secret", "api_key", "apikey", "auth", "credential")


class FieldError(ValueError):
    """Raised by ``Field.to_wire`` when the widget holds no valid argument (shown on the form)."""


def is_secret(parameter: Any) -> bool:
    """A password box, or a parameter whose name says it holds a credential: never recorded."""
    props = getattr(parameter, "props", {}) or {}
    if props.get("type") == "password":
        return True
    name = f"{getattr(parameter, 'name', '')} {getattr(parameter, 'label', '')}".lower()
    return any(word in name for word in _SECRET_WORDS)


@dataclass
class Field:
    """One parameter on a form."""

    parameter: Any  # gradio_nb.client._protocol.endpoints.Parameter
    control: W.Widget  # what the user edits (a container for composite inputs)
    to_wire: Callable[[], Any]  # widget value -> argument; raises FieldError
    kind: str  # the builder that made it ("slider", "json", ...), for tests and docs
    error: W.HTML = field(default_factory=lambda: W.HTML(""))
    view: W.Widget = field(init=False)
    watch: Sequence[W.Widget] = ()  # widgets whose "value" changes should refresh the code preview

    def __post_init__(self) -> None:
        p = self.parameter
        label = html.escape(p.label or p.name)
        name = html.escape(p.name)
        mark = ('<span title="required" style="color:#dc2626">*</span>' if p.required else
                '<span style="color:#888;font-size:85%">(optional)</span>')
        info = f'<div style="color:#666;font-size:85%">{html.escape(p.info)}</div>' if p.info else ""
        head = W.HTML(f'<b>{label}</b> <code style="font-size:85%">{name}</code> {mark}{info}')
        self.control.add_class("gnb-input")
        self.view = W.VBox([head, self.control, self.error], layout=W.Layout(margin="0 0 8px 0"))
        self.view.add_class(f"gnb-field-{self.kind}")
        if not self.watch:
            self.watch = [self.control]

    def value(self) -> Any:
        """``to_wire()``, showing (and re-raising) a conversion error under the control."""
        try:
            value = self.to_wire()
        except FieldError as exc:
            self.error.value = f'<span style="color:#dc2626">{html.escape(str(exc))}</span>'
            raise
        self.error.value = ""
        return value


# -- helpers -----------------------------------------------------------------------------------


def _ctype(p: Any) -> str:
    return str(p.component_type or p.component or "").lower()


def _choices(p: Any) -> list[tuple[str, Any]]:
    """Gradio choices are [label, value] pairs (6.x) or bare values (older servers)."""
    out = []
    for choice in p.props.get("choices") or []:
        if isinstance(choice, (list, tuple)) and len(choice) == 2:
            out.append((str(choice[0]), choice[1]))
        else:
            out.append((str(choice), choice))
    if not out:
        enum = (p.schema.get("items") or {}).get("enum") if p.schema.get("type") == "array" else p.schema.get("enum")
        out = [(str(v), v) for v in enum or []]
    return out


def _initial(p: Any) -> Any:
    """The value a form starts with: the parameter's default, else the component's value."""
    if p.has_default:
        return p.default
    return p.props.get("value")


def _wide(**kwargs: Any) -> W.Layout:
    return W.Layout(width="100%", **kwargs)


def _is_int(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) or (isinstance(v, float) and v.is_integer())
               for v in values if v is not None)


# -- builders (each: Parameter -> Field) ---------------------------------------------------------


_UPLOAD_DIR: str | None = None


def _save_upload(item: Mapping[str, Any]) -> str:
    """Write an uploaded file (bytes in the kernel) to a temp file named after the original."""
    global _UPLOAD_DIR
    if _UPLOAD_DIR is None:
        _UPLOAD_DIR = tempfile.mkdtemp(prefix="gradio_nb-uploads-")
    content = bytes(item["content"])
    folder = os.path.join(_UPLOAD_DIR, hashlib.sha256(content).hexdigest()[:16])
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(str(item.get("name") or "upload")) or "upload"
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        with open(path, "wb") as fh:
            fh.write(content)
    return path


def _file_default_text(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, Mapping):
            v = v.get("url") or v.get("path") or v.get("image") or v.get("video")
            if isinstance(v, Mapping):
                v = v.get("url") or v.get("path")
        if isinstance(v, str):
            out.append(v)
    return "\n".join(out)


class _FilePicker:
    """An upload button plus a box for local paths or URLs (one per line when several)."""

    def __init__(self, p: Any, multiple: bool, accept: str = "") -> None:
        self.multiple = multiple
        self.upload = W.FileUpload(multiple=multiple, accept=accept, description="Upload")
        hint = "paths or URLs, one per line" if multiple else "a local path or an http(s) URL"
        box = W.Textarea if multiple else W.Text
        self.paths = box(value=_file_default_text(_initial(p)), placeholder=hint, layout=_wide())
        self.clear = W.Button(description="Clear", layout=W.Layout(width="auto"))
        self.clear.on_click(lambda _: self.reset())
        self.control = W.VBox([W.HBox([self.upload, self.clear]), self.paths])

    def reset(self) -> None:
        self.upload.value = ()
        self.paths.value = ""

    def files(self) -> list[Any]:
        """handle_file(...) for every upload and every path/URL line."""
        out = [handle_file(_save_upload(item)) for item in self.upload.value]
        for line in self.paths.value.splitlines() if self.multiple else [self.paths.value]:
            line = line.strip()
            if line:
                try:
                    out.append(handle_file(line))
                except (ValueError, OSError) as exc:
                    raise FieldError(str(exc)) from None
        return out


def _accept(p: Any) -> str:
    kind = _ctype(p)
    if kind in ("image", "audio", "video"):
        return f"{kind}/*"
    types = p.props.get("file_types")
    return ",".join(t for t in types if isinstance(t, str)) if isinstance(types, list) else ""


def _file_key(schema: Mapping[str, Any]) -> str | None:
    """The key of the one required file an object wraps ("video" in Gradio 4-5's VideoData,
    ``{"video": file, "subtitles": None}``), or None when the value is the file itself."""
    props = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
    defs = schema.get("$defs") if isinstance(schema.get("$defs"), Mapping) else {}
    for key in schema.get("required") or []:
        sub = props.get(key)
        if isinstance(sub, Mapping) and isinstance(sub.get("$ref"), str):
            sub = defs.get(sub["$ref"].rsplit("/", 1)[-1])
        if isinstance(sub, Mapping) and is_file_schema(sub):
            return str(key)
    return None


def _file_field(p: Any) -> Field:
    multiple = p.props.get("file_count") in ("multiple", "directory") or \
        p.schema.get("type") == "array" or _ctype(p) == "files"
    picker = _FilePicker(p, multiple, _accept(p))
    key = None if multiple else _file_key(p.schema)

    def to_wire() -> Any:
        files = picker.files()
        if not files and p.required:
            raise FieldError("A file is required: upload one or give a path or URL.")
        if multiple:
            return files or None
        if len(files) > 1:
            raise FieldError("Give one file: an upload or a path/URL, not both.")
        if files and key is not None:
            return {key: files[0]}
        return files[0] if files else None

    return Field(p, picker.control, to_wire, "file", watch=[picker.upload, picker.paths])


def _gallery_field(p: Any) -> Field:
    picker = _FilePicker(p, True, "image/*,video/*")

    def to_wire() -> Any:
        items = []
        for f in picker.files():
            name = str(f.get("path", "")).lower()
            key = "video" if name.endswith((".mp4", ".webm", ".mov", ".avi", ".mkv")) else "image"
            items.append({key: f, "caption": None})
        return items

    return Field(p, picker.control, to_wire, "gallery", watch=[picker.upload, picker.paths])


def _multimodal_field(p: Any) -> Field:
    start = _initial(p) if isinstance(_initial(p), Mapping) else {}
    text = W.Textarea(value=str(start.get("text") or ""), placeholder="text", layout=_wide())
    picker = _FilePicker(p, True)
    picker.paths.value = ""

    def to_wire() -> Any:
        return {"text": text.value, "files": picker.files()}

    return Field(p, W.VBox([text, picker.control]), to_wire, "multimodal",
                 watch=[text, picker.upload, picker.paths])


def _image_into(p: Any, wrap: Callable[[Any], Any], what: str) -> Field:
    """One image picker whose file is sent wrapped in the component's object."""
    picker = _FilePicker(p, False, "image/*")

    def to_wire() -> Any:
        files = picker.files()
        if not files and p.required:
            raise FieldError(f"{what} is required: upload one or give a path or URL.")
        return wrap(files[0]) if files else None

    return Field(p, picker.control, to_wire, _ctype(p), watch=[picker.upload, picker.paths])


def _editor_field(p: Any) -> Field:
    """ImageEditor, ImageMask, Paint, Sketchpad: the image is the background, no layers."""
    return _image_into(p, lambda f: {"background": f, "layers": [], "composite": None}, "An image")


def _annotated_field(p: Any) -> Field:
    return _image_into(p, lambda f: {"image": f, "annotations": []}, "An image")


def _slider_pair_field(p: Any) -> Field:
    """ImageSlider: the two images it compares, in order."""
    picker = _FilePicker(p, True, "image/*")

    def to_wire() -> Any:
        files = picker.files()
        if not files and not p.required:
            return None
        if len(files) != 2:
            raise FieldError(f"Give two images (before, then after), not {len(files)}.")
        return files

    return Field(p, picker.control, to_wire, "imageslider", watch=[picker.upload, picker.paths])


def _checkbox_group_field(p: Any) -> Field:
    start = _initial(p) or []
    boxes = [(W.Checkbox(value=v in start, description=label, indent=False,
                         layout=W.Layout(width="auto")), v) for label, v in _choices(p)]
    box = W.HBox([b for b, _ in boxes], layout=W.Layout(flex_flow="row wrap"))
    return Field(p, box, lambda: [v for b, v in boxes if b.value], "checkboxgroup", watch=[b for b, _ in boxes])


def _multiselect_field(p: Any) -> Field:
    start = [v for v in (_initial(p) or [])]
    choices = _choices(p)
    if p.props.get("allow_custom_value"):
        by_label = {label: v for label, v in choices}
        labels = {v: label for label, v in choices}
        # allowed_tags=[] lets the user type any tag; the choices are listed in the placeholder
        tags = W.TagsInput(value=[labels.get(v, str(v)) for v in start], allowed_tags=[],
                           allow_duplicates=False, placeholder=", ".join(labels.values())[:200],
                           layout=_wide())
        return Field(p, tags, lambda: [by_label.get(t, t) for t in tags.value], "tags")
    values = [v for _, v in choices]
    select = W.SelectMultiple(options=choices, value=tuple(v for v in start if v in values),
                              rows=min(8, max(2, len(choices))), layout=_wide())
    return Field(p, select, lambda: list(select.value), "selectmultiple")


def _combobox_field(p: Any) -> Field:
    choices = _choices(p)
    by_label = {label: v for label, v in choices}
    labels = {json.dumps(v, default=str): label for label, v in choices}
    start = _initial(p)
    text = labels.get(json.dumps(start, default=str), "" if start is None else str(start))
    box = W.Combobox(value=text, options=[label for label, _ in choices], ensure_option=False,
                     placeholder="choose or type", layout=_wide())
    return Field(p, box, lambda: by_label.get(box.value, box.value), "combobox")


def _choice_field(widget: type[W.Widget], kind: str) -> Callable[[Any], Field]:
    def build(p: Any) -> Field:
        choices = _choices(p)
        start = _initial(p)
        values = [v for _, v in choices]
        control = widget(options=choices, value=start if start in values else None)
        if widget is W.Dropdown:
            control.layout = _wide()

        def to_wire() -> Any:
            if control.value is None and p.required:
                raise FieldError("Choose a value.")
            return control.value

        return Field(p, control, to_wire, kind)

    return build


def _slider_field(p: Any) -> Field:
    lo = p.props.get("minimum", 0)
    hi = p.props.get("maximum", 100)
    step = p.props.get("step", 1)
    start = _initial(p)
    start = lo if not isinstance(start, (int, float)) or isinstance(start, bool) else start
    integer = _is_int(lo, hi, step, start)
    cls = W.IntSlider if integer else W.FloatSlider
    kwargs: dict[str, Any] = dict(min=lo, max=hi, step=step or (1 if integer else (hi - lo) / 100), value=start)
    if integer:
        kwargs = {k: int(v) for k, v in kwargs.items()}
    else:
        decimals = max(0, -math.floor(math.log10(abs(step)))) if step else 2
        kwargs["readout_format"] = f".{min(decimals, 6)}f"
    slider = cls(continuous_update=False, layout=_wide(), **kwargs)
    return Field(p, slider, lambda: slider.value, "intslider" if integer else "floatslider")


def _number_field(p: Any) -> Field:
    precision = p.props.get("precision")
    integer = precision == 0 or p.schema.get("type") == "integer"
    lo, hi = p.props.get("minimum"), p.props.get("maximum")
    start = _initial(p)
    optional_none = start is None
    value = 0 if start is None or isinstance(start, bool) else start
    if lo is not None and hi is not None:
        cls = W.BoundedIntText if integer else W.BoundedFloatText
        control = cls(value=value, min=lo, max=hi)
    else:
        cls = W.IntText if integer else W.FloatText
        control = cls(value=int(value) if integer else value)
    step = p.props.get("step")
    if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
        control.step = int(step) if integer else step
    empty = W.Checkbox(value=optional_none and p.has_default, description="None", indent=False,
                       layout=W.Layout(width="auto"))
    parts: list[W.Widget] = [control]
    if p.has_default and p.default is None:
        parts.append(empty)  # the app accepts None: let the user send it
        control.observe(lambda _change: setattr(empty, "value", False), "value")  # typing = a number

    def to_wire() -> Any:
        if empty.value and p.has_default and p.default is None:
            return None
        if precision not in (None, 0) and isinstance(precision, int):
            return round(float(control.value), precision)
        return control.value

    return Field(p, W.HBox(parts) if len(parts) > 1 else control, to_wire,
                 "inttext" if integer else "floattext", watch=[control, empty])


def _checkbox_field(p: Any) -> Field:
    box = W.Checkbox(value=bool(_initial(p)), indent=False, description=p.label or p.name)
    return Field(p, box, lambda: box.value, "checkbox")


def _color_field(p: Any) -> Field:
    start = _initial(p)
    picker = W.ColorPicker(value=start if isinstance(start, str) and start else "#000000", concise=False)
    return Field(p, picker, lambda: picker.value, "colorpicker")


def _parse_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value)
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
        if value.strip().lower() == "now":
            return dt.datetime.now().replace(microsecond=0)
    return None


def _datetime_field(p: Any) -> Field:
    start = _parse_datetime(_initial(p))
    with_time = p.props.get("include_time", True) is not False
    if with_time:
        picker: W.Widget = W.NaiveDatetimePicker(value=start)
        fmt = "%Y-%m-%d %H:%M:%S"
    else:
        picker = W.DatePicker(value=start.date() if start else None)
        fmt = "%Y-%m-%d"

    def to_wire() -> Any:
        if picker.value is None:
            if p.required:
                raise FieldError("Pick a date.")
            return None
        return picker.value.strftime(fmt)

    return Field(p, picker, to_wire, "datetime")


def _text_field(p: Any) -> Field:
    start = _initial(p)
    text = "" if start is None else str(start)
    lines = p.props.get("lines") or 1
    password = p.props.get("type") == "password"
    placeholder = str(p.props.get("placeholder") or "")
    if password:
        # cleared after each Run by the form: widget state can be saved with the notebook
        control: W.Widget = W.Password(value=text, placeholder=placeholder or "cleared after each run",
                                       layout=_wide())
        kind = "password"
    elif lines > 1 or _ctype(p) == "code":
        control = W.Textarea(value=text, placeholder=placeholder, rows=min(int(lines), 20), layout=_wide())
        kind = "textarea"
    else:
        control = W.Text(value=text, placeholder=placeholder, layout=_wide())
        kind = "text"
    return Field(p, control, lambda: control.value, kind)


def _json_editor(kind: str, normalize: Callable[[Any, Any], Any] = lambda v, p: v) -> Callable[[Any], Field]:
    """A validated JSON text box: the parse error shows under it as you type."""

    def build(p: Any) -> Field:
        start = _initial(p)
        text = "" if start is None else json.dumps(start, indent=2, ensure_ascii=False, default=str)
        hint = f"JSON: {p.python_type}" if p.python_type and p.python_type != "Any" else \
            "JSON: " + json.dumps(dict(p.schema), default=str)[:200]
        area = W.Textarea(value=text, placeholder=hint, rows=min(12, max(3, text.count("\n") + 1)),
                          layout=_wide())
        holder: dict[str, Field] = {}

        def to_wire() -> Any:
            raw = area.value.strip()
            if not raw:
                if p.required:
                    raise FieldError("A value is required (JSON).")
                return None
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise FieldError(f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
            return normalize(value, p)

        def check(_: Any) -> None:
            try:
                holder["field"].value()
            except FieldError:
                pass

        area.observe(check, "value")
        made = Field(p, area, to_wire, kind)
        holder["field"] = made
        return made

    return build


def _dataframe_value(value: Any, p: Any) -> Any:
    """A list of rows is accepted too, with the component's headers."""
    if isinstance(value, list):
        headers = p.props.get("headers")
        if not headers and isinstance(p.default, Mapping):
            headers = p.default.get("headers")
        width = max((len(r) for r in value if isinstance(r, list)), default=0)
        return {"headers": list(headers or [str(i) for i in range(width)]), "data": value, "metadata": None}
    if isinstance(value, Mapping) and "data" in value:
        return {"headers": value.get("headers") or [], "data": value["data"], "metadata": value.get("metadata")}
    raise FieldError('A table is a list of rows, or {"headers": [...], "data": [[...], ...]}.')


# -- the dispatch ------------------------------------------------------------------------------


def _file_schema(p: Any) -> bool:
    """One file or a list of files; objects with files inside have their own fields (or JSON)."""
    return bool(getattr(p, "is_file", False)) and is_file_or_files_schema(p.schema)


def _types(*names: str) -> Callable[[Any], bool]:
    return lambda p: _ctype(p) in names


Test = Callable[[Any], bool]
Builder = Callable[[Any], Field]

# ORDER MATTERS - see the module docstring.
BUILDERS: list[tuple[str, Test, Builder]] = [
    # 1. file-valued components, compound ones first
    ("gallery", _types("gallery"), _gallery_field),
    ("multimodal", _types("multimodaltextbox"), _multimodal_field),
    ("imageeditor", _types("imageeditor"), _editor_field),
    ("annotatedimage", _types("annotatedimage"), _annotated_field),
    ("imageslider", _types("imageslider"), _slider_pair_field),
    ("file", lambda p: _file_schema(p) or _ctype(p) in ("image", "audio", "video", "file", "files",
                                                        "model3d", "uploadbutton", "simpleimage"), _file_field),
    # 2. known components, most specific variant first
    ("checkboxgroup", _types("checkboxgroup"), _checkbox_group_field),
    ("multiselect", lambda p: _ctype(p) == "dropdown" and bool(p.props.get("multiselect")), _multiselect_field),
    ("combobox", lambda p: _ctype(p) == "dropdown" and bool(p.props.get("allow_custom_value")), _combobox_field),
    ("dropdown", _types("dropdown"), _choice_field(W.Dropdown, "dropdown")),
    ("radio", _types("radio"), _choice_field(W.RadioButtons, "radio")),
    ("slider", _types("slider"), _slider_field),
    ("number", _types("number"), _number_field),
    ("checkbox", _types("checkbox"), _checkbox_field),
    ("colorpicker", _types("colorpicker"), _color_field),
    ("datetime", _types("datetime"), _datetime_field),
    ("dataframe", _types("dataframe"), _json_editor("dataframe", _dataframe_value)),
    ("json", _types("json"), _json_editor("json")),
    ("text", _types("textbox", "code", "textarea"), _text_field),
    # 3. unknown components, by their JSON schema
    ("schema-boolean", lambda p: p.schema.get("type") == "boolean", _checkbox_field),
    ("schema-number", lambda p: p.schema.get("type") in ("number", "integer"), _number_field),
    ("schema-enum", lambda p: p.schema.get("type") == "string" and bool(p.schema.get("enum")),
     _choice_field(W.Dropdown, "dropdown")),
    ("schema-string", lambda p: p.schema.get("type") == "string", _text_field),
    # 4. anything: JSON with the schema as a hint
    ("json-any", lambda p: True, _json_editor("json")),
]


def field_for(parameter: Any) -> Field:
    """The form field for one parameter (the first builder that accepts it)."""
    for _name, test, build in BUILDERS:
        if test(parameter):
            return build(parameter)
    raise AssertionError("unreachable: the last builder accepts everything")
