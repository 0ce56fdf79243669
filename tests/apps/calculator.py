"""Replica of the Space gradio/calculator: a gr.Interface with one endpoint, /predict."""
import gradio as gr

from _launch import interface_kwargs, launch, supported


def calculator(num1, operation, num2):
    if operation == "add":
        return num1 + num2
    elif operation == "subtract":
        return num1 - num2
    elif operation == "multiply":
        return num1 * num2
    elif operation == "divide":
        if num2 == 0:
            raise gr.Error("Cannot divide by zero!")
        return num1 / num2


demo = gr.Interface(
    calculator,
    [
        "number",
        gr.Radio(["add", "subtract", "multiply", "divide"]),
        "number",
    ],
    "number",
    examples=[[45, "add", 3], [3.14, "divide", 2]],
    **supported(gr.Interface, api_name="predict"),
    **interface_kwargs(),
)

if __name__ == "__main__":
    launch(demo)
