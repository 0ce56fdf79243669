"""Replica of the Space abidlabs/image_generator: text + steps (Slider, default 10) -> Image.

The "generated" image is deterministic: a 64x48 PNG filled with a colour derived from the
text (sha256), with the first `steps` pixels of the top row painted white.
"""
import hashlib

import numpy as np
import gradio as gr

from _launch import interface_kwargs, launch, supported

WIDTH, HEIGHT = 64, 48


def colour(text):
    return tuple(hashlib.sha256(text.encode()).digest()[:3])


def generate(text, steps):
    img = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    img[...] = colour(text)
    img[0, : int(steps)] = 255
    return img


demo = gr.Interface(
    generate,
    [gr.Textbox(label="text"), gr.Slider(1, 50, value=10, step=1, label="steps")],
    gr.Image(**supported(gr.Image, label="image", format="png")),
    **supported(gr.Interface, api_name="predict"),
    **interface_kwargs(),
)

if __name__ == "__main__":
    launch(demo)
