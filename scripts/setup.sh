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
fi

if [ "${GRADIO_NB_SKIP_BROWSER:-0}" != 1 ] && ! command -v chromium >/dev/null; then
  step "Debian chromium (browser tests)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
step "set-up done"
