#!/usr/bin/env bash
# The reference deployment, brought up and checked (docs/operations.md, "Reference deployment"):
# Debian's nginx with TLS (a throwaway self-signed certificate) in front of two
# `reservrutin serve` web processes and two `reservrutin worker`s on a throwaway PostgreSQL
# cluster. It checks sign-in and a publish through nginx, /readyz, /metrics counters moving,
# and a pg_dump backup restored into a fresh database with every row back. Everything it
# started is stopped on any exit.
#
#   sudo scripts/reference-deploy.sh          # ports 55500-55504 (REF_PORT_BASE to move them)
#
# Needs root (it runs PostgreSQL as the postgres user and installs nginx if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BASE=${REF_PORT_BASE:-55500}
NGINX_PORT=$BASE WEB1=$((BASE + 1)) WEB2=$((BASE + 2)) PG_PORT=$((BASE + 3))
BIN="$REPO/.venv/bin"
[ -x "$BIN/reservrutin" ] || bash -c 'source scripts/_setup.sh'

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*"; exit 1; }

for port in $NGINX_PORT $WEB1 $WEB2 $PG_PORT; do
  if "$BIN/python" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port))!=0)"; then
    fail "port $port is in use; set REF_PORT_BASE to a free range"
  fi
done
command -v nginx >/dev/null || { say "installing nginx"; apt-get install -y -qq nginx-light >/dev/null; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

TMP=$(mktemp -d /tmp/reservrutin-refdeploy.XXXXXX)
chmod 755 "$TMP"
PIDS=()
NGINX_STARTED=""
PG_STARTED=""
cleanup() {
  status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$NGINX_STARTED" ]; then nginx -c "$TMP/nginx.conf" -p "$TMP/" -s stop 2>/dev/null || true; fi
  if [ -n "$PG_STARTED" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
  [ $status -eq 0 ] && say "stopped everything; OK" || say "stopped everything; exit $status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL: a throwaway cluster on its own port -------------------------------------
mkdir "$TMP/pg" && chown postgres "$TMP/pg" && chmod 700 "$TMP/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$TMP/pg" -A trust -U postgres >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg/postgres.log" \
  -o "-p $PG_PORT -k $TMP/pg -c listen_addresses=127.0.0.1" -w start >/dev/null
PG_STARTED=1
PSQL=("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
"${PSQL[@]}" -c "CREATE DATABASE reservrutin"
say "postgresql on 127.0.0.1:$PG_PORT"

# --- Settings, as production would have them (docs/configuration.md) ---------------------
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/reservrutin"
export SECRET_KEY=$("$BIN/python" -c "import secrets; print(secrets.token_urlsafe(50))")
export SITE_URL="https://127.0.0.1:$NGINX_PORT" ALLOWED_HOSTS="127.0.0.1,localhost"
export BEHIND_PROXY=true TRUSTED_PROXIES=127.0.0.1 HTTPS=true DEBUG=false LOG_FORMAT=json
export METRICS_TOKEN=$("$BIN/python" -c "import secrets; print(secrets.token_urlsafe(24))")
export DATA_DIR="$TMP/data" STATIC_ROOT="$TMP/static" DEMO_PASSWORD="reference-deploy"
export READYZ_HEARTBEAT_MAX_AGE_SECONDS=60 WEB_WORKERS=1 WEB_THREADS=2
"$BIN/reservrutin" migrate -v0
"$BIN/reservrutin" collectstatic --noinput -v0
"$BIN/reservrutin" demo >/dev/null
say "migrated, static files collected, demo data loaded"

# --- Two web processes and two workers ----------------------------------------------------
for i in 1 2; do
  port_var=WEB$i
  PROMETHEUS_MULTIPROC_DIR="$TMP/metrics$i" "$BIN/reservrutin" serve --port "${!port_var}" \
    >"$TMP/web$i.log" 2>&1 &
  PIDS+=($!)
  "$BIN/reservrutin" worker --name "worker-$i" >"$TMP/worker$i.log" 2>&1 &
  PIDS+=($!)
done

# --- nginx with a throwaway certificate ---------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
mkdir -p "$TMP/logs"
sed -e "s#@PREFIX@#$TMP#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@WEB1@#$WEB1#g" \
  -e "s#@WEB2@#$WEB2#g" -e "s#@STATIC@#$STATIC_ROOT#g" scripts/reference-deploy/nginx.conf \
  >"$TMP/nginx.conf"
nginx -c "$TMP/nginx.conf" -p "$TMP/"
NGINX_STARTED=1
URL="https://127.0.0.1:$NGINX_PORT"
CURL=(curl -sS --cacert "$TMP/cert.pem" --max-time 20)
for _ in $(seq 150); do
  if "${CURL[@]}" -o /dev/null "http://127.0.0.1:$WEB1/healthz" 2>/dev/null \
    && "${CURL[@]}" -o /dev/null "http://127.0.0.1:$WEB2/healthz" 2>/dev/null; then break; fi
  sleep 0.2
done
"${CURL[@]}" -f -o /dev/null "$URL/healthz" || fail "/healthz through nginx"
say "nginx on $URL in front of 127.0.0.1:$WEB1 and :$WEB2; two workers"

# --- Sign-in through nginx ----------------------------------------------------------------
JAR="$TMP/cookies"
login_page=$("${CURL[@]}" -c "$JAR" -b "$JAR" "$URL/logga-in/")
csrf=$(printf '%s' "$login_page" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n1)
[ -n "$csrf" ] || fail "no CSRF token on the login page"
code=$("${CURL[@]}" -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code}' -e "$URL/logga-in/" \
  --data-urlencode "csrfmiddlewaretoken=$csrf" --data-urlencode "username=demo" \
  --data-urlencode "password=$DEMO_PASSWORD" "$URL/logga-in/")
[ "$code" = 302 ] || fail "sign-in answered $code, expected a redirect"
grep -q sessionid "$JAR" || fail "no session cookie after sign-in"
"${CURL[@]}" -b "$JAR" "$URL/" | grep -q "Demo Administratör" || fail "signed-in page does not name the user"
say "sign-in through nginx: 302, session cookie set over TLS, start page names the user"

# --- Metrics before, a publish, readiness, metrics after ----------------------------------
metric() { # a counter summed over both web processes (each has its own multiprocess dir);
  # asked directly, as Prometheus would, with the header nginx adds (else: redirect to https)
  local total=0 v
  for port in $WEB1 $WEB2; do
    v=$("${CURL[@]}" -H "X-Forwarded-Proto: https" -H "Authorization: Bearer $METRICS_TOKEN" "http://127.0.0.1:$port/metrics" \
      | awk -v m="$1" 'index($1, m) == 1 && $1 !~ /_created/ {s += $2} END {print s + 0}')
    total=$("$BIN/python" -c "print(int($total + $v))")
  done
  echo "$total"
}
"${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/metrics" | grep -q '^40[34]$' \
  || fail "/metrics must not be open through nginx without the token"
renders_before=$(metric reservrutin_statuspage_renders_total)
fast_before=$(metric reservrutin_statuspage_fastpath_total)
seed=$("$BIN/reservrutin" shell <scripts/reference-deploy/seed.py)
org=$(printf '%s\n' "$seed" | sed -n 's/^org=//p')
title=$(printf '%s\n' "$seed" | sed -n 's/^title=//p')
[ -n "$org" ] || fail "seeding printed no organisation: $seed"
for _ in 1 2 3 4; do
  "${CURL[@]}" "$URL/status/$org/" >"$TMP/status.html"
done
grep -qF "$title" "$TMP/status.html" || fail "the published notice is not on $URL/status/$org/"
say "publish: \"$title\" is on $URL/status/$org/"
renders_after=$(metric reservrutin_statuspage_renders_total)
fast_after=$(metric reservrutin_statuspage_fastpath_total)
[ $((renders_after + fast_after)) -gt $((renders_before + fast_before)) ] \
  || fail "status page metrics did not move ($renders_before+$fast_before -> $renders_after+$fast_after)"
say "metrics: status page renders $renders_before -> $renders_after, fast path $fast_before -> $fast_after"
"${CURL[@]}" -H "X-Forwarded-Proto: https" -H "Authorization: Bearer $METRICS_TOKEN" "http://127.0.0.1:$WEB1/metrics" \
  | grep -E '^reservrutin_(outbox_depth|deliveries_total|worker_heartbeat_age_seconds)' | head -n 6 || true
ready=""
for _ in $(seq 100); do
  if "${CURL[@]}" -f "$URL/readyz" >"$TMP/readyz" 2>/dev/null; then ready=1; break; fi
  sleep 0.3
done
[ -n "$ready" ] || fail "/readyz not ready: $("${CURL[@]}" "$URL/readyz")"
say "readyz through nginx: $(cat "$TMP/readyz")"

# --- Backup and restore -------------------------------------------------------------------
COUNTS="select table_name, (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I', table_name), false, true, '')))[1]::text
  from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1"
"$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Fc -f "$TMP/backup.dump" reservrutin
"${PSQL[@]}" -c "CREATE DATABASE reservrutin_restored"
"$PG_BIN/pg_restore" -h 127.0.0.1 -p "$PG_PORT" -U postgres --no-owner -d reservrutin_restored "$TMP/backup.dump"
"${PSQL[@]}" -d reservrutin -c "$COUNTS" >"$TMP/counts.live"
"${PSQL[@]}" -d reservrutin_restored -c "$COUNTS" >"$TMP/counts.restored"
diff -u "$TMP/counts.live" "$TMP/counts.restored" || fail "row counts differ after restore"
for table in outages_outage outages_timer outages_timelineentry records_downtimerecord statuspage_notice notifications_outboxmessage; do
  n=$(grep "^$table|" "$TMP/counts.restored" | cut -d'|' -f2)
  say "  restored $table: ${n:-missing}"
done
say "backup: pg_dump ($(du -h "$TMP/backup.dump" | cut -f1)) restored into a fresh database; $(wc -l <"$TMP/counts.live") tables, every row count equal"
