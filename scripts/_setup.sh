# Shared set-up for scripts/try.sh and scripts/test.sh: make sure uv and the project's
# locked environment exist. Sourced, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root to run: $*" >&2; return 1; fi
}

apt_install() {
  # apt-cache needs a fresh list on a new machine; update once per run.
  if [ -z "${_APT_UPDATED:-}" ]; then as_root apt-get update -qq; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v uv >/dev/null 2>&1; then
  if [ -x "$HOME/.local/bin/uv" ]; then export PATH="$HOME/.local/bin:$PATH"; else
    echo "setup: installing uv with pip"
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
    export PATH="$HOME/.local/bin:$PATH"
  fi
fi
export UV_PYTHON="${UV_PYTHON:-3.11}"
uv sync --frozen --quiet
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

# WeasyPrint needs Pango from the system.
if ! "$PY" -c "import weasyprint" >/dev/null 2>&1; then
  echo "setup: installing Pango for WeasyPrint"
  apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
fi
