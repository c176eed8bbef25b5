"""Benchmark of the public status page (issue 5, benchmark 1). Not a test.

Builds an organisation with 50 systems, 3 open outages, 10 planned outages and 200 past
notices in a PostgreSQL database, serves it with ``reservrutin serve`` (granian, 2 workers,
production settings) and loads it with wrk on the same machine:

1. cached: 64 connections, 30 s;
2. cached while a notice is published every 5 s (cache invalidation under load);
3. uncached (dummy cache backend, no freshness window): every request renders, with the
   default 2 threads per worker and with 1;
4. the same page as a static file from nginx (the ceiling) and the static mirror from nginx.

Usage (needs wrk and nginx from Debian, PostgreSQL on 127.0.0.1:5432):
    .venv/bin/python bench/statuspage.py [--duration 30] [--connections 64]
Results are printed as Markdown; docs/benchmarks.md keeps the latest run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rr_bench")
PORT = 8030
NGINX_PORT = 8031
ENV = {
    **os.environ,
    "DATABASE_URL": DB,
    "DEBUG": "false",
    "HTTPS": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "reservrutin.settings",
}
BIN = ROOT / ".venv" / "bin"


def sh(*args: str, env: dict[str, str] | None = None, **kw: object) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, env=env or ENV, cwd=ROOT, **kw)  # type: ignore[call-overload]


def prepare() -> None:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "rr_bench"], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "rr_bench"], check=True)
    sh(str(BIN / "reservrutin"), "migrate", "-v0")
    sh(str(BIN / "reservrutin"), "collectstatic", "--noinput", "-v0")
    sh(str(BIN / "python"), "-c", SEED)
    # Autovacuum would gather statistics within a minute of the load; the runs start at once.
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", "ANALYZE", "rr_bench"], check=True
    )


SEED = r"""
import django, datetime as dt
django.setup()
from reservrutin.accounts.models import Organisation, User
from reservrutin.registry.models import System
from reservrutin.outages.models import Outage
from reservrutin.statuspage import actions
from reservrutin.lib import clock
org = Organisation.objects.create(key="bench", name="Benchmarkregionen", kind="region")
admin = User.objects.create_superuser("bench", "b@example.org", "x" * 20, full_name="Bench")
systems = [System.objects.create(organisation=org, key=f"system-{i:02d}", name=f"System {i:02d}") for i in range(50)]
now = clock.now()
for i in range(200):
    n = actions.create_notice(org, by=admin, title=f"Tidigare störning {i}", body="Löst. " * 20,
        systems=[systems[i % 50]], publish=True)
    actions.end_notice(n, by=admin)
    # spread the history over 90 days
    from reservrutin.statuspage.models import Notice
    Notice.objects.filter(pk=n.pk).update(published_at=now - dt.timedelta(days=i % 89, hours=3),
        ended_at=now - dt.timedelta(days=i % 89, hours=1))
for i in range(3):
    o = Outage.objects.create(organisation=org, title=f"Pågående {i}", started_at=now, created_at=now, status="confirmed")
    o.systems.add(systems[i])
    actions.create_notice(org, by=admin, title=f"Avbrott i System {i:02d}", body="Använd reservrutinen. " * 10,
        systems=[systems[i]], outage=o, publish=True, severity="outage",
        instructions=[{"role": "Personal", "text": "Dokumentera på papper."}])
for i in range(10):
    o = Outage.objects.create(organisation=org, kind="planned", title=f"Servicefönster {i}",
        started_at=now + dt.timedelta(days=i + 1), planned_end_at=now + dt.timedelta(days=i + 1, hours=2), created_at=now)
    o.systems.add(systems[10 + i])
"""

PUBLISH = r"""
import django, sys, time
django.setup()
from reservrutin.accounts.models import Organisation, User
from reservrutin.registry.models import System
from reservrutin.statuspage import actions
org = Organisation.objects.get(key="bench"); admin = User.objects.get(username="bench")
system = System.objects.get(organisation=org, key="system-49")
end = time.time() + float(sys.argv[1])
i = 0
while time.time() < end:
    n = actions.create_notice(org, by=admin, title=f"Under last {i}", body="Test.", systems=[system], publish=True)
    actions.end_notice(n, by=admin)
    i += 1
    time.sleep(5)
print(i)
"""


def serve(extra_env: dict[str, str], *args: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN / "reservrutin"), "serve", "--port", str(PORT), "--workers", "2", *args],
        env={**ENV, **extra_env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            out = subprocess.run(
                [
                    "curl",
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    f"http://127.0.0.1:{PORT}/status/bench/",
                ],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout
            if out == "200":
                return proc
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def rss_mb(proc: subprocess.Popen) -> list[float]:
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(proc.pid)], capture_output=True, text=True
    ).stdout
    own = subprocess.run(
        ["ps", "-o", "rss=", "-p", str(proc.pid)], capture_output=True, text=True
    ).stdout
    return [int(x) / 1024 for x in (own + out).split()]


def busy_ticks() -> int:
    """CPU time the whole machine spent busy (server, PostgreSQL and wrk), in clock ticks."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return user + nice + system + irq + softirq


def wrk(url: str, duration: int, connections: int) -> dict[str, Any]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = {"raw": out}
    m = re.search(r"(\d+) requests in", out)
    result["requests"] = int(m.group(1)) if m else 1
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    result["rps"] = m.group(1) if m else "?"
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+\w+)", out)
        result[f"p{pct}"] = m.group(1) if m else "?"
    m = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out)
    result["max"] = m.group(1) if m else "?"
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = m.group(1) if m else "0"
    m = re.search(r"Socket errors: (.*)", out)
    result["socket"] = m.group(1) if m else "none"
    return result


def queries_per_render() -> int:
    out = subprocess.run(
        [
            str(BIN / "python"),
            "-c",
            r"""
import django; django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.core.cache import cache
from reservrutin.statuspage.views import page_view
cache.clear()
with CaptureQueriesContext(connection) as c:
    page_view.public_render(org='bench')
print(len(c.captured_queries))
""",
        ],
        env=ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def nginx(root: Path) -> subprocess.Popen:
    conf = Path(tempfile.mkdtemp()) / "nginx.conf"
    conf.parent.chmod(0o755)
    conf.write_text(f"""
worker_processes 2; daemon off; pid {conf.parent}/nginx.pid; error_log {conf.parent}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; types {{ text/html html; }} default_type text/html;
  client_body_temp_path {conf.parent}; proxy_temp_path {conf.parent}; fastcgi_temp_path {conf.parent};
  uwsgi_temp_path {conf.parent}; scgi_temp_path {conf.parent};
  server {{ listen 127.0.0.1:{NGINX_PORT}; root {root}; index index.html; }} }}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf)], start_new_session=True)
    time.sleep(1)
    return proc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    prepare()
    url = f"http://127.0.0.1:{PORT}/status/bench/"
    rows = []

    proc = serve({})
    size = len(subprocess.run(["curl", "-s", url], capture_output=True, check=True).stdout)
    wrk(url, 3, args.connections)  # warm-up: every server process renders the page once
    rows.append(("cached", wrk(url, args.duration, args.connections)))
    memory = rss_mb(proc)
    publisher = subprocess.Popen(
        [str(BIN / "python"), "-c", PUBLISH, str(args.duration)],
        env=ENV,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    rows.append(("cached, publishing every 5 s", wrk(url, args.duration, args.connections)))
    published = publisher.communicate()[0].strip()
    stop(proc)

    uncached = {
        "CACHE_BACKEND": "django.core.cache.backends.dummy.DummyCache",
        "STATUSPAGE_FRESH_MS": "0",
    }
    for threads in ("2", "1"):
        proc = serve(uncached, "--threads", threads)
        wrk(url, 3, args.connections)  # warm-up: each worker learns the address
        before = busy_ticks()
        result = wrk(url, args.duration, args.connections)
        cpu_ms = (busy_ticks() - before) * 1000 / os.sysconf("SC_CLK_TCK") / result["requests"]
        result["rps"] += f" ({cpu_ms:.1f} ms CPU/request)"
        rows.append((f"uncached, 2 workers × {threads} thread(s)", result))
        stop(proc)
    queries = queries_per_render()

    mirror = Path(tempfile.mkdtemp())
    mirror.chmod(0o755)  # nginx workers run as www-data
    sh(
        str(BIN / "reservrutin"),
        "statuspage",
        "export",
        str(mirror),
        "--org",
        "bench",
        stdout=subprocess.DEVNULL,
    )
    ng = nginx(mirror)
    rows.append(
        (
            "static mirror from nginx (ceiling)",
            wrk(f"http://127.0.0.1:{NGINX_PORT}/status/bench/", args.duration, args.connections),
        )
    )
    os.killpg(ng.pid, signal.SIGTERM)

    print(f"## Status page benchmark, {dt.date.today()}\n")
    print(
        f"Machine: {os.cpu_count()} cores; server and wrk on the same machine (wrk -t2 -c{args.connections} -d{args.duration}s)."
    )
    print(
        f"Page: 50 systems, 3 open outages, 10 planned, 200 past notices; {size} bytes of HTML+CSS.\n"
    )
    print(
        "| run | req/s | p50 | p99 | max | non-2xx | socket errors |\n|---|---|---|---|---|---|---|"
    )
    for name, r in rows:
        print(
            f"| {name} | {r['rps']} | {r['p50']} | {r['p99']} | {r['max']} | {r['errors']} | {r['socket']} |"
        )
    print(
        f"\nQueries per uncached render: {queries}. Notices published during the second run: {published}."
    )
    print(
        f"Memory (RSS) of the server processes after the cached run: {', '.join(f'{m:.0f} MB' for m in memory)}."
    )


if __name__ == "__main__":
    sys.exit(main())
