"""/probe answers which of the request's headers reached the app: the x-probe header's value,
and whether an x-hf-authorization header came along. Runs on Gradio 3.50 to 6.31."""
import gradio as gr

from _launch import launch


def probe(text, request: gr.Request):
    headers = {k.lower(): v for k, v in dict(request.headers).items()}
    token = "token" if "x-hf-authorization" in headers else "no token"
    return f"{text}: {headers.get('x-probe', 'no probe')}, {token}"


with gr.Blocks() as demo:
    box = gr.Textbox(label="text")
    out = gr.Textbox(label="out")
    box.submit(probe, box, out, api_name="probe")

if __name__ == "__main__":
    launch(demo)
