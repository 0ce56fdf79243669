"""Read the recorded transcripts in shared/protocol/captures (read-only fixtures)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

_CANDIDATES = [
    os.environ.get("GRADIO_NB_SHARED", ""),
    str(Path(__file__).resolve().parents[3] / "shared"),  # CI: shared/ beside the clone
    "/work/shared",
]


def shared_dir() -> Path:
    for candidate in _CANDIDATES:
        if candidate and (Path(candidate) / "protocol" / "captures").is_dir():
            return Path(candidate)
    raise FileNotFoundError("shared/protocol/captures not found; set GRADIO_NB_SHARED")


CAPTURES = shared_dir() / "protocol" / "captures"


@dataclass(frozen=True)
class CapturedStream:
    capture: str
    index: int
    body: str  # the SSE body exactly as received
    end: str  # how it ended ("server ended the response", "exception: ...")


def streams(name: str) -> list[CapturedStream]:
    """Every SSE response body recorded in ``<name>.txt``."""
    lines = (CAPTURES / f"{name}.txt").read_text().splitlines()
    out: list[CapturedStream] = []
    body: list[str] | None = None
    for line in lines:
        if line.startswith("<<< [response body verbatim"):
            body = []
        elif body is not None and line.startswith("<<< [end of body"):
            out.append(CapturedStream(name, len(out), "\n".join(body) + "\n", line))
            body = None
        elif body is not None:
            body.append(line)
    return out


def all_stream_captures() -> list[str]:
    return sorted(p.stem for p in CAPTURES.glob("*.txt") if streams(p.stem))


def load_json(name: str) -> dict:
    return json.loads((CAPTURES / name).read_text())
