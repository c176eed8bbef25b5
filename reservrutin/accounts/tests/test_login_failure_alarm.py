"""The global ceiling on failed sign-ins raises an alarm for the last hour only, once an hour
in the audit log (accounts/lockout.check_failure_ceiling)."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessFailureLog
from django.test import TestCase, override_settings

from reservrutin.accounts.lockout import ALARM_EVENT, check_failure_ceiling
from reservrutin.audit.models import AuditEvent

START = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)


def fail(n: int) -> None:
    for i in range(n):
        AccessFailureLog.objects.create(
            username=f"u{i}", ip_address="192.0.2.1", user_agent="test", path_info="/logga-in/"
        )


@override_settings(LOGIN_FAILURE_ALARM_PER_HOUR=10)
class LoginFailureAlarmTests(TestCase):
    def test_it_counts_the_last_hour_only_and_writes_one_event_an_hour(self) -> None:
        with time_machine.travel(START, tick=False) as traveller:
            fail(9)
            self.assertFalse(check_failure_ceiling())
            fail(1)
            self.assertTrue(check_failure_ceiling())
            self.assertTrue(check_failure_ceiling())
            self.assertEqual(AuditEvent.objects.filter(action=ALARM_EVENT).count(), 1)
            traveller.shift(dt.timedelta(minutes=61))
            fail(5)
            self.assertFalse(check_failure_ceiling())
            fail(5)
            self.assertTrue(check_failure_ceiling())
        events = AuditEvent.objects.filter(action=ALARM_EVENT).order_by("created_at")
        self.assertEqual([e.detail["failures_last_hour"] for e in events], [10, 10])
