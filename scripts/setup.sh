#!/usr/bin/env bash
# Idempotent set-up of everything the tests, the demo and the benchmark need:
# the main venv (gradio_nb + test deps, Gradio 6.31 servers), one venv per older
# Gradio server (5.50, 4.44.1, and one old line per wire protocol: 4.21 sse_v2.1, 4.19 sse_v2,
# 4.10 sse_v1, 4.5 sse, 3.50 ws, 3.20 ws without /info), Debian's Chromium for the browser
# tests and Debian's ffmpeg (ffprobe) for the old lines' video inputs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${GRADIO_NB_VENV:-$ROOT/.venv}"
LEGACY="${GRADIO_NB_LEGACY_VENVS:-$ROOT/.venvs}"
PY="${PYTHON:-python3}"
PIP_FLAGS=(--quiet --disable-pip-version-check)

step() { printf '\n== %s\n' "$*"; }

# pip here warns once per package about local index directories that do not exist
# ("WARNING: Location 'file:///...' is ignored: it is neither a file nor a directory."):
# drop those lines from its stderr, keep everything else and pip's exit status.
pip_install() {  # pip executable, pip install arguments...
  local pip="$1"; shift
  { "$pip" install "${PIP_FLAGS[@]}" "$@" 2>&1 1>&3 3>&- \
      | { grep -v "is ignored: it is neither a file nor a directory" || true; } 1>&2; } 3>&1
}

step "main venv: $VENV"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
pip_install "$VENV/bin/pip" -e "$ROOT[test]"
# An editable install gets no bytecode, and PYTHONDONTWRITEBYTECODE (set on these machines)
# would have every kernel compile gradio_nb again: write it once, as pip does for a wheel.
"$VENV/bin/python" -m compileall -q "$ROOT/gradio_nb" >/dev/null

legacy() {  # name, pip requirements...
  local dir="$LEGACY/$1"; shift
  step "server venv: $dir ($*)"
  [ -x "$dir/bin/python" ] || "$PY" -m venv "$dir"
  pip_install "$dir/bin/pip" "$@"
}
if [ "${GRADIO_NB_SKIP_LEGACY:-0}" != 1 ]; then
  legacy gradio5 "gradio==5.50.0"
  legacy gradio4 "gradio==4.44.1" "huggingface_hub<0.26" "fastapi<0.113" "starlette<0.39" \
    "pydantic<2.10" "gradio_client==1.3.0"
  # The old lines need the dependencies of their day: with today's fastapi, starlette or
  # huggingface_hub they fail their own localhost check or do not import. Each venv also holds
  # the gradio_client of that day (the reference for tests/protocols/).
  legacy gradio4_21 "gradio==4.21.0" "fastapi==0.110.0" "starlette<0.37" "pydantic<2.7" \
    "huggingface_hub<0.22" "httpx<0.28" "uvicorn<0.29" "typer<0.10" "numpy<2" "gradio_client==0.12.0"
  legacy gradio4_19 "gradio==4.19.2" "fastapi==0.109.2" "starlette<0.37" "pydantic<2.7" \
    "huggingface_hub<0.21" "httpx<0.27" "uvicorn<0.28" "typer<0.10" "numpy<2" "gradio_client==0.10.1"
  legacy gradio4_10 "gradio==4.10.0" "fastapi==0.105.0" "starlette<0.28" "pydantic<2.6" \
    "huggingface_hub<0.20" "httpx<0.26" "websockets<12" "uvicorn<0.25" "numpy<2" "gradio_client==0.7.3"
  legacy gradio4_5 "gradio==4.5.0" "fastapi==0.104.1" "starlette<0.28" "pydantic<2.6" \
    "huggingface_hub<0.20" "httpx<0.26" "websockets<12" "uvicorn<0.25" "numpy<2" "gradio_client==0.7.0"
  legacy gradio3_50 "gradio==3.50.2" "fastapi==0.104.1" "starlette<0.28" "pydantic<2.5" \
    "huggingface_hub<0.19" "httpx<0.26" "websockets<12" "uvicorn<0.25" "numpy<2" "gradio_client==0.6.1"
  # 3.20: before /info (3.30 has it) and before Gradio depended on gradio_client; the first
  # gradio_client line (0.1.4) talks to it offline: the component matrix's reference.
  legacy gradio3_20 "gradio==3.20.1" "fastapi==0.94.1" "pydantic<2" "starlette<0.27" \
    "huggingface_hub<0.14" "httpx<0.24" "websockets<11" "uvicorn<0.22" "numpy<2" "altair<5" \
    "markdown-it-py[linkify]<3" "mdit-py-plugins<=0.3.3" "pandas<2.1" "matplotlib<3.8" "pillow<10" \
    "gradio_client==0.1.4"
fi

if [ "${GRADIO_NB_SKIP_BROWSER:-0}" != 1 ] && ! command -v chromium >/dev/null; then
  step "Debian chromium (browser tests)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
# Gradio before 4.10 probes every video input with ffprobe (4.5's Video.preprocess fails without
# it): Debian's ffmpeg brings it, for the component matrix on the old lines.
if [ "${GRADIO_NB_SKIP_LEGACY:-0}" != 1 ] && ! command -v ffprobe >/dev/null; then
  step "Debian ffmpeg (ffprobe, for the old Gradio lines' video inputs)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
fi
step "set-up done"
