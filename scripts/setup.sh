#!/usr/bin/env bash
# Idempotent set-up of everything the tests, the demo and the benchmark need:
# the main venv (gradio_nb + test deps, Gradio 6.31 servers), one venv per older
# Gradio server (5.50, 4.44.1) and Debian's Chromium for the browser tests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${GRADIO_NB_VENV:-$ROOT/.venv}"
LEGACY="${GRADIO_NB_LEGACY_VENVS:-$ROOT/.venvs}"
PY="${PYTHON:-python3}"
PIP_FLAGS=(--quiet --disable-pip-version-check)

step() { printf '\n== %s\n' "$*"; }

step "main venv: $VENV"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/pip" install "${PIP_FLAGS[@]}" -e "$ROOT[test]"

legacy() {  # name, pip requirements...
  local dir="$LEGACY/$1"; shift
  step "server venv: $dir ($*)"
  [ -x "$dir/bin/python" ] || "$PY" -m venv "$dir"
  "$dir/bin/pip" install "${PIP_FLAGS[@]}" "$@"
}
if [ "${GRADIO_NB_SKIP_LEGACY:-0}" != 1 ]; then
  legacy gradio5 "gradio==5.50.0"
  legacy gradio4 "gradio==4.44.1" "huggingface_hub<0.26" "fastapi<0.113" "starlette<0.39" \
    "pydantic<2.10" "gradio_client==1.3.0"
fi

if [ "${GRADIO_NB_SKIP_BROWSER:-0}" != 1 ] && ! command -v chromium >/dev/null; then
  step "Debian chromium (browser tests)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
step "set-up done"
