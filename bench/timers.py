"""Benchmark of the ``runtimers`` worker (issue 4). Not a test.

Builds a PostgreSQL database with the demo registry and the five seed routines, opens and
confirms ONE real Sesam LMN outage through the engine (``submit_report`` +
``confirm_outage``, scenario ``server-oatkomlig``), and clones it into ``--outages``
confirmed outages (same organisation, system, routine version and scenario). Then, per run:

1. ``--timers`` pending ``Timer`` rows (10 per outage by default) are bulk-created with
   ``due_at`` spread uniformly over ``--spread`` seconds of real wall-clock time, starting
   ``--lead`` seconds from now;
2. 1 (then 2) real ``reservrutin runtimers`` processes run until every timer has fired or a
   deadline passes, and are stopped with SIGTERM;
3. the database is read back: lateness of each firing (``fired_at - due_at``), timers fired
   more than once (timeline entries and tasks per timer), timers missed (still pending).

What one firing does (``worker.fire_one``), all in ONE transaction: the indexed due query
that locks the timer and its outage with ``FOR UPDATE OF … SKIP LOCKED``, a check of the
``without_prognosis`` condition (the seed timer's; no prognosis is set, so every timer
fires), the compare-and-set UPDATE that marks the timer fired, a look-up of the outage's
routine version (parsed once per process), a TIMER timeline entry and the timer's action
``create_tasks`` (one ``Task`` row). It publishes no notice and sends no message, so the
run measures the engine, not the outbox. ``fired_at`` is the ``now`` the worker read at the
start of ``fire_one``, so lateness excludes the firing's own few milliseconds.

Finally it prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the worker's due-timer query with
``--timers`` fired rows and ``--timers`` pending rows (half of them due) in the table.

Usage (PostgreSQL on 127.0.0.1:5432, trust auth):
    .venv/bin/python bench/timers.py [--timers 10000] [--outages 1000] [--spread 180]
        [--workers 1,2] [--burst]
``--burst`` adds runs with every timer due at once (the drain rate of the workers);
``--no-spread`` leaves out the spread runs; ``--pgoptions "-c synchronous_commit=off"``
gives the workers a session setting, to diagnose the cost of commits (not for results).
Results are printed as Markdown; docs/benchmarks.md keeps the latest run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "rr_bench_timers"
DB = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
ENV = {
    **os.environ,
    "DATABASE_URL": DB,
    "DEBUG": "false",
    "HTTPS": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    "EMAIL_TRANSPORT": "console",
    "DJANGO_SETTINGS_MODULE": "reservrutin.settings",
}
BIN = ROOT / ".venv" / "bin"
#: Timer keys of this benchmark start with this (the seed outage's own timer does not).
PREFIX = "bench-"


def prepare() -> None:
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", DB_NAME], check=True)
    subprocess.run(["createdb", *pg, DB_NAME], check=True)
    subprocess.run([str(BIN / "reservrutin"), "migrate", "-v0"], check=True, env=ENV, cwd=ROOT)


def setup_django() -> None:
    os.environ.update(ENV)
    import django

    django.setup()


def seed(outages: int) -> list[int]:
    """One real outage through the engine, cloned into ``outages`` outages. Returns their ids."""
    from reservrutin.accounts.models import User
    from reservrutin.outages import actions
    from reservrutin.outages.models import Outage
    from reservrutin.registry.demo.load import load
    from reservrutin.registry.models import Role, System
    from reservrutin.routines.demo import load_demo

    orgs = load()
    # As the outage tests do: the demo catalog lacks Linköping's role that treserva-tes names.
    Role.objects.get_or_create(
        organisation=orgs["linkoping"],
        key="ansvarig-sjukskoterska",
        defaults={"name": "Ansvarig sjuksköterska"},
    )
    load_demo()
    system = System.objects.get(organisation=orgs["region-skane"], key="sesam-lmn")
    sara = User.objects.get(username="sara.holm")
    submitted = actions.submit_report(
        orgs["region-skane"],
        systems=[system],
        fault_type="unreachable",
        extent="everyone",
        idempotency_key="bench-timers-0",
        reporter=sara,
    )
    real = actions.confirm_outage(submitted.outage, by=sara, scenario_key="server-oatkomlig")
    assert real.routine_version_id is not None, "the seed outage found no routine"
    clones = Outage.objects.bulk_create(
        Outage(
            organisation=real.organisation,
            kind=real.kind,
            title=f"{real.title} (bench {i})",
            status=real.status,
            routine_version=real.routine_version,
            routine_key=real.routine_key,
            scenario_key=real.scenario_key,
            started_at=real.started_at,
            confirmed_at=real.confirmed_at,
            created_at=real.created_at,
        )
        for i in range(1, outages)
    )
    through = Outage.systems.through
    through.objects.bulk_create(through(outage_id=o.pk, system_id=system.pk) for o in clones)
    return [real.pk, *(o.pk for o in clones)]


def seed_timer() -> Any:
    """The timer ``confirm_outage`` created from the routine (its key, condition, text)."""
    from reservrutin.outages.models import Timer

    return Timer.objects.exclude(key__startswith=PREFIX).get()


def reset() -> None:
    from reservrutin.outages.models import Task, TimelineEntry, Timer

    Task.objects.filter(source=Task.Source.TIMER, source_key__startswith=PREFIX).delete()
    TimelineEntry.objects.filter(
        kind=TimelineEntry.Kind.TIMER, text__startswith=f"Tidsgränsen {PREFIX}"
    ).delete()
    Timer.objects.filter(key__startswith=PREFIX).delete()


def create_timers(outage_ids: list[int], count: int, start: dt.datetime, spread: float) -> None:
    from reservrutin.lib import clock
    from reservrutin.outages.models import Timer

    template = seed_timer()
    now = clock.now()
    rows = [
        Timer(
            outage_id=outage_ids[i % len(outage_ids)],
            key=f"{PREFIX}{i}",
            description=template.description,
            due_at=start + dt.timedelta(seconds=random.uniform(0, spread)),
            condition=template.condition,
            rearm=template.rearm,
            actions=[{"create_tasks": [{"who": "kundservice", "what": f"Bench-uppgift {i}"}]}],
            created_at=now,
        )
        for i in range(count)
    ]
    Timer.objects.bulk_create(rows, batch_size=2000)


def pending() -> int:
    from reservrutin.outages.models import Timer

    return Timer.objects.filter(key__startswith=PREFIX).pending().count()


def start_workers(n: int, log_dir: Path, pgoptions: str) -> list[subprocess.Popen]:
    procs = []
    for i in range(n):
        err = (log_dir / f"runtimers-{i}.log").open("w")
        env = {**ENV, "DATABASE_APPLICATION_NAME": f"bench-runtimers-{i}"}
        if pgoptions:
            env["PGOPTIONS"] = pgoptions  # libpq: session settings, e.g. for a diagnosis
        procs.append(
            subprocess.Popen(
                [str(BIN / "reservrutin"), "runtimers", "--name", f"bench-runtimers-{i}"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
        )
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def measure(label: str, workers: int) -> dict[str, Any]:
    from django.db import connection

    from reservrutin.outages.models import Task, Timer

    timers = Timer.objects.filter(key__startswith=PREFIX)
    rows = list(timers.filter(fired_at__isnull=False).values_list("due_at", "fired_at"))
    lateness = [(fired - due).total_seconds() for due, fired in rows]
    with connection.cursor() as cur:
        # Timeline entries per fired timer: apply_timer writes one, with the timer's code.
        cur.execute(
            """
            SELECT count(*) FROM (
                SELECT e.data->>'timer' FROM outages_timelineentry e
                WHERE e.kind = 'timer' AND e.text LIKE %s
                GROUP BY 1 HAVING count(*) > 1) twice
            """,
            [f"Tidsgränsen {PREFIX}%"],
        )
        entries_twice = cur.fetchone()[0]
        cur.execute(
            """
            SELECT count(*) FROM (
                SELECT source_key FROM outages_task
                WHERE source = 'timer' AND source_key LIKE %s
                GROUP BY 1 HAVING count(*) > 1) twice
            """,
            [f"{PREFIX}%"],
        )
        tasks_twice = cur.fetchone()[0]
    return {
        "label": label,
        "workers": workers,
        "timers": timers.count(),
        "fired": len(rows),
        "skipped": timers.filter(skipped_at__isnull=False).count(),
        "missed": timers.pending().count(),
        "entries": _entries(),
        "tasks": Task.objects.filter(
            source=Task.Source.TIMER, source_key__startswith=PREFIX
        ).count(),
        "entries_twice": entries_twice,
        "tasks_twice": tasks_twice,
        "claimed_twice": timers.filter(attempts__gt=1).count(),
        "errors": timers.exclude(last_error="").count(),
        "p50": pct(lateness, 50),
        "p95": pct(lateness, 95),
        "p99": pct(lateness, 99),
        "max": max(lateness, default=float("nan")),
        "mean": statistics.fmean(lateness) if lateness else float("nan"),
        "min": min(lateness, default=float("nan")),
    }


def _entries() -> int:
    from reservrutin.outages.models import TimelineEntry

    return TimelineEntry.objects.filter(
        kind=TimelineEntry.Kind.TIMER, text__startswith=f"Tidsgränsen {PREFIX}"
    ).count()


def run(
    label: str,
    outage_ids: list[int],
    *,
    timers: int,
    workers: int,
    lead: float,
    spread: float,
    grace: float,
    pgoptions: str = "",
) -> dict[str, Any]:
    from reservrutin.lib import clock

    reset()
    start = clock.now() + dt.timedelta(seconds=lead)
    create_timers(outage_ids, timers, start, spread)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-timers-"))
    load_before = os.getloadavg()
    procs = start_workers(workers, log_dir, pgoptions)
    deadline = time.monotonic() + lead + spread + grace
    first_due = time.monotonic() + lead
    try:
        while time.monotonic() < deadline:
            time.sleep(1)
            if time.monotonic() > first_due + spread and pending() == 0:
                break
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker exited early; see {log_dir}")
    finally:
        stop_workers(procs)
    result = measure(label, workers)
    result["load"] = f"{load_before[0]:.1f} → {os.getloadavg()[0]:.1f}"
    result["drain"] = _drain_seconds(start)
    errors = "".join(p.read_text() for p in log_dir.glob("*.log")).strip()
    result["stderr"] = errors.count("\n") + 1 if errors else 0
    return result


def _drain_seconds(start: dt.datetime) -> float:
    """Seconds from the first due time to the last firing."""
    from django.db.models import Max

    from reservrutin.outages.models import Timer

    last = Timer.objects.filter(key__startswith=PREFIX).aggregate(m=Max("fired_at"))["m"]
    return (last - start).total_seconds() if last else float("nan")


def explain(outage_ids: list[int], timers: int, spread: float) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the worker's due query, as fire_one issues it, with the
    last run's fired rows still in the table plus ``timers`` pending rows, half of them due.
    The query runs in a transaction that is rolled back (FOR UPDATE locks a row)."""
    from django.db import connection, transaction

    from reservrutin.lib import clock
    from reservrutin.outages.worker import due_timers

    now = clock.now()
    create_timers(outage_ids, timers, now - dt.timedelta(seconds=spread / 2), spread)
    with connection.cursor() as cur:
        cur.execute("ANALYZE outages_timer")
    qs = due_timers(clock.now())[:1]
    with transaction.atomic():
        plan = qs.explain(analyze=True, buffers=True)
        sql, params = qs.query.sql_with_params()
        transaction.set_rollback(True)
    return f"{sql % tuple(repr(str(p)) for p in params)}\n\n{plan}"


def fmt(value: float) -> str:
    return f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--outages", type=int, default=1_000)
    parser.add_argument("--spread", type=float, default=180, help="seconds the due times span")
    parser.add_argument("--lead", type=float, default=10, help="seconds before the first due")
    parser.add_argument("--grace", type=float, default=120, help="seconds after the last due")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    parser.add_argument("--burst", action="store_true", help="also run with all due at once")
    parser.add_argument(
        "--no-spread", action="store_true", help="skip the spread runs (with --burst)"
    )
    parser.add_argument(
        "--pgoptions",
        default="",
        help="PGOPTIONS for the workers, e.g. '-c synchronous_commit=off' (a diagnosis only)",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    t0 = time.monotonic()
    prepare()
    setup_django()
    outage_ids = seed(args.outages)
    seed_seconds = time.monotonic() - t0

    results = []
    for n in [] if args.no_spread else counts:
        results.append(
            run(
                f"spread {args.spread:.0f} s",
                outage_ids,
                timers=args.timers,
                workers=n,
                lead=args.lead,
                spread=args.spread,
                grace=args.grace,
                pgoptions=args.pgoptions,
            )
        )
    if args.burst:
        for n in counts:
            results.append(
                run(
                    "burst (all due at once)",
                    outage_ids,
                    timers=args.timers,
                    workers=n,
                    lead=args.lead,
                    spread=0,
                    grace=max(args.grace, 600),
                    pgoptions=args.pgoptions,
                )
            )
    plan = explain(outage_ids, args.timers, args.spread)

    print(f"## Timer benchmark (runtimers), {dt.date.today()}\n")
    print(
        f"Machine: {os.cpu_count()} cores; PostgreSQL, the workers and this script on the same "
        f"machine. {args.timers} timers over {len(outage_ids)} outages, due spread over "
        f"{args.spread:.0f} s of wall-clock time from {args.lead:.0f} s after the start; "
        f"`reservrutin runtimers` processes (WORKER_IDLE_SECONDS default"
        f"{'; PGOPTIONS=' + repr(args.pgoptions) if args.pgoptions else ''}). "
        f"Set-up (migrate, demo data, outages) took {seed_seconds:.0f} s.\n"
    )
    print(
        "| run | workers | fired | not fired by the deadline | skipped | fired twice (entries / tasks) "
        "| claimed > once | lateness p50 | p95 | p99 | max | first due → last fired "
        "| load avg (1 min) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    for r in results:
        print(
            f"| {r['label']} | {r['workers']} | {r['fired']}/{r['timers']} | {r['missed']} "
            f"| {r['skipped']} | {r['entries_twice']} / {r['tasks_twice']} | {r['claimed_twice']} "
            f"| {fmt(r['p50'])} | {fmt(r['p95'])} | {fmt(r['p99'])} | {fmt(r['max'])} "
            f"| {fmt(r['drain'])} | {r['load']} |"
        )
    print()
    for r in results:
        print(
            f"* {r['label']}, {r['workers']} worker(s): {r['entries']} timeline entries and "
            f"{r['tasks']} tasks for {r['fired']} firings; {r['errors']} rows with last_error; "
            f"{r['stderr']} line(s) on the workers' stderr; lateness min {fmt(r['min'])}, "
            f"mean {fmt(r['mean'])}."
        )
    uses_index = "timer_due" in plan
    print(
        f"\nDue-timer query plan ({args.timers} fired + {args.timers} pending rows, half due; "
        f"after ANALYZE). Uses the partial index `timer_due`: {'yes' if uses_index else 'NO'}.\n"
    )
    print(f"```\n{plan}\n```")


if __name__ == "__main__":
    sys.exit(main())
