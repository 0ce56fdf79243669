"""Helpers the widget tests share."""
from __future__ import annotations

import time


def wait_for(predicate, timeout=30.0, every=0.02):
    """Poll ``predicate`` until true (generous timeout; no timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not true within {timeout} s: {predicate}")
