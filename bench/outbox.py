"""Benchmark of the ``sendoutbox`` worker (issue 5, benchmarks 2 and 3). Not a test.

One notice is published to ``--emails`` e-mail subscribers and ``--webhooks`` webhook
subscribers: ONE transaction builds one message per subscriber with
``notifications.actions.new_message`` and writes them with ``enqueue_messages`` (bulk, as
``statuspage.fanout`` fans a notice out), while ``--workers`` real ``reservrutin sendoutbox``
processes are already running. They deliver over real SMTP to an aiosmtpd server and over
real HTTP (``lib/safehttp``, signed per Standard Webhooks) to a ``ThreadingHTTPServer``, each
a separate process on 127.0.0.1 that appends (receive time, Message-ID or webhook-id,
signature valid?) to a file. The database is PostgreSQL.

1. ``delivery``: all messages delivered; goal: within 60 s of the commit.
2. ``kill``: the same, but the first worker gets SIGKILL when half the messages have
   arrived. Goal: 0 lost (every dedupe key received at least once) and at most one claimed
   batch duplicated (a worker claims ``OUTBOX_BATCH_SIZE`` messages at a time, ``--batch``).
   The messages the dead worker held are retried when its lease (``WORKER_LEASE_SECONDS``,
   60 s by default) runs out, so "time to all" of this run includes the lease. A run ends
   only when every message arrived and no row is still pending, sending or failed, so the
   re-sends of a batch the dead worker had already sent are counted as duplicates.

Usage (PostgreSQL on 127.0.0.1:5432, trust auth):
    .venv/bin/python bench/outbox.py [--emails 10000] [--webhooks 1000] [--workers 2]
        [--runs delivery,kill] [--lease 60] [--batch 50]
Results are printed as Markdown; docs/benchmarks.md keeps the latest run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "rr_bench_outbox"
DB = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
SMTP_PORT = 8025
WEBHOOK_PORT = 8026
BIN = ROOT / ".venv" / "bin"


def base_env(secret: str, lease: int, batch: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DB,
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "reservrutin.settings",
        "EMAIL_TRANSPORT": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "OUTBOUND_ALLOW": "127.0.0.1/32",
        "WEBHOOK_SECRET": secret,
        "WORKER_LEASE_SECONDS": str(lease),
        "OUTBOX_BATCH_SIZE": str(batch),
    }


# --- The receivers (each runs as its own process: ``outbox.py --serve smtp|webhook``) -------


def serve_smtp(port: int, out: Path) -> None:
    from email.parser import BytesHeaderParser

    from aiosmtpd.controller import Controller

    sink = out.open("a", buffering=1)
    parser = BytesHeaderParser()
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message_id = parser.parsebytes(envelope.content)["Message-ID"] or "-"
            with lock:
                sink.write(f"{time.time():.6f}\t{message_id.strip()}\t1\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    _wait_for_sigterm()
    controller.stop()
    sink.close()


def serve_webhook(port: int, out: Path, secret: str) -> None:
    from reservrutin.lib.signing import InvalidWebhookSignature, verify_webhook

    sink = out.open("a", buffering=1)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                msg_id = verify_webhook(secret, dict(self.headers.items()), body)
                valid = 1
            except InvalidWebhookSignature:
                msg_id, valid = self.headers.get("webhook-id", "-"), 0
            with lock:
                sink.write(f"{time.time():.6f}\t{msg_id}\t{valid}\n")
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _wait_for_sigterm()
    server.shutdown()
    sink.close()


def _wait_for_sigterm() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()


# --- The orchestrator ------------------------------------------------------------------------


def prepare(env: dict[str, str]) -> None:
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", DB_NAME], check=True)
    subprocess.run(["createdb", *pg, DB_NAME], check=True)
    subprocess.run([str(BIN / "reservrutin"), "migrate", "-v0"], check=True, env=env, cwd=ROOT)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def wait_for_port(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def enqueue(emails: int, webhooks: int) -> tuple[dict[str, str], float]:
    """One notice's fan-out in one transaction. Returns {expected id: dedupe key} (the
    Message-ID for e-mail, the webhook-id for webhooks) and the commit time (epoch)."""
    from django.db import transaction

    from reservrutin.accounts.models import Organisation
    from reservrutin.notifications.actions import enqueue_messages, new_message
    from reservrutin.notifications.transports.email import message_id_for

    org, _ = Organisation.objects.get_or_create(
        key="bench", defaults={"name": "Benchmarkregionen", "kind": "region"}
    )
    notice = secrets.token_hex(8)
    subject = "Driftinfo: Sesam LMN går inte att nå"
    body = (
        "Sesam LMN går inte att nå för någon användare sedan 09:12. Använd reservrutinen för "
        "akuta förskrivningar. Prognos saknas; nästa uppdatering senast 11:00.\n\n" * 3
    )
    html = "".join(f"<p>{line}</p>\n" for line in body.splitlines() if line)
    expected: dict[str, str] = {}
    with transaction.atomic():
        batch = []
        for i in range(emails):
            key = f"notice:{notice}:subscriber:{i}:email"
            batch.append(
                new_message(
                    kind="email",
                    recipient=f"prenumerant{i}@example.org",
                    subject=subject,
                    body=body,
                    body_html=html,
                    headers={
                        "List-Unsubscribe": f"<https://reservrutin.invalid/avregistrera/{i}/>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                    dedupe_key=key,
                    organisation=org,
                    source="statuspage.notice",
                )
            )
            expected[message_id_for(key)] = key
        for i in range(webhooks):
            key = f"notice:{notice}:subscriber:{i}:webhook"
            batch.append(
                new_message(
                    kind="webhook",
                    recipient=f"http://127.0.0.1:{WEBHOOK_PORT}/hook/{i}",
                    body=body,
                    payload={
                        "type": "notice.published",
                        "notice": {"id": notice, "title": subject, "text": body},
                    },
                    dedupe_key=key,
                    organisation=org,
                    source="statuspage.notice",
                )
            )
            expected[key] = key
        enqueue_messages(batch)
    return expected, time.time()


def settled() -> bool:
    """No message is waiting, held by a worker or due for a retry."""
    from reservrutin.notifications.models import OutboxMessage

    return not OutboxMessage.objects.filter(status__in=OutboxMessage.DUE_STATUSES).exists()


def read_receipts(*paths: Path) -> list[tuple[float, str, bool]]:
    rows = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                rows.append((float(parts[0]), parts[1], parts[2] == "1"))
    return rows


def run(
    label: str,
    *,
    env: dict[str, str],
    emails: int,
    webhooks: int,
    workers: int,
    kill: bool,
    timeout: float,
) -> dict[str, Any]:
    from django.db.models import Count

    from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage

    DeliveryAttempt.objects.all().delete()
    OutboxMessage.objects.all().delete()
    tmp = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    smtp_file, hook_file = tmp / "smtp.tsv", tmp / "webhook.tsv"
    me = [str(BIN / "python"), str(Path(__file__).resolve()), "--serve"]
    receivers = [
        spawn([*me, "smtp", "--port", str(SMTP_PORT), "--out", str(smtp_file)], env, tmp / "s"),
        spawn(
            [*me, "webhook", "--port", str(WEBHOOK_PORT), "--out", str(hook_file)],
            env,
            tmp / "w",
        ),
    ]
    procs: list[subprocess.Popen] = []
    killed_at = None
    try:
        wait_for_port(SMTP_PORT)
        wait_for_port(WEBHOOK_PORT)
        procs = [
            spawn(
                [str(BIN / "reservrutin"), "sendoutbox", "--name", f"bench-sendoutbox-{i}"],
                {**env, "DATABASE_APPLICATION_NAME": f"bench-sendoutbox-{i}"},
                tmp / f"sendoutbox-{i}.log",
            )
            for i in range(workers)
        ]
        time.sleep(3)  # the workers are up and idle when the notice is published
        load_before = os.getloadavg()
        started = time.time()
        expected, committed = enqueue(emails, webhooks)
        enqueue_seconds = committed - started
        total = len(expected)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.5)
            receipts = read_receipts(smtp_file, hook_file)
            if kill and killed_at is None and len(receipts) >= total / 2:
                os.killpg(procs[0].pid, signal.SIGKILL)
                procs[0].wait(timeout=10)
                killed_at = time.time()
            # Done when every message arrived AND every row is settled: a killed worker's
            # batch stays `sending` until its lease runs out and is then sent again, so
            # stopping at the last first receipt would miss those duplicates.
            if len({r[1] for r in receipts} & expected.keys()) >= total and settled():
                break
        time.sleep(1)  # a duplicate in flight still arrives
    finally:
        stop(procs)
        stop(receivers)
    load_after = os.getloadavg()

    receipts = read_receipts(smtp_file, hook_file)
    first: dict[str, float] = {}
    for at, ident, _valid in sorted(receipts):
        first.setdefault(ident, at)
    delivered = {k for k in first if k in expected}
    lost = total - len(delivered)
    unknown = len({k for k in first if k not in expected})
    duplicates = len(receipts) - len(first)
    times = sorted(first[k] - committed for k in delivered)
    retried = set(OutboxMessage.objects.filter(attempts__gt=1).values_list("dedupe_key", flat=True))
    retried_ids = {i for i, key in expected.items() if key in retried}
    without_retried = [first[k] - committed for k in delivered - retried_ids]
    email_times = [first[k] - committed for k in delivered if k.startswith("<")]
    hook_times = [first[k] - committed for k in delivered if not k.startswith("<")]
    status = dict(
        OutboxMessage.objects.order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    all_seconds = times[-1] if len(times) == total else float("nan")
    errors = "".join(p.read_text() for p in tmp.glob("sendoutbox-*.log")).strip()
    return {
        "label": label,
        "workers": workers,
        "total": total,
        "delivered": len(delivered),
        "lost": lost,
        "unknown": unknown,
        "duplicates": duplicates,
        "invalid_signatures": sum(1 for r in receipts if not r[2]),
        "enqueue": enqueue_seconds,
        "all": all_seconds,
        "all_but_retried": max(without_retried, default=float("nan")),
        "half": times[len(times) // 2] if times else float("nan"),
        "email_all": max(email_times, default=float("nan")),
        "hook_all": max(hook_times, default=float("nan")),
        "rate": len(delivered) / times[-1] if times else float("nan"),
        "killed_at": killed_at - committed if killed_at else None,
        "retried": len(retried),
        "unfinished_attempts": DeliveryAttempt.objects.filter(finished_at__isnull=True).count(),
        "status": status,
        "load": f"{load_before[0]:.1f} → {load_after[0]:.1f}",
        "stderr": errors.count("\n") + 1 if errors else 0,
        "dir": str(tmp),
    }


def fmt(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--webhooks", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", default="delivery,kill", help="delivery, kill or both")
    parser.add_argument("--lease", type=int, default=60, help="WORKER_LEASE_SECONDS")
    parser.add_argument("--batch", type=int, default=50, help="OUTBOX_BATCH_SIZE")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run, at most")
    parser.add_argument("--serve", choices=["smtp", "webhook"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve == "smtp":
        return serve_smtp(args.port, args.out)
    if args.serve == "webhook":
        return serve_webhook(args.port, args.out, os.environ["WEBHOOK_SECRET"])

    from reservrutin.lib.signing import generate_webhook_secret

    env = base_env(generate_webhook_secret(), args.lease, args.batch)
    prepare(env)
    setup_django(env)
    results = []
    for name in args.runs.split(","):
        results.append(
            run(
                name,
                env=env,
                emails=args.emails,
                webhooks=args.webhooks,
                workers=args.workers,
                kill=name == "kill",
                timeout=args.timeout,
            )
        )

    print(f"## Outbox benchmark (sendoutbox), {dt.date.today()}\n")
    print(
        f"Machine: {os.cpu_count()} cores; PostgreSQL, {args.workers} `reservrutin sendoutbox` "
        f"processes, the aiosmtpd SMTP receiver, the webhook receiver and this script on the "
        f"same machine. One notice to {args.emails} e-mail and {args.webhooks} webhook "
        f"subscribers, enqueued with `new_message` + `enqueue_messages` in one transaction while the workers "
        f"idle; times are from that commit. WORKER_LEASE_SECONDS={args.lease}, "
        f"OUTBOX_BATCH_SIZE={args.batch}.\n"
    )
    print(
        "| run | delivered | lost | duplicates | enqueue (1 tx) | half delivered | all e-mail "
        "| all webhooks | all delivered | msg/s | load avg (1 min) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    for r in results:
        print(
            f"| {r['label']} | {r['delivered']}/{r['total']} | {r['lost']} | {r['duplicates']} "
            f"| {fmt(r['enqueue'])} | {fmt(r['half'])} | {fmt(r['email_all'])} "
            f"| {fmt(r['hook_all'])} | {fmt(r['all'])} | {r['rate']:.0f} | {r['load']} |"
        )
    print()
    for r in results:
        extra = ""
        if r["killed_at"] is not None:
            extra = (
                f" Worker 0 got SIGKILL {fmt(r['killed_at'])} after the commit; everything "
                f"except the re-tried messages was delivered by {fmt(r['all_but_retried'])}."
            )
        print(
            f"* {r['label']}: final statuses {r['status']}; {r['retried']} message(s) claimed "
            f"more than once; {r['unfinished_attempts']} delivery attempt(s) never finished; "
            f"{r['invalid_signatures']} invalid webhook signature(s); {r['unknown']} unknown "
            f"id(s) received; {r['stderr']} line(s) on the workers' stderr.{extra}"
        )
    return None


if __name__ == "__main__":
    sys.exit(main())
