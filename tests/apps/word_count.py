"""The session-state demo of the guide: a gr.State list of the words submitted so far."""
import gradio as gr

from _launch import launch


def count(word, list_of_words):
    return list_of_words.count(word), list_of_words + [word]


with gr.Blocks() as demo:
    words = gr.State([])
    textbox = gr.Textbox()
    number = gr.Number()
    textbox.submit(count, inputs=[textbox, words], outputs=[number, words])

if __name__ == "__main__":
    launch(demo)
