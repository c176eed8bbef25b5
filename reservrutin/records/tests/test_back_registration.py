"""reassign, mark_done, mark_cannot_be_done (TES-05, TES-10, SOD-15, SP-11)."""

from __future__ import annotations

import datetime as dt
import inspect

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reservrutin.audit.models import AuditEvent
from reservrutin.lib import clock
from reservrutin.records import actions
from reservrutin.records.models import BackRegistration
from reservrutin.records.tests.helpers import NEXT_MORNING, RESOLVED, RecordsTestCase


class ReassignTests(RecordsTestCase):
    def test_it_hands_over_with_a_reason_and_keeps_history(self) -> None:
        """TES-10: someone who cannot back-register (day off) hands it to someone else."""
        backreg = self.capture().back_registration
        actions.reassign(backreg, to=self.maria, reason="Alice är ledig", by=self.alice)
        backreg.refresh_from_db()
        self.assertEqual(backreg.responsible, self.maria)
        history = backreg.reassignments.get()
        self.assertEqual((history.from_user, history.to_user), (self.alice, self.maria))
        self.assertEqual(history.reason, "Alice är ledig")
        self.assertTrue(AuditEvent.objects.filter(action="records.reassigned").exists())

    def test_it_requires_a_reason(self) -> None:
        backreg = self.capture().back_registration
        with self.assertRaises(ValidationError):
            actions.reassign(backreg, to=self.maria, reason=" ", by=self.alice)

    def test_it_lets_the_unit_manager_reassign(self) -> None:
        backreg = self.capture().back_registration
        actions.reassign(backreg, to=self.adam, reason="Sjuk", by=self.maria)
        backreg.refresh_from_db()
        self.assertEqual(backreg.responsible, self.adam)

    def test_it_refuses_outsiders_and_people_outside_the_organisation(self) -> None:
        backreg = self.capture().back_registration
        with self.assertRaises(PermissionDenied):
            actions.reassign(backreg, to=self.maria, reason="x", by=self.bob)
        with self.assertRaises(ValidationError):
            actions.reassign(backreg, to=self.bob, reason="x", by=self.alice)


class MarkDoneTests(RecordsTestCase):
    def test_it_sets_done_at_to_the_server_time(self) -> None:
        backreg = self.capture().back_registration
        later = NEXT_MORNING + dt.timedelta(hours=2)
        with time_machine.travel(later, tick=False):
            actions.mark_done(backreg, by=self.alice, external_ref="Cosmic 123")
        backreg.refresh_from_db()
        self.assertEqual(backreg.status, BackRegistration.Status.DONE)
        self.assertEqual(backreg.done_at, later)
        self.assertEqual(backreg.done_by, self.alice)
        self.assertEqual(backreg.external_ref, "Cosmic 123")

    def test_it_has_no_way_to_pass_a_done_time(self) -> None:
        """SP-11: back-dating is not allowed, so the action has no such parameter."""
        for action in (actions.mark_done, actions.mark_cannot_be_done, actions.reassign):
            params = inspect.signature(action).parameters
            self.assertFalse([p for p in params if p.endswith("_at")], action.__name__)
        backreg = self.capture().back_registration
        with self.assertRaises(TypeError):
            actions.mark_done(backreg, by=self.alice, done_at=RESOLVED)  # type: ignore[call-arg]

    def test_it_lets_another_person_of_the_unit_register(self) -> None:
        """TES-05: "or by another person if that is not possible"."""
        backreg = self.capture().back_registration
        actions.mark_done(backreg, by=self.maria)
        backreg.refresh_from_db()
        self.assertEqual(backreg.done_by, self.maria)

    def test_it_refuses_twice_and_outsiders(self) -> None:
        backreg = self.capture().back_registration
        with self.assertRaises(PermissionDenied):
            actions.mark_done(backreg, by=self.bob)
        actions.mark_done(backreg, by=self.alice)
        with self.assertRaises(ValidationError):
            actions.mark_done(backreg, by=self.alice)


class CannotBeDoneTests(RecordsTestCase):
    def test_it_needs_a_reason_and_keeps_it(self) -> None:
        backreg = self.capture().back_registration
        with self.assertRaises(ValidationError):
            actions.mark_cannot_be_done(backreg, reason="", by=self.alice)
        actions.mark_cannot_be_done(backreg, reason="Papperet är oläsligt", by=self.alice)
        backreg.refresh_from_db()
        self.assertEqual(backreg.status, BackRegistration.Status.CANNOT_BE_DONE)
        self.assertEqual(backreg.reason, "Papperet är oläsligt")
        self.assertIsNone(backreg.done_at)


class DueAtTests(RecordsTestCase):
    def test_it_is_the_end_of_the_day_after_the_resolution(self) -> None:
        """TES-10: back-registration "can be done the day after"."""
        backreg = self.capture().back_registration
        self.assertEqual(backreg.due_at, clock.at_local(dt.date(2026, 11, 20), dt.time(0)))

    def test_it_counts_from_the_entry_while_the_outage_lasts(self) -> None:
        self.outage.resolved_at = None
        due = actions.back_registration_due_at(self.outage, entered_at=NEXT_MORNING)
        self.assertEqual(due, clock.at_local(dt.date(2026, 11, 21), dt.time(0)))
