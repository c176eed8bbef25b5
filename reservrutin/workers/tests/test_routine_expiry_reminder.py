"""The ``remindroutineexpiry`` step: the owner of a routine in force is e-mailed once,
30 days before "Gäller t.o.m." (issue 13), through the outbox."""

from __future__ import annotations

import time_machine

from reservrutin.notifications.models import OutboxMessage
from reservrutin.registry.models import ContactPoint, Role, RoleAssignment
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.tests.test_routine_validity import ROUTINE
from reservrutin.test import BaseTestCase
from reservrutin.workers.loops import LOOPS
from reservrutin.workers.routine_expiry import remind_one


class RoutineExpiryReminderTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ContactPoint.objects.create(
            organisation=cls.org_a,
            key="servicedesk",
            name="Servicedesk",
            kind=ContactPoint.Kind.SERVICE_DESK,
        )
        role = Role.objects.create(organisation=cls.org_a, key="systemansvarig", name="SA")
        RoleAssignment.objects.create(role=role, user=cls.carl)
        text = ROUTINE.replace("version: ", "owner_role: systemansvarig\nversion: ")
        with time_machine.travel("2026-01-10 10:00 +0100", tick=False):
            version = import_routine(text, filename="a.yaml", by=cls.adam).version
            approve_version(version, by=cls.adam)

    def test_it_is_a_worker_loop(self) -> None:
        self.assertEqual(
            LOOPS["remindroutineexpiry"], "reservrutin.workers.routine_expiry.remind_one"
        )

    def test_it_reminds_the_owner_once_when_due(self) -> None:
        with time_machine.travel("2026-05-31 07:59 +0200", tick=False):
            self.assertFalse(remind_one())
        self.assertFalse(OutboxMessage.objects.exists())
        with time_machine.travel("2026-05-31 08:00 +0200", tick=False):
            self.assertTrue(remind_one())
            self.assertFalse(remind_one())
        message = OutboxMessage.objects.get(source="routines.expiry")
        self.assertEqual(message.recipient, self.carl.email)
        self.assertIn("gäller t.o.m. 2026-06-30", message.body)
