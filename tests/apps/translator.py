"""Replica of the Space abidlabs/en2fr: English -> French with a tiny word dictionary.

One gr.Interface endpoint, /predict.
"""
import gradio as gr

from _launch import interface_kwargs, launch, supported

WORDS = {
    "hello": "bonjour",
    "good": "bon",
    "morning": "matin",
    "evening": "soir",
    "thank": "merci",
    "you": "vous",
    "the": "le",
    "cat": "chat",
    "dog": "chien",
    "is": "est",
    "black": "noir",
    "white": "blanc",
    "my": "mon",
    "friend": "ami",
    "yes": "oui",
    "no": "non",
}


def translate(text):
    """Translates word by word; unknown words are kept; the first letter's case is kept."""
    out = []
    for word in text.split():
        core = word.strip(".,!?")
        fr = WORDS.get(core.lower(), core)
        if core[:1].isupper():
            fr = fr[:1].upper() + fr[1:]
        out.append(word.replace(core, fr) if core else word)
    return " ".join(out)


demo = gr.Interface(
    translate,
    gr.Textbox(label="English"),
    gr.Textbox(label="French"),
    **supported(gr.Interface, api_name="predict"),
    **interface_kwargs(),
)

if __name__ == "__main__":
    launch(demo)
