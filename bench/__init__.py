"""gradio_nb benchmark harness: see bench/README.md. Run with ``python -m bench``."""
