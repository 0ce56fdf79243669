"""Many component types, to show their config entries, their /info schemas and their wire values.

Endpoints:
  /simple_inputs   Slider, Radio, Dropdown, Dropdown(multiselect), Checkbox, CheckboxGroup,
                   Textbox, Number, ColorPicker, DateTime, Code, JSON, Dataframe -> JSON (what the fn received)
  /media_inputs    Image(filepath), Audio(filepath), Video, File, File(multiple), Files, Gallery,
                   MultimodalTextbox -> JSON (what the fn received)
  /outputs         no inputs -> Markdown, HTML, Label, Gallery, Dataframe, JSON, Chatbot, Image,
                   Audio, File, File(multiple), HighlightedText, Code, Slider, ColorPicker, Dropdown(multiselect)
"""
import os
from pathlib import Path

import gradio as gr

from _launch import launch, messages_chatbot

ASSETS = Path(gr.__file__).parent / "media_assets"
IMG = str(ASSETS / "images" / "logo.png")
WAV = str(ASSETS / "audio" / "audio_sample.wav")
TXT = str(ASSETS / "data" / "sample.txt")
CSV = str(ASSETS / "data" / "titanic.csv")


def describe(*values):
    return {f"arg{i}": {"python_type": type(v).__name__, "value": repr(v)[:200]} for i, v in enumerate(values)}


def outputs():
    return (
        "# Title\nSome **markdown**",
        "<b>bold html</b>",
        {"cat": 0.7, "dog": 0.3},
        [(IMG, "caption one"), IMG],
        [[1, "a"], [2, "b"]],
        {"k": [1, 2, {"x": None}]},
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
        IMG,
        WAV,
        TXT,
        [TXT, CSV],
        [("The", None), ("cat", "NOUN")],
        "print('hi')",
        42,
        "#00ff00",
        ["b", "c"],
    )


with gr.Blocks() as demo:
    with gr.Tab("simple inputs"):
        slider = gr.Slider(0, 10, value=3, step=1, label="slider")
        radio = gr.Radio(["a", "b", "c"], value="a", label="radio")
        dropdown = gr.Dropdown(["x", "y", "z"], value="x", label="dropdown")
        dropdown_multi = gr.Dropdown(["x", "y", "z"], value=["x"], multiselect=True, label="dropdown_multi")
        checkbox = gr.Checkbox(value=True, label="checkbox")
        checkbox_group = gr.CheckboxGroup(["p", "q", "r"], value=["p"], label="checkbox_group")
        textbox = gr.Textbox(value="hello", label="textbox")
        number = gr.Number(value=1.5, label="number")
        color = gr.ColorPicker(value="#ff0000", label="color")
        dt = gr.DateTime(value="2024-01-02 03:04:05", label="datetime")
        code = gr.Code(value="x = 1", language="python", label="code")
        json_in = gr.JSON(value={"a": 1}, label="json_in")
        df_in = gr.Dataframe(value=[[1, 2], [3, 4]], headers=["c1", "c2"], label="dataframe_in")
        radio_tuples = gr.Radio([("Label A", "value_a"), ("Label B", "value_b")], label="radio_tuples")
        simple_out = gr.JSON(label="received")
        b1 = gr.Button()
    with gr.Tab("media inputs"):
        image_in = gr.Image(type="filepath", label="image_in")
        audio_in = gr.Audio(type="filepath", label="audio_in")
        video_in = gr.Video(label="video_in")
        file_in = gr.File(label="file_in")
        files_in = gr.File(file_count="multiple", label="files_in")
        files_tpl_in = gr.Files(label="files_template_in")
        gallery_in = gr.Gallery(label="gallery_in")
        mm_in = gr.MultimodalTextbox(label="multimodal_in")
        media_out = gr.JSON(label="received_media")
        b2 = gr.Button()
    with gr.Tab("outputs"):
        md = gr.Markdown()
        html = gr.HTML()
        label = gr.Label(label="label")
        gallery = gr.Gallery(label="gallery")
        df = gr.Dataframe(label="dataframe")
        js = gr.JSON(label="json")
        chat = messages_chatbot(label="chatbot")
        img = gr.Image(label="image")
        aud = gr.Audio(label="audio")
        fil = gr.File(label="file")
        fils = gr.File(file_count="multiple", label="files")
        ht = gr.HighlightedText(label="highlighted")
        code_out = gr.Code(label="code_out")
        slider_out = gr.Slider(0, 100, label="slider_out")
        color_out = gr.ColorPicker(label="color_out")
        dd_out = gr.Dropdown(["a", "b", "c"], multiselect=True, label="dropdown_out")
        b3 = gr.Button()

    b1.click(describe, [slider, radio, dropdown, dropdown_multi, checkbox, checkbox_group, textbox, number,
                        color, dt, code, json_in, df_in, radio_tuples], simple_out, api_name="simple_inputs")
    b2.click(describe, [image_in, audio_in, video_in, file_in, files_in, files_tpl_in, gallery_in, mm_in], media_out,
             api_name="media_inputs")
    b3.click(outputs, None, [md, html, label, gallery, df, js, chat, img, aud, fil, fils, ht, code_out,
                             slider_out, color_out, dd_out], api_name="outputs")

if __name__ == "__main__":
    launch(demo)
