#!/usr/bin/env bash
# Test Reservrutin: lint, format, deploy checks, migrations, the suite on SQLite and on
# PostgreSQL, and the browser tests in Debian's Chromium. Installs what it needs.
source "$(dirname "$0")/_setup.sh"

if [ ! -x /usr/bin/chromium ]; then
  echo "test: installing Debian's chromium for the browser tests"
  apt_install chromium
fi

step() { printf '\n== %s\n' "$*"; }

step "ruff check"
"$VENV/bin/ruff" check .
step "ruff format --check"
"$VENV/bin/ruff" format --check .

step "import layering (lint-imports, docs/architecture.md)"
"$VENV/bin/lint-imports" --no-cache

step "manage.py check --deploy (production settings)"
DEBUG=false HTTPS=true TESTING=false SITE_URL=https://reservrutin.example.org \
  ALLOWED_HOSTS=reservrutin.example.org EMAIL_TRANSPORT=smtp \
  SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  "$PY" manage.py check --deploy --fail-level WARNING

step "translations are complete"
command -v xgettext >/dev/null 2>&1 || apt_install gettext
"$PY" scripts/check_translations.py

step "makemigrations --check"
DEBUG=true "$PY" manage.py makemigrations --check --dry-run

PYTEST=("$PY" -m pytest -p xdist -n "${TEST_WORKERS:-2}" -q)

step "pytest on SQLite"
env -u DATABASE_URL "${PYTEST[@]}" -m "not browser and not fault"

step "pytest on PostgreSQL"
PG_TMP=""
cleanup_pg() {
  if [ -n "$PG_TMP" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
trap cleanup_pg EXIT
if [ -n "${DATABASE_URL:-}" ]; then
  PG_URL="$DATABASE_URL"
elif "$PY" - <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(2)
sys.exit(s.connect_ex(("127.0.0.1", 5432)))
PY
then
  PG_URL="postgres://postgres@127.0.0.1:5432/reservrutin"
else
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PG_BIN" ]; then
    echo "test: installing PostgreSQL for a throwaway cluster"
    apt_install postgresql
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  PG_TMP=$(mktemp -d)
  chown postgres "$PG_TMP"
  PG_PORT=55432
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_TMP/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" \
    -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1" -w start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/reservrutin"
fi
DATABASE_URL="$PG_URL" "${PYTEST[@]}" -m "not browser and not fault"

step "fault tests (own PostgreSQL cluster, real worker, web server and SMTP on loopback)"
# They start and stop their own cluster on a free port, whatever runs on 5432.
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "test: installing PostgreSQL for the fault tests' cluster"
  apt_install postgresql
fi
env -u DATABASE_URL "$PY" -m pytest -q -p no:xdist -m fault

step "browser tests (Chromium + axe)"
env -u DATABASE_URL "$PY" -m pytest -q -m browser
