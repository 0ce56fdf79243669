"""Helpers for the batch tests: what the counting app (tests/apps/batch_app.py) has run."""
from __future__ import annotations


def app_calls(client) -> int:
    """How many calls of the counted endpoints the app has run so far."""
    return int(client.predict(api_name="/stats")["n"])


def reset_stats(client) -> None:
    client.predict(api_name="/reset_stats")
