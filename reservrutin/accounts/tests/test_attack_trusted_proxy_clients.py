"""Attack (issue 14): behind a trusted reverse proxy every request has the proxy's
REMOTE_ADDR; 30 clients each get their own count, so one client's failures lock no other
user, and the global ceiling raises an alarm instead of locking everyone."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from reservrutin.accounts.lockout import ALARM_EVENT
from reservrutin.audit.models import AuditEvent
from reservrutin.lib import metrics
from reservrutin.test import FAST_HASHERS, PASSWORD, BaseTestCase

PROXY = "10.0.0.1"
START = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)


def client_ip(n: int) -> str:
    return f"198.51.100.{n + 1}"


@override_settings(
    TRUSTED_PROXIES=[PROXY],
    LOGIN_FAILURE_LIMIT=5,
    LOGIN_FAILURE_ALARM_PER_HOUR=40,
    PASSWORD_HASHERS=FAST_HASHERS,
)
class TrustedProxyClientsTests(BaseTestCase):
    def post(self, username: str, password: str, client: int):  # type: ignore[no-untyped-def]
        self.client.logout()
        return self.client.post(
            "/logga-in/",
            {"username": username, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_ip(client),
        )

    def test_one_clients_failures_do_not_lock_another_user_or_client(self) -> None:
        with time_machine.travel(START, tick=False):
            for _ in range(20):
                self.post("alice", "wrong", 0)
            # Client 0 is locked out of alice…
            self.assertEqual(self.post("alice", PASSWORD, 0).status_code, 429)
            # …but alice signs in from every other client, and client 0 can still sign in
            # as someone else.
            for n in range(1, 30):
                with self.subTest(client=n):
                    self.assertEqual(self.post("alice", PASSWORD, n).status_code, 302)
            self.assertEqual(self.post("carl", PASSWORD, 0).status_code, 302)

    def test_a_flood_over_all_clients_raises_one_alarm_and_locks_nobody(self) -> None:
        counted = metrics.LOGIN_FAILURE_ALARMS._value.get()
        with time_machine.travel(START, tick=False):
            for n in range(30):
                for attempt in range(2):
                    self.post(f"made-up-{n}-{attempt}", "wrong", n)
            alarms = AuditEvent.objects.filter(action=ALARM_EVENT)
            self.assertEqual(alarms.count(), 1)
            self.assertGreaterEqual(alarms.get().detail["failures_last_hour"], 40)
            # 60 failures, the ceiling at 40: the metric counts the 21 from the 40th on.
            self.assertEqual(metrics.LOGIN_FAILURE_ALARMS._value.get() - counted, 21)
            for n in range(30):
                with self.subTest(client=n):
                    self.assertEqual(self.post("bob", PASSWORD, n).status_code, 302)
