"""Output values -> HTML and text, by the output component that produced them.

Everything here is pure (files are read, nothing is displayed) so the job card, the final plain
output and the tests share it. Two rules hold for every renderer:

* Text from the app is escaped (``html.escape``); HTML and Markdown from the app go through
  ``sanitize`` (nh3): no ``<script>``, no ``on*=`` handlers, no ``javascript:``/``data:`` links.
  Our own markup (tables, bars, players) is built around escaped values, never from app HTML.
* Media are embedded as ``data:`` URLs so the rendering survives saving and nbconvert, within a
  size budget (``Budget``): past it a file is shown as its name, size and path instead.
"""

from __future__ import annotations

import base64
import html
import json
import mimetypes
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

import nh3

__all__ = ["Budget", "Rendered", "render_outputs", "render_value", "sanitize", "human_size"]

MAX_EMBED_BYTES = 5 * 1024 * 1024  # one media file embedded as a data: URL at most
MAX_TOTAL_EMBED_BYTES = 12 * 1024 * 1024  # all media of one rendering together
MAX_TABLE_ROWS = 50
MAX_TEXT_CHARS = 200_000
MAX_GALLERY_ITEMS = 48

_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(markup: str) -> str:
    """The app's HTML, with everything that could run code removed (nh3 / ammonia defaults)."""
    return nh3.clean(str(markup), url_schemes=_URL_SCHEMES)


def _markdown_to_html(text: str) -> str | None:
    try:  # optional: markdown-it-py, present with rich/gradio; otherwise shown as text
        from markdown_it import MarkdownIt
    except ImportError:
        return None
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)


def human_size(size: int | None) -> str:
    if size is None:
        return "? B"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


@dataclass(frozen=True)
class Rendered:
    """One rendering: HTML for notebooks, text for terminals and ``text/plain``."""

    html: str
    text: str


@dataclass
class Budget:
    """How many bytes of media one rendering may still embed."""

    remaining: int = MAX_TOTAL_EMBED_BYTES
    per_file: int = MAX_EMBED_BYTES

    def take(self, size: int) -> bool:
        if size > self.per_file or size > self.remaining:
            return False
        self.remaining -= size
        return True


# -- files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    path: str | None  # local path, if the file was downloaded
    url: str | None  # remote URL, if it was not
    name: str
    size: int | None
    mime: str | None


def _as_file(value: Any) -> _File | None:
    """A local path, a URL or a FileData dict -> _File; anything else -> None."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, Mapping) and ("path" in value or "url" in value):
        if (value.get("meta") or {}).get("_type") not in (None, "gradio.FileData"):
            return None
        path, url = value.get("path"), value.get("url")
        local = path if isinstance(path, str) and os.path.isfile(path) else None
        remote = url if isinstance(url, str) and url.startswith(("http://", "https://")) else None
        if remote is None and isinstance(path, str) and path.startswith(("http://", "https://")):
            remote = path
        if local is None and remote is None:
            return None
        name = value.get("orig_name") or os.path.basename(str(local or remote).split("?")[0])
        size = value.get("size") if isinstance(value.get("size"), int) else None
        if local is not None:
            size = os.path.getsize(local)
        return _File(local, remote, str(name), size, value.get("mime_type") or _guess_mime(name))
    if isinstance(value, str) and len(value) < 4096:
        if value.startswith(("http://", "https://")):
            name = os.path.basename(value.split("?")[0]) or value
            return _File(None, value, name, None, _guess_mime(name))
        if os.path.isabs(value) and os.path.isfile(value):
            return _File(value, None, os.path.basename(value), os.path.getsize(value), _guess_mime(value))
    return None


def _guess_mime(name: str) -> str | None:
    mime, _ = mimetypes.guess_type(name)
    if mime is None and name.lower().endswith(".webp"):
        return "image/webp"
    return mime


@lru_cache(maxsize=64)
def _data_url(path: str, mtime: float, size: int, mime: str) -> str:
    with open(path, "rb") as fh:
        return f"data:{mime};base64,{base64.b64encode(fh.read()).decode('ascii')}"


def _src(file: _File, budget: Budget, mime: str) -> str | None:
    """A src for <img>/<audio>/<video>: embedded local bytes, or the remote URL."""
    if file.path is not None:
        stat = os.stat(file.path)
        if not budget.take(stat.st_size):
            return None
        return _data_url(file.path, stat.st_mtime, stat.st_size, file.mime or mime)
    return file.url


def _file_caption(file: _File) -> str:
    where = file.path or file.url or ""
    return (
        f'<span class="gnb-file">📄 <b>{html.escape(file.name)}</b> ({human_size(file.size)})'
        f' <code>{html.escape(where)}</code></span>'
    )


def _file_text(file: _File) -> str:
    return f"{file.name} ({human_size(file.size)}) {file.path or file.url or ''}".rstrip()


def _media(file: _File, kind: str, budget: Budget) -> Rendered:
    default_mime = {"image": "image/png", "audio": "audio/wav", "video": "video/mp4"}[kind]
    src = _src(file, budget, default_mime)
    if src is None:
        return Rendered(_file_caption(file) + " <i>(too large to embed)</i>", _file_text(file))
    quoted = html.escape(src, quote=True)
    if kind == "image":
        tag = f'<img src="{quoted}" alt="{html.escape(file.name)}" style="max-width:100%;max-height:480px">'
    else:
        tag = f'<{kind} controls src="{quoted}" style="max-width:100%"></{kind}>'
    return Rendered(f"<div>{tag}</div>", _file_text(file))


def _kind_of(file: _File) -> str | None:
    mime = file.mime or ""
    for kind in ("image", "audio", "video"):
        if mime.startswith(kind + "/"):
            return kind
    return None


# -- renderers, one per output component ---------------------------------------------------------


def _text(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    shown = text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "…"
    return Rendered(f'<pre class="gnb-text" style="white-space:pre-wrap;margin:0">{html.escape(shown)}</pre>', text)


def _scalar(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    return Rendered(f"<code>{html.escape(repr(value) if not isinstance(value, str) else value)}</code>", str(value))


def _markdown(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    text = str(value)
    rendered = _markdown_to_html(text)
    if rendered is None:
        return _text(text, props, budget)
    return Rendered(f'<div class="gnb-markdown">{sanitize(rendered)}</div>', text)


def _html(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    return Rendered(f'<div class="gnb-html">{sanitize(str(value))}</div>', str(value))


def _label(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    if not isinstance(value, Mapping):
        return _scalar(value, props, budget)
    top = value.get("label")
    rows, lines = [], [f"{top}"]
    for item in value.get("confidences") or []:
        name, conf = item.get("label"), item.get("confidence")
        fraction = float(conf) if isinstance(conf, (int, float)) else 0.0
        lines.append(f"  {name}: {fraction:.1%}")
        rows.append(
            '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="min-width:8em">{html.escape(str(name))}</span>'
            '<span style="flex:1;max-width:320px;background:#eee;height:10px;border-radius:3px">'
            f'<span style="display:block;width:{fraction * 100:.1f}%;height:10px;background:#f97316;'
            'border-radius:3px"></span></span>'
            f"<span>{fraction:.1%}</span></div>"
        )
    head = f"<b>{html.escape(str(top))}</b>" if top is not None else ""
    return Rendered(f'<div class="gnb-label">{head}{"".join(rows)}</div>', "\n".join(lines))


def _file_like(kind: str | None) -> Callable[[Any, Mapping[str, Any], Budget], Rendered]:
    def render(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
        items = value if isinstance(value, (list, tuple)) else [value]
        parts, texts = [], []
        for item in items:
            file = _as_file(item)
            if file is None:
                part = _json(item, props, budget)
            else:
                part = _media(file, kind, budget) if kind is not None else _file_link(file, budget)
            parts.append(part.html)
            texts.append(part.text)
        return Rendered("".join(f"<div>{p}</div>" for p in parts), "\n".join(texts))

    return render


def _file_link(file: _File, budget: Budget) -> Rendered:
    """A file: its name and size, a download link (small local files) or its URL."""
    link = ""
    if file.path is not None and file.size is not None and file.size <= 1024 * 1024 and budget.take(file.size):
        stat = os.stat(file.path)
        url = _data_url(file.path, stat.st_mtime, stat.st_size, file.mime or "application/octet-stream")
        link = f' <a download="{html.escape(file.name, quote=True)}" href="{html.escape(url, quote=True)}">download</a>'
    elif file.url is not None:
        link = f' <a href="{html.escape(file.url, quote=True)}" target="_blank" rel="noopener noreferrer">open</a>'
    return Rendered(_file_caption(file) + link, _file_text(file))


def _gallery(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    if not isinstance(value, (list, tuple)):
        return _json(value, props, budget)
    cells, texts = [], []
    for item in list(value)[:MAX_GALLERY_ITEMS]:
        media, caption = item, None
        if isinstance(item, Mapping) and ("image" in item or "video" in item):
            media, caption = item.get("image") or item.get("video"), item.get("caption")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            media, caption = item
        file = _as_file(media)
        if file is None:
            cells.append(f"<div>{html.escape(str(media))}</div>")
            texts.append(str(media))
            continue
        kind = _kind_of(file) or "image"
        part = _media(file, kind if kind in ("image", "video") else "image", budget)
        cap = f'<div style="font-size:85%">{html.escape(str(caption))}</div>' if caption else ""
        cells.append(f"<figure style='margin:0'>{part.html}{cap}</figure>")
        texts.append(part.text + (f" - {caption}" if caption else ""))
    more = len(value) - MAX_GALLERY_ITEMS
    tail = f"<div>… {more} more</div>" if more > 0 else ""
    grid = ('<div class="gnb-gallery" style="display:grid;grid-template-columns:repeat(auto-fill,'
            'minmax(160px,1fr));gap:8px">' + "".join(cells) + "</div>")
    return Rendered(grid + tail, "\n".join(texts))


def _dataframe(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    headers: Sequence[Any] = []
    rows: Sequence[Any] = []
    if isinstance(value, Mapping):
        headers, rows = value.get("headers") or [], value.get("data") or []
    elif isinstance(value, (list, tuple)):
        rows = value
    elif hasattr(value, "to_dict") and hasattr(value, "columns"):  # a pandas DataFrame
        headers, rows = list(value.columns), value.values.tolist()
    else:
        return _json(value, props, budget)
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in (row if isinstance(row, (list, tuple)) else [row])) + "</tr>"
        for row in list(rows)[:MAX_TABLE_ROWS]
    )
    more = len(rows) - MAX_TABLE_ROWS
    tail = f"<div>… {more} more rows</div>" if more > 0 else ""
    table = (f'<table class="gnb-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}')
    lines = ["\t".join(str(h) for h in headers)] if headers else []
    lines += ["\t".join(str(c) for c in (r if isinstance(r, (list, tuple)) else [r])) for r in list(rows)[:MAX_TABLE_ROWS]]
    return Rendered(table, "\n".join(lines))


def _json(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    shown = text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "…"
    first = text.splitlines()[0] if text else ""
    summary = html.escape(first + (" …" if "\n" in text else ""))
    opened = " open" if text.count("\n") < 40 else ""
    return Rendered(
        f'<details class="gnb-json"{opened}><summary><code>{summary}</code></summary>'
        f'<pre style="margin:0">{html.escape(shown)}</pre></details>',
        text,
    )


def _chatbot(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    if not isinstance(value, (list, tuple)):
        return _json(value, props, budget)
    bubbles, lines = [], []
    for message in value:
        if isinstance(message, Mapping):
            pairs = [(str(message.get("role") or "assistant"), message.get("content"))]
        elif isinstance(message, (list, tuple)) and len(message) == 2:  # old "tuples" format
            pairs = [("user", message[0]), ("assistant", message[1])]
        else:
            pairs = [("assistant", message)]
        for role, content in pairs:
            if content is None:
                continue
            inner, text = _chat_content(content, budget)
            user = role == "user"
            bubbles.append(
                f'<div style="display:flex;justify-content:{"flex-end" if user else "flex-start"};margin:4px 0">'
                f'<div class="gnb-bubble gnb-{html.escape(role)}" style="max-width:80%;padding:6px 10px;'
                f'border-radius:10px;background:{"#dbeafe" if user else "#f3f4f6"}">{inner}</div></div>'
            )
            lines.append(f"{role}: {text}")
    return Rendered(f'<div class="gnb-chatbot">{"".join(bubbles)}</div>', "\n".join(lines))


def _chat_content(content: Any, budget: Budget) -> tuple[str, str]:
    parts = content if isinstance(content, list) else [content]
    htmls, texts = [], []
    for part in parts:
        if isinstance(part, Mapping) and part.get("type") == "text":
            part = str(part.get("text", ""))
        elif isinstance(part, Mapping) and part.get("type") == "file":
            part = part.get("file")
        elif isinstance(part, Mapping) and part.get("type") == "component":
            part = part.get("value")
        file = _as_file(part) if not isinstance(part, str) or os.path.isabs(part) else None
        if file is not None:
            kind = _kind_of(file)
            rendered = _media(file, kind, budget) if kind is not None else _file_link(file, budget)
        elif isinstance(part, str):
            rendered = _markdown(part, {}, budget)
        else:
            rendered = _json(part, {}, budget)
        htmls.append(rendered.html)
        texts.append(rendered.text)
    return "".join(htmls), " ".join(texts)


def _highlighted(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    if not isinstance(value, (list, tuple)):
        return _json(value, props, budget)
    spans, text = [], []
    for item in value:
        token, cls = (item.get("token"), item.get("class_or_confidence")) if isinstance(item, Mapping) else \
            (item[0], item[1]) if isinstance(item, (list, tuple)) and len(item) == 2 else (item, None)
        text.append(str(token))
        if cls is None:
            spans.append(html.escape(str(token)))
        else:
            spans.append(f'<mark title="{html.escape(str(cls), quote=True)}">{html.escape(str(token))}'
                         f'<sub>{html.escape(str(cls))}</sub></mark>')
    return Rendered(" ".join(spans), " ".join(text))


def _color(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    color = str(value)
    safe = color if color.startswith("#") and all(c in "#0123456789abcdefABCDEF" for c in color) else "#fff"
    return Rendered(
        f'<span style="display:inline-block;width:1em;height:1em;background:{safe};border:1px solid #999;'
        f'vertical-align:middle"></span> <code>{html.escape(color)}</code>',
        color,
    )


def _multimodal(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    if not isinstance(value, Mapping):
        return _json(value, props, budget)
    text = _text(value.get("text") or "", props, budget)
    files = _file_like(None)(value.get("files") or [], props, budget)
    return Rendered(text.html + files.html, "\n".join(filter(None, [text.text, files.text])))


def _annotated(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    """AnnotatedImage: the image, then its annotations' labels (each mask is a file too)."""
    if not isinstance(value, Mapping) or "image" not in value:
        return _json(value, props, budget)
    image = _file_like("image")(value["image"], props, budget)
    labels = [str(a.get("label")) for a in value.get("annotations") or [] if isinstance(a, Mapping)]
    chips = "".join(f'<span style="background:#fde68a;border-radius:3px;padding:0 4px;margin-right:4px">'
                    f"{html.escape(label)}</span>" for label in labels)
    return Rendered(image.html + f"<div>{chips}</div>", "\n".join([image.text, ", ".join(labels)]))


def _editor(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    """ImageEditor / Sketchpad / Paint / ImageMask: the composite image (else the background)."""
    if not isinstance(value, Mapping) or not ({"composite", "background", "layers"} & set(value)):
        return _json(value, props, budget)
    shown = value.get("composite") or value.get("background")
    image = _file_like("image")(shown, props, budget) if shown else Rendered("", "")
    layers = len(value.get("layers") or [])
    note = f"{layers} layer{'s' if layers != 1 else ''}"
    return Rendered(image.html + f'<div style="color:#666;font-size:85%">{note}</div>',
                    "\n".join(filter(None, [image.text, note])))


def _dialogue(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    """Dialogue: one "speaker: text" line per turn (or the plain transcript string)."""
    if isinstance(value, str):
        return _text(value, props, budget)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, Mapping) for v in value):
        return _json(value, props, budget)
    lines = [(str(v.get("speaker", "")), str(v.get("text", ""))) for v in value]
    rows = "".join(f"<div><b>{html.escape(who)}</b>: {html.escape(said)}</div>" for who, said in lines)
    return Rendered(f'<div class="gnb-dialogue">{rows}</div>', "\n".join(f"{w}: {t}" for w, t in lines))


_CHAT_REPLIES = ("json", "textbox", "chatbot", "markdown", "multimodaltextbox")


def chat_message_parameter(endpoint: Any) -> Any | None:
    """The message parameter of a chat endpoint (gr.ChatInterface's ``/chat``, or any endpoint
    shaped like it: a first parameter called ``message``, a Textbox or a MultimodalTextbox, and
    one text or JSON output, the reply), else None."""
    params, returns = getattr(endpoint, "parameters", ()), getattr(endpoint, "returns", ())
    # ChatInterface's reply is a JSON (6.x), a Textbox or a Chatbot (older): nothing else is chat.
    if not params or len(returns) != 1 or returns[0].component_type.lower() not in _CHAT_REPLIES:
        return None
    first = params[0]
    if first.name != "message" or first.component_type.lower() not in ("textbox", "multimodaltextbox"):
        return None
    return first


def _message_parts(value: Any) -> Any:
    """A message (text, a MultimodalTextbox dict, a file, a list of those) as chat content."""
    if isinstance(value, Mapping) and "role" in value:
        return value.get("content")
    if isinstance(value, Mapping) and ("text" in value or "files" in value) and "path" not in value:
        files = value.get("files") or []
        return [*([str(value["text"])] if value.get("text") else []), *files]
    if isinstance(value, list):
        parts: list[Any] = []
        for item in value:
            inner = _message_parts(item)
            parts.extend(inner if isinstance(inner, list) else [inner])
        return parts
    return value


def render_chat_turn(message: Any, reply: Any, budget: Budget | None = None) -> Rendered:
    """A chat endpoint's call as the conversation it is: the user's message (text and files)
    in a bubble on the right, the reply on the left."""
    turn = [{"role": "user", "content": _message_parts(message)}]
    if reply is not None:
        turn.append({"role": "assistant", "content": _message_parts(reply)})
    return _chatbot(turn, {}, budget if budget is not None else Budget())


Renderer = Callable[[Any, Mapping[str, Any], Budget], Rendered]

# Output component type -> renderer. Unknown types fall back on the value's shape (_guess).
RENDERERS: dict[str, Renderer] = {
    "textbox": _text,
    "code": _text,
    "markdown": _markdown,
    "html": _html,
    "number": _scalar,
    "slider": _scalar,
    "checkbox": _scalar,
    "radio": _scalar,
    "dropdown": _scalar,
    "checkboxgroup": _scalar,
    "datetime": _scalar,
    "colorpicker": _color,
    "label": _label,
    "image": _file_like("image"),
    "imageslider": _gallery,
    "annotatedimage": _annotated,
    "imageeditor": _editor,  # Sketchpad, Paint and ImageMask too: they share the type
    "dialogue": _dialogue,
    "audio": _file_like("audio"),
    "video": _file_like("video"),
    "file": _file_like(None),
    "uploadbutton": _file_like(None),
    "downloadbutton": _file_like(None),
    "model3d": _file_like(None),
    "gallery": _gallery,
    "dataframe": _dataframe,
    "json": _json,
    "chatbot": _chatbot,
    "highlightedtext": _highlighted,
    "multimodaltextbox": _multimodal,
}


def _guess(value: Any, props: Mapping[str, Any], budget: Budget) -> Rendered:
    """An output of a component we do not know: a file if it is one, text if text, else JSON."""
    file = _as_file(value)
    if file is not None:
        return _file_like(None)(value, props, budget)
    if isinstance(value, str):
        return _text(value, props, budget)
    if isinstance(value, (int, float, bool)):
        return _scalar(value, props, budget)
    return _json(value, props, budget)


def render_value(component_type: str, value: Any, props: Mapping[str, Any] | None = None,
                 budget: Budget | None = None) -> Rendered:
    """Render one output value as its component would show it."""
    budget = budget if budget is not None else Budget()
    if value is None:
        return Rendered('<i style="color:#888">None</i>', "None")
    renderer = RENDERERS.get(component_type.lower(), _guess)
    try:
        return renderer(value, props or {}, budget)
    except Exception:  # noqa: BLE001 - a value we cannot draw is shown as data, not lost
        return _json(value, props or {}, budget)


@dataclass(frozen=True)
class _Slot:
    label: str
    component_type: str
    props: Mapping[str, Any] = field(default_factory=dict)
    component: str = ""


def _label_of(ret: Any) -> str:
    """The output's label; gradio names unlabelled outputs "value_<id>": show the component."""
    label = str(getattr(ret, "label", "") or "")
    if not label or label.startswith("value_"):
        return str(getattr(ret, "component", "") or "")
    return label


def render_outputs(returns: Sequence[Any], value: Any, budget: Budget | None = None) -> Rendered:
    """Render an endpoint's result (bare for one output, a tuple for several) with labels."""
    budget = budget if budget is not None else Budget()
    slots = [_Slot(_label_of(r), r.component_type, r.props) for r in returns] or [_Slot("", "")]
    values = [value] if len(slots) == 1 else list(value) if isinstance(value, (list, tuple)) else [value]
    htmls, texts = [], []
    for slot, item in zip(slots, values):
        rendered = render_value(slot.component_type, item, slot.props, budget)
        head = f'<div style="font-size:85%;color:#666">{html.escape(slot.label)}</div>' if slot.label else ""
        htmls.append(f'<div class="gnb-output">{head}{rendered.html}</div>')
        texts.append(f"{slot.label}: {rendered.text}" if len(slots) > 1 else rendered.text)
    return Rendered("".join(htmls), "\n".join(texts))
