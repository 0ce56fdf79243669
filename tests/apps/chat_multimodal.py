"""A vision-chat Space in miniature: gr.ChatInterface(multimodal=True), whose message is a
MultimodalTextbox (text + files). Its endpoint is /bot on Gradio 5+, /chat on 4.x."""
import os

import gradio as gr

from _launch import launch


def bot(message, history):
    names = [os.path.basename(f if isinstance(f, str) else f["path"]) for f in message["files"]]
    return f"{message['text']} + {len(names)} files {names}"


demo = gr.ChatInterface(bot, multimodal=True)

if __name__ == "__main__":
    launch(demo)
