#!/usr/bin/env bash
# Try Reservrutin: install, migrate, load the demo data, start the workers and the web server
# on the embedded SQLite database. Safe to run twice. Stop with Ctrl+C.
source "$(dirname "$0")/_setup.sh"

export DATA_DIR="${DATA_DIR:-$ROOT/data}"
mkdir -p "$DATA_DIR"
if [ ! -s "$DATA_DIR/secret_key" ]; then
  "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > "$DATA_DIR/secret_key"
fi
export SECRET_KEY_FILE="$DATA_DIR/secret_key"
export DEBUG="${DEBUG:-false}"
export HTTPS="${HTTPS:-false}"
export PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"

"$VENV/bin/reservrutin" migrate --noinput -v0
"$VENV/bin/reservrutin" collectstatic --noinput -v0
"$VENV/bin/reservrutin" demo

"$VENV/bin/reservrutin" worker > "$DATA_DIR/worker.log" 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Reservrutin is running at $SITE_URL/
  Log in as: demo / ${DEMO_PASSWORD:-reservrutin-demo}
  Public status pages need no login. Worker log: $DATA_DIR/worker.log
  Stop with Ctrl+C.

MSG
"$VENV/bin/reservrutin" serve --port "$PORT"
