"""The bundled demo: a Gradio app (``app.py``) and the tutorial notebooks (``notebooks/``).

``gradio-nb demo`` runs both; ``python -m gradio_nb.demo.app --port 7860`` runs the app alone.
Nothing here imports gradio: it is needed only by the app's own process.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["APP", "NOTEBOOKS", "URL_ENV"]

HERE = Path(__file__).resolve().parent
APP = HERE / "app.py"
NOTEBOOKS = HERE / "notebooks"
# The notebooks read the demo app's URL from this environment variable.
URL_ENV = "GRADIO_NB_DEMO_URL"
