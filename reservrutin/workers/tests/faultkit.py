"""Real parts for the fault tests (``test_fault_*.py``, marked ``fault``): a throwaway
PostgreSQL cluster on its own loopback port, the real ``reservrutin`` processes on top of
it, and the rows they work on. Everything waits by polling real state against a deadline.

Run as ``python -m reservrutin.workers.tests.faultkit seed …`` (inside the processes'
settings) to create the rows.
"""

from __future__ import annotations

import argparse
import glob
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[3]


def poll(what: str, probe: Callable[[], T | None], *, within: float, every: float = 0.2) -> T:
    """``probe()`` until it returns something truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {within:.0f} s ({value!r})")
        time.sleep(every)


def pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else None


class Cluster:
    """A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1:``port``,
    run as the ``postgres`` user when we are root (as scripts/test.sh does)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin)")
        self.dir = Path(tempfile.mkdtemp(prefix="rr-fault-pg-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, check=check, capture_output=True, text=True, timeout=120, cwd=self.dir
        )

    def init(self) -> None:
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            f"{self.bin}/pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, *, check: bool = True) -> None:
        self._run(
            f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop",
            check=check,
        )  # fmt: skip

    def url(self, database: str = "reservrutin") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def destroy(self) -> None:
        """Stop (if running) and remove everything; safe to call in any state."""
        if self.data.exists():
            self.stop(check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def environment(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The settings of the processes under test (production-like, loopback only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="reservrutin.settings",
        DEBUG="false",
        TESTING="false",
        SECRET_KEY=secrets.token_urlsafe(40),
        DATA_DIR=str(data_dir),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HTTPS="false",  # plain HTTP on loopback; no redirect to https
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Process:
    """A ``reservrutin`` sub-command run as its own process, output to a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log_path = logs / f"{name}.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reservrutin.cli", *args],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler, no clean-up, as a crash or the OOM killer."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not ended within 20 s."""
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")


def manage(env: dict[str, str], *args: str, timeout: float = 240) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "reservrutin.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise AssertionError(f"reservrutin {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def run_module(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", __name__, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise AssertionError(f"faultkit {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_get(url: str) -> tuple[int, dict[str, str]]:
    """Status and headers (names in lower case) of a GET, redirects not followed, or
    (0, {}) if nothing answers."""
    try:
        with _OPENER.open(url, timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the cluster, from the test process (outside Django)."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


# --- Rows, created inside the processes' settings ----------------------------------------


def seed(
    prefix: str, messages: int, timers: int, first_due: float, spread: float, not_before: float
) -> None:
    """``messages`` e-mails due ``not_before`` seconds from now (dedupe keys ``prefix:N``),
    and ``timers`` timers of one confirmed outage due from ``first_due`` seconds from now,
    evenly over ``spread`` s, each creating one task named after it (keys ``prefix-N``)."""
    import datetime as dt

    from django.db import transaction

    from reservrutin.accounts.models import Organisation
    from reservrutin.lib import clock
    from reservrutin.notifications.actions import enqueue_messages, new_message
    from reservrutin.outages.models import Outage, Timer

    now = clock.now()
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(
            key="fault-org", defaults={"name": "Region Fel", "kind": Organisation.Kind.REGION}
        )
        enqueue_messages(
            [
                new_message(
                    kind="email",
                    recipient=f"person{n}@example.org",
                    subject=f"Driftstörning {prefix} {n}",
                    body="Journalsystemet är otillgängligt. Använd reservrutinen.",
                    dedupe_key=f"{prefix}:{n}",
                    organisation=organisation,
                    not_before=now + dt.timedelta(seconds=not_before),
                )
                for n in range(messages)
            ]
        )
        if timers:
            outage = Outage.objects.create(
                organisation=organisation,
                title=f"Störning {prefix}",
                started_at=now,
                created_at=now,
                status=Outage.Status.CONFIRMED,
            )
            step = spread / max(timers - 1, 1)
            Timer.objects.bulk_create(
                Timer(
                    outage=outage,
                    key=f"{prefix}-{n}",
                    due_at=now + dt.timedelta(seconds=first_due + n * step),
                    actions=[{"create_tasks": [{"what": f"{prefix} uppgift {n}"}]}],
                    created_at=now,
                )
                for n in range(timers)
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    seeding = sub.add_parser("seed")
    seeding.add_argument("prefix")
    seeding.add_argument("--messages", type=int, default=0)
    seeding.add_argument("--timers", type=int, default=0)
    seeding.add_argument("--first-due", type=float, default=0)
    seeding.add_argument("--spread", type=float, default=0)
    seeding.add_argument("--not-before", type=float, default=0)
    seeding.add_argument(
        "--also",
        nargs=3,
        action="append",
        default=[],
        metavar=("PREFIX", "MESSAGES", "NOT_BEFORE"),
        help="more messages under another prefix, in the same run",
    )
    args = parser.parse_args(argv)
    import django

    django.setup()
    seed(args.prefix, args.messages, args.timers, args.first_due, args.spread, args.not_before)
    for prefix, messages, not_before in args.also:
        seed(prefix, int(messages), 0, 0, 0, float(not_before))


if __name__ == "__main__":
    main()
