"""Fault tests (marked ``fault``; scripts/test.sh runs them in a step of their own): the
real ``reservrutin worker`` and ``reservrutin serve`` against a throwaway PostgreSQL
cluster on loopback, with a real SMTP server.

- PostgreSQL stops for 30 s during a fan-out of 2,000 e-mails, with 30 timers due across
  the stop: the worker is still running afterwards, every message is delivered (duplicates
  at most one batch), every timer fires exactly once, and the web answers 503 with
  Retry-After during the stop and 200 after.
- The worker is killed with SIGKILL mid-batch: another worker delivers every message.

Nothing sleeps for a fixed time: every wait polls real state against a deadline.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from reservrutin.notifications.tests.helpers import SmtpServer, free_port
from reservrutin.workers.tests import faultkit
from reservrutin.workers.tests.faultkit import Cluster, Process, http_get, poll, query

pytestmark = pytest.mark.fault

FAN_OUT = 2_000
TIMERS = 30
KILLED = 400
BATCH = 50
OUTAGE_SECONDS = 30
LEASE_SECONDS = 6
SUBJECT = re.compile(r"Driftstörning (\w+) (\d+)")


@dataclass
class Site:
    cluster: Cluster
    url: str
    env: dict[str, str]
    smtp: SmtpServer
    logs: Path
    web: Process
    web_url: str
    #: Deliveries per prefix and message number, and how many envelopes are counted.
    counts: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    counted: int = 0

    def delivered(self, prefix: str) -> Counter[int]:
        """How many times the SMTP server received each message of ``prefix`` (parsing
        only the envelopes that arrived since the last look: the test shares the machine
        with the worker)."""
        envelopes = self.smtp.handler.envelopes[self.counted :]
        self.counted += len(envelopes)
        for envelope in envelopes:
            message = message_from_bytes(envelope.content, policy=policy.default)
            match = SUBJECT.search(str(message["Subject"]))
            if match:
                self.counts[match.group(1)][int(match.group(2))] += 1
        return self.counts[prefix]

    def worker(self, name: str) -> Process:
        return Process(name, ["worker", "--name", name], self.env, self.logs)

    def sent(self, prefix: str) -> int:
        rows = query(
            self.url,
            "SELECT count(*) FROM notifications_outboxmessage"
            " WHERE dedupe_key LIKE %s AND status = 'sent'",
            f"{prefix}:%",
        )
        return int(rows[0][0])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if faultkit.pg_bin() is None:
        pytest.skip("PostgreSQL is not installed; scripts/test.sh installs it")
    logs = tmp_path_factory.mktemp("fault-logs")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    port = int(os.environ.get("FAULT_PG_PORT") or free_port())
    cluster = Cluster(port)
    smtp: SmtpServer | None = None
    web: Process | None = None
    try:
        cluster.init()
        cluster.start()
        cluster.createdb("reservrutin")
        smtp = SmtpServer().start()
        web_port = free_port()
        env = faultkit.environment(
            cluster.url(),
            tmp_path_factory.mktemp("fault-data"),
            EMAIL_TRANSPORT="smtp",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
            EMAIL_TIMEOUT="5",
            OUTBOX_BATCH_SIZE=str(BATCH),
            WORKER_LEASE_SECONDS=str(LEASE_SECONDS),
            WORKER_IDLE_SECONDS="1",
            WORKER_BACKOFF_SECONDS="1",
            WORKER_BACKOFF_CAP_SECONDS="2",
            STATUS_MIRROR_URL="https://spegel.example.org",
            PORT=str(web_port),
            WEB_WORKERS="1",
            WEB_THREADS="2",
        )
        faultkit.manage(env, "migrate", "--no-input", "-v", "0")
        web = Process("web", ["serve"], env, logs)  # starts while the rows are created
        # Both scenarios' rows (one Django start-up): the fan-out is due now; the timers
        # and the kill test's messages wait until each test makes them due.
        faultkit.run_module(
            env, "seed", "fan", "--messages", str(FAN_OUT), "--timers", str(TIMERS),
            "--first-due", "86400", "--also", "kill", str(KILLED), "86400",
        )  # fmt: skip
        web_url = f"http://127.0.0.1:{web_port}/status/fault-org/"
        poll("the web server", lambda: http_get(web_url)[0] == 200 or None, within=60)
        yield Site(cluster, cluster.url(), env, smtp, logs, web, web_url)
    finally:
        if web is not None:
            web.stop()
        if smtp is not None:
            smtp.stop()
        cluster.destroy()


def test_workers_and_web_outlive_a_database_outage(site: Site) -> None:
    worker = site.worker("fault-outage")
    try:
        poll("the first deliveries", lambda: len(site.delivered("fan")) >= 200, within=60)
        # 30 timers due from 6 s before the stop to well after PostgreSQL is back.
        query(
            site.url,
            "UPDATE outages_timer SET due_at = now() + make_interval("
            " secs => -6 + 1.5 * split_part(key, '-', 2)::int) WHERE key LIKE %s",
            "fan-%",
        )
        site.cluster.stop()
        stopped_at = time.monotonic()
        delivered_at_stop = len(site.delivered("fan"))
        assert delivered_at_stop < FAN_OUT, "the fan-out ended before the stop"

        # While the database is down: the web answers 503 with Retry-After (once the page
        # kept in memory has expired), and the worker keeps running.
        _status, headers = poll(
            "a 503 from the web",
            lambda: (answer := http_get(site.web_url))[0] == 503 and answer,
            within=OUTAGE_SECONDS - 5,
        )
        assert headers["retry-after"] == "30"
        # Hold the database down for the whole outage, checking the worker all along.
        poll(
            "the end of the outage",
            lambda: not worker.alive() or time.monotonic() - stopped_at >= OUTAGE_SECONDS,
            within=OUTAGE_SECONDS + 5,
            every=1,
        )
        assert worker.alive(), f"the worker died with the database:\n{worker.output()}"
        assert http_get(site.web_url)[0] == 503
        site.cluster.start()

        poll("the web back", lambda: http_get(site.web_url)[0] == 200, within=30)
        poll(
            "every message sent",
            lambda: site.sent("fan") == FAN_OUT and len(site.delivered("fan")) == FAN_OUT,
            within=120,
            every=0.5,
        )
        fired = poll(
            "every timer fired",
            lambda: (
                (
                    rows := query(
                        site.url,
                        "SELECT key, attempts FROM outages_timer"
                        " WHERE key LIKE %s AND fired_at IS NOT NULL",
                        "fan-%",
                    )
                )
                and len(rows) == TIMERS
                and rows
            ),
            within=30,
        )
        assert worker.alive(), "the worker did not outlive the outage"
    finally:
        worker.stop()

    counts = site.delivered("fan")
    assert sorted(counts) == list(range(FAN_OUT))
    assert sum(counts.values()) - FAN_OUT <= BATCH, "more duplicates than one batch"
    # Fired exactly once: one claim each, one task each.
    assert {attempts for _key, attempts in fired} == {1}
    tasks = query(
        site.url,
        "SELECT instruction, count(*) FROM outages_task"
        " WHERE instruction LIKE %s GROUP BY instruction",
        "fan uppgift %",
    )
    assert len(tasks) == TIMERS and {count for _text, count in tasks} == {1}
    assert "database unreachable" in worker.output()


def test_a_worker_killed_mid_batch_loses_no_message(site: Site) -> None:
    query(
        site.url,
        "UPDATE notifications_outboxmessage SET next_attempt_at = now() WHERE dedupe_key LIKE %s",
        "kill:%",
    )
    first = site.worker("fault-killed")
    second: Process | None = None
    try:
        poll(
            "deliveries under way",
            lambda: len(site.delivered("kill")) >= 120,
            within=60,
            every=0.05,
        )
        first.kill()
        left = KILLED - site.sent("kill")
        assert left > 0, "the worker finished before it was killed"
        second = site.worker("fault-after-kill")
        poll(
            "every message sent",
            lambda: site.sent("kill") == KILLED and len(site.delivered("kill")) == KILLED,
            within=90,
            every=0.5,
        )
    finally:
        first.stop()
        if second is not None:
            second.stop()
    counts = site.delivered("kill")
    assert sorted(counts) == list(range(KILLED)), "messages were lost"
    assert sum(counts.values()) - KILLED <= BATCH
